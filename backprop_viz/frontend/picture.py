"""A still diagram in the notebook: ``bv.render(g, step)``.

Where the kernel runs ``dot``, a Graphviz diagram (:func:`backprop_viz.drawing.painted.diagram`); where only
the browser has Graphviz (JupyterLite), a small widget that the browser's Graphviz lays out.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets as t

from ..drawing.diagram import Diagram
from ..drawing.layout import GraphvizMissing, Layout, dot_program
from ..drawing.painted import frame_diagram, step_state_at
from ..drawing.theme import Theme
from ..engine.graph import Graph
from .assets import STATIC, esm
from .browser_graphviz import BrowserDrawing, graphviz_place, receive


def render(g: Graph, step: int | None = None, *, scale: float = 1.0, theme: str | Theme = "light") -> Diagram | Picture:
    """The diagram of ``g`` after ``step`` steps (default: all of them), as a ``graphviz.Digraph``
    (where the kernel has no ``dot`` but the browser has Graphviz: a widget that shows it).

    Step 0 shows only the inputs; step ``k`` highlights what ``g.steps[k - 1]`` did.
    ``scale`` enlarges everything (projectors); ``theme`` is "light" or "dark".
    """
    try:
        in_browser = not dot_program()
    except GraphvizMissing:  # no dot here: the browser's Graphviz, or a clear message if it has none
        in_browser = graphviz_place() == "browser"
    frame = step_state_at(g, step)
    if in_browser:  # no dot in the kernel: a widget that the browser's Graphviz draws
        return Picture(g, lambda layout: frame_diagram(g, frame, scale=scale, theme=theme, layout=layout).source)
    return frame_diagram(g, frame, scale=scale, theme=theme)


class Picture(anywidget.AnyWidget):
    """A still diagram (what :func:`render` shows) laid out by the browser's Graphviz."""

    _esm = esm(STATIC / "player" / "dom.js", STATIC / "picture.js", before=["layout_wasm.js"])
    view = t.Dict().tag(sync=True)

    def __init__(self, g: Graph, source_of: Callable[[Layout], str]) -> None:
        super().__init__()
        self._drawing: BrowserDrawing | None = BrowserDrawing(g, source_of, self._drawn)
        self.view = {"graphviz": self._drawing.request}
        self.on_msg(lambda widget, content, buffers: self._receive(content))

    def _receive(self, content: object) -> None:
        if isinstance(content, dict):
            self._drawing = receive(self, self._drawing, content)

    def _drawn(self, svg: str) -> None:
        self.view = {"svg": svg[svg.index("<svg") :]}
