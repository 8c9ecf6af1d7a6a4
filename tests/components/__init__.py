"""The player's parts in a real browser, without Jupyter."""
