"""The engine: graphs, their forward and backward passes, and every step recorded with its words.

``ops`` the gates; ``var`` building a graph with Python operators (``trace``); ``parser`` expression
strings, read with ``ast``; ``node`` and ``graph`` the graph and its passes; ``steps`` the recorded
steps; ``notation`` how their math is written; ``numbers`` coercing and printing values; ``names`` and
``errors`` what a student may type and what they are told; ``networks`` small sigmoid networks;
``reference`` the backward pass in forty lines, to read first. Only numpy and the standard library.
"""
