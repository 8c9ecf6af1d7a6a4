"""A frame's diagram in its real colours and words, for Graphviz to draw: what ``bv.render`` shows and
what the pictures (``pictures.py``: PNG, GIF, PDF) are made of.

The same DOT text as the stepper's template (``diagram.py``), painted with a step state's numbers and
the theme's colours instead of tokens, and Graphviz's own line widths and dashes.
"""

from __future__ import annotations

from itertools import islice

from ..engine.graph import Graph
from .diagram import Diagram, digraph
from .layout import Layout, check_layout_size, layout_of
from .step_states import StepState, iter_step_states
from .theme import Theme, gate_colours, theme_of
from .wire import CURRENT, FUTURE, WARNING


class RealPaint:
    """The real colours and words of one frame, and Graphviz's own line widths and dashes (``render``)."""

    def __init__(self, theme: Theme, frame: StepState) -> None:
        self.table, self.frame = gate_colours(theme), frame

    def node_state(self, i: int) -> int:
        return self.frame.node_state[i]

    def wire_state(self, k: int) -> int:
        return self.frame.edge_state[k]

    def colour(self, kind: str, key: str, state: int) -> str:
        return self.table[kind][state]

    def text(self, kind: str, key: str, index: int) -> str:
        frame = self.frame
        if kind == "node_note":
            return "\n".join(line or " " for line in frame.node_note[index].split("\n"))
        if kind == "value":
            return frame.edge_value[index] or " "
        return f"{frame.edge_grad[index] or ' '}\n{frame.edge_note[index] or ' '}"

    def emphasis(self, what: str, key: str, state: int) -> dict[str, str]:
        return dict(EMPHASIS[what].get(state, {}))


# Line widths and dashes by state, as Graphviz attributes (template.py's GATE_CSS does it for the SVG frames).
EMPHASIS: dict[str, dict[int, dict[str, str]]] = {
    "gate": {CURRENT: {"penwidth": "3", "style": "filled"}, WARNING: {"penwidth": "2.5", "style": "filled,dashed"}},
    "text": {},
    "wire": {CURRENT: {"penwidth": "2.5"}, FUTURE: {"style": "dashed"}},
}


def diagram(g: Graph, step: int | None = None, *, scale: float = 1.0, theme: str | Theme = "light") -> Diagram:
    """The diagram of ``g`` after ``step`` steps (default: all of them), as a ``graphviz.Digraph`` laid
    out by ``dot`` here (:func:`backprop_viz.render` also draws where only the browser has Graphviz).

    Step 0 shows only the inputs; step ``k`` highlights what ``g.steps[k - 1]`` did.
    ``scale`` enlarges everything (projectors); ``theme`` is "light" or "dark".
    """
    return frame_diagram(g, step_state_at(g, step), scale=scale, theme=theme)


def step_state_at(g: Graph, step: int | None) -> StepState:
    """Step state ``step`` of ``g`` (default: the last), making only the states up to it."""
    count = g.frame_count
    k = count - 1 if step is None else step
    if not 0 <= k < count:
        raise IndexError(f"step {k} is out of range: this graph has steps 0 to {count - 1}")
    check_layout_size(g)  # before any frame is made, wherever the diagram is laid out
    return next(islice(iter_step_states(g), k, None))  # the states up to k, not all of them


def frame_diagram(
    g: Graph, frame: StepState, *, scale: float = 1.0, theme: str | Theme = "light", layout: Layout | None = None
) -> Diagram:
    """The diagram of ``g`` at ``frame`` as ``render`` draws it, from a state already made (``layout``: default
    dot's)."""
    t = theme_of(theme)
    # An opaque background, as the stepper's CSS gives its SVG: a saved PNG reads on any slide.
    d = digraph(g, layout or layout_of(g), RealPaint(t, frame), background=t.background)
    d.attr("graph", dpi=f"{96 * scale:g}")
    d.scale = scale
    return d
