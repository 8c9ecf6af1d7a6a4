"""The stepper widget, its exports and the quiz, kernel side (the browser tests do the page side)."""

import base64
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import backprop_viz as bv
from backprop_viz.frontend.answers import is_right, parse_number
from backprop_viz.frontend.stepper import slider_range

A1 = "q = x + y; f = q * z"


def stepper(**options) -> bv.Stepper:
    return bv.Stepper(A1, x=-2, y=5, z=-4, **options)


def shown(s: bv.Stepper, k: int | None = None) -> str:
    """Everything frame ``k`` (default: the one shown) puts on screen, as one text."""
    f = s.frame(k)
    return " | ".join([f.phase, f.title, f.note, *f.texts])


def slide(s: bv.Stepper, **values: float) -> None:
    """What the browser sends when the student drags an input slider."""
    s.widget.receive({"set": values})


def test_frames_steps_and_repr() -> None:
    s = stepper()
    assert len(s) == len(s.graph.steps) + 1 == 6
    assert repr(s) == "Stepper(q = x + y; f = q * z: 5 steps, show=both)"
    bundle = s._repr_mimebundle_()
    assert bundle["text/plain"] == repr(s)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    picture = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))  # where widgets cannot run
    assert picture.width > 180 and picture.height > 90  # small: there to recognise the circuit
    s.step = 3
    assert s.step == 3 and s.widget.step == 3
    assert s.frame().phase == "backward" and s.frame().title.startswith("Step 3 of 5")
    with pytest.raises(IndexError):
        s.step = 6


def test_the_browser_gets_the_drawing_once_and_each_frame_as_changes() -> None:
    s = stepper()
    view, walk, words = s.widget.view, s.widget.data("walk"), s.widget.data("words")
    rows = view["table"]["rows"]  # label, element, first slot (value, gradient, warning mark)
    assert view["svg"].count("data-s=") + 3 * len(rows) == len(words["texts0"])
    assert view["svg"].count("data-e=") + len(rows) == len(walk["states0"])
    assert not re.search("[@\ue000\ue001]|#fe", view["svg"])  # no token left for the browser
    assert (
        len(words["texts"]) == len(walk["states"]) == len(s) - 1 == len(walk["notes"]) - 1 == len(words["numbers"]) - 1
    )
    texts = list(words["texts0"])
    for k, change in enumerate(words["texts"], start=1):  # replaying the changes gives every frame
        for i in range(0, len(change), 2):
            texts[change[i]] = change[i + 1]
        assert texts == s.frame(k).texts
    assert view["css"].startswith(".bv-theme-light") and "bv-current" in view["css"]


def test_every_frame_explains_itself() -> None:
    s = stepper()
    notes = [s.frame(k).note for k in range(len(s))]
    assert "The inputs: x = -2, y = 5, z = -4" in notes[0]
    fraction = '<span class="bv-frac"><span>∂<i>{}</i></span><span>∂<i>{}</i></span></span>'.format
    # ∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4, with fractions the browser draws itself (no typesetter to wait for)
    line = f"{fraction('f', 'x')} = {fraction('f', 'q')} · {fraction('q', 'x')} = (-4)(1) = -4"
    assert f"<div>{line}</div>" in notes[-1]
    assert "$" not in "".join(notes) and "\\frac" not in "".join(notes)
    for k in range(len(s)):
        assert s.frame(k).title.startswith(f"Step {k} of 5")


def test_show_forward_or_backward_only() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    forward, backward = bv.Stepper(g, show="forward"), bv.Stepper(g, show="backward")
    assert len(forward) == len(g.forward_steps) + 1
    assert len(backward) == len(g.backward_steps) + 1
    assert backward.frame(0).phase == "backward"  # the backward pass starts, every value known
    with pytest.raises(ValueError, match="show"):
        bv.Stepper(g, show="sideways")


