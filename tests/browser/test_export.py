"""Steppers taken out of the notebook, opened from disk with no kernel and no network: they still step.

* ``00-start-here.ipynb`` executed by nbconvert with its widget state, exported to
  HTML whose widget JavaScript comes from tests/browser/node_modules;
* the stepper's own ``to_html`` page.

Every request that is not a local file is blocked, and the tests assert none was tried.
"""

from __future__ import annotations

import json

import pytest
from chromium import NOTEBOOKS, artifact, page_errors
from exported import open_exported
from latency import measure_step_latency
from stepper_page import FRAME_KEY_JS, StepperView, check_frame, expected_frames

import backprop_viz as bv

pytestmark = pytest.mark.browser

SOURCE = "q = x + y; f = q * z"
VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}


@pytest.fixture(scope="module")
def frames():
    return expected_frames(SOURCE, **VALUES)


def walk_with_keys(view: StepperView, frames, focus) -> None:
    """From frame 0, ArrowRight to the last frame and one past it, then ArrowLeft once; checks every frame."""
    page, last = view.page, len(frames) - 1
    focus()
    for k in range(1, last + 1):
        page.keyboard.press("ArrowRight")
        check_frame(view.wait_step(k), k, frames)
    page.keyboard.press("ArrowRight")  # past the last frame: stays there (keys are handled in order, so the
    page.keyboard.press("ArrowLeft")  # frame after ArrowLeft tells: last - 1, not 0 or a frame wrapped round)
    check_frame(view.wait_step(last - 1), last - 1, frames)


def walk_with_buttons(view: StepperView, frames) -> None:
    """From the last frame but one: ◀ down to frame 0, then ▶ once."""
    last = len(frames) - 1
    for k in range(last - 2, -1, -1):
        view.locator(".bv-prev").click()
        check_frame(view.wait_step(k), k, frames)
    view.locator(".bv-next").click()
    check_frame(view.wait_step(1), 1, frames)


def test_exported_notebook_steps_without_kernel(export_notebook, exported_page, frames):
    exported = export_notebook(NOTEBOOKS / "00-start-here.ipynb")
    models = {m["model_name"] for m in exported.widget_state["state"].values()}
    assert "AnyModel" in models and "StackModel" not in models, models  # one model per stepper
    page = exported_page
    open_exported(page, exported.html, ".bv-stepper .bv-frame")
    view = StepperView(page)
    state = view.state()
    check_frame(state, state["step"], frames)  # the step the notebook left it at
    view.focus_slider()
    page.keyboard.press("Home")
    check_frame(view.wait_step(0), 0, frames)

    walk_with_keys(view, frames, view.focus_slider)
    walk_with_buttons(view, frames)
    view.locator(".bv-play").click()  # play, from frame 1
    check_frame(view.wait_step(len(frames) - 1, timeout=15_000), len(frames) - 1, frames)
    view.wait_play_stopped()

    view.focus_slider()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    check_frame(view.wait_step(3), 3, frames)
    view.locator().scroll_into_view_if_needed()
    view.wait_math()
    page.screenshot(path=artifact("export-notebook.png"))
    view.locator().screenshot(path=artifact("export-notebook-stepper.png"))
    assert page.locator(".bv-stepper").count() >= 5, "the notebook's other steppers are missing"
    # The notebook's own markdown shows the Colab badge, an image on Colab's site: offline it is a broken image
    # (the course site, make html, writes plain links instead). Nothing else may be fetched.
    tried = [url for url in page.bv_blocked if not url.endswith("/assets/colab-badge.svg")]
    assert tried == [], f"the exported notebook tried the network: {tried}"
    assert page.bv_served, "the widget JavaScript was never asked for: what stepped?"
    assert page_errors(page) == []


def open_to_html(page, s: bv.Stepper, path) -> StepperView:
    """``s`` written by to_html, closed, and its page opened from disk: the stepper in it."""
    page_file = s.to_html(path)
    s.close()
    open_exported(page, page_file, ".bv-frame")
    return StepperView(page)


def test_to_html_steps_with_its_own_controls(exported_page, frames, tmp_path):
    s = bv.Stepper(SOURCE, **VALUES)
    page = exported_page
    view = open_to_html(page, s, tmp_path / "a1.html")
    check_frame(view.state(), 0, frames)

    walk_with_keys(view, frames, lambda: view.locator(".bv-explanation").click())
    walk_with_buttons(view, frames)
    slider = view.locator(".bv-slider")
    slider.fill("4")
    check_frame(view.wait_step(4), 4, frames)

    view.locator(".bv-play").click()
    check_frame(view.wait_step(len(frames) - 1, timeout=15_000), len(frames) - 1, frames)
    view.wait_play_stopped()
    assert page.bv_blocked == [], f"the page tried the network: {page.bv_blocked}"
    assert page_errors(page) == []
    slider.fill("4")
    view.wait_step(4)
    page.screenshot(path=artifact("to_html-light.png"))

    # For comparison with JupyterLab's figure: the same frames in a plain page.
    slider.fill("0")
    view.wait_step(0)
    view.locator(".bv-explanation").click()  # the focus off the slider: the stepper's own key handler steps
    result = measure_step_latency(page, view.root, FRAME_KEY_JS, lambda: None, steps=len(frames), samples=30)
    result = {"what": "ArrowRight/ArrowLeft to the new frame visible, in the to_html page", **result}
    artifact("step_latency_to_html.json").write_text(json.dumps(result, indent=2) + "\n")
    assert result["misses"] == 0 and result["key_to_frame_ms"]["median"] < 1000, result


