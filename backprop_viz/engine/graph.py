"""The computational graph: nodes in topological order, forward and backward passes, steps.

``trace(output_var)`` (:mod:`backprop_viz.engine.var`) or ``expr("...")`` builds a :class:`Graph`. It evaluates
forward, then backward, recording every step (see :mod:`backprop_viz.engine.steps`).
``graph.set(x=1.0)`` runs both passes again with new inputs. Node order and ids
are deterministic: a depth-first walk from the output, inputs in argument order.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

import numpy as np

from . import ops
from .errors import ExpressionError, GraphTooLarge
from .names import check_distinct, check_name, gate_names
from .node import Node
from .numbers import Value, as_value, fmt, is_finite
from .ops import Op
from .steps import BackwardStep, Contribution, ForwardStep, Step

# What a stepper or a drawing may hold, counted as frames × (nodes + wires): every frame is drawn in
# advance and kept. The 4-6-5-1 network's 262 frames of 454 nodes and wires make 119,000 (59 MB of
# HTML, 1.7 s, 580 MB of memory); a 600-line chain would make 1,440,000 (650 MB of HTML, 4.5 GB).
MAX_SHOWN = 150_000

# check_gradients evaluates the graph twice per input element. Its cost is counted in gates evaluated
# once (about 1.3 microseconds each), 500 array elements counting as one more: at most about 3 s.
MAX_CHECK_COST = 2_300_000
CHECK_ELEMENTS_PER_UNIT = 500
CHECK_UNIT_SECONDS = 1.3e-6


@dataclass(frozen=True)
class GradientCheck:
    """Analytic against numerical (central difference) gradients, one row per input element."""

    rows: list[tuple[str, float, float, float]]  # (input, analytic, numerical, relative error)
    worst: float
    h: float

    def ok(self, tolerance: float = 1e-4) -> bool:
        return self.worst <= tolerance

    def __str__(self) -> str:
        lines = [f"{'input':<10} {'analytic':>12} {'numerical':>12} {'rel. error':>11}"]
        # + 0.0 turns a central difference's -0.0 into 0: a student reads "0", never "-0"
        lines += [f"{n:<10} {a + 0.0:>12.6g} {m + 0.0:>12.6g} {e:>11.2e}" for n, a, m, e in self.rows]
        lines.append(f"worst relative error {self.worst:.2e} (central difference, h={self.h:g})")
        return "\n".join(lines)

    _repr_pretty_ = lambda self, p, cycle: p.text(str(self))


class Graph:
    """A computational graph with its recorded forward and backward steps."""

    def __init__(self, nodes: list[Node], groups: list[str], output_label: str = "f") -> None:
        """``nodes`` in topological order, the output last (as :func:`~backprop_viz.engine.var.trace` makes
        them); ``groups`` the labels of the boxes their ``group`` indices point into."""
        check_name(output_label, "the output's label")
        self.groups = [check_name(label, "a group's label") for label in groups]
        self.nodes = nodes
        self.output = self.nodes[-1]
        self.output_label = self.output.name or output_label
        self._by_name: dict[str, Node] = {}
        for node in self.nodes:
            if node.name is None:
                continue
            check_name(node.name, "a node's name")  # also a name set on a Var's attribute directly
            if node.name in self._by_name:
                raise ExpressionError(f"two different nodes are named {node.name!r}; names must be unique")
            self._by_name[node.name] = node
        if self.output.name is None:
            other = self._by_name.get(self.output_label)
            if other is not None:
                what = {"input": "input", "op": "intermediate node", "const": "constant"}[other.kind]
                raise ExpressionError(
                    f"the output is called {self.output_label!r}, and so is an {what} of the graph: one name "
                    f"for two things. Rename the {what}, or call the output otherwise (output=... or "
                    "output_label=...)"
                )
            self._by_name[self.output_label] = self.output  # the "f" the explanations speak of
            self.output.gate_name = self.output_label
        check_distinct([*self._by_name, *self.groups])
        self._by_gate_name = self._name_gates()
        self.inputs = [n for n in self.nodes if n.kind == "input"]
        self._steps: list[Step] | None = None
        self._records: list[tuple | None] = []  # by node index: what the backward pass did at each gate
        self.version = 0  # counts the forward passes, so that a view of this graph can tell it is stale
        self.forward()
        self.backward()

    def _name_gates(self) -> dict[str, Node]:
        """Give every unnamed gate a short unique name (``mul1``, ``add2``): its label in every text."""
        unnamed = [n for n in self.nodes if n.op is not None and n.name is None and n.gate_name is None]
        names = gate_names([n.op.short_name for n in unnamed], set(self._by_name))
        for node, name in zip(unnamed, names, strict=True):
            node.gate_name = name
        return dict(zip(names, unnamed, strict=True))

    # -- reading -------------------------------------------------------------------------
    @property
    def value(self) -> Value:
        """The output's value."""
        return self.output.value

    def node(self, name: str) -> Node:
        """The node of this name, or of this given gate name (``mul1``, as tables and explanations say)."""
        try:
            return self._by_name[name] if name in self._by_name else self._by_gate_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise KeyError(f"no node named {name!r}; named nodes: {known}") from None

    def grad(self, name: str) -> Value:
        """d(output)/d(name), computed by the backward pass."""
        grad = self.node(name).grad
        if grad is None:
            raise RuntimeError("the backward pass has not run yet; call graph.backward()")
        return grad

    def grads(self) -> dict[str, Value]:
        """Name to gradient for every named node, in graph order."""
        return {name: node.grad for name, node in self._by_name.items()}

    def values(self) -> dict[str, Value]:
        """Name to value for every named node, in graph order."""
        return {name: node.value for name, node in self._by_name.items()}

    @property
    def forward_steps(self) -> list[ForwardStep]:
        return [s for s in self.steps if s.phase == "forward"]

    @property
    def backward_steps(self) -> list[BackwardStep]:
        return [s for s in self.steps if s.phase == "backward"]

    @property
    def warnings(self) -> list[str]:
        return [f"{n.label}: {n.warning}" for n in self.nodes if n.warning]

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        named = ", ".join(f"{k}={fmt(v)}" for k, v in self.values().items())
        return f"<Graph: {len(self.nodes)} nodes, {len(self.steps)} steps, {named}>"

    @property
    def step_count(self) -> int:
        """How many steps ``steps`` holds, without making them: each gate forward and backward, and the seed."""
        return 2 * sum(1 for n in self.nodes if n.op is not None) + 1

    @property
    def frame_count(self) -> int:
        """How many frames a stepper of this graph has: one before any step, then one per step."""
        return self.step_count + 1

    @property
    def shown_size(self) -> int:
        """What a stepper of this graph holds: frames × (nodes + wires)."""
        wires = sum(len(n.inputs) for n in self.nodes) + 1  # + 1: the output wire
        return self.frame_count * (len(self.nodes) + wires)

    def check_showable(self) -> None:
        """GraphTooLarge unless a stepper or a drawing can hold every frame of this graph."""
        size = self.shown_size
        if size > MAX_SHOWN:
            frames, things = self.frame_count, size // self.frame_count
            raise GraphTooLarge(
                f"this graph is too large to step through or draw: {frames:,} frames of {things:,} nodes and wires "
                f"each, {size:,} in all, where a stepper holds at most {MAX_SHOWN:,} (a 4-6-5-1 network holds "
                "119,000). Step through a smaller part (fewer terms, layers or lines); values and gradients "
                "(g.value, g.grads()) work at any size."
            )

    # -- computing -----------------------------------------------------------------------
    def set(self, **values: object) -> Graph:
        """New input values; forward and backward run again (steps are re-recorded)."""
        new = {name: self._checked_input(name, v) for name, v in values.items()}
        for name, v in new.items():
            self._by_name[name].value = v
        self.forward()
        self.backward()
        return self

    def forward(self) -> None:
        """Evaluate every gate in topological order (one forward step each)."""
        self._steps = None
        self._records = []
        self.version += 1
        with np.errstate(all="ignore"):
            for node in self.nodes:
                node.grad = None
                node.warning = None
                op = node.op
                if op is None:
                    continue
                args = [i.value for i in node.inputs]
                node.value = op.forward(*args)
                if not is_finite(node.value):
                    node.warning = _domain_warning(op, args, node.value)

    def backward(self) -> None:
        """Gradients from the output back to every node, one step per gate (never accumulated twice).

        For each gate it records the local derivatives and downstream gradients; the
        step objects are made from these records when ``steps`` is first read.
        """
        self._steps = None
        records: list[tuple | None] = [None] * len(self.nodes)
        for node in self.nodes:
            node.grad = None
        self.output.grad = _seed(self.output.value)  # ∂f/∂f = 1
        with np.errstate(all="ignore"):
            for node in reversed(self.nodes):  # each gate after every gate that uses it: its gradient is complete
                if node.op is None:
                    continue
                locals_, downs = ops.backward(node.op, node.grad, [i.value for i in node.inputs], node.value)
                warning = None if locals_ is None else _derivative_warning(node, locals_)
                if node.warning is None:
                    node.warning = warning
                for inp, down in zip(node.inputs, downs):  # noqa: B905 (same length by construction; strict costs 10 %)
                    inp.grad = down if inp.grad is None else inp.grad + down  # at a branch the gradients add
                records[node.index] = (locals_, downs, warning)  # the upstream is node.grad
        self._records = records

    @property
    def steps(self) -> list[Step]:
        """The forward steps in topological order, then the backward steps (seed first)."""
        if self._steps is None:
            with gc_paused():
                self._steps = self._make_steps()
        return self._steps

    def _make_steps(self) -> list[Step]:
        steps: list[Step] = []
        for node in self.nodes:
            if node.op is not None:
                warning = None if is_finite(node.value) else node.warning  # not the backward pass's warning
                steps.append(ForwardStep(len(steps), node, tuple([i.value for i in node.inputs]), node.value, warning))
        records = self._records
        if not records and self.output.op is not None:
            return steps  # forward only so far
        label = self.output_label
        steps.append(BackwardStep(len(steps), self.output, _seed(self.output.value), (), label))
        running: list[Value | None] = [None] * len(self.nodes)  # each node's gradient so far
        for node in reversed(self.nodes):
            record = records[node.index]
            if record is None:
                continue
            locals_, downs, warning = record
            upstream = node.grad
            contributions = []
            for k, (inp, down) in enumerate(zip(node.inputs, downs, strict=True)):
                before = running[inp.index]
                total = running[inp.index] = down if before is None else before + down
                local = None if locals_ is None else locals_[k]
                contributions.append(Contribution(node, inp, k, local, down, before, total))
            steps.append(BackwardStep(len(steps), node, upstream, tuple(contributions), label, warning or node.warning))
        return steps

    def state_at(self, step: int) -> tuple[list[Value | None], list[Value | None]]:
        """Each node's value and gradient as known after ``step`` (-1: before the first step).

        None means "not computed yet". Inputs and constants are known from the start.
        """
        if step >= -1:
            for _step, _changed, values, grads in islice(self.replay(), step + 1, None):
                return list(values), list(grads)
        raise IndexError(f"step {step} is out of range: this graph has steps -1 to {len(self.steps) - 1}")

    def replay(self) -> Iterator[tuple[Step | None, tuple[int, ...], list[Value | None], list[Value | None]]]:
        """The steps one by one, each with the nodes it changed and every node's value and gradient after it.

        First (None, (), ...): what is known before any step, the inputs and constants. The two
        lists are updated in place from one step to the next: copy them to keep them.
        """
        values: list[Value | None] = [None if n.op else n.value for n in self.nodes]
        grads: list[Value | None] = [None] * len(self.nodes)
        yield None, (), values, grads
        for step in self.steps:
            if step.phase == "forward":
                values[step.node.index] = step.value
                changed: tuple[int, ...] = (step.node.index,)
            elif step.is_seed:
                grads[step.node.index] = step.upstream
                changed = (step.node.index,)
            else:
                for c in step.contributions:
                    grads[c.input.index] = c.total
                changed = tuple(c.input.index for c in step.contributions)
            yield step, changed, values, grads

    # -- checking ------------------------------------------------------------------------
    def evaluate(self, **values: object) -> Value:
        """The output for other input values, without touching this graph's state or steps."""
        return self._evaluate_at(
            {self._by_name[name].index: self._checked_input(name, v) for name, v in values.items()}
        )

    def _evaluate_at(self, values: dict[int, Value], gates: list[Node] | None = None) -> Value:
        """The output with the nodes of these indices set to these values (``gates``: only those, in order,
        are evaluated again: the gates that depend on them; default every gate)."""
        current = [n.value for n in self.nodes]
        for i, v in values.items():
            current[i] = v
        with np.errstate(all="ignore"):
            for n in self.nodes if gates is None else gates:
                if n.op is not None:
                    current[n.index] = n.op.forward(*(current[i.index] for i in n.inputs))
        return current[-1]

    def _downstream_gates(self) -> dict[int, list[Node]]:
        """For each input, the gates whose value depends on it, in order: all that a change of it changes."""
        users: list[list[Node]] = [[] for _ in self.nodes]
        for n in self.nodes:
            for i in n.inputs:
                users[i.index].append(n)
        cones = {}
        for node in self.inputs:
            seen, stack = {node.index}, [node]
            while stack:
                for user in users[stack.pop().index]:
                    if user.index not in seen:
                        seen.add(user.index)
                        stack.append(user)
            cones[node.index] = [self.nodes[k] for k in sorted(seen) if self.nodes[k].op is not None]
        return cones

    def check_gradients(self, h: float = 1e-5) -> GradientCheck:
        """Compare every input's analytic gradient with a central finite difference.

        Each input element costs two evaluations of the whole graph: a graph whose check would
        take more than a few seconds is refused at once (GraphTooLarge). A nan anywhere fails.
        """
        if not isinstance(self.value, float):
            raise ValueError("gradient checking needs a scalar output")
        if isinstance(h, bool) or not isinstance(h, int | float | np.integer | np.floating) or not 0 < h < math.inf:
            raise ValueError(
                f"h is the step of the central difference and must be a positive number like 1e-5, not {h!r}"
            )
        h = float(h)
        self._check_check_cost()
        rows = []
        cones = self._downstream_gates()  # a change of one input re-evaluates only the gates after it
        for node in self.inputs:  # named or not: an unnamed Var is an input too
            base, name, cone = node.value, node.label, cones[node.index]
            flat = np.atleast_1d(np.asarray(base, dtype=float)).ravel()
            grad = np.atleast_1d(np.asarray(node.grad, dtype=float)).ravel()
            for k in range(flat.size):
                numerical = (
                    self._evaluate_at({node.index: _shifted(base, flat, k, h)}, cone)
                    - self._evaluate_at({node.index: _shifted(base, flat, k, -h)}, cone)
                ) / (2 * h)
                analytic = float(grad[k])
                error = abs(analytic - numerical) / max(abs(analytic), abs(numerical), 1e-8)
                label = name if flat.size == 1 else f"{name}[{k}]"
                rows.append((label, analytic, numerical, error))
        errors = [r[3] for r in rows]
        worst = math.nan if any(e != e for e in errors) else max(errors, default=0.0)  # max() would skip a nan
        return GradientCheck(rows, worst, h)

    def _check_check_cost(self) -> None:
        """GraphTooLarge if checking every input element would take more than a few seconds."""
        elements = sum(int(np.size(n.value)) for n in self.inputs)
        gates = [n for n in self.nodes if n.op is not None]
        per_evaluation = len(gates) + (elements + sum(int(np.size(n.value)) for n in gates)) / CHECK_ELEMENTS_PER_UNIT
        cost = 2 * elements * per_evaluation
        if cost > MAX_CHECK_COST:
            seconds, limit = cost * CHECK_UNIT_SECONDS, MAX_CHECK_COST * CHECK_UNIT_SECONDS
            raise GraphTooLarge(
                f"checking the gradients of this graph means {2 * elements:,} evaluations of its {len(gates):,} "
                f"gates (about {seconds:,.0f} s), more than the {limit:.0f} s a check may take. Check a smaller "
                "example of the same expression (fewer or shorter inputs)."
            )

    def _checked_input(self, name: str, value: object) -> Value:
        node = self._by_name.get(name)
        if node is None or node.kind != "input":
            known = ", ".join(n.name for n in self.inputs if n.name) or "none"
            raise ExpressionError(f"{name!r} is not an input of this graph; inputs: {known}")
        try:
            v = as_value(value, f"input {name!r}")
        except (TypeError, ValueError) as e:
            raise ExpressionError(str(e)) from None
        if np.shape(v) != np.shape(node.value):
            raise ExpressionError(f"input {name!r} must have shape {np.shape(node.value)}, got {np.shape(v)}")
        return v


