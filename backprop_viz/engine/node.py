"""A node of the computational graph: an input, a constant, or a gate with its inputs.

Made by :func:`~backprop_viz.engine.var.trace` from the Vars an expression was built of; its value
and gradient are filled in by the :class:`~backprop_viz.engine.graph.Graph`'s passes.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .numbers import Value, fmt
from .ops import Op

Kind = Literal["input", "const", "op"]


class Node:
    """One node of a Graph: an input, a constant, or a gate with its inputs."""

    __slots__ = ("index", "name", "gate_name", "op", "inputs", "value", "grad", "warning", "group", "kind", "uses")

    def __init__(
        self,
        index: int,
        name: str | None,
        op: Op | None,
        value: Value,
        kind: Kind,
        inputs: tuple[Node, ...],
        group: int | None,
    ) -> None:
        self.index = index
        self.name = name
        self.gate_name: str | None = None  # an unnamed gate's given name (mul1, add2), set by its Graph
        self.op = op
        self.inputs = inputs
        self.value = value
        self.grad: Value | None = None  # None: not computed yet (never a made-up 0)
        self.warning: str | None = None
        self.group = group  # index into Graph.groups, or None
        self.kind = kind
        self.uses = 0  # how many gate inputs this node feeds; its gradient is the sum of their shares

    @property
    def is_output(self) -> bool:
        return self.uses == 0  # every node of a graph feeds the output, but the output itself

    @property
    def id(self) -> str:
        """The node's id in drawings, ``n`` and its index: same expression, same ids, same drawing."""
        return f"n{self.index}"

    @property
    def label(self) -> str:
        """How explanations and tables name this node: its name, a gate's given name (``mul1``), a
        constant's number."""
        if self.name:
            return self.name
        if self.gate_name:
            return self.gate_name
        return fmt(self.value) if self.kind == "const" else self.id

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    def __repr__(self) -> str:
        return f"Node({self.id} {self.label}: value={fmt(self.value)}, grad={fmt(self.grad)})"
