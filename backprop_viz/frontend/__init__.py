"""The front end: the widgets in the notebook and their side in the browser (``static/``).

``player`` the widget both viewers are (``stepper`` for a graph, ``network_view`` for a network);
``quiz`` exercises (``quiz_rules`` what they ask and hint, ``answers`` how a typed answer is judged,
the same rules as predict mode's ``static/player/answers.js``); ``picture`` ``bv.render``;
``browser_graphviz`` where Graphviz runs (the kernel's ``dot`` or the browser's); ``assets`` the
static files packed into each widget; ``page`` a stepper as a standalone page; ``notebook`` and
``small_png`` what importing the package does in a kernel.
"""
