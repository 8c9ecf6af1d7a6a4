"""The drawing: from a graph and its steps to what each frame of a stepper shows, in stages.

``wire`` the protocol the browser reads; ``layout`` places everything once (Graphviz ``dot``);
``theme`` colours by state; ``diagram`` the graph as DOT text; ``skeleton`` and ``template`` the
diagram drawn once with tokens, as the browser keeps it; ``step_states`` what each step leaves on it,
``painter`` that put into the template's slots, ``painted`` the same in real colours (``bv.render``,
``pictures``: SVG, PNG, GIF, PDF files); ``words`` a frame's title, explanation and table;
``network_states``, ``network_draw``, ``network_words`` the same for a neuron-level network view;
``frame`` the one :class:`~backprop_viz.drawing.frame.Frame` the front end reads. Each stage imports
only the ones before it (``tests/test_layering.py``). No widget library.
"""
