"""What each frame of a stepped graph shows: which nodes and wires are known, current or still ahead.

Frame 0 shows the inputs only; frame ``k`` shows the graph after ``k`` steps of
``g.steps``, with step ``k - 1`` (its node and wires) highlighted. Computed for
all frames in one pass, so stepping costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .graph import Graph
from .layout import edges_of, value_width
from .numbers import Value, fmt

FUTURE, KNOWN, CURRENT, WARNING = 0, 1, 2, 3  # node and wire states; a CURRENT wire is one the step uses


@dataclass(frozen=True)
class Frame:
    """One picture: the state of every node and wire, and the words on them."""

    index: int
    step: object | None  # the step just taken (None for frame 0)
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


def frames_of(g: Graph) -> list[Frame]:
    """Every frame of ``g``: frame 0 before any step, then one per step."""
    return list(iter_frames(g))


def iter_frames(g: Graph) -> Iterator[Frame]:
    """The frames of ``g`` one by one (``next(iter_frames(g))`` is frame 0 alone).

    Each step changes a few nodes and wires, so the texts and states are kept up to
    date step by step, and each frame copies them: no number is formatted twice.
    """
    wires = edges_of(g)
    out_of: dict[int, list[int]] = {}
    into: dict[int | None, list[int]] = {}
    for k, w in enumerate(wires):
        out_of.setdefault(w.src, []).append(k)
        into.setdefault(w.dst, []).append(k)
    value_text = [wire_text(n.value, value_width(n)) for n in g.nodes]  # a named one's name is drawn over it

    def known(i: int) -> int:
        return WARNING if g.nodes[i].warning else KNOWN

    # The state as it is after the steps so far; a frame is a copy with the current step marked.
    node_state = [known(n.index) if n.op is None else FUTURE for n in g.nodes]
    node_value = [fmt(n.value) if n.op is None else "" for n in g.nodes]
    node_grad = [""] * len(g.nodes)
    node_note = [""] * len(g.nodes)  # a branching node's running total gradient
    edge_state = [KNOWN if g.nodes[w.src].op is None else FUTURE for w in wires]
    edge_value = [value_text[w.src] if g.nodes[w.src].op is None else "" for w in wires]
    edge_grad = [""] * len(wires)
    no_notes = ("",) * len(wires)

    def add_to_total(i: int, total: Value) -> None:
        node_grad[i] = fmt(total)
        if g.nodes[i].uses > 1:
            node_note[i] = f"Σ∂ {wire_text(total, 12)}"

    def snapshot(index: int, step, current: int | None, active: set[int], local: dict[int, str]) -> Frame:
        states = list(node_state)
        if current is not None:
            states[current] = CURRENT
        wire_states = list(edge_state)
        for k in active:
            wire_states[k] = CURRENT
        notes = no_notes
        if local:
            notes = list(no_notes)
            for k, text in local.items():
                notes[k] = text
            notes = tuple(notes)
        return Frame(
            index,
            step,
            tuple(states),
            tuple(wire_states),
            tuple(edge_value),
            tuple(edge_grad),
            notes,
            tuple(node_note),
            tuple(node_value),
            tuple(node_grad),
        )

    yield snapshot(0, None, None, set(), {})
    for i, step in enumerate(g.steps, start=1):
        node = step.node
        local: dict[int, str] = {}
        if step.phase == "forward":
            node_state[node.index] = known(node.index)
            node_value[node.index] = fmt(node.value)
            for k in out_of.get(node.index, []):
                edge_state[k] = KNOWN
                edge_value[k] = value_text[node.index]
            active = set(into.get(node.index, [])) | set(out_of.get(node.index, []))
        elif step.is_seed:
            (k,) = into[None]
            edge_grad[k] = "∂ " + wire_text(step.upstream, value_width(node))
            add_to_total(node.index, step.upstream)
            active = {k}
        else:
            active = set(out_of.get(node.index, []))
            for c in step.contributions:
                k = next(k for k in into[node.index] if wires[k].position == c.position)
                edge_grad[k] = "∂ " + wire_text(c.downstream, value_width(c.input))
                local[k] = "local " + (wire_text(c.local, 12) if c.local is not None else c.rule)
                add_to_total(c.input.index, c.total)
                active.add(k)
        yield snapshot(i, step, node.index, active, local)
