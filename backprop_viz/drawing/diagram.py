"""A graph's diagram as Graphviz DOT, CS231n style: wires left to right, the value above each wire, its
gradient below, every node and word where the layout (``layout.py``) put it.

What the diagram is painted with is a :class:`Paint`: a frame's real colours and words (``painted.py``,
for ``render`` and the pictures) or tokens (``template.py``: the drawing made once, which every frame
fills in). Either way it is one DOT text, drawn by ``neato -n2`` (:class:`Diagram`), so nothing moves
between frames or when the inputs change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

import graphviz

from ..engine.graph import Graph
from .layout import (
    FONT,
    GATE_FONT,
    GRAD_DY,
    NAME_DY,
    VALUE_DY,
    WIRE_FONT,
    Layout,
    dot_program,
    gate_label,
    node_text,
    wire_name,
)


class Paint(Protocol):
    """What a diagram's colours, texts and emphasis are: real ones (``painted.py``) or tokens (``template.py``)."""

    def node_state(self, i: int) -> int:
        """Node ``i``'s state (its colours and emphasis follow it)."""

    def wire_state(self, k: int) -> int:
        """Wire ``k``'s state, by its position in ``layout.edges``."""

    def colour(self, kind: str, key: str, state: int) -> str:
        """The colour of a drawn thing (``kind``: a key of :func:`~backprop_viz.drawing.theme.gate_colours`) of element
        ``key`` in ``state``."""

    def text(self, kind: str, key: str, index: int) -> str:
        """A wire's value or gradient (``index``: the wire), or a node's outside label (``index``: the node)."""

    def emphasis(self, what: str, key: str, state: int) -> dict[str, str]:
        """Attributes that mark a gate (``what`` "gate"), an input or constant ("text") or a wire ("wire") by its
        state: Graphviz's line widths and dashes, or a class the browser styles."""


def digraph(g: Graph, layout: Layout, paint: Paint, background: str = "transparent") -> Diagram:
    """The diagram of ``g`` at the fixed positions of ``layout`` (drawn by ``neato -n2``), painted by ``paint``."""
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
            d.node(node.id, **_node_attrs(g, layout, paint, node.index))
    _add_groups(d, g, layout, paint)
    _add_sink(d, g, layout, paint)
    for k, wire in enumerate(layout.edges):
        dst = "sink" if wire.dst is None else g.nodes[wire.dst].id
        d.edge(g.nodes[wire.src].id, dst, **_wire_attrs(g, layout, paint, k))
    return d


def _node_attrs(g: Graph, layout: Layout, paint: Paint, i: int) -> dict[str, str]:
    """A node's Graphviz attributes: a gate is a circle around its symbol, an input or constant plain text."""
    node, state = g.nodes[i], paint.node_state(i)
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


def _add_groups(d: graphviz.Digraph, g: Graph, layout: Layout, paint: Paint) -> None:
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
                c.node(g.nodes[i].id, **_node_attrs(g, layout, paint, i))


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


def _wire_attrs(g: Graph, layout: Layout, paint: Paint, k: int) -> dict[str, str]:
    """Wire ``k``'s attributes: its value above (a named intermediate's name over it), its gradient below."""
    wire, state = layout.edges[k], paint.wire_state(k)
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
        return scaled(svg, 96 / 72 * self.scale)


def scaled(svg: str, scale: float) -> str:
    """``svg`` with its width and height (Graphviz's, in points) ``scale`` times as large."""

    def grow(m: re.Match) -> str:
        return f'{m.group(1)}="{float(m.group(2)) * scale:.0f}pt"'

    return re.sub(r'(width|height)="([\d.]+)pt"', grow, svg, count=2)