def test_set_refreshes_every_frame_and_keeps_the_step() -> None:
    s = stepper()
    s.step = 4
    before = s.widget.words
    sent = []
    s.widget.observe(lambda change: sent.append(change["name"]), names=["view", "walk", "words"])
    s.set(x=1)
    assert s.step == 4 and s.widget.inputs[0] == {
        "name": "x",
        "min": -5.0,
        "max": 5.0,
        "step": 0.05,
        "value": 1.0,
        "text": "1",
    }
    assert s.widget.words != before and sent == ["words"]  # an input change sends only the numbers
    assert "x = 1" in s.frame(0).note
    assert s.graph.value == (1 + 5) * -4
    assert "6" in s.frame(-1).texts and "q =" in s.widget.view["svg"]


def test_input_slider_moves_the_graph() -> None:
    s = stepper()
    slide(s, z=2.0)  # as if the student dragged it
    assert s.graph.value == 6.0 and s.graph.grad("x") == 2.0
    assert "∂ 2" in s.frame(len(s) - 1).texts


def test_a_stepper_follows_its_graph_when_the_graph_is_set_directly() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    s = bv.Stepper(g)
    g.set(x=10)  # behind the stepper's back
    assert "-60" in s.frame(3).texts and "x = 10" in s.frame(0).note
    assert s.widget.inputs[0]["value"] == 10


def test_a_bad_slider_value_is_shown_not_raised() -> None:
    s = bv.Stepper("f = sqrt(x)", x=4.0)
    slide(s, x=-1.0)  # sqrt of a negative: a warning on the node, the widget keeps working
    assert "⚠" in shown(s, len(s) - 1) or "nan" in shown(s, len(s) - 1)


def test_slider_ranges_hold_their_default_on_the_grid() -> None:
    assert slider_range(-4) == (-10.0, 10.0, 0.1)
    assert slider_range(0.23) == (-1.0, 1.0, 0.01)  # reach 1: steps of 0.01, 0.23 on the grid
    for value in (0.75, -0.74, 0.23, 2, 0.7311, 1e-3, -123.456, 0.1):
        low, high, step = slider_range(value)
        k = round((value - low) / step)
        assert low <= value <= high and abs(low + k * step - value) < 1e-9 * max(1, abs(value)), value
    s = stepper(sliders={"x": (-3, 3, 0.5)})
    assert s.sliders["x"] == (-3.0, 3.0, 0.5)
    assert stepper(sliders={"x": (-3, 3, 0.4)}).sliders["x"] == (-2.8, 2.8, 0.4)  # x = -2 on the grid
    assert not stepper(sliders=False).sliders
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
    s = stepper()
    page = s.to_html(tmp_path / "a1.html").read_text()
    assert '<script type="module">' in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page and "import " not in page.split('<script type="module">')[1].split("\n")[0]
    assert "function render(" in page and ".bv-player{" in page  # the widget's own script and style, inlined
    assert ".bv-frac{" in page  # and the explanations' math
    state = json.loads(page.split('id="bv-state">')[1].split("</script>")[0])
    assert state["words"] == s.widget.words and state["view"] == s.widget.get_state(["view"])["view"]
    assert state["inputs"] == []
    assert "</" not in page.split('id="bv-state">')[1].split("</script>")[0]  # the data cannot end its script
    with pytest.raises(ValueError, match="html"):
        s.to_html(tmp_path / "a1.pdf")


def test_quiz_feedback() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    q = bv.quiz(g, ask=["x", "z"])
    assert repr(q) == "Quiz(z, x)"  # asked in backward order
    assert q.check("x", "-4") and q.check("z", "3.0")
    assert not q.check("x", "4")
    assert "✗" in q.verdict("x") and q.widget.typed["x"] == "4"
    q.receive({"show": "x", "on": True})  # "show the step", clicked in the page: the rule first
    assert "local derivative" in q.widget.steps_shown["x"] and "(-4)(1)" not in q.widget.steps_shown["x"]
    q.receive({"show": "x", "on": False})
    q.receive({"show": "x", "on": True})  # and again: the whole step (z, its upstream's answer, is answered)
    assert "(-4)(1) = -4" in q.widget.steps_shown["x"]
    assert not q.check("x", "__import__('os')")  # never evaluated: just not a number
    assert "not a number" in q.verdict("x")
    q.receive({"answer": "x", "text": "-4"})  # typed in the page, Enter
    assert "✓" in q.verdict("x")
    fresh = bv.quiz(g, ask=["z"])  # the answer (3) stays in the kernel: the page has only the box
    page = json.dumps(
        {k: getattr(fresh.widget, k) for k in ("heading", "rows", "typed", "verdicts", "steps_shown")},
        ensure_ascii=False,
    )
    assert "3" not in page and "∂f/∂z" in page