def _shifted(base: Value, flat: np.ndarray, k: int, delta: float) -> Value:
    """``base`` with its ``k``-th element moved by ``delta``."""
    x = flat.copy()
    x[k] += delta
    return float(x[0]) if isinstance(base, float) else x.reshape(np.shape(base))


def _domain_warning(op: Op, args: list[Value], value: Value) -> str:
    """Why a gate's result is inf or nan, in words, for the step and the drawing."""
    if all(is_finite(a) for a in args):
        why = (
            " (too large for a float: overflow)"
            if _overflowed(op, args, value)
            else f" ({op.domain})"
            if op.domain
            else ""
        )
        return f"{op.symbol} of {', '.join(fmt(a) for a in args)} is {fmt(value)}{why}"
    return f"an input is already {', '.join(fmt(a) for a in args if not is_finite(a))}"


def _overflowed(op: Op, args: list[Value], value: Value) -> bool:
    """Whether an inf from finite inputs is an overflow (the true result is just too large), not the
    gate's domain (a zero divisor, a zero or negative base): the gate's ``in_domain`` says."""
    if np.any(np.isnan(value)):
        return False
    if op.domain is None:  # +, -, *, sums, ...: only overflow makes inf from finite numbers
        return True
    return op.in_domain is not None and op.in_domain(tuple(args))


def _seed(output: Value) -> Value:
    """∂f/∂f: 1, for each element of an array output."""
    return 1.0 if isinstance(output, float) else np.ones_like(output)


def _derivative_warning(node: Node, locals_: tuple) -> str | None:
    """Why a gate with a finite value sends inf or nan back: each local derivative that is not finite."""
    # Speed, measured (benchmarks figure 4): this runs for every gate, and ``all(is_finite(v) ...)``
    # made the backward pass of 100,000 nodes 20 to 50 % slower. The common case, every local derivative
    # a finite float, is decided here without a call: x - x == 0 fails only for inf and nan.
    for v in locals_:
        if not (type(v) is float and v - v == 0):
            break
    else:
        return None
    if not is_finite(node.value):
        return None
    bad = [
        f"the local derivative into {inp.label} is {fmt(local)}"
        for inp, local in zip(node.inputs, locals_, strict=True)
        if not is_finite(local)
    ]
    return "; ".join(bad) or None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a graph or its steps are made.

    They make many objects and no reference cycles; with 100,000 nodes the collector,
    walking every object again and again, took half the time of ``trace`` and ``steps``.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