def test_to_html_dark(exported_page, frames, tmp_path):
    s = bv.Stepper(SOURCE, **VALUES, theme="dark", step=4)
    page = exported_page
    view = open_to_html(page, s, tmp_path / "a1-dark.html")
    state = view.state()
    check_frame(state, 4, frames)
    assert "bv-dark" in state["svgClass"].split() and view.locator(".bv-theme-dark").count() == 1
    view.locator(".bv-next").click()
    check_frame(view.wait_step(5), 5, frames)
    page.screenshot(path=artifact("to_html-dark.png"))
    assert page.bv_blocked == [] and page_errors(page) == []


def test_to_html_arrow_key_on_the_focused_slider_moves_one_step(exported_page, frames, tmp_path):
    s = bv.Stepper(SOURCE, **VALUES, step=3)
    page = exported_page
    view = open_to_html(page, s, tmp_path / "a1.html")
    view.locator(".bv-slider").focus()
    page.keyboard.press("ArrowRight")
    view.wait_step(4)
    page.keyboard.press("ArrowLeft")  # one step back: had ArrowRight gone two, this would stop at 4
    view.wait_step(3)


HOSTILE = '<img src=x onerror="window.__bvRan=1"><script>window.__bvRan=1</script>'
HOSTILE_NAMES = [
    '<<TABLE HREF=\'x"&gt;&lt;/a&gt;&lt;img src=x onerror="window.__bvRan=1"&gt;\'><TR><TD>w</TD></TR></TABLE>>',
    '"><script>window.__bvRan=1</script>',
    "<b>x</b>",
]


def test_hostile_words_never_run_in_a_page_or_a_saved_svg(exported_page, tmp_path):
    """A title is shown as text; a name shaped like markup is refused before anything is drawn."""
    for name in HOSTILE_NAMES:
        with pytest.raises(ValueError):
            bv.Stepper(bv.expr(SOURCE, output=name, **VALUES))
    s = bv.Stepper(SOURCE, **VALUES, title=HOSTILE, step=5)
    page_file, svg_file = s.to_html(tmp_path / "hostile.html"), s.save(tmp_path / "hostile.svg")
    s.close()
    page = exported_page
    for file in (page_file, svg_file):
        page.goto(file.as_uri())
        page.wait_for_timeout(500)  # what must not happen has no event to wait for: time for an image to fail
        assert page.evaluate("window.__bvRan") is None, file.name
    page.goto(page_file.as_uri())
    page.wait_for_selector(".bv-frame")
    assert page.locator(".bv-heading").inner_text() == HOSTILE  # shown, as words
    assert page.bv_blocked == [] and page_errors(page) == []


@pytest.mark.parametrize("title", ["<!--<script>", "<script>", "<!--", "</script", "a <!-- b <script> c --> d &amp;"])
def test_a_title_shaped_like_a_script_comment_leaves_the_page_working(exported_page, tmp_path, title):
    """The HTML parser reads a script's text by its own rules: "<!--<script>" in the saved state once made
    the page's script never end, and the stepper never rendered."""
    s = bv.Stepper("f = x*y", x=1, y=2, title=title)
    page = exported_page
    view = open_to_html(page, s, tmp_path / "title.html")
    assert page.locator(".bv-heading").inner_text() == title
    page.locator(".bv-next").click()
    view.wait_step(1)
    assert page.bv_blocked == [] and page_errors(page) == []


def test_predict_then_reveal_in_a_page_with_no_kernel(exported_page, frames, tmp_path):
    """predict=True: a backward step hides what it computes until the student types it; the page checks it."""
    s = bv.Stepper(SOURCE, **VALUES, predict=True)
    first_ask = next(k for k, a in enumerate(s.widget.data("words")["asks"]) if a)
    answers = s.frame(first_ask).asks
    (_label, exact), *_ = answers
    page = exported_page
    view = open_to_html(page, s, tmp_path / "predict.html")
    view.locator(".bv-explanation").click()
    for _ in range(first_ask):
        page.keyboard.press("ArrowRight")
    state = view.wait_step(first_ask)
    hidden = frames[first_ask].texts - frames[first_ask - 1].texts
    assert hidden and not hidden & set(state["texts"]), "the step's new gradient shows before it was predicted"
    box = view.locator(".bv-predict-answer").first
    box.fill(str(-exact + 1))
    box.press("Enter")
    assert "not quite" in view.locator(".bv-predict-verdict").first.inner_text()
    page.keyboard.press("ArrowRight")  # typed into the box: the arrow is the box's, no step
    assert view.state()["step"] == first_ask
    boxes = page.locator(".bv-predict-answer")
    assert boxes.count() == len(answers)
    for n in range(boxes.count()):
        boxes.nth(n).fill(f"{answers[n][1]:.4g}")
        boxes.nth(n).press("Enter")
    page.wait_for_selector(".bv-predict-right")
    check_frame(view.state(), first_ask, frames)  # revealed: every text of the step
    view.locator(".bv-explanation").click()
    page.keyboard.press("ArrowRight")
    view.wait_step(first_ask + 1)
    if view.locator(".bv-predict-reveal").count():
        view.locator(".bv-predict-reveal").click()  # or just show it
        check_frame(view.state(), first_ask + 1, frames)
    page.screenshot(path=artifact("predict.png"))
    assert page.bv_blocked == [] and page_errors(page) == []
