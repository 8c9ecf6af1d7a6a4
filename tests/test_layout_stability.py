"""Nothing moves: the drawn SVG (not the DOT text) keeps every node in place across steps and inputs.

Also: a branching node's running total "Σ∂ ..." is drawn just under its node, clear of
every wire and node, and render() paints the theme's background.
"""

import io
import re
import xml.etree.ElementTree as ET

import pytest

import backprop_viz as bv
from backprop_viz.drawing.painter import FramePainter
from backprop_viz.drawing.step_states import step_states
from backprop_viz.engine.networks import network

SVG = "{http://www.w3.org/2000/svg}"
NODE_CLASS = re.compile(r"bv-n\d+")


def branching_input() -> bv.Graph:
    return bv.expr("f = x*y + x", x=2, y=3)


def network_322() -> bv.Graph:
    return network(
        [3, 2, 2],
        weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1],
        biases=[0.5] * 4,
        inputs=[1.0, 4.0, 5.0],
        targets=[0.1, 0.05],
    ).graph


# Other values for the inputs: longer and shorter numbers, other signs, so other label widths.
OTHER_VALUES = {
    "branching_input": dict(x=-0.0001234, y=-123456789),
    "network_322": dict(x1=-1234.5, x2=0.000123, x3=-7, w1=-3.75, w4=12345.678, b1=-0.001, y_t1=-9.5),
}
GRAPHS = {"branching_input": branching_input, "network_322": network_322}


def node_groups(svg: str) -> dict[str, ET.Element]:
    """Graphviz's ``g.node`` group of each graph node, by its ``bv-nK`` class."""
    out = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        name = next((c for c in classes if NODE_CLASS.fullmatch(c)), None)
        if "node" in classes and name:
            out[name.removeprefix("bv-")] = group
    return out


def drawn_positions(svg: str) -> dict:
    """Where each node is drawn (its ellipse, else its label), and the canvas the drawing sits on."""
    root = ET.fromstring(svg)
    out = {
        "canvas": (root.get("width"), root.get("height"), root.get("viewBox"), root.find(f"{SVG}g").get("transform"))
    }
    for key, group in node_groups(svg).items():
        shape, label = group.find(f"{SVG}ellipse"), group.find(f"{SVG}text")
        out[key] = (
            (shape.get("cx"), shape.get("cy"), shape.get("rx"), shape.get("ry"))
            if shape is not None
            else (label.get("x"), label.get("y"))
        )
    return out


def render_svg(g: bv.Graph, k: int, **kw) -> str:
    return bv.render(g, k, **kw).pipe(format="svg", encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    ["branching_input", pytest.param("network_322", marks=pytest.mark.slow)],  # 5 to 12 s: a dot run per step
)
def test_render_keeps_every_node_in_place_across_steps_and_inputs(name: str) -> None:
    g = GRAPHS[name]()
    assert any(n.uses > 1 for n in g.nodes), "the graph must have a branching node (a running total Σ∂)"
    reference = drawn_positions(render_svg(g, 0))
    assert len(reference) == len(g.nodes) + 1
    for k in range(len(g.steps) + 1):
        assert drawn_positions(render_svg(g, k)) == reference, f"step {k}"
    g.set(**OTHER_VALUES[name])
    for k in range(len(g.steps) + 1):
        assert drawn_positions(render_svg(g, k)) == reference, f"step {k} with other inputs"


@pytest.mark.parametrize("name", GRAPHS)
def test_stepper_frames_keep_every_node_in_place_and_agree_with_render(name: str) -> None:
    g = GRAPHS[name]()
    painter = FramePainter(g)
    rendered = drawn_positions(render_svg(g, len(g.steps)))
    for svg in [painter.svg(f) for f in step_states(g)]:
        frame = drawn_positions(svg)
        # The stepper's SVG is not scaled by dpi like render's: compare the canvas by its viewBox.
        assert frame.pop("canvas")[2] == rendered["canvas"][2]
        assert frame == {k: v for k, v in rendered.items() if k != "canvas"}
    g.set(**OTHER_VALUES[name])
    after = [drawn_positions(svg) for svg in [painter.svg(f) for f in step_states(g)]]
    assert all(a == after[0] for a in after)
    assert {k: v for k, v in after[0].items() if k != "canvas"} == {k: v for k, v in rendered.items() if k != "canvas"}


