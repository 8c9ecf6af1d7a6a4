"""Drawing: structure of the diagrams at each step, stable positions, the SVG frames and the exports."""

import re
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.drawing.layout import layout_of
from backprop_viz.drawing.painter import FramePainter
from backprop_viz.drawing.step_states import step_states
from backprop_viz.drawing.wire import CURRENT, FUTURE, KNOWN

SVG = "{http://www.w3.org/2000/svg}"
A1 = "q = x + y; f = q * z"
A3 = "f = sigmoid(w0*x0 + w1*x1 + w2)"
A3_VALUES = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)


def a1() -> bv.Graph:
    return bv.expr(A1, x=-2, y=5, z=-4)


def svg_nodes(svg: str) -> dict[str, ET.Element]:
    """Graphviz node groups of a frame by their bv-nK class."""
    root = ET.fromstring(svg)
    out = {}
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "node" in classes:
            name = next((c for c in classes if re.fullmatch(r"bv-n\d+", c)), None)
            if name:
                out[name.removeprefix("bv-")] = group
    return out


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def centres(svg: str) -> dict[str, tuple[str, str]]:
    out = {}
    for key, group in svg_nodes(svg).items():
        shape = group.find(f"{SVG}ellipse")
        text = group.find(f"{SVG}text")
        out[key] = (shape.get("cx"), shape.get("cy")) if shape is not None else (text.get("x"), text.get("y"))
    return out


def test_render_gives_a_digraph_with_every_node() -> None:
    g = a1()
    d = bv.render(g)
    assert isinstance(d, graphviz.Digraph)
    for node in g.nodes:
        assert f"{node.id} [" in d.source
    assert "∂ -4" in d.source and 'label="q =\n3"' in d.source  # a named intermediate: its name over its value


def test_render_highlights_the_node_of_the_step() -> None:
    g = a1()
    for k, step in enumerate(g.steps, start=1):
        line = next(li for li in bv.render(g, k).source.splitlines() if li.strip().startswith(f"{step.node.id} ["))
        assert "penwidth=3" in line, (k, line)


def test_render_step_out_of_range() -> None:
    with pytest.raises(IndexError, match="steps 0 to 5"):
        bv.render(a1(), 6)


def test_frames_know_only_what_has_been_computed() -> None:
    g = a1()
    frames = step_states(g)
    assert len(frames) == len(g.steps) + 1
    q, f = g.node("q").index, g.node("f").index
    assert frames[0].node_state[q] == FUTURE and frames[0].node_value[q] == ""
    assert frames[1].node_state[q] == CURRENT and frames[1].node_value[q] == "3"
    assert frames[2].node_state[q] == KNOWN
    assert frames[2].node_grad[f] == ""  # before the backward pass: not computed, not 0
    assert frames[-1].node_grad[g.node("x").index] == "-4"


def test_svg_frames_parse_and_show_values_then_gradients() -> None:
    g = a1()
    painter = FramePainter(g)
    svgs = [painter.svg(f) for f in step_states(g)]
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert texts(svgs[0]).count("q =") == texts(svgs[1]).count("q =") == 1  # the name is always there
    assert "3" not in texts(svgs[0]) and "3" in texts(svgs[1])  # its value once computed
    assert "∂ 1" not in texts(svgs[2]) and "∂ 1" in texts(svgs[3])
    assert texts(svgs[-1]).count("∂ -4") == 3  # x, y and q each get -4
    for k, step in enumerate(g.steps, start=1):
        current = [key for key, grp in svg_nodes(svgs[k]).items() if "bv-current" in grp.get("class")]
        assert current == [step.node.id]


def test_positions_do_not_move_between_steps_or_with_new_inputs() -> None:
    g = bv.expr(A3, expand=True, **A3_VALUES)
    painter = FramePainter(g)
    before = [centres(painter.svg(f)) for f in step_states(g)]
    assert all(c == before[0] for c in before)
    g.set(w0=-7.25, x1=0.001)
    after = [centres(painter.svg(f)) for f in step_states(g)]
    assert after[0] == before[0]
    pos = re.compile(r'pos="[^"]*"')
    assert pos.findall(bv.render(g, 0).source) == pos.findall(bv.render(g, len(g.steps)).source)


def test_same_structure_same_layout_object() -> None:
    assert layout_of(a1()) is layout_of(bv.expr(A1, x=10, y=20, z=30))


def test_warning_is_drawn_on_the_node() -> None:
    g = bv.expr("f = log(x) * y", x=0, y=2)
    painter = FramePainter(g)
    log_node = next(n for n in g.nodes if n.op is not None and n.op.symbol == "log")
    after_forward = painter.svg(step_states(g)[len(g.forward_steps)])  # log known, the step is elsewhere
    assert "bv-warning" in svg_nodes(after_forward)[log_node.id].get("class")
    assert "log of 0" in g.steps[0].explanation


def test_vectors_show_short_values_or_shapes() -> None:
    W = bv.Var(np.array([[0.1, 0.5], [-0.3, 0.8]]), name="W")
    x = bv.Var(np.array([0.2, 0.4]), name="x")
    g = bv.trace((W @ x).sumsq().named("f"))
    svg = FramePainter(g).svg(step_states(g)[-1])
    joined = " ".join(texts(svg))
    assert "2×2 matrix" in joined or "[[" in joined
    assert "[0.2, 0.4]" in joined


def test_dark_theme_and_scale() -> None:
    g = a1()
    light, dark = FramePainter(g), FramePainter(g, theme="dark", scale=2)
    f = step_states(g)[-1]
    assert light.svg(f) != dark.svg(f)
    width = lambda svg: float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    assert width(dark.svg(f)) == pytest.approx(2 * width(light.svg(f)), abs=1)
    with pytest.raises(ValueError, match="theme"):
        FramePainter(g, theme="blue")


def test_missing_graphviz_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name, *a, **k: None)
    g = a1()
    with pytest.raises(bv.GraphvizMissing, match="apt-get install graphviz"):
        bv.render(g)
    with pytest.raises(bv.GraphvizMissing):
        bv.Stepper(g)
    assert g.grads()["x"] == -4  # the engine still works


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_a_rendered_svg_shows_the_whole_drawing_at_its_scale(scale: float, tmp_path) -> None:
    """Graphviz 2.43 with a dpi other than 72 scales an SVG's drawing inside an unscaled viewBox (cut off):
    in the notebook, piped, and written to a file."""
    g = bv.expr("f = (x + y) * z", x=-2, y=5, z=-4)
    written = bv.render(g, scale=scale).render(outfile=tmp_path / "d.svg")
    for svg in (
        bv.render(g, scale=scale).pipe(format="svg", encoding="utf-8"),
        bv.render(g, scale=scale)._repr_image_svg_xml(),
        open(written, encoding="utf-8").read(),
    ):
        width = float(re.search(r'<svg width="([\d.]+)pt"', svg)[1])
        box = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg)[1])
        assert 'transform="scale(1 1)' in svg
        assert width / box == pytest.approx(96 / 72 * scale, rel=0.01)
