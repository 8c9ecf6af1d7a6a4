"""What each frame of a stepped graph shows: which nodes and wires are known, current or still ahead.

Frame 0 shows the inputs only; frame ``k`` shows the graph after ``k`` steps of
``g.steps``, with step ``k - 1`` (its node and wires) highlighted. Computed for
all frames in one pass, so stepping costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import Graph
from .layout import edges_of, fan_out, value_width
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
    """A value as short as it must be to fit on a wire: numbers, small vectors, else the shape."""
    text = fmt(v).replace("\n", "")
    if isinstance(v, np.ndarray) and (v.size > 4 or len(text) > width):
        return f"{v.shape[0]}-vector" if v.ndim == 1 else "×".join(map(str, v.shape)) + " matrix"
    return text


def frames_of(g: Graph) -> list[Frame]:
    """Every frame of ``g``: frame 0 before any step, then one per step."""
    wires = edges_of(g)
    fans = fan_out(g)
    out_of: dict[int, list[int]] = {}
    into: dict[int | None, list[int]] = {}
    for k, w in enumerate(wires):
        out_of.setdefault(w.src, []).append(k)
        into.setdefault(w.dst, []).append(k)
    value_text = [wire_text(n.value, value_width(n)) for n in g.nodes]
    for n in g.nodes:  # a named intermediate says its name on its wire: "q = 3"
        if n.kind == "op" and n.name and not n.is_output:
            value_text[n.index] = f"{n.name} = {value_text[n.index]}"

    node_state = [KNOWN if n.op is None else FUTURE for n in g.nodes]
    value_known = [n.op is None for n in g.nodes]
    edge_grad = [""] * len(wires)
    running: dict[int, Value] = {}

    def base_notes() -> list[str]:
        notes = []
        for n in g.nodes:
            lines = []
            if fans[n.index] > 1:
                total = running.get(n.index)
                lines.append("" if total is None else f"Σ∂ {wire_text(total, 12)}")
            notes.append("\n".join(lines))
        return notes

    def snapshot(index: int, step, current: int | None, active: set[int], local: dict[int, str]) -> Frame:
        states = [WARNING if (s == KNOWN and g.nodes[i].warning) else s for i, s in enumerate(node_state)]
        if current is not None:
            states[current] = CURRENT
        edge_state = tuple(
            CURRENT if k in active else KNOWN if value_known[w.src] else FUTURE for k, w in enumerate(wires))
        return Frame(
            index, step, tuple(states), edge_state,
            tuple(value_text[w.src] if value_known[w.src] else "" for w in wires),
            tuple(edge_grad),
            tuple(local.get(k, "") for k in range(len(wires))),
            tuple(base_notes()),
            tuple(fmt(n.value) if value_known[n.index] else "" for n in g.nodes),
            tuple(fmt(running[n.index]) if n.index in running else "" for n in g.nodes),
        )

    frames = [snapshot(0, None, None, set(), {})]
    for i, step in enumerate(g.steps, start=1):
        node = step.node
        local: dict[int, str] = {}
        if step.phase == "forward":
            value_known[node.index] = True
            node_state[node.index] = KNOWN
            active = set(into.get(node.index, [])) | set(out_of.get(node.index, []))
        elif step.is_seed:
            (k,) = into[None]
            edge_grad[k] = "∂ " + wire_text(step.upstream, value_width(node))
            running[node.index] = step.upstream
            active = {k}
        else:
            active = set(out_of.get(node.index, []))
            for c in step.contributions:
                k = next(k for k in into[node.index] if wires[k].position == c.position)
                edge_grad[k] = "∂ " + wire_text(c.downstream, value_width(c.input))
                local[k] = "local " + (wire_text(c.local, 12) if c.local is not None else c.rule)
                running[c.input.index] = c.total
                active.add(k)
        frames.append(snapshot(i, step, node.index, active, local))
    return frames