def _boxes(svg: str) -> tuple[dict[str, tuple], dict[str, tuple], list[list[tuple[float, float]]]]:
    """The running totals' text boxes, the nodes' boxes, and points along every wire (SVG coordinates, y down)."""
    notes, nodes = {}, {}
    for key, group in node_groups(svg).items():
        shape = group.find(f"{SVG}ellipse")
        texts = group.findall(f"{SVG}text")
        if shape is not None:
            cx, cy, rx, ry = (float(shape.get(a)) for a in ("cx", "cy", "rx", "ry"))
            nodes[key] = (cx - rx, cy - ry, cx + rx, cy + ry)
        else:  # a plaintext node: its label, a line of 16 pt text
            x, y = float(texts[0].get("x")), float(texts[0].get("y"))
            half = 0.32 * 16 * len(texts[0].text or "")
            nodes[key] = (x - half, y - 12, x + half, y + 4)
        for t in texts[1:]:
            if (t.text or "").startswith("Σ∂"):
                x, y = float(t.get("x")), float(t.get("y"))
                half = 0.32 * 16 * len(t.text)
                notes[key] = (x - half, y - 12, x + half, y + 4)
    wires = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if "edge" in group.get("class", "").split():
            d = group.find(f"{SVG}path").get("d")
            numbers = [float(v) for v in re.findall(r"-?[\d.]+", d)]
            points = list(zip(numbers[0::2], numbers[1::2], strict=True))
            samples = []
            for k in range(0, len(points) - 3, 3):  # points along each cubic piece
                p0, p1, p2, p3 = points[k : k + 4]
                for i in range(21):
                    t = i / 20
                    u = 1 - t
                    samples.append(
                        tuple(
                            u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * e
                            for a, b, c, e in zip(p0, p1, p2, p3, strict=True)
                        )
                    )
            wires.append(samples)
    return notes, nodes, wires


@pytest.mark.parametrize("name", GRAPHS)
def test_running_totals_sit_just_under_their_node_clear_of_everything(name: str) -> None:
    g = GRAPHS[name]()
    svg = render_svg(g, len(g.steps))
    notes, nodes, wires = _boxes(svg)
    branching = {n.id for n in g.nodes if n.uses > 1}
    assert set(notes) == branching
    for key, (x0, y0, x1, y1) in notes.items():
        nx0, ny0, nx1, ny1 = nodes[key]
        assert (x0 + x1) / 2 == pytest.approx((nx0 + nx1) / 2, abs=0.6), key  # centred under its node
        assert 0 < y0 - ny1 < 30, (key, y0 - ny1)  # just under it: never on it, never far
        for other, (ox0, oy0, ox1, oy1) in nodes.items():
            assert other == key or x1 < ox0 or ox1 < x0 or y1 < oy0 or oy1 < y0, (key, other)
        for samples in wires:
            assert not any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in samples), key


def _png_corner(g: bv.Graph, theme: str) -> tuple[int, ...]:
    from PIL import Image

    image = Image.open(io.BytesIO(bv.render(g, theme=theme).pipe(format="png"))).convert("RGBA")
    return image.getpixel((1, 1))


def test_render_paints_the_theme_background_and_the_stepper_keeps_its_css() -> None:
    g = branching_input()
    assert _png_corner(g, "dark") == (0x1E, 0x1E, 0x1E, 255)  # a dark PNG reads on a white slide
    assert _png_corner(g, "light") == (255, 255, 255, 255)
    # The stepper's SVG stays transparent: the player's CSS paints svg.bv-dark / svg.bv-light.
    for theme in ("light", "dark"):
        svg = FramePainter(g, theme=theme).svg(step_states(g)[-1])
        backgrounds = ET.fromstring(svg).find(f"{SVG}g").findall(f"{SVG}polygon")
        assert all(p.get("fill") == "transparent" for p in backgrounds)
