"""The course around the notebooks: ``deck`` the lectures' printed numbers beside the exact ones,
``plots`` the notebooks' matplotlib figures, ``site`` the notebooks as a static site (``safe_html``
its sanitizer, ``project`` where the project lives)."""
