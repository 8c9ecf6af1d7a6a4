"""What each step of a graph leaves on its diagram: which nodes and wires are known, current or still
ahead, and the numbers on them (a :class:`StepState` per frame).

State 0 is the inputs only; state ``k`` is the graph after ``k`` steps of ``g.steps``, with step
``k - 1`` (its node and wires) highlighted. Computed for all frames in one pass, so stepping costs
nothing. ``painter.py`` puts a state into the diagram's slots, ``words.py`` writes its words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..engine.graph import Graph
from ..engine.numbers import Value, fmt
from ..engine.steps import Contribution
from .layout import edges_of, value_width
from .wire import CURRENT, FUTURE, KNOWN, WARNING


@dataclass(frozen=True)
class StepState:
    """A graph after some steps: the state of every node and wire, and the numbers on them."""

    index: int
    step: object | None  # the step just taken (None for state 0)
    node_state: tuple[int, ...]
    edge_state: tuple[int, ...]  # by position in ``edges_of(g)``
    edge_value: tuple[str, ...]  # text above each wire ("" while unknown)
    edge_grad: tuple[str, ...]  # text below each wire ("" while unknown)
    edge_note: tuple[str, ...]  # the local gradient on the wires of the current backward step
    node_note: tuple[str, ...]  # outside label: a branching node's running total gradient
    node_value: tuple[str, ...]  # each node's value as known at this frame ("" while unknown)
    node_grad: tuple[str, ...]  # each node's gradient so far ("" while unknown)

    @property
    def phase(self) -> str:
        return "start" if self.step is None else self.step.phase

    @property
    def node(self):
        return None if self.step is None else self.step.node


def wire_text(v: Value, width: int) -> str:
    """A value as short as it must be to fit on a wire: numbers, small vectors (with 3 or 2 digits if 4 do not fit),
    else the shape."""
    text = fmt(v)
    if isinstance(v, np.ndarray) and len(text) > width:  # fewer digits before giving up the numbers
        text = next((t for t in (fmt(v, 3), fmt(v, 2)) if len(t) <= width), text)
    if isinstance(v, np.ndarray) and (v.size > 4 or len(text) > width):
        return f"{v.shape[0]}-vector" if v.ndim == 1 else "×".join(map(str, v.shape)) + " matrix"
    return text


def local_text(c: Contribution) -> str:
    """A wire's local derivative: its numbers if they fit, else in words with names ("exp(s)", "xᵀ")."""
    local = c.local
    if local is None:  # a vector gate: the array it multiplies the upstream by element by element, if any
        terms = c.gate.op.terms
        how, right = terms(c.position, tuple(i.value for i in c.gate.inputs))[1::2] if terms else ("", None)
        if how != "product" or right is None:
            return c.rule
        local = right
    text = wire_text(local, 12)
    return c.rule if c.rule and text.endswith(("-vector", " matrix")) else text


def step_states(g: Graph) -> list[StepState]:
    """Every step state of ``g``: state 0 before any step, then one per step."""
    return list(iter_step_states(g))


def iter_step_states(g: Graph) -> Iterator[StepState]:
    """The step states of ``g`` one by one (``next(iter_step_states(g))`` is state 0 alone).

    Each step changes a few nodes and wires, so the texts and states are kept up to
    date step by step, and each frame copies them: no number is formatted twice.
    """
    drawing = _Drawing(g)
    for index, (step, changed, values, grads) in enumerate(g.replay()):
        yield drawing.after(index, step, changed, values, grads)


class _Drawing:
    """The states and texts of every node and wire as they are after the steps so far."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.wires = wires = edges_of(g)
        self.out_of: dict[int, list[int]] = {}  # by node: the wires out of it
        self.into: dict[int | None, list[int]] = {}  # by gate (None: the output's sink): the wires into it
        for k, w in enumerate(wires):
            self.out_of.setdefault(w.src, []).append(k)
            self.into.setdefault(w.dst, []).append(k)
        self.value_text = [wire_text(n.value, value_width(n)) for n in g.nodes]  # a named one's name is drawn over it
        given = [n.op is None for n in g.nodes]  # inputs and constants: known from the start
        self.node_state = [self.known(n.index) if given[n.index] else FUTURE for n in g.nodes]
        self.node_value = [fmt(n.value) if given[n.index] else "" for n in g.nodes]
        self.node_grad = [""] * len(g.nodes)
        self.node_note = [""] * len(g.nodes)  # a branching node's running total gradient
        self.edge_state = [KNOWN if given[w.src] else FUTURE for w in wires]
        self.edge_value = [self.value_text[w.src] if given[w.src] else "" for w in wires]
        self.edge_grad = [""] * len(wires)
        self.no_notes = ("",) * len(wires)

    def known(self, i: int) -> int:
        return WARNING if self.g.nodes[i].warning else KNOWN

    def after(self, index: int, step, changed: tuple[int, ...], values: list, grads: list) -> StepState:
        """State ``index``: the drawing after ``step`` (None: before any), which changed the nodes ``changed``."""
        if step is None:
            return self.snapshot(index, None, None, set(), {})
        node = step.node
        local: dict[int, str] = {}
        if step.phase == "forward":
            self.node_state[node.index] = self.known(node.index)
            self.node_value[node.index] = fmt(values[node.index])
            for k in self.out_of.get(node.index, []):
                self.edge_state[k] = KNOWN
                self.edge_value[k] = self.value_text[node.index]
            active = set(self.into.get(node.index, [])) | set(self.out_of.get(node.index, []))
        elif step.is_seed:
            (k,) = self.into[None]
            self.edge_grad[k] = "∂ " + wire_text(step.upstream, value_width(node))
            active = {k}
        else:
            active = set(self.out_of.get(node.index, []))
            for c in step.contributions:
                k = next(k for k in self.into[node.index] if self.wires[k].position == c.position)
                self.edge_grad[k] = "∂ " + wire_text(c.downstream, value_width(c.input))
                local[k] = "local " + local_text(c)
                active.add(k)
        if step.phase == "backward":
            for i in changed:
                self.node_grad[i] = fmt(grads[i])
                if self.g.nodes[i].uses > 1:
                    self.node_note[i] = f"Σ∂ {wire_text(grads[i], 12)}"
        return self.snapshot(index, step, node.index, active, local)

    def snapshot(self, index: int, step, current: int | None, active: set[int], local: dict[int, str]) -> StepState:
        """A copy of the drawing as it is, with the ``current`` node and the ``active`` wires highlighted."""
        states = list(self.node_state)
        if current is not None:
            states[current] = CURRENT
        wire_states = list(self.edge_state)
        for k in active:
            wire_states[k] = CURRENT
        notes = self.no_notes
        if local:
            notes = tuple(local.get(k, "") for k in range(len(self.wires)))
        return StepState(
            index,
            step,
            tuple(states),
            tuple(wire_states),
            tuple(self.edge_value),
            tuple(self.edge_grad),
            notes,
            tuple(self.node_note),
            tuple(self.node_value),
            tuple(self.node_grad),
        )
