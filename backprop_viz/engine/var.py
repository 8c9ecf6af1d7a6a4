"""``Var``: build a computational graph by writing ordinary Python (micrograd style).

    x, y, z = Var(-2.0, name="x"), Var(5.0, name="y"), Var(-4.0, name="z")
    f = ((x + y).named("q") * z).named("f")
    graph = trace(f)

Each operation computes its value at once and remembers its gate and inputs;
``trace`` turns the result into a :class:`~backprop_viz.engine.graph.Graph`.
"""

from __future__ import annotations

import numpy as np

from . import ops
from .graph import Graph, gc_paused
from .names import check_name
from .node import Node
from .numbers import Value, as_value, fmt
from .ops import Op


class Group:
    """Gates drawn together as one box, e.g. the four gates of an expanded sigmoid."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = check_name(label, "a group's label")


class Var:
    """A node of the graph: an input (no gate), a constant, or the output of a gate."""

    __slots__ = ("value", "grad", "op", "args", "name", "group", "const")
    # numpy must not treat a Var as an object to loop over: `W @ x` and `W * x` with a numpy W
    # and a Var x then call Var's own __rmatmul__ / __rmul__ and give one Var, as `x * W` does.
    __array_ufunc__ = None

    def __init__(self, value: object, name: str | None = None, *, const: bool = False) -> None:
        if name is not None:
            check_name(name, "a Var's name")
        self.value: Value = as_value(value, f"the value of {name or 'a Var'}")
        self.grad: Value | None = None
        self.op: Op | None = None
        self.args: tuple[Var, ...] = ()
        self.name = name
        self.group: Group | None = None
        self.const = const

    @classmethod
    def apply(cls, op: Op, *args: Var, group: Group | None = None) -> Var:
        """The output of gate ``op`` on ``args``, evaluated now."""
        out = cls.__new__(cls)
        too_large = ops.size_error(op, tuple(a.value for a in args))
        if too_large is not None:
            raise too_large
        try:
            out.value = op.forward(*(a.value for a in args))
        except ValueError:
            error = ops.shape_error(op, tuple(a.value for a in args))
            if error is None:
                raise
            raise error from None
        out.grad, out.op, out.args, out.name, out.group, out.const = None, op, args, None, group, False
        return out

    def named(self, name: str) -> Var:
        """Give this node a name (shown in drawings, used by ``graph.grad(name)``)."""
        self.name = check_name(name, "the name given to .named()")
        return self

    def __repr__(self) -> str:
        label = self.name or (self.op.symbol if self.op else "const" if self.const else "input")
        return f"Var({label}={fmt(self.value)}, grad={fmt(self.grad)})"

    # -- arithmetic; a plain number folds into the gate, as the decks draw "+1" or "*-1" --
    def __add__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.add_const(float(other)), self)
        return Var.apply(ops.ADD, self, _wrap(other))

    def __radd__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.add_const(float(other)), self)
        return Var.apply(ops.ADD, _wrap(other), self)

    def __sub__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.add_const(-float(other)), self)
        return Var.apply(ops.SUB, self, _wrap(other))

    def __rsub__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.const_sub(float(other)), self)
        return Var.apply(ops.SUB, _wrap(other), self)

    def __mul__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.mul_const(float(other)), self)
        return Var.apply(ops.MUL, self, _wrap(other))

    def __rmul__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.mul_const(float(other)), self)
        return Var.apply(ops.MUL, _wrap(other), self)

    def __truediv__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.div_const(float(other)), self)
        return Var.apply(ops.DIV, self, _wrap(other))

    def __rtruediv__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.const_div(float(other)), self)
        return Var.apply(ops.DIV, _wrap(other), self)

    def __pow__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.pow_const(float(other)), self)
        return Var.apply(ops.POW, self, _wrap(other))

    def __rpow__(self, other: object) -> Var:
        if _is_number(other):
            return Var.apply(ops.const_pow(float(other)), self)
        return Var.apply(ops.POW, _wrap(other), self)

    def __matmul__(self, other: object) -> Var:
        return Var.apply(ops.MATMUL, self, _wrap(other))

    def __rmatmul__(self, other: object) -> Var:
        return Var.apply(ops.MATMUL, _wrap(other), self)

    def __neg__(self) -> Var:
        return Var.apply(ops.NEG, self)

    def __abs__(self) -> Var:
        return Var.apply(ops.ABS, self)

    # -- functions -----------------------------------------------------------------------
    def exp(self) -> Var:
        return Var.apply(ops.EXP, self)

    def log(self) -> Var:
        return Var.apply(ops.LOG, self)

    def sqrt(self) -> Var:
        return Var.apply(ops.SQRT, self)

    def recip(self) -> Var:
        return Var.apply(ops.RECIP, self)

    def tanh(self) -> Var:
        return Var.apply(ops.TANH, self)

    def relu(self) -> Var:
        return Var.apply(ops.RELU, self)

    def hardtanh(self) -> Var:
        return Var.apply(ops.HARDTANH, self)

    def softsign(self) -> Var:
        return Var.apply(ops.SOFTSIGN, self)

    def sum(self) -> Var:
        return Var.apply(ops.SUM, self)

    def sumsq(self) -> Var:
        return Var.apply(ops.SUMSQ, self)

    def sigmoid(self, expand: bool = False) -> Var:
        """σ as one gate, or (``expand=True``) as the four gates *-1, exp, +1, 1/x in one box."""
        if not expand:
            return Var.apply(ops.SIGMOID, self)
        group, out = Group("σ"), self
        for op in ops.SIGMOID_EXPANSION:
            out = Var.apply(op, out, group=group)
        return out

    def backward(self) -> None:
        """Fill ``.grad`` of every Var this one depends on (micrograd's ``backward``)."""
        order = _topological_order(self)
        g = _graph_of(order, "f")
        for var, node in zip(order, g.nodes, strict=True):
            var.value, var.grad = node.value, node.grad


def _is_number(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _wrap(x: object) -> Var:
    """A Var as it is; an array or number becomes a constant node."""
    return x if isinstance(x, Var) else Var(x, const=True)


def apply(op: Op, *args: object) -> Var:
    """Apply gate ``op`` to Vars or plain values (plain values become constants)."""
    return Var.apply(op, *(_wrap(a) for a in args))


def maximum(a: object, b: object) -> Var:
    """max(a, b): the gradient router. On a tie the first input gets the gradient."""
    return apply(ops.MAX, a, b)


def minimum(a: object, b: object) -> Var:
    """min(a, b). On a tie the first input gets the gradient."""
    return apply(ops.MIN, a, b)


def variables(**values: object) -> tuple[Var, ...]:
    """Several named inputs at once: ``x, y = variables(x=-2, y=5)``."""
    return tuple(Var(v, name=k) for k, v in values.items())


def trace(output: Var, output_label: str = "f") -> Graph:
    """The Graph of everything ``output`` was computed from."""
    if not isinstance(output, Var):
        raise TypeError(f"trace needs a Var, got {type(output).__name__}")
    return _graph_of(_topological_order(output), output_label)


def _graph_of(order: list[Var], output_label: str) -> Graph:
    """The Graph of Vars in topological order: one Node per Var, boxes numbered as first met."""
    with gc_paused():
        node_of: dict[Var, Node] = {}  # a Var hashes by identity: it defines no __eq__
        box_of: dict[int, int] = {}
        groups: list[str] = []
        for v in order:
            box = None
            if v.group is not None:
                if id(v.group) not in box_of:
                    box_of[id(v.group)] = len(groups)
                    groups.append(v.group.label)
                box = box_of[id(v.group)]
            kind = "op" if v.op else "const" if v.const else "input"
            inputs = tuple([node_of[a] for a in v.args])
            node_of[v] = Node(len(node_of), v.name, v.op, v.value, kind, inputs, box)
            for a in inputs:
                a.uses += 1
        return Graph(list(node_of.values()), groups, output_label)


def _topological_order(output: Var) -> list[Var]:
    """Depth-first post-order from the output, inputs in argument order; iterative."""
    order: list[Var] = []
    seen: set[Var] = set()  # by identity: Var defines no __eq__
    stack: list[tuple[Var, bool]] = [(output, False)]
    while stack:
        var, expanded = stack.pop()
        if expanded:
            order.append(var)
            continue
        if var in seen:
            continue
        seen.add(var)
        stack.append((var, True))
        for arg in reversed(var.args):
            if arg not in seen:
                stack.append((arg, False))
    return order