def test_a_quiz_keeps_its_answers_when_a_stepper_moves_the_same_graph() -> None:
    s = stepper()
    q = bv.quiz(s.graph, ask=["x"])
    assert "at x = -2, y = 5, z = -4" in q.widget.heading
    s.set(z=2.0)  # the student plays with the stepper's slider
    assert s.graph.grad("x") == 2.0
    assert q.check("x", "-4") and not q.check("x", "2")
    q.show_step("x")
    step = q.show_step("x")  # the second time: the whole step
    assert "(-4)(1) = -4" in step and 'class="bv-frac"' in step


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


def test_scale_enlarges_the_diagram_and_its_text() -> None:
    plain, big = stepper().widget.view, stepper(scale=1.6).widget.view
    assert big["width"] > 1.55 * plain["width"] and big["font"] == pytest.approx(1.6 * plain["font"])
    for bad in (-1, 0, float("nan"), 100):
        with pytest.raises(ValueError, match="scale"):
            stepper(scale=bad)


def test_sliders_for_the_inputs_named_only() -> None:
    s = stepper(sliders=["x", "z"])
    assert list(s.sliders) == ["x", "z"] and [spec["name"] for spec in s.widget.inputs] == ["x", "z"]
    with pytest.raises(ValueError, match="no input named w"):
        stepper(sliders=["x", "w"])


def test_a_long_explanation_is_wrapped_to_the_width_of_the_frame() -> None:
    from PIL import ImageFont

    from backprop_viz.drawing.pictures import _font, _wrapped, frame_image

    font = _font(18)
    long = "into x: downstream = upstream × local = (0.1966)(1) = 0.1966, " * 6
    pieces = _wrapped(long, font, 400)
    assert len(pieces) > 3 and all(font.getlength(p) <= 400 for p in pieces)
    assert " ".join(p.strip() for p in pieces).split() == long.split()
    assert isinstance(font, ImageFont.FreeTypeFont | ImageFont.ImageFont)
    s = stepper()
    image = frame_image(s.graph, s.frames[3], len(s), scale=1, theme="dark")
    assert image.getpixel((image.width - 1, image.height - 1)) == (30, 30, 30)  # the page's own background


def test_predict_mode_asks_for_each_backward_step_but_the_seed() -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4, predict=True)
    asks = s.widget.data("words")["asks"]
    assert s.widget.options["predict"] is True and len(asks) == len(s)
    forward = len(s.graph.forward_steps)
    assert all(a == [] for a in asks[: forward + 2])  # the inputs, the forward pass, the seed ∂f/∂f = 1
    last = asks[-1]  # q passes -4 on to x and to y, each label a tree with a stacked fraction
    assert sorted(value for _, value in last) == [-4.0, -4.0]
    assert all(label[0][:2] == ["span", "bv-frac"] for label, _ in last)
    assert bv.Stepper(A1, x=-2, y=5, z=-4).widget.data("words")["asks"] == [[]] * len(s)  # off by default


def test_a_stepper_showing_one_pass_numbers_its_own_steps() -> None:
    backward = bv.Stepper(A1, x=-2, y=5, z=-4, show="backward")
    titles = [backward.frame(k).title for k in range(len(backward))]
    assert [t.split(":")[0] for t in titles] == [f"Step {k} of {len(backward) - 1}" for k in range(len(backward))]
