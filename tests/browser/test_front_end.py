"""The stepper's controls in JupyterLab and Notebook 7: keys a presenter's clicker sends, play and
space, zoom and follow, present, and the still picture an untrusted notebook shows instead.

Each test writes a small notebook of its own into the server's temporary root.
"""

from __future__ import annotations

import pytest
from chromium import artifact, page_errors, settle
from lab_page import Lab
from stepper_page import CURRENT_IN_VIEW_JS, FIT_JS, StepperView, check_frame, expected_frames

pytestmark = pytest.mark.browser

SOURCE = "q = x + y; f = q * z"
VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}
A1_NOTEBOOK = ('import backprop_viz as bv\nbv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)',)
C3_NOTEBOOK = (
    "import backprop_viz as bv\nfrom backprop_viz.engine.networks import network\n"
    "net = network([3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4,\n"
    "              inputs=[1, 4, 5], targets=[0.1, 0.05])\n"
    "bv.Stepper(net.graph, sliders=False)",
)


@pytest.fixture(scope="module")
def frames():
    return expected_frames(SOURCE, **VALUES)


def open_and_run(lab, name: str, cells: tuple[str, ...]) -> StepperView:
    lab.open(lab.write_notebook(name, *cells))
    lab.run_all(timeout=120)
    lab.page.wait_for_selector(".bv-stepper .bv-frame svg", state="visible", timeout=30_000)
    return StepperView(lab.page)


def test_clicker_keys_home_end_and_space(lab, frames):
    """Page Down / Page Up (what a presentation clicker sends), Home, End, and space for play and pause."""
    view = open_and_run(lab, "keys.ipynb", A1_NOTEBOOK)
    page, last = lab.page, len(frames) - 1
    view.locator(".bv-explanation").click()  # the stepper takes the keys once clicked, as a presenter would
    page.keyboard.press("PageDown")
    check_frame(view.wait_step(1), 1, frames)
    page.keyboard.press("PageDown")
    check_frame(view.wait_step(2), 2, frames)
    page.keyboard.press("PageUp")
    check_frame(view.wait_step(1), 1, frames)
    page.keyboard.press("End")
    check_frame(view.wait_step(last), last, frames)
    page.keyboard.press("Home")
    check_frame(view.wait_step(0), 0, frames)
    page.keyboard.press(" ")  # play
    view.wait_step(2, timeout=5_000)
    page.keyboard.press(" ")  # pause
    view.wait_play_stopped()
    stopped_at = view.state()["step"]
    page.wait_for_timeout(1_500)  # the test itself: over a play interval (900 ms) paused, and no step taken
    assert view.state()["step"] == stopped_at < last
    page.keyboard.press(" ")
    check_frame(view.wait_step(last, timeout=10_000), last, frames)
    view.wait_play_stopped()
    assert lab.error_outputs() == [] and page_errors(page) == []
    assert [p.strip() for p in lab.code_prompts()] == ["[1]:"]  # no key went to the notebook instead


def test_a_wide_network_opens_readable_follows_the_highlight_and_zooms(lab):
    """The 3-2-2 at a projector's size: opens at 10 px text or more, each frame's node in view; fit, -, +, 100%."""
    page = lab.page
    page.set_viewport_size({"width": 1024, "height": 768})
    view = open_and_run(lab, "zoom.ipynb", C3_NOTEBOOK)
    fit = view.fit()
    assert fit["zoomed"] and fit["minText"] >= 9.9, fit
    view.focus_slider()
    page.keyboard.press("Home")
    view.wait_step(0)
    last = view.last_step()
    for k in range(1, last + 1, 3):
        view.locator(".bv-slider").evaluate(
            "(e, k) => { e.value = String(k); e.dispatchEvent(new Event('input', {bubbles: true})); }", k
        )
        view.wait_step(k)
        page.wait_for_function(CURRENT_IN_VIEW_JS, arg=view.root, timeout=3_000)
    view.locator().scroll_into_view_if_needed()
    page.screenshot(path=artifact("zoom-follow-3-2-2.png"))
    view.locator(".bv-fit").click()
    fitted = view.fit()
    assert fitted["svg"] <= fitted["viewport"] + 1 and not fitted["zoomed"], fitted
    view.locator(".bv-larger").click()
    larger = view.fit()
    assert larger["zoom"] == pytest.approx(fitted["zoom"] * 1.25, rel=0.02), larger
    view.locator(".bv-smaller").click()
    assert view.fit()["zoom"] == pytest.approx(fitted["zoom"], rel=0.02)
    view.locator(".bv-actual").click()
    assert view.fit()["zoom"] == 1 and view.fit()["zoomed"]
    page.screenshot(path=artifact("zoom-100-3-2-2.png"))
    assert page_errors(page) == []


