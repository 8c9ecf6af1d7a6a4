"""A diagram drawn once, with tokens where frames differ: the skeleton the browser keeps, and any
frame's SVG by list lookups and a join (no Graphviz call per frame).

The drawing is painted with tokens instead of what changes from frame to frame: a colour token
``#feKKKK`` for each colour (its kind and the element whose state chooses it), a text token for each
text that changes, and a state token in each element's ``class``. :class:`Template` turns the drawn
SVG into the :class:`~backprop_viz.drawing.skeleton.Skeleton` and into a frame's SVG. The stepper's
diagram is drawn once here by :class:`GateTemplate`; the network view's in ``network_draw.py``.

Text tokens come in two spellings, by what the drawing's fixed words may hold. A gate's diagram may
write ``@`` (the matrix product's symbol), so its tokens are numbers between two private-use characters
(:data:`GATE_MARKS`), which no name, number or note can hold; ``neato -n2`` draws every word where the
layout put it, so a token's width does not matter. A network's words never hold ``@``, and ``dot`` lays
the picture out around its tokens (:data:`NETWORK_MARKS`, padded with zeros as wide as the widest text
each stands for): another spelling would move the picture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import IntEnum

from ..engine.graph import Graph
from .diagram import digraph, scaled
from .layout import Layout, layout_of
from .skeleton import skeleton
from .theme import Theme, colours, theme_of
from .wire import KNOWN

GATE_MARKS = ("\ue000", "\ue001")  # around a gate diagram's text token: \ue000k\ue001
NETWORK_MARKS = ("@", "@")  # around a network picture's text token: @k@, then zeros

# Line widths and dashes by state, for the SVG saved alone (static/player.css says the same in the page;
# Graphviz attributes, painted.py's EMPHASIS, in the pictures drawn by Graphviz).
GATE_CSS = (
    ".bv-current>ellipse{stroke-width:3px}.bv-edge.bv-current>path{stroke-width:2.5px}"
    ".bv-edge.bv-future>path{stroke-dasharray:5 3}.bv-warning>ellipse{stroke-width:2.5px;stroke-dasharray:4 2}"
)


def prepared(svg: str, classes: str, scale: float, css: str) -> str:
    """Graphviz's SVG as a template keeps it: no comments or titles, ``classes`` on it, ``scale`` times
    as large, ``css`` inside (the line widths and dashes by state, for the SVG saved alone)."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>\n?", "", svg)
    svg = svg.replace("<svg ", f'<svg class="{classes}" ', 1)
    svg = scaled(svg, scale)
    return svg.replace(">", f"><style>{css}</style>", 1)


class Template:
    """A drawing made once with tokens where frames differ: the skeleton the browser keeps, and any
    frame's SVG, filled in by list lookups and a join (no Graphviz call per frame). The stepper's
    :class:`GateTemplate` and the network view's painter both draw through it.

    A text token is a number, below ``text_count``, between ``marks`` (zeros after it are room
    Graphviz kept for the longest text); a colour token ``#feKKKK`` stands for ``colour_specs[K]``: the colour's kind
    (a key of :func:`colours`) and the element whose state chooses it.
    """

    def __init__(
        self,
        svg: str,
        theme: Theme,
        colour_specs: list[tuple[str, int]],
        is_state_token: Callable[[int], bool],
        marks: tuple[str, str],
        text_count: int,
    ) -> None:
        if len(colour_specs) > 0xFFFF:
            raise ValueError("graph too large to draw")
        self.skeleton = skeleton(svg, lambda c: colour_specs[c][0], is_state_token, marks=marks)
        number = f"{re.escape(marks[0])}(\\d+){re.escape(marks[1])}0*"
        pieces = re.split(f'{number}|(?<==")#fe([0-9a-f]{{4}})(?=")', svg)
        fixed = pieces[0::3]
        self._out = [""] * (2 * len(fixed) - 1)  # the fixed pieces at even positions; tokens go between
        self._out[0::2] = fixed
        tokens = zip(pieces[1::3], pieces[2::3], strict=True)  # each a text k, or a colour (after the texts)
        self._index = [int(t) if t is not None else text_count + int(c, 16) for t, c in tokens]
        table = colours(theme)
        self._colour_refs = [(table[kind], el) for kind, el in colour_specs]

    def fill(self, texts: list[str], states: list[int]) -> str:
        """The SVG with every text token's text (``texts``, ``text_count`` of them, not escaped) and every
        colour as its element's state in ``states`` chooses."""
        blob = "\0".join(texts)
        if "&" in blob or "<" in blob or ">" in blob:
            texts = _xml(blob).split("\0") if blob.count("\0") == len(texts) - 1 else [_xml(t) for t in texts]
        values = texts + [table[states[el]] for table, el in self._colour_refs]
        out = self._out.copy()
        out[1::2] = [values[j] for j in self._index]
        return "".join(out)


