"""A network view in JupyterLab, stepped by the stepper's own player: a clicker's keys, the dark theme,
predict mode (each delta and ∂E/∂w typed before it shows), present; and the same view drawn by the
browser's Graphviz when the kernel is told it has no dot (what JupyterLite does)."""

from __future__ import annotations

import pytest
from chromium import REPO, artifact, page_errors
from lab_page import Lab
from stepper_page import StepperView

from backprop_viz.drawing.network_states import network_states
from backprop_viz.drawing.theme import DARK
from backprop_viz.engine.networks import network
from backprop_viz.engine.numbers import fmt

pytestmark = pytest.mark.browser

WASM_GRAPHVIZ = REPO / "lite" / "node_modules" / "@hpcc-js" / "wasm-graphviz" / "dist" / "index.js"
C3 = (
    "network([3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4, "
    "inputs=[1, 4, 5], targets=[0.1, 0.05])"
)
ROOT = ".bv-network-view"


def c3():
    return network([3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4,
                   inputs=[1, 4, 5], targets=[0.1, 0.05])  # fmt: skip


def open_view(lab: Lab, name: str, *cells: str) -> StepperView:
    lab.open(
        lab.write_notebook(name, "import backprop_viz as bv\nfrom backprop_viz.engine.networks import network", *cells)
    )
    lab.run_all(timeout=120)
    lab.page.wait_for_selector(f"{ROOT} .bv-frame svg.bv-diagram", state="visible", timeout=60_000)
    return StepperView(lab.page, ROOT)


def stroke(view: StepperView, weight: str) -> str:
    """The colour a weight's edge is painted now, as rgb(...) (the browser keeps no ids: the edge by its element)."""
    from backprop_viz.frontend.network_view import NetworkView

    shown = NetworkView(c3())
    element = shown.element_of(weight)
    shown.close()
    return view.locator(f'g[data-e="{element}"] path').first.evaluate("e => getComputedStyle(e).stroke")


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_keys_dark_theme_predict_and_present(lab):
    page = lab.page
    page.set_viewport_size({"width": 1400, "height": 1000})
    view = open_view(lab, "network-predict.ipynb", f'bv.NetworkView({C3}, theme="dark", predict=True)')
    frames = network_states(c3())
    assert "bv-theme-dark" in view.locator(".bv-player").get_attribute("class")
    view.locator(".bv-explanation").click()  # the view takes the keys once clicked, as a presenter would
    page.keyboard.press("PageDown")  # a clicker's next
    state = view.wait_step(1)
    assert state["title"] == "Step 1 of 5: forward, hidden layer" and "0.9866" in state["texts"]
    # The weights into the hidden layer in the theme's blue, the others faded: the same colours the SVG file has.
    assert stroke(view, "w1") == rgb(DARK.positive) and stroke(view, "w7") == rgb(DARK.pale_positive)
    page.keyboard.press("End")
    state = view.wait_step(5)
    # Predict: the hidden layer's deltas and weight gradients are asked, not shown.
    answers = view.locator().locator(".bv-predict-answer")  # all of them (view.locator gives the first)
    assert answers.count() == len(frames[5].asks) == 10
    assert frames[5].node_delta["h_a"] not in state["texts"]
    answers.nth(0).fill("12345")
    answers.nth(0).press("Enter")
    assert "not quite" in view.locator(".bv-predict-verdict").first.inner_text()
    for k, (_, value) in enumerate(frames[5].asks):
        answers.nth(k).fill(fmt(value))
        answers.nth(k).press("Enter")
    state = view.wait_text(frames[5].node_delta["h_a"])  # every prediction right: the step shows
    assert "you predicted this step" in state["explanation"]
    page.screenshot(path=artifact("network-view-dark-predict.png"))
    view.locator(".bv-explanation").click()
    page.keyboard.press("PageUp")  # the output layer: asked too; "show the step" reveals it
    view.wait_step(4)
    view.locator(".bv-predict-reveal").click()
    view.wait_text(frames[4].node_delta["y1"])
    view.locator(".bv-present").click()
    page.wait_for_selector(f"{ROOT} .bv-presenting", state="visible")
    page.keyboard.press("ArrowLeft")
    view.wait_step(3)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.bv-presenting')", timeout=5_000)
    assert lab.error_outputs() == [] and page_errors(page) == []


@pytest.mark.skipif(not WASM_GRAPHVIZ.is_file(), reason="make lite installs the browser's Graphviz")
def test_without_dot_in_the_kernel_the_browser_draws_it(lab):
    """BACKPROP_VIZ_GRAPHVIZ=browser, as where the kernel cannot start dot: laid out in the page."""
    setup = (
        "import os\n"
        'os.environ["BACKPROP_VIZ_GRAPHVIZ"] = "browser"\n'
        f'os.environ["BACKPROP_VIZ_GRAPHVIZ_JS"] = "{WASM_GRAPHVIZ.as_posix()}"'
    )
    view = open_view(lab, "network-no-dot.ipynb", setup, f"bv.NetworkView({C3}, step=4)")
    frames = network_states(c3())
    state = view.wait_step(4)
    assert frames[4].node_delta["y1"] in state["texts"] and "∂E/∂w7 = 0.07654" in state["texts"]
    view.locator(".bv-explanation").click()
    lab.page.keyboard.press("PageDown")
    view.wait_text(frames[5].node_delta["h_a"])
    assert lab.error_outputs() == [] and page_errors(lab.page) == []
