"""Drawing a graph at a step, CS231n style: wires left to right, the value above each wire, its gradient below.

``render(g, step)`` gives a ``graphviz.Digraph`` (it displays inline in Jupyter
and saves to SVG, PNG, PDF). Every drawing of a graph uses one layout (see
``layout.py``), so nothing moves between steps or when inputs change.

For the stepper, ``FramePainter`` turns the same drawing into an SVG template
once (one Graphviz call, with tokens in place of texts and colours) and then
fills it in for each frame with plain string joins: no Graphviz call per frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

import graphviz

from ..engine.graph import Graph
from .frames import CURRENT, FUTURE, KNOWN, WARNING, Frame, iter_frames
from .layout import (
    FONT,
    GATE_FONT,
    GRAD_DY,
    NAME_DY,
    VALUE_DY,
    WIRE_FONT,
    Layout,
    check_layout_size,
    dot_program,
    gate_label,
    layout_of,
    node_text,
    wire_name,
)
from .skeleton import STATE_CLASSES, skeleton


@dataclass(frozen=True)
class Theme:
    """Colours of a diagram. Values and gradients differ by position and prefix (∂), not only by hue."""

    name: str
    text: str
    muted: str
    wire: str
    future: str
    active: str
    value: str
    grad: str
    gate_fill: str
    current_fill: str
    cluster: str
    warning: str
    warning_fill: str
    future_fill: str  # a network's neuron not reached yet ...
    current_neuron_fill: str  # ... and highlighted (its delta is written on it)
    positive: str  # a network's weights by sign (negative ones are also dashed) ...
    negative: str
    pale_positive: str  # ... and faded, where the step does not use them
    pale_negative: str
    background: str = "#ffffff"  # what render() paints behind a drawing (static/player.css does it for the stepper)


# Okabe-Ito colours: distinguishable with every common colour vision deficiency.
LIGHT = Theme(
    "light",
    text="#000000",
    muted="#b0b0b0",
    wire="#404040",
    future="#c8c8c8",
    active="#e69f00",
    value="#0072b2",
    grad="#b84d00",  # vermillion, dark enough for 4.5:1 on white
    gate_fill="#ffffff",
    current_fill="#f0e442",
    cluster="#999999",
    warning="#cc0000",
    warning_fill="#ffd6d6",
    future_fill="#f4f4f4",
    current_neuron_fill="#f0e442",
    positive="#0072b2",
    negative="#e69f00",
    pale_positive="#b3d4e8",
    pale_negative="#f6dca0",
)
DARK = Theme(
    "dark",
    text="#eeeeee",
    muted="#5a5a5a",
    wire="#c0c0c0",
    future="#505050",
    active="#f0e442",
    value="#56b4e9",
    grad="#ff9a5c",
    gate_fill="#2b2b2b",
    current_fill="#7a6a00",
    cluster="#777777",
    warning="#ff6b6b",
    warning_fill="#5a1a1a",
    future_fill="#242424",
    current_neuron_fill="#4d4300",  # darker than a gate's: the delta on it reads at 4.7:1, the value at 8.5:1
    positive="#56b4e9",
    negative="#e69f00",
    pale_positive="#345a6f",  # 40 % of the colour on the background (the light theme: 30 %)
    pale_negative="#6e5212",
    background="#1e1e1e",
)
THEMES = {"light": LIGHT, "dark": DARK}


THEME_CHOICES = ("auto", "light", "dark")  # "auto": the browser follows the host's theme


def theme_choice(theme: object) -> str:
    """A widget's ``theme`` argument checked: "auto", "light" or "dark"."""
    if not isinstance(theme, str):
        raise TypeError(f"theme must be 'auto', 'light' or 'dark', not {theme!r}")
    if theme not in THEME_CHOICES:
        raise ValueError(f"unknown theme {theme!r}: use 'auto', 'light' or 'dark'")
    return theme


def drawn_theme(choice: str) -> Theme:
    """The theme a picture made in the kernel (PNG, GIF, PDF, the still picture) is painted in: "auto" is light."""
    return LIGHT if choice == "auto" else theme_of(choice)


