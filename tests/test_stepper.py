"""The stepper widget, its exports and the quiz, kernel side (the browser tests do the page side)."""

import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import backprop_viz as bv
from backprop_viz.quiz import is_right, parse_number
from backprop_viz.stepper import slider_range

A1 = "q = x + y; f = q * z"


def stepper(**options) -> bv.Stepper:
    return bv.Stepper(A1, x=-2, y=5, z=-4, **options)


def visible_html(s: bv.Stepper) -> str:
    return s._stack.children[s._stack.selected_index].value


def test_frames_steps_and_repr() -> None:
    s = stepper()
    assert len(s) == len(s.graph.steps) + 1 == 6
    assert repr(s) == "Stepper(q = x + y; f = q * z: 5 steps, show=both)"
    bundle = s._repr_mimebundle_()
    assert bundle["text/plain"] == repr(s)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/svg+xml"].startswith("<svg")  # a still picture where widgets cannot run
    s.step = 3
    assert s.step == 3 and s._stack.selected_index == 3
    assert 'data-step="3"' in visible_html(s) and 'data-phase="backward"' in visible_html(s)
    with pytest.raises(IndexError):
        s.step = 6


def test_every_frame_explains_itself() -> None:
    s = stepper()
    html = [child.value for child in s._stack.children]
    assert "The inputs: x = -2, y = 5, z = -4" in html[0]
    fraction = '<span class="bv-frac"><span>∂<i>{}</i></span><span>∂<i>{}</i></span></span>'.format
    # ∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4, with fractions the browser draws itself (no typesetter to wait for)
    line = f"{fraction('f', 'x')} = {fraction('f', 'q')} · {fraction('q', 'x')} = (-4)(1) = -4"
    assert f"<div>{line}</div>" in html[-1]
    assert "$" not in "".join(html) and "\\frac" not in "".join(html)
    for k, h in enumerate(html):
        assert f'data-step="{k}"' in h and "<svg" in h and "bv-explanation" in h and "bv-table" in h


def test_show_forward_or_backward_only() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    forward, backward = bv.Stepper(g, show="forward"), bv.Stepper(g, show="backward")
    assert len(forward) == len(g.forward_steps) + 1
    assert len(backward) == len(g.backward_steps) + 1
    assert 'data-phase="forward"' in backward._stack.children[0].value  # starts with every value known
    with pytest.raises(ValueError, match="show"):
        bv.Stepper(g, show="sideways")


def test_set_refreshes_every_frame_and_keeps_the_step() -> None:
    s = stepper()
    s.step = 4
    before = [c.value for c in s._stack.children]
    s.set(x=1)
    assert s.step == 4 and s._inputs["x"].value == 1
    after = [c.value for c in s._stack.children]
    assert after[0] != before[0] and "x = 1" in after[0]
    assert s.graph.value == (1 + 5) * -4
    assert "q = 6" in after[-1]


def test_input_slider_moves_the_graph() -> None:
    s = stepper()
    s._inputs["z"].value = 2.0  # as if the student dragged it
    assert s.graph.value == 6.0 and s.graph.grad("x") == 2.0
    assert "∂ 2" in visible_html(s) or s.step == 0


def test_a_bad_slider_value_is_shown_not_raised() -> None:
    s = bv.Stepper("f = sqrt(x)", x=4.0)
    s._inputs["x"].value = -1.0  # sqrt of a negative: a warning on the node, the widget keeps working
    assert "⚠" in s._stack.children[-1].value or "nan" in s._stack.children[-1].value


def test_slider_ranges() -> None:
    assert slider_range(-4) == (-10.0, 10.0, 0.1)
    assert slider_range(0.23) == (-1.0, 1.0, 0.01)
    assert slider_range(2) == (-5.0, 5.0, 0.05)
    s = stepper(sliders={"x": (-3, 3, 0.5)})
    assert (s._inputs["x"].min, s._inputs["x"].max, s._inputs["x"].step) == (-3, 3, 0.5)
    assert not stepper(sliders=False)._inputs
    with pytest.raises(ValueError, match="no input named w"):
        stepper(sliders={"w": (0, 1, 0.1)})


def test_bad_expression_is_an_expression_error() -> None:
    with pytest.raises(bv.ExpressionError, match="never closed"):
        bv.Stepper("f = (x + ", x=1)


def test_close() -> None:
    s = stepper()
    s.close()
    with pytest.raises(RuntimeError, match="closed"):
        s.set(x=1)


