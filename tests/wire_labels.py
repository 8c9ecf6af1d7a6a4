"""Where a wire crosses its own words: the wire's curve against the boxes of its value (over it) and its
gradient and local derivative (under it), with the texts of every frame, measured in the font they are
drawn in."""

from __future__ import annotations

from functools import cache

from backprop_viz.drawing.diagram import wire_label_places
from backprop_viz.drawing.layout import GRAD_DY, NAME_DY, VALUE_DY, WIRE_FONT, layout_of, wire_name
from backprop_viz.drawing.pictures import font_file
from backprop_viz.drawing.step_states import step_states

LINE = WIRE_FONT * 1.2  # points from one line of wire text to the next


@cache
def _font():
    from PIL import ImageFont

    return ImageFont.truetype(str(font_file()), 100)


def text_width(text: str) -> float:
    """Points that ``text`` takes at the wires' font size."""
    return _font().getlength(text) * WIRE_FONT / 100


def curve(pos: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along a wire's Bézier path (Graphviz's ``pos``)."""
    pts = [tuple(map(float, p.split(","))) for p in pos.split() if not p.startswith(("e,", "s,"))]
    out = []
    for k in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[k : k + 4]
        for j in range(steps + 1):
            t = j / steps
            u = 1 - t
            out.append(
                tuple(
                    u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                )
            )
    return out


def at_dot(g, layout, k: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where the words would be at dot's own label point, over and under it (to compare with)."""
    key = layout.edges[k].key
    x, y = map(float, layout.edge_lp[key].split(","))
    name = wire_name(g.nodes[layout.edges[k].src])
    return (x, y + VALUE_DY + (NAME_DY * 0.8 if name else 0)), (x, y + GRAD_DY)


def crossings(g, places=wire_label_places) -> list[str]:
    """Each wire whose path runs through one of its own texts in some frame: "wire, which text"
    (``places``: where the words are; ``at_dot`` to measure dot's own label points)."""
    layout = layout_of(g)
    frames = step_states(g)
    found = []
    for k, wire in enumerate(layout.edges):
        (vx, vy), (gx, gy) = places(g, layout, k)
        path = curve(layout.edge_pos[wire.key])
        values = {f.edge_value[k] for f in frames} - {""}
        grads = {f.edge_grad[k] for f in frames} - {""}
        notes = {f.edge_note[k] for f in frames} - {""}
        name = wire_name(g.nodes[wire.src])
        boxes = []
        value_lines = [name, *sorted(values)] if name else sorted(values)
        widest = max((text_width(t) for t in value_lines), default=0)
        lines = 2 if name else 1
        boxes.append(("value", vx, vy, widest, lines))
        widest = max((text_width(t) for t in grads | notes), default=0)
        boxes.append(("gradient", gx, gy, widest, 2 if notes else 1))
        for what, x, y, width, lines in boxes:
            if not width:
                continue
            half_h = lines * LINE / 2 - 1  # a little inside the lines: a wire may touch a letter's edge
            inside = [(px, py) for px, py in path if abs(px - x) < width / 2 - 2 and abs(py - y) < half_h]
            if inside:
                found.append(f"{g.nodes[wire.src].label} → {wire.dst}: {what}")
    return found
