"""Backpropagation in its shortest form: read this first.

``Graph.forward`` and ``Graph.backward`` compute the same numbers, and also record every step
for the stepper, note warnings, and stay fast on 100,000 nodes. Here is only the chain rule:

    values = forward(g.nodes)           # each gate from its inputs, in topological order
    grads = backward(g.nodes, values)   # each node's ∂f/∂node, from the output back

The tests hold the engine to these two functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .numbers import Value
from .ops import unbroadcast

if TYPE_CHECKING:
    from .node import Node


def forward(nodes: list[Node]) -> list[Value]:
    """Every node's value; ``nodes`` in topological order (each after its inputs), the output last."""
    values: list[Value] = []
    with np.errstate(all="ignore"):
        for node in nodes:
            if node.op is None:  # an input or a constant: its value is given
                values.append(node.value)
            else:
                values.append(node.op.forward(*(values[i.index] for i in node.inputs)))
    return values


def backward(nodes: list[Node], values: list[Value]) -> list[Value]:
    """Every node's gradient ∂f/∂node, where f is the output (the last node)."""
    grads: list[Value] = [0.0] * len(nodes)
    grads[-1] = np.ones_like(values[-1]) if isinstance(values[-1], np.ndarray) else 1.0  # ∂f/∂f = 1
    with np.errstate(all="ignore"):
        for node in reversed(nodes):  # a gate comes after every gate that uses it: its gradient is complete
            if node.op is None:
                continue
            args = tuple(values[i.index] for i in node.inputs)
            upstream, out = grads[node.index], values[node.index]
            if node.op.vjp is not None:  # a vector gate (matmul, sum) gives its downstream gradients itself
                downstream = node.op.vjp(upstream, args, out)
            else:  # the chain rule: downstream = upstream × local
                downstream = [upstream * local for local in node.op.local(args, out)]
            for inp, down, arg in zip(node.inputs, downstream, args, strict=True):
                grads[inp.index] = grads[inp.index] + unbroadcast(down, arg)  # branches add up
    return grads