def test_save_svg_png_gif_pdf(tmp_path) -> None:
    s = stepper()
    s.step = 2
    ET.parse(s.save(tmp_path / "frame.svg"))
    assert s.save(tmp_path / "frame.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gif = Image.open(s.save(tmp_path / "steps.gif"))
    assert gif.n_frames == len(s)
    pdf = s.save(tmp_path / "steps.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(s)
    with pytest.raises(ValueError, match="use .svg"):
        s.save(tmp_path / "x.doc")


def test_to_html_is_self_contained(tmp_path) -> None:
    page = stepper().to_html(tmp_path / "a1.html").read_text()
    assert page.count('class="bv-frame"') == 6
    assert "<script>" in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    assert bv.expr(A1, x=-2, y=5, z=-4).steps[-1].html.split("<br>")[0] in page  # ∂f/∂x = ∂f/∂q · ∂q/∂x = ...


def test_quiz_feedback() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    q = bv.quiz(g, ask=["x", "z"])
    assert repr(q) == "Quiz(x, z)"
    assert q.check("x", "-4") and q.check("z", "3.0")
    assert not q.check("x", "4")
    assert "✗" in q._rows["x"][1].value
    q._rows["x"][2].value = True  # "show the step"
    assert "(-4)(1) = -4" in q._rows["x"][3].value
    assert not q.check("x", "__import__('os')")  # never evaluated: just not a number
    assert "not a number" in q._rows["x"][1].value


def test_a_quiz_keeps_its_answers_when_a_stepper_moves_the_same_graph() -> None:
    s = stepper()
    q = bv.quiz(s.graph, ask=["x"])
    assert "at x = -2, y = 5, z = -4" in q.widget.children[0].value
    s.set(z=2.0)  # the student plays with the stepper's slider
    assert s.graph.grad("x") == 2.0
    assert q.check("x", "-4") and not q.check("x", "2")
    q._rows["x"][2].value = True
    assert "(-4)(1) = -4" in q._rows["x"][3].value and 'class="bv-frac"' in q._rows["x"][3].value


def test_quiz_numbers() -> None:
    assert parse_number("−0.39") == -0.39 and parse_number("3/4") == 0.75 and parse_number("1e-3") == 0.001
    assert is_right(-0.39, -0.3932) and not is_right(0.39, -0.3932)
    with pytest.raises(ValueError):
        parse_number("x")
    with pytest.raises(KeyError, match="named nodes: x, y, q, z, f"):
        bv.quiz(bv.expr(A1, x=1, y=2, z=3), ask=["nope"])


def test_open_at_the_last_step() -> None:
    s = stepper(step=-1)
    assert s.step == len(s) - 1
    assert s.set(x=0) is None  # nothing to display again when it is a cell's last line


def test_scale_enlarges_the_text_with_the_diagram() -> None:
    plain, big = stepper(), stepper(scale=1.6)
    assert 'style="font-size:160%"' in big._stack.children[2].value
    assert "font-size" not in plain._stack.children[2].value.split("<svg")[0]
    width = lambda s: float(re.search(r'<svg[^>]*width="([\d.]+)pt"', s._stack.children[2].value)[1])  # noqa: E731
    assert width(big) > 1.5 * width(plain)


def test_sliders_for_the_inputs_named_only() -> None:
    s = stepper(sliders=["x", "z"])
    assert list(s._inputs) == ["x", "z"]
    with pytest.raises(ValueError, match="no input named w"):
        stepper(sliders=["x", "w"])


def test_a_long_explanation_is_wrapped_to_the_width_of_the_frame() -> None:
    from PIL import ImageFont

    from backprop_viz.export import _font, _wrapped, frame_image

    font = _font(18)
    long = "into x: downstream = upstream × local = (0.1966)(1) = 0.1966, " * 6
    pieces = _wrapped(long, font, 400)
    assert len(pieces) > 3 and all(font.getlength(p) <= 400 for p in pieces)
    assert " ".join(p.strip() for p in pieces).split() == long.split()
    assert isinstance(font, ImageFont.FreeTypeFont | ImageFont.ImageFont)
    s = stepper()
    image = frame_image(s.graph, s.frames[3], len(s), scale=1, theme="dark")
    assert image.getpixel((image.width - 1, image.height - 1)) == (30, 30, 30)  # the page's own background