class Source(IntEnum):
    """What a gate diagram's text token stands for: a wire's value, its gradient or its local derivative
    (the line under the gradient), a node's outside label (a branching node's running total), or an
    element's state (a class token)."""

    VALUE = 0
    GRAD = 1
    NOTE = 2
    NODE_NOTE = 3
    STATE = 4


class TokenPaint:
    """Tokens in place of colours, texts and state classes: what a gate diagram's template is drawn with
    (a :class:`~backprop_viz.drawing.diagram.Paint`).

    A colour token is ``#feKKKK`` (``colour_specs[K]``: its kind and element), a text token
    ``\\ue000K\\ue001`` (``text_specs[K]``: what it stands for, and the wire, node or element it is of).
    """

    def __init__(self) -> None:
        self.colour_specs: list[tuple[str, int]] = []  # (kind, element index)
        self.text_specs: list[tuple[Source, int]] = []  # (source, wire, node or element index)
        self.element: dict[str, int] = {}  # element key (node id, wire key) -> element index

    def _element_index(self, key: str) -> int:
        return self.element.setdefault(key, len(self.element))

    def _token(self, source: Source, index: int) -> str:
        self.text_specs.append((source, index))
        return f"{GATE_MARKS[0]}{len(self.text_specs) - 1}{GATE_MARKS[1]}"

    def node_state(self, i: int) -> int:
        return KNOWN  # the tokens stand for every state

    def wire_state(self, k: int) -> int:
        return KNOWN

    def colour(self, kind: str, key: str, state: int) -> str:
        self.colour_specs.append((kind, self._element_index(key)))
        return f"#fe{len(self.colour_specs) - 1:04x}"

    def text(self, kind: str, key: str, index: int) -> str:
        if kind == "node_note":
            return self._token(Source.NODE_NOTE, index)  # one line: a running total
        if kind == "grad":
            return self._token(Source.GRAD, index) + "\n" + self._token(Source.NOTE, index)
        return self._token(Source.VALUE, index)

    def emphasis(self, what: str, key: str, state: int) -> dict[str, str]:
        return {"class": self._token(Source.STATE, self._element_index(key))}


class GateTemplate:
    """A graph's diagram drawn once by Graphviz with tokens: its skeleton, and the :class:`Template` that
    fills in any frame (``painter.py`` says what goes in each token, frame by frame)."""

    def __init__(
        self,
        g: Graph,
        theme: str | Theme = "light",
        scale: float = 1.0,
        *,
        layout: Layout | None = None,
        defer: bool = False,
    ) -> None:
        """``layout``: one computed elsewhere (default: ``dot``'s); ``defer``: draw nothing yet, the
        caller has :attr:`source` drawn (by the browser's Graphviz) and calls :meth:`finish`."""
        self.graph, self.theme, self.scale = g, theme_of(theme), scale
        self.layout = layout or layout_of(g)
        self.tokens = TokenPaint()
        drawing = digraph(g, self.layout, self.tokens)
        self.source = drawing.source  # what neato -n2 draws (the browser's Graphviz, when the kernel has none)
        self.skeleton = None
        if not defer:
            self.finish(drawing.pipe(format="svg", encoding="utf-8"))

    def finish(self, svg: str) -> None:
        """Turn the drawn template (``neato -n2 -Tsvg`` of :attr:`source`) into the skeleton and the template."""
        tokens = self.tokens
        svg = prepared(svg, f"bv-diagram bv-{self.theme.name}", self.scale, GATE_CSS)
        self.template = Template(
            svg,
            self.theme,
            tokens.colour_specs,
            lambda k: tokens.text_specs[k][0] == Source.STATE,
            GATE_MARKS,
            len(tokens.text_specs),
        )
        self.skeleton = self.template.skeleton


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
