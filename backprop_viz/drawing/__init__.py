"""The drawing: from a graph and its steps to what each frame of a stepper shows.

``layout`` places everything once (Graphviz ``dot``); ``draw`` writes the diagram's DOT text and
paints it; ``skeleton`` turns the diagram into what the browser fills in; ``frames`` says what each
frame shows (states, texts on the wires); ``frame_html`` its words (title, explanation, table);
``wire`` the protocol the browser reads; ``network_frames`` and ``network_draw`` the same for a
neuron-level network view; ``pictures`` frames as SVG, PNG, GIF and PDF files. No widget library.
"""