def themes_shown(choice: str) -> tuple[Theme, ...]:
    """The themes whose colours the browser is sent: both for "auto" (it picks by the host's), else the one."""
    return (LIGHT, DARK) if choice == "auto" else (theme_of(choice),)


def theme_of(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: use 'light' or 'dark'")
    return THEMES[theme]


def gate_colours(t: Theme) -> dict[str, tuple[str, ...]]:
    """What each drawn thing of a stepper's diagram is coloured, by its state (FUTURE, KNOWN, CURRENT, WARNING)."""
    return {
        "node_text": (t.muted, t.text, t.text, t.warning),
        "gate_line": (t.future, t.wire, t.text, t.warning),
        "gate_fill": (t.gate_fill, t.gate_fill, t.current_fill, t.warning_fill),
        "wire": (t.future, t.wire, t.active, t.wire),
        "value": (t.value, t.value, t.value, t.value),
        "grad": (t.grad, t.grad, t.grad, t.grad),
        "static_text": (t.text, t.text, t.text, t.text),
        "cluster": (t.cluster, t.cluster, t.cluster, t.cluster),
    }


def colours(t: Theme) -> dict[str, tuple[str, ...]]:
    """Every drawn thing's colour for each of skeleton.py's states: the stepper's, and what a network
    view draws besides (its weights faded when DIM: where the step does not use them). A colour given
    for fewer states is its KNOWN one in the others."""
    table = gate_colours(t) | {
        "muted": (t.muted,) * 4,
        "neuron_fill": (t.future_fill, t.gate_fill, t.current_neuron_fill, t.gate_fill),
        "neuron_line": (t.muted, t.wire, t.text, t.wire),
        "weight_positive": (t.positive,) * 5 + (t.pale_positive,),
        "weight_negative": (t.negative,) * 5 + (t.pale_negative,),
    }
    return {kind: (*c, *(c[KNOWN],) * (len(STATE_CLASSES) - len(c))) for kind, c in table.items()}


STATE_CLASS = {FUTURE: "bv-future", KNOWN: "bv-known", CURRENT: "bv-current", WARNING: "bv-warning"}
_STATE_NAMES = tuple(STATE_CLASS[s] for s in range(len(STATE_CLASS)))  # by state number

# Line widths and dashes by state, for the SVG frames (Graphviz attributes do it in render()).
FRAME_CSS = (
    ".bv-current>ellipse{stroke-width:3px}.bv-edge.bv-current>path{stroke-width:2.5px}"
    ".bv-edge.bv-future>path{stroke-dasharray:5 3}.bv-warning>ellipse{stroke-width:2.5px;stroke-dasharray:4 2}"
)


class Paint(Protocol):
    """What a diagram's colours, texts and emphasis are: real ones (``render``) or tokens (``FramePainter``)."""

    def colour(self, kind: str, key: str, state: int) -> str:
        """The colour of a drawn thing (``kind`` in ``gate_colours``) of element ``key`` in ``state``."""

    def text(self, kind: str, key: str, index: int) -> str:
        """A wire's value or gradient (``index``: the wire), or a node's outside label (``index``: the node)."""

    def emphasis(self, what: str, key: str, state: int) -> dict[str, str]:
        """Attributes that mark a gate (``what`` "gate"), an input or constant ("text") or a wire ("wire") by its
        state: Graphviz's line widths and dashes, or a class the browser styles."""


def digraph(g: Graph, layout: Layout, frame: Frame, paint: Paint, background: str = "transparent") -> graphviz.Digraph:
    """The diagram of ``frame`` at the fixed positions of ``layout`` (drawn by ``neato -n2``), painted by ``paint``."""
    d = Diagram(name="backprop", engine="neato")
    x0, y0, x1, y1 = layout.canvas
    d.attr(
        "graph",
        bb=f"{x0:.2f},{y0:.2f},{x1:.2f},{y1:.2f}",
        bgcolor=background,
        pad="0.1",
        fontname=FONT,
        fontcolor=paint.colour("static_text", "g", 1),
        splines="true",
    )
    d.attr("node", fontname=FONT, fontsize=str(GATE_FONT))
    d.attr("edge", fontname=FONT, fontsize=str(WIRE_FONT), arrowsize="0.7")
    for node in g.nodes:
        if node.group is None:
            d.node(node.id, **_node_attrs(g, layout, frame, paint, node.index))
    _add_groups(d, g, layout, frame, paint)
    _add_sink(d, g, layout, paint)
    for k, wire in enumerate(layout.edges):
        dst = "sink" if wire.dst is None else g.nodes[wire.dst].id
        d.edge(g.nodes[wire.src].id, dst, **_wire_attrs(g, layout, frame, paint, k))
    return d


def _node_attrs(g: Graph, layout: Layout, frame: Frame, paint: Paint, i: int) -> dict[str, str]:
    """A node's Graphviz attributes: a gate is a circle around its symbol, an input or constant plain text."""
    node, state = g.nodes[i], frame.node_state[i]
    key = node.id
    width, height = layout.node_size[i]
    attrs = {
        "pos": layout.node_pos[i],
        "width": width,
        "height": height,
        "fixedsize": "true",
        "label": gate_label(node) or plain(node_text(node)),
        "id": key,
        "fontcolor": paint.colour("node_text", key, state),
    }
    emphasis = paint.emphasis("gate" if node.kind == "op" else "text", key, state)
    attrs["class"] = f"bv-{key} {emphasis.pop('class', '')}".strip()
    if node.kind == "op":
        attrs |= {
            "shape": "circle",
            "style": "filled",
            "fillcolor": paint.colour("gate_fill", key, state),
            "color": paint.colour("gate_line", key, state),
        }
        attrs |= emphasis
    else:
        attrs |= {"shape": "plaintext"}
    if i in layout.node_xlp:
        attrs |= {"xlabel": plain(paint.text("node_note", key, i)), "xlp": layout.node_xlp[i]}
    return attrs


def _add_groups(d: graphviz.Digraph, g: Graph, layout: Layout, frame: Frame, paint: Paint) -> None:
    """Each group of gates (an expanded sigmoid) in its own dashed box."""
    groups: dict[int, list[int]] = {}
    for node in g.nodes:
        if node.group is not None:
            groups.setdefault(node.group, []).append(node.index)
    for k, members in groups.items():
        with d.subgraph(name=f"cluster_{k}") as c:
            c.attr(
                bb=layout.cluster_bb.get(k, ""),
                label=plain(g.groups[k]),
                style="rounded,dashed",
                color=paint.colour("cluster", f"c{k}", 1),
                fontcolor=paint.colour("cluster", f"c{k}", 1),
                fontsize="14",
            )
            for i in members:
                c.node(g.nodes[i].id, **_node_attrs(g, layout, frame, paint, i))


def _add_sink(d: graphviz.Digraph, g: Graph, layout: Layout, paint: Paint) -> None:
    """The output's name where its wire ends, and two invisible points that pin the canvas.

    neato -n2 sizes the picture to what it draws: the points at the corners of the layout's
    canvas keep a long text from making the picture grow or the nodes shift.
    """
    x0, y0, x1, y1 = layout.canvas
    for name, (x, y) in (("bv_canvas_ll", (x0, y0)), ("bv_canvas_ur", (x1, y1))):
        d.node(name, label="", shape="point", style="invis", width="0", height="0", pos=f"{x:.2f},{y:.2f}")
    d.node(
        "sink",
        label=plain(g.output_label),
        shape="plaintext",
        pos=layout.sink_pos,
        width=layout.sink_size[0],
        height=layout.sink_size[1],
        fontsize="18",
        fontcolor=paint.colour("static_text", "sink", 1),
    )


def _wire_attrs(g: Graph, layout: Layout, frame: Frame, paint: Paint, k: int) -> dict[str, str]:
    """Wire ``k``'s attributes: its value above (a named intermediate's name over it), its gradient below."""
    wire, state = layout.edges[k], frame.edge_state[k]
    key = wire.key
    (vx, vy), (gx, gy) = wire_label_places(g, layout, k)
    name = wire_name(g.nodes[wire.src])
    emphasis = paint.emphasis("wire", key, state)
    value = paint.text("value", key, k)
    return {
        "pos": layout.edge_pos[key],
        "id": key,
        "class": f"bv-edge {emphasis.pop('class', '')}".strip(),
        "color": paint.colour("wire", key, state),
        "label": plain(f"{name}\n{value}" if name else value),
        "lp": f"{vx:.2f},{vy:.2f}",
        "fontcolor": paint.colour("value", key, state),
        "headlabel": plain(paint.text("grad", key, k)),
        "head_lp": f"{gx:.2f},{gy:.2f}",
        "labelfontcolor": paint.colour("grad", key, state),
    } | emphasis


def wire_label_places(g: Graph, layout: Layout, k: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The centres of wire ``k``'s words: its value (a named intermediate's name over it), then its gradient
    with the local derivative under it."""
    x, top, grad_x, bottom = layout.edge_clear[layout.edges[k].key]
    name = wire_name(g.nodes[layout.edges[k].src])
    return (x, top + VALUE_DY + (NAME_DY * 0.8 if name else 0)), (grad_x, bottom + GRAD_DY)


def plain(text: str) -> str:
    """``text`` as Graphviz must show it: plain words, never an HTML-like label, backslashes as they are."""
    return graphviz.escape(text)


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose positions are fixed: always drawn with ``neato -n2``, quietly.

    ``scale`` enlarges it: pictures get ``scale`` × 96 dots per inch; an SVG keeps Graphviz's own
    72 (with another dpi, Graphviz 2.43 scales the drawing inside a viewBox it does not scale, and
    the picture is cut) and says its larger size in its width and height.
    """

    scale: float | None = None  # set by render(), with the dpi; None: drawn at Graphviz's own size

    def pipe(self, *args, **kwargs):  # noqa: D102 - graphviz.Digraph.pipe with fixed positions
        dot_program()
        kwargs.setdefault("neato_no_op", 2)
        kwargs.setdefault("quiet", True)
        fmt = kwargs.get("format", args[0] if args else None) or self.format
        vector = self._at_72_dpi(fmt)
        if vector is None:
            return super().pipe(*args, **kwargs)
        out = graphviz.Digraph.pipe(vector, *args, **kwargs)
        if isinstance(out, bytes):
            return self._enlarged(out.decode("utf-8")).encode("utf-8")
        return self._enlarged(out)

    def render(self, *args, **kwargs):  # noqa: D102 - graphviz.Digraph.render with fixed positions
        dot_program()
        kwargs.setdefault("neato_no_op", 2)
        kwargs.setdefault("quiet", True)
        outfile = kwargs.get("outfile")
        fmt = kwargs.get("format") or (Path(outfile).suffix.lstrip(".") if outfile else None) or self.format
        vector = self._at_72_dpi(fmt)
        if vector is None:
            return super().render(*args, **kwargs)
        path = Path(graphviz.Digraph.render(vector, *args, **kwargs))
        path.write_text(self._enlarged(path.read_text(encoding="utf-8")), encoding="utf-8")
        return str(path)

    def _at_72_dpi(self, fmt: str | None) -> graphviz.Digraph | None:
        """For an SVG of a scaled diagram, a copy drawn at Graphviz's 72 dpi; None for anything else."""
        if fmt != "svg" or self.scale is None:
            return None
        vector = self.copy()
        vector.attr("graph", dpi="72")
        return vector

    def _enlarged(self, svg: str) -> str:
        """An SVG drawn at 72 dpi, its width and height enlarged to ``scale`` × 96 dpi."""
        return _scaled(svg, 96 / 72 * self.scale)


class _RealPaint:
    """The real colours and words of one frame, and Graphviz's own line widths and dashes (``render``)."""

    def __init__(self, theme: Theme, frame: Frame) -> None:
        self.table, self.frame = gate_colours(theme), frame

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


# Line widths and dashes by state, as Graphviz attributes (FRAME_CSS does it for the SVG frames).
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
    return frame_diagram(g, frame_at(g, step), scale=scale, theme=theme)


def frame_at(g: Graph, step: int | None) -> Frame:
    """Frame ``step`` of ``g`` (default: the last), making only the frames up to it."""
    count = g.frame_count
    k = count - 1 if step is None else step
    if not 0 <= k < count:
        raise IndexError(f"step {k} is out of range: this graph has steps 0 to {count - 1}")
    check_layout_size(g)  # before any frame is made, wherever the diagram is laid out
    return next(islice(iter_frames(g), k, None))  # the frames up to k, not all of them


def frame_diagram(
    g: Graph, frame: Frame, *, scale: float = 1.0, theme: str | Theme = "light", layout: Layout | None = None
) -> Diagram:
    """``frame`` of ``g`` as ``render`` draws it, from a frame already made (``layout``: default dot's)."""
    t = theme_of(theme)
    # An opaque background, as the stepper's CSS gives its SVG: a saved PNG reads on any slide.
    d = digraph(g, layout or layout_of(g), frame, _RealPaint(t, frame), background=t.background)
    d.attr("graph", dpi=f"{96 * scale:g}")
    d.scale = scale
    return d


# -- the fast path: one template, filled in per frame ------------------------------------------

# A text token is a number between two private-use characters, which no name, number or note can
# hold; a colour token is a colour attribute's whole value, which no text can be (Graphviz writes
# a text's quotes as &quot;).
_OPEN, _CLOSE = "\ue000", "\ue001"


class FramePainter:
    """SVG frames of one graph, from a template drawn once by Graphviz.

    Texts are tokens ``\\ue000k\\ue001`` and colours tokens ``#feKKKK`` in the template; a
    frame is the template with each token replaced, by a list lookup and a join.
    """

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
        self._tokens = _TokenPaint(frames_of_structure(g))
        self._element = self._tokens.element  # element key (node id, wire key) -> element index
        template = digraph(g, self.layout, self._tokens.structure, self._tokens)
        self.source = template.source  # what neato -n2 draws (the browser's Graphviz, when the kernel has none)
        self.skeleton = None
        if not defer:
            self.finish(template.pipe(format="svg", encoding="utf-8"))

    def finish(self, svg: str) -> None:
        """Turn the drawn template (``neato -n2 -Tsvg`` of :attr:`source`) into the skeleton and frame pieces."""
        tokens = self._tokens
        svg = prepared(svg, f"bv-diagram bv-{self.theme.name}", self.scale, FRAME_CSS)
        self._filler = Template(
            svg,
            self.theme,
            tokens.colour_specs,
            lambda k: tokens.text_specs[k][0] == "class",
            (_OPEN, _CLOSE),
            len(tokens.text_specs),
        )
        self.skeleton = self._filler.skeleton
        self._find_sources(tokens)

    def _find_sources(self, tokens: _TokenPaint) -> None:
        """What svg() looks up for each frame, by position: element states, colour tables, text sources."""
        g, element = self.graph, tokens.element
        self._node_elements = [(element[n.id], n.index) for n in g.nodes if n.id in element]
        self._edge_elements = [(element[w.key], k) for k, w in enumerate(self.layout.edges) if w.key in element]
        self._note_specs: list[tuple[int, int]] = []  # (node, line) of each outside label line
        self._text_refs: list[tuple[int, int]] = []  # (source, index): see the sources in svg()
        source = {"value": 0, "grad": 1, "note": 2, "class": 4}
        for kind, i, line in tokens.text_specs:
            if kind == "node_note":
                self._text_refs.append((3, len(self._note_specs)))
                self._note_specs.append((i, line))
            else:
                self._text_refs.append((source[kind], i) if kind in source else (5, 0))
        self._slot_refs = [self._text_refs[k] for k in self.skeleton.slots]
        self._skeleton_elements = [tokens.text_specs[k][1] for k in self.skeleton.elements]

    def _states(self, frame: Frame) -> list[int]:
        """The state of each element this frame (nodes by id, wires by key; anything else KNOWN)."""
        state = [KNOWN] * len(self._element)
        node_state, edge_state = frame.node_state, frame.edge_state
        for el, i in self._node_elements:
            state[el] = node_state[i]
        for el, k in self._edge_elements:
            state[el] = edge_state[k]
        return state

    def _sources(self, frame: Frame, state: list[int]) -> tuple:
        """Where each token's text comes from this frame, by the source numbers of ``_text_refs``."""
        note_lines = [frame.node_note[i].split("\n")[line] for i, line in self._note_specs]
        states = [_STATE_NAMES[s] for s in state]
        return (frame.edge_value, frame.edge_grad, frame.edge_note, note_lines, states, ("",))

    def slot_texts(self, frame: Frame) -> list[str]:
        """The text of each of the skeleton's slots this frame (not escaped: the browser sets it as text)."""
        sources = self._sources(frame, [])
        return [sources[a][b] for a, b in self._slot_refs]

    def element_states(self, frame: Frame) -> list[int]:
        """The state of each of the skeleton's elements this frame."""
        state = self._states(frame)
        return [state[el] for el in self._skeleton_elements]

    def element_of(self, node_id: str) -> int:
        """The skeleton's element index of the node with this id (-1: not drawn with a state)."""
        el = self._element.get(node_id)
        return self._skeleton_elements.index(el) if el in self._skeleton_elements else -1

    def svg(self, frame: Frame) -> str:
        """The SVG text of one frame, every colour written out (for files and static pictures)."""
        state = self._states(frame)
        sources = self._sources(frame, state)
        return self._filler.fill([sources[a][b] for a, b in self._text_refs], state)


def prepared(svg: str, classes: str, scale: float, css: str) -> str:
    """Graphviz's SVG as a template keeps it: no comments or titles, ``classes`` on it, ``scale`` times
    as large, ``css`` inside (the line widths and dashes by state, for the SVG saved alone)."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>\n?", "", svg)
    svg = svg.replace("<svg ", f'<svg class="{classes}" ', 1)
    svg = _scaled(svg, scale)
    return svg.replace(">", f"><style>{css}</style>", 1)


class Template:
    """A drawing made once with tokens where frames differ: the skeleton the browser keeps, and any
    frame's SVG, filled in by list lookups and a join (no Graphviz call per frame). The stepper's
    :class:`FramePainter` and the network view's painter both draw through it.

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


class _TokenPaint:
    """Tokens in place of colours, texts and state classes: what the template is drawn with.

    A colour token is ``#feKKKK`` (``colour_specs[K]``: its kind and element), a text token
    ``\\ue000K\\ue001`` (``text_specs[K]``: its kind, the wire or node, the line); a state
    class is a text token of kind "class" whose index is the element's.
    """

    def __init__(self, structure: Frame) -> None:
        self.structure = structure  # every state KNOWN; its notes give each outside label's line count
        self.colour_specs: list[tuple[str, int]] = []  # (kind, element index)
        self.text_specs: list[tuple[str, int, int]] = []  # (kind, index, line)
        self.element: dict[str, int] = {}  # element key (node id, wire key) -> element index

    def _element_index(self, key: str) -> int:
        return self.element.setdefault(key, len(self.element))

    def _token(self, kind: str, index: int, line: int = 0) -> str:
        self.text_specs.append((kind, index, line))
        return f"{_OPEN}{len(self.text_specs) - 1}{_CLOSE}"

    def colour(self, kind: str, key: str, state: int) -> str:
        self.colour_specs.append((kind, self._element_index(key)))
        return f"#fe{len(self.colour_specs) - 1:04x}"

    def text(self, kind: str, key: str, index: int) -> str:
        if kind == "node_note":
            lines = self.structure.node_note[index].count("\n") + 1
            return "\n".join(self._token(kind, index, k) for k in range(lines))
        if kind == "grad":
            return self._token("grad", index) + "\n" + self._token("note", index)
        return self._token(kind, index)

    def emphasis(self, what: str, key: str, state: int) -> dict[str, str]:
        return {"class": self._token("class", self._element_index(key))}


def frames_of_structure(g: Graph) -> Frame:
    """Frame 0 with every state KNOWN: what the template is drawn from (its notes give the line counts)."""
    first = next(iter_frames(g))
    n, m = len(first.node_state), len(first.edge_state)
    return Frame(
        0, None, (KNOWN,) * n, (KNOWN,) * m, ("",) * m, ("",) * m, ("",) * m, first.node_note, ("",) * n, ("",) * n
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _scaled(svg: str, scale: float) -> str:
    def grow(m: re.Match) -> str:
        return f'{m.group(1)}="{float(m.group(2)) * scale:.0f}pt"'

    return re.sub(r'(width|height)="([\d.]+)pt"', grow, svg, count=2)