def test_present_fills_the_screen_with_diagram_and_words(lab, frames):
    page = lab.page
    page.set_viewport_size({"width": 1024, "height": 768})
    view = open_and_run(lab, "present.ipynb", A1_NOTEBOOK)
    view.locator(".bv-present").click()
    player = view.locator(".bv-player")
    player.wait_for(state="visible")
    assert "bv-presenting" in player.get_attribute("class")
    box = page.evaluate(
        """() => { const p = document.querySelector('.bv-presenting');
            const s = p.querySelector('svg').getBoundingClientRect(),
            e = p.querySelector('.bv-explanation').getBoundingClientRect();
            return {w: innerWidth, h: innerHeight, svgW: s.width, svgB: s.bottom, wordsB: e.bottom, font:
            parseFloat(getComputedStyle(p.querySelector('.bv-explanation')).fontSize)}; }"""
    )
    assert box["svgW"] <= box["w"] and box["svgB"] <= box["h"] and box["wordsB"] <= box["h"] + 1, box
    assert box["svgW"] > 0.75 * box["w"] or box["svgB"] > 0.6 * box["h"], box  # large, not a thumbnail
    assert box["font"] >= 20, box  # the words are large too
    page.keyboard.press("ArrowRight")
    check_frame(view.wait_step(1), 1, frames)
    page.screenshot(path=artifact("present-1024.png"))
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.bv-presenting')", timeout=5_000)
    assert page_errors(page) == []


def test_an_untrusted_notebook_shows_the_still_picture(lab):
    """00-start-here as cloned (never run here, so not trusted): each stepper shows its worked circuit."""
    page = lab.page
    lab.open("00-start-here.ipynb")
    pictures = page.locator(".jp-OutputArea-output img[src^='data:image/png']")
    pictures.first.wait_for(state="visible", timeout=30_000)
    assert pictures.count() >= 4
    size = pictures.first.evaluate("e => [e.naturalWidth, e.naturalHeight]")
    assert size[0] > 180 and size[1] > 90, size
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
    pictures.first.scroll_into_view_if_needed()
    page.screenshot(path=artifact("untrusted-still-picture.png"))


@pytest.mark.parametrize("size", [(1024, 768), (1400, 1000)], ids=["projector", "desk"])
def test_notebook_7_steps_by_keys_and_buttons(chromium_browser, notebook7_server, frames, size):
    from chromium import new_page

    page = new_page(chromium_browser)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        nb = Lab(page, notebook7_server)
        view = open_and_run(nb, f"nb7-{size[0]}.ipynb", A1_NOTEBOOK)
        view.focus_slider()
        page.keyboard.press("Home")
        check_frame(view.wait_step(0), 0, frames)
        for k in range(1, len(frames)):
            page.keyboard.press("ArrowRight")
            check_frame(view.wait_step(k), k, frames)
        view.locator(".bv-prev").click()
        check_frame(view.wait_step(len(frames) - 2), len(frames) - 2, frames)
        view.locator(".bv-play").click()
        check_frame(view.wait_step(len(frames) - 1, timeout=10_000), len(frames) - 1, frames)
        fit = view.fit()
        assert fit["svg"] <= fit["viewport"] + 1, fit
        view.locator().scroll_into_view_if_needed()
        page.screenshot(path=artifact(f"notebook7-{size[0]}.png"))
        # Notebook 7 itself throws this one while it loads any notebook (its own bundle, with no widget at all).
        ours = [e for e in page_errors(page) if "reading 'schema'" not in e]
        assert nb.error_outputs() == [] and ours == []
    finally:
        page.context.close()


def test_fit_width_at_both_sizes_in_jupyterlab(lab):
    """The deck's sigmoid neuron as four gates fits the notebook at 1024×768 and at 1400×1000, text 12 px or more."""
    page = lab.page
    cells = (
        "import backprop_viz as bv\n"
        'bv.Stepper("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, w0=2, x0=-1, w1=-3, x1=-2, w2=-3, step=-1)',
    )
    view = open_and_run(lab, "a3.ipynb", cells)
    for width, height, sidebar in ((1024, 768, False), (1400, 1000, True)):
        page.set_viewport_size({"width": width, "height": height})
        lab.left_sidebar(shown=sidebar)
        settle(page)
        fit = view.locator().evaluate(FIT_JS)
        assert fit["svg"] <= fit["viewport"] + 1 and not fit["zoomed"], (width, fit)
        assert fit["minText"] >= 12, (width, fit)
        view.locator().scroll_into_view_if_needed()
        page.screenshot(path=artifact(f"a3-fit-{width}.png"))
