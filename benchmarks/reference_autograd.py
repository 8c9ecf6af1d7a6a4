"""A minimal scalar autograd in the micrograd design: the baseline for the engine benchmark.

Each ``Value`` holds a float, its gradient, its inputs and a closure that pushes its
gradient to them; ``backward()`` orders the graph topologically and calls the
closures in reverse. It has the engine's scalar gates and nothing else: no recorded
steps, no names, no warnings, no arrays. The topological sort is iterative, so a
chain of 100,000 nodes does not hit Python's recursion limit.

Used only by ``benchmarks/run.py``; the project's engine is ``backprop_viz``.
"""

from __future__ import annotations

import math
from collections.abc import Callable


def _nothing() -> None:
    return None


class Value:
    """A scalar node: ``data``, ``grad``, the inputs it was computed from and how to push gradients to them."""

    __slots__ = ("data", "grad", "_prev", "_backward", "_op")

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._backward: Callable[[], None] = _nothing
        self._op = _op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    # -- binary gates ------------------------------------------------------------------------
    def __add__(self, other: Value | float) -> Value:
        other = _wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | float) -> Value:
        other = _wrap(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | float) -> Value:
        other = _wrap(other)
        out = Value(_div(self.data, other.data), (self, other), "/")

        def _backward() -> None:
            self.grad += _div(1.0, other.data) * out.grad
            other.grad += _div(-self.data, other.data * other.data) * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other: Value | float) -> Value:
        other = _wrap(other)
        a, b = self.data, other.data
        out = Value(a**b, (self, other), "^")

        def _backward() -> None:
            self.grad += b * a ** (b - 1) * out.grad
            other.grad += (out.data * math.log(a) if a > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def maximum(self, other: Value | float) -> Value:
        other = _wrap(other)
        first = self.data >= other.data
        out = Value(self.data if first else other.data, (self, other), "max")

        def _backward() -> None:
            (self if first else other).grad += out.grad

        out._backward = _backward
        return out

    def minimum(self, other: Value | float) -> Value:
        other = _wrap(other)
        first = self.data <= other.data
        out = Value(self.data if first else other.data, (self, other), "min")

        def _backward() -> None:
            (self if first else other).grad += out.grad

        out._backward = _backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: float) -> Value:
        return _wrap(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _wrap(other) / self

    # -- unary gates: each with its local derivative ------------------------------------------
    def _unary(self, value: float, local: float, op: str) -> Value:
        out = Value(value, (self,), op)

        def _backward() -> None:
            self.grad += local * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        return self._unary(-self.data, -1.0, "neg")

    def __abs__(self) -> Value:
        x = self.data
        return self._unary(abs(x), (x > 0) - (x < 0), "abs")

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        return self._unary(math.log(self.data), _div(1.0, self.data), "log")

    def sqrt(self) -> Value:
        r = math.sqrt(self.data)
        return self._unary(r, _div(0.5, r), "sqrt")

    def recip(self) -> Value:
        x = self.data
        return self._unary(_div(1.0, x), _div(-1.0, x * x), "recip")

    def sigmoid(self) -> Value:
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return self._unary(s, (1.0 - s) * s, "sigmoid")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def relu(self) -> Value:
        x = self.data
        return self._unary(x if x > 0 else 0.0, 1.0 if x > 0 else 0.0, "relu")

    def hardtanh(self) -> Value:
        x = self.data
        return self._unary(min(1.0, max(-1.0, x)), 1.0 if -1 < x < 1 else 0.0, "hardtanh")

    def softsign(self) -> Value:
        x = self.data
        return self._unary(x / (1.0 + abs(x)), 1.0 / (1.0 + abs(x)) ** 2, "softsign")

    # -- the backward pass ----------------------------------------------------------------------
    def backward(self) -> None:
        """Gradients of this value with respect to every value it depends on."""
        order = topological_order(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, inputs before the gates that use them (iterative depth-first)."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        for child in v._prev:
            if id(child) not in seen:
                stack.append((child, False))
    return order


def _wrap(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _div(a: float, b: float) -> float:
    if b == 0.0:
        return math.copysign(math.inf, a) if a != 0 else math.nan
    return a / b
