"""The words of a frame: its title, its explanation as HTML, the table of nodes, and what predict mode asks.

The explanations' math is HTML (see :mod:`backprop_viz.engine.notation`): it needs no
typesetter, so a step shows as soon as it is chosen.
"""

from __future__ import annotations

import html

from ..engine.graph import Graph
from ..engine.node import Node
from ..engine.notation import HTML_STEPS
from ..engine.numbers import fmt
from .step_states import StepState
from .wire import CURRENT, HIDDEN, KNOWN

LEGEND = (
    '<div class="bv-legend"><span class="bv-legend-value">value above each wire</span> · '
    '<span class="bv-legend-grad">∂ gradient of {f} below</span> · highlighted: this step</div>'
)


def frame_title(frame: StepState, count: int, position: int | None = None) -> str:
    """ "Step k of n: what it does", with k counted among the ``count`` frames shown (``position``: where
    this frame is among them; default: all of the graph's frames are shown)."""
    k = frame.index if position is None else position
    if frame.step is None:
        return f"Step {k} of {count - 1}: the inputs"
    if k == 0:  # a stepper that shows the backward pass alone opens where the forward pass ended
        return f"Step 0 of {count - 1}: the backward pass starts here, every value known"
    return f"Step {k} of {count - 1}: {frame.step.title}"


def frame_phase(frame: StepState, position: int | None = None) -> str:
    """The badge over a frame: "start", "forward" or "backward"; the first frame of a stepper that shows the
    backward pass alone is the backward pass's start."""
    k = frame.index if position is None else position
    return "backward" if k == 0 and frame.step is not None else frame.phase


def explanation(g: Graph, frame: StepState, position: int | None = None) -> str:
    """The words under the diagram: what this step computed, with the numbers, a line per input."""
    step = frame.step
    k = frame.index if position is None else position
    if step is None:
        inputs = ", ".join(f"{n.name} = {fmt(n.value)}" for n in in_reading_order(g.inputs))
        text = f"The inputs: {inputs}. Step forward to compute each gate, then backward to get the gradients."
        return html.escape(text)
    if k == 0:
        return html.escape(backward_start(g))
    body = "".join(f"<div>{line}</div>" for line in step.written(HTML_STEPS))
    if step.warning:
        body += f'<div class="bv-warning-text">⚠ {html.escape(step.warning)}</div>'
    return body


def in_reading_order(inputs: list[Node]) -> list[Node]:
    """The named inputs grouped by the letters of their names (in the order a group first appears in the
    graph) and counted up within a group: x1, x2, w1, w2, ..., w10, b1, not x1, w1, x2, w3, ..., w10, b4."""
    named = [n for n in inputs if n.name]
    stems: dict[str, int] = {}
    for n in named:
        stems.setdefault(_stem(n.name)[0], len(stems))
    return sorted(named, key=lambda n: (stems[_stem(n.name)[0]], _stem(n.name)[1]))


def _stem(name: str) -> tuple[str, int]:
    """``w10`` → ("w", 10); ``y_t1`` → ("y_t", 1); ``x`` → ("x", -1)."""
    digits = len(name) - len(name.rstrip("0123456789"))
    return (name[:-digits], int(name[-digits:])) if digits and digits < len(name) else (name, -1)


def backward_start(g: Graph) -> str:
    """The words of the first frame of a stepper that shows the backward pass alone."""
    return (
        f"The forward pass is done: every gate's value is on its wire, and {g.output_label} = {fmt(g.value)}. "
        f"Step to go backward, from {g.output_label} to the inputs."
    )


SMALL_GRAPH = 20  # nodes: up to this, the table lists every gate; beyond, the named nodes and the current one


def table_rows(g: Graph) -> list[Node]:
    """The nodes the table may list, in order (constants never)."""
    return [n for n in g.nodes if n.kind != "const"]


def table_skeleton(g: Graph, first_slot: int, first_element: int) -> str:
    """The table of nodes with empty cells: slots from ``first_slot`` (value, gradient, warning mark of
    each row in turn) and one state element per row from ``first_element``."""
    f = html.escape(g.output_label)
    rows = [f"<tr><th>node</th><th>value</th><th>∂{f}/∂node</th></tr>"]
    for k, n in enumerate(table_rows(g)):
        s = first_slot + 3 * k
        rows.append(
            f'<tr data-e="{first_element + k}"><td>{html.escape(n.label)}<span data-s="{s + 2}"></span></td>'
            f'<td data-s="{s}"></td><td data-s="{s + 1}"></td></tr>'
        )
    return f'<table class="bv-table">{"".join(rows)}</table>'


def table_data(g: Graph, first_slot: int, first_element: int) -> dict:
    """The table of nodes as the browser builds it (static/player/dom.js, nodeTable): its heading and, for each
    row, the node's label, its state element and its first slot (value; then gradient, warning mark), numbered
    as :func:`table_skeleton` numbers them. Data, not markup: a saved notebook keeps a few values per row."""
    head = ["node", "value", f"∂{g.output_label}/∂node"]
    rows = [[n.label, first_element + k, first_slot + 3 * k] for k, n in enumerate(table_rows(g))]
    return {"head": head, "rows": rows}


def table_texts(g: Graph, frame: StepState) -> list[str]:
    """The table's slots this frame: value, gradient and warning mark of each row."""
    out = []
    for n in table_rows(g):
        i = n.index
        warn = " ⚠" if n.warning and frame.node_value[i] else ""
        out += [frame.node_value[i], frame.node_grad[i], warn]
    return out


def table_states(g: Graph, frame: StepState) -> list[int]:
    """Each row's state this frame: the current node's row highlighted; in a large graph, unnamed rows hidden."""
    current = frame.node.index if frame.node is not None else -1
    large = len(g.nodes) > SMALL_GRAPH
    return [CURRENT if n.index == current else HIDDEN if large and not n.name else KNOWN for n in table_rows(g)]


def asks(g: Graph, state: StepState) -> tuple[tuple[str, float], ...]:
    """Predict mode: the gradients a backward step sends on, for the student to type before it shows
    (each labelled as HTML)."""
    step = state.step
    if step is None or step.phase != "backward" or step.is_seed:
        return ()
    math = HTML_STEPS
    f = math.name(g.output_label)
    return tuple(
        (math.partial(f, math.name(c.input.label)) + (" (this path's share)" if c.input.uses > 1 else ""),
         float(c.downstream))
        for c in step.contributions
        if isinstance(c.downstream, float) and c.input.kind != "const"
    )  # fmt: skip
