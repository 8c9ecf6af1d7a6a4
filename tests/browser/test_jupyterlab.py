"""The stepper in a real JupyterLab, in headless Chromium: run a notebook, step it, move an input slider.

One JupyterLab server for the whole session (``lab_server`` in conftest.py), on a
temporary copy of ``notebooks/``. ``00-start-here.ipynb`` is opened and run once
for this module through the Run menu, as a person would; its first stepper is
the deck's first circuit, ``q = x + y; f = q * z`` at x = -2, y = 5, z = -4.
"""

from __future__ import annotations

import json
import platform
import re

import nbformat
import pytest
from chromium import NOTEBOOKS, artifact, page_errors, settle
from latency import measure_step_latency, side_by_side
from stepper_page import (
    CURRENT_IN_VIEW_JS,
    FRAME_KEY_JS,
    PlaywrightTimeout,
    StepperView,
    check_frame,
    expected_frames,
)

pytestmark = pytest.mark.browser

SOURCE = "q = x + y; f = q * z"
VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}
NOTEBOOK = "00-start-here.ipynb"
FIRST_STEPPER = 'bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)'


@pytest.fixture(scope="module")
def frames():
    return expected_frames(SOURCE, **VALUES)


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened in JupyterLab and run with Run > Run All Cells."""
    path = NOTEBOOKS / NOTEBOOK
    assert path.is_file(), f"{path} is missing"
    steppers = [
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" and "bv.Stepper(" in c.source
    ]
    assert steppers and FIRST_STEPPER in steppers[0], (
        f"these tests expect the first stepper of {NOTEBOOK} to be {FIRST_STEPPER}; it is:\n{steppers[:1]}"
    )
    module_lab.open(NOTEBOOK)
    module_lab.run_all(timeout=150)
    module_lab.page.wait_for_selector(".bv-stepper .bv-frame", state="visible", timeout=30_000)
    return module_lab


@pytest.fixture
def stepper(notebook):
    """The stepper, back at frame 0 (Home key on the step slider)."""
    view = StepperView(notebook.page)
    view.focus_slider()
    notebook.page.keyboard.press("Home")
    view.wait_step(0)
    return view


def test_frame_zero_is_an_svg_diagram_of_every_node(stepper, frames):
    state = stepper.state()
    check_frame(state, 0, frames)
    assert "bv-diagram" in state["svgClass"].split()
    assert sorted(state["nodes"]) == ["bv-n0", "bv-n1", "bv-n2", "bv-n3", "bv-n4"]
    assert state["explanation"].startswith("The inputs: x = -2, y = 5, z = -4.")


def test_arrow_keys_on_the_step_slider_walk_every_frame_in_order(stepper, frames, notebook):
    page = notebook.page
    last = len(frames) - 1
    explanations = [stepper.state()["explanation"]]
    for k in range(1, last + 1):
        page.keyboard.press("ArrowRight")
        state = stepper.wait_step(k)
        check_frame(state, k, frames)
        assert state["explanation"] != explanations[-1], f"frame {k} repeats the explanation of frame {k - 1}"
        explanations.append(state["explanation"])
    page.keyboard.press("ArrowRight")  # at the end: stays (keys are handled in order, so the frame after
    page.keyboard.press("ArrowLeft")  # ArrowLeft tells: last - 1, not 0 or a frame wrapped round)
    check_frame(stepper.wait_step(last - 1), last - 1, frames)
    stepper.wait_math()
    page.screenshot(path=artifact("jupyterlab-light.png"))
    stepper.locator().screenshot(path=artifact("jupyterlab-light-stepper.png"))


def test_prev_and_next_buttons_step(stepper, frames):
    last = len(frames) - 1
    assert stepper.locator(".bv-prev").is_disabled()  # nothing before the first frame
    for k in range(1, last + 1):
        stepper.locator(".bv-next").click()
        check_frame(stepper.wait_step(k), k, frames)
    assert stepper.locator(".bv-next").is_disabled() and stepper.state()["step"] == last  # nothing after the last
    for k in range(last - 1, -1, -1):
        stepper.locator(".bv-prev").click()
        check_frame(stepper.wait_step(k), k, frames)


SEEN_STEPS_JS = """(sel) => {
    const root = document.querySelector(sel);
    const key = () => { const f = [...root.querySelectorAll('.bv-frame')].find(e => e.checkVisibility());
                        return f ? Number(f.dataset.step) : null; };
    const seen = window.__bvSeen = [key()];
    const poll = () => { const k = key(); if (k !== seen[seen.length - 1]) seen.push(k);
                         if (window.__bvSeen === seen) requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
}"""


def test_play_shows_every_frame_in_order(stepper, frames, notebook):
    last = len(frames) - 1
    notebook.page.evaluate(SEEN_STEPS_JS, stepper.root)
    stepper.locator(".bv-play").click()
    check_frame(stepper.wait_step(last, timeout=last * 900 + 15_000), last, frames)
    stepper.wait_play_stopped()
    seen = notebook.page.evaluate("window.__bvSeen")
    notebook.page.evaluate("window.__bvSeen = null")
    assert seen == list(range(last + 1))


def test_moving_input_slider_x_redraws_the_values(stepper, frames, notebook):
    page = notebook.page
    last = len(frames) - 1
    stepper.focus_slider()
    page.keyboard.press("End")
    check_frame(stepper.wait_step(last), last, frames)
    moved = expected_frames(SOURCE, **{**VALUES, "x": 1.0})
    new_text = sorted(moved[last].texts - frames[last].texts)
    assert new_text, "x = 1 should change some wire's text"
    try:
        stepper.set_input("x", 1.0)
        state = stepper.wait_text(new_text[0])
        check_frame(state, last, moved)  # the step is kept, every number is recomputed
        table = {row[0]: row[1:] for row in state["table"][1:]}
        assert table["x"] == ["1", "-4"] and table["q"] == ["6", "-4"] and table["f"] == ["-24", "1"], table
        assert "⚠" not in stepper.locator().inner_text()
    finally:
        stepper.set_input("x", VALUES["x"])
    check_frame(stepper.wait_text(sorted(frames[last].texts - moved[last].texts)[0]), last, frames)


def test_a_mouse_drag_of_an_input_slider_reaches_the_end(stepper, frames, notebook):
    """#23: a drag of 20 mouse moves from one end of x's slider to the other, the kernel answering with new
    frames and inputs mid-drag: the slider under the pointer is updated in place, never rebuilt, so it
    follows the pointer to the end, and the kernel's last answer is for the end."""
    page = notebook.page
    slider = stepper.locator('.bv-inputs input[data-name="x"]')
    low, top = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    try:
        page.mouse.move(box["x"] + 1, y)
        page.mouse.down()
        for k in range(1, 21):
            page.mouse.move(box["x"] + 1 + (box["width"] + 20) * k / 20, y)
            page.wait_for_timeout(20)
        page.mouse.up()
        assert float(slider.input_value()) == top, f"the drag stopped at {slider.input_value()} (from {low})"
        page.wait_for_function(  # the kernel's last answer: x's row of the table and the slider's readout
            """([sel, text]) => {
                const root = document.querySelector(sel);
                const row = [...root.querySelectorAll('.bv-table tr')].find(r => r.cells[0].textContent === 'x');
                const readout = root.querySelector('.bv-inputs input[data-name="x"]').nextElementSibling;
                return row.cells[1].textContent === text && readout.textContent === text;
            }""",
            arg=[stepper.root, f"{top:.6g}"],
        )
        check_frame(stepper.state(), 0, expected_frames(SOURCE, **{**VALUES, "x": top}))
    finally:
        stepper.set_input("x", VALUES["x"])
    check_frame(stepper.wait_text("-2"), 0, frames)


def test_step_latency_in_jupyterlab(stepper, frames, notebook):
    """Key press to new frame, measured in the page; recorded for the benchmarks, asserted only loosely."""
    page = notebook.page
    result = measure_step_latency(page, stepper.root, FRAME_KEY_JS, stepper.focus_slider, steps=len(frames), samples=60)
    browser = page.context.browser
    result = {
        "what": "ArrowRight/ArrowLeft on the step slider to the new frame visible, in JupyterLab",
        "expression": SOURCE,
        "frames": len(frames),
        "browser": f"{browser.browser_type.name} {browser.version} (headless)",
        "jupyterlab": __import__("jupyterlab").__version__,
        "ipywidgets": __import__("ipywidgets").__version__,
        "machine": platform.platform(),
        **result,
    }
    artifact("step_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    assert result["misses"] == 0, result
    assert result["key_to_frame_ms"]["median"] < 1000 and result["key_to_frame_ms"]["p90"] < 1000, result


def test_no_error_output_anywhere(notebook):
    """No traceback or stderr output, no uncaught exception in the page (console errors are kept as an artifact)."""
    artifact("jupyterlab-console.txt").write_text("\n".join(notebook.page.bv_errors) + "\n")
    assert notebook.error_outputs() == []
    assert page_errors(notebook.page) == []
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in notebook.code_prompts()), notebook.code_prompts()


NETWORK_NOTEBOOK = "12-network-2-2-1.ipynb"


def walk(view: StepperView, title: str, screenshot: str, follow: bool = False) -> list[dict]:
    """Home, then ArrowRight through every frame of a stepper's step slider; checks each frame on the way.

    With ``follow``, each frame's highlighted node must also come into view in a diagram larger
    than its viewport (the view scrolls to it, sideways and up/down).
    """
    page = view.page
    view.focus_slider()
    page.keyboard.press("Home")
    states = [view.wait_step(0)]
    last = view.last_step()
    for k in range(1, last + 1):
        page.keyboard.press("ArrowRight")
        state = view.wait_step(k)
        if follow:
            page.wait_for_function(CURRENT_IN_VIEW_JS, arg=view.root, timeout=3_000)
        assert state["title"].startswith(title.format(k=k, last=last)), state["title"]
        assert state["explanation"].strip() and state["explanation"] != states[-1]["explanation"], k
        states.append(state)
        if state["phase"] == "backward" and states[-2]["phase"] != "backward":
            view.locator().scroll_into_view_if_needed()
            settle(page)
            page.screenshot(path=artifact(screenshot))
    return states


def test_network_notebook_runs_and_steps(lab):
    """The deck's 2-2-1 network: the notebook runs clean; its gate stepper and its neuron view walk every frame."""
    page = lab.page
    lab.open(NETWORK_NOTEBOOK)
    lab.run_all(timeout=150)
    page.wait_for_selector(".bv-stepper .bv-frame", state="visible", timeout=30_000)
    gates = StepperView(page, ".bv-stepper")
    fit = gates.fit()
    assert fit["svg"] <= fit["viewport"] + 1 and fit["minText"] >= 9, fit  # fits the notebook, text readable
    gates.locator(".bv-actual").click()  # 100 %: now larger than the notebook, the view must follow
    wide = gates.locator(".bv-viewport").evaluate("e => e.scrollWidth > e.clientWidth")
    assert wide, "the 2-2-1 circuit at 100 % fits the notebook: the test of following the highlight proves nothing"
    states = walk(gates, "Step {k} of {last}: ", "jupyterlab-network-gates.png", follow=True)
    assert len(states) > 20 and states[0]["nodes"] and states[0]["current"] == []
    for state in states[1:]:
        assert state["node"] and state["current"] == [f"bv-{state['node']}"], state
    assert {s["phase"] for s in states} == {"start", "forward", "backward"}
    gates.locator(".bv-prev").click()
    gates.wait_step(len(states) - 2)

    neurons = StepperView(page, ".bv-network-view")
    states = walk(neurons, "Step {k} of {last}: ", "jupyterlab-network-neurons.png")
    assert {s["phase"] for s in states} >= {"forward", "backward"}
    assert lab.error_outputs() == []
    assert page_errors(page) == []


def test_dark_stepper_in_dark_jupyterlab(notebook):
    """The notebook's theme="dark" stepper under Settings > Theme > JupyterLab Dark; the theme is set back after."""
    page = notebook.page
    dark = page.locator(".bv-stepper", has=page.locator(".bv-theme-dark")).first
    try:
        notebook.set_theme("JupyterLab Dark")
        dark.scroll_into_view_if_needed()
        settle(page)
        page.screenshot(path=artifact("jupyterlab-dark.png"))
        dark.screenshot(path=artifact("jupyterlab-dark-stepper.png"))
        colours = dark.locator(".bv-frame .bv-title").first.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor]"
        )
        text, background = (sum(map(int, re.findall(r"\d+", c)[:3])) for c in colours)
        assert text > background, f"dark theme: text {colours[0]} on {colours[1]}"
        light_stepper = StepperView(page)  # the first stepper, light, in the dark JupyterLab
        light_stepper.locator().scroll_into_view_if_needed()
        page.screenshot(path=artifact("jupyterlab-dark-light-stepper.png"))
        assert notebook.error_outputs() == []
        assert page_errors(page) == []
    finally:
        notebook.set_theme("JupyterLab Light")


def test_step_latency_beside_a_kernel_stepper(lab):
    """Key press to new frame for the stepper, for the stepper as it was (a Stack of full SVG frames) and for a
    kernel-drawn stepper: same page, same graphs (the measurement is benchmark figure 1's too)."""
    result = side_by_side(lab)
    for case, row in result["cases"].items():
        for who in ("stepper", "bare_page", "stack_stepper", "kernel_stepper"):
            assert row[who]["misses"] == 0, (case, who, row[who])
    artifact("step_latency_side_by_side.json").write_text(json.dumps(result, indent=2) + "\n")
    assert lab.error_outputs() == [] and page_errors(lab.page) == []


def busy_prompts(lab) -> list[str]:
    return [p for p in lab.code_prompts() if p == "[*]:"]


def step_while_busy(lab, view: StepperView, frames) -> None:
    """With a cell still running, walk the stepper by keys: it must not wait for the kernel."""
    page = lab.page
    view.locator(".bv-frame svg").wait_for(state="visible", timeout=60_000)
    assert busy_prompts(lab), f"the sleeping cell is not running; prompts {lab.code_prompts()}"
    view.focus_slider()
    page.keyboard.press("Home")
    check_frame(view.wait_step(0, timeout=3_000), 0, frames)
    for k in range(1, len(frames)):
        page.keyboard.press("ArrowRight")
        check_frame(view.wait_step(k, timeout=3_000), k, frames)
    assert busy_prompts(lab), "the kernel finished before the walk did: the test proved nothing"


def wait_running(page, running: bool) -> None:
    """Wait until some cell is running ([*]), or until none is."""
    page.wait_for_function(
        "running => [...document.querySelectorAll('.jp-InputArea-prompt')]"
        ".some(e => e.textContent.includes('*')) === running",
        arg=running,
        timeout=30_000,
    )


BUSY_NOTEBOOK = (
    'import backprop_viz as bv\nbv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)',
    "import time\ntime.sleep(12)  # the kernel is busy; the stepper above still steps",
)


def test_stepping_while_the_kernel_is_busy_and_after_a_restart(lab, frames):
    """Steps work with a cell running; Kernel > Restart Kernel and Run All Cells gives a working stepper again."""
    page = lab.page
    lab.open(lab.write_notebook("busy-kernel.ipynb", *BUSY_NOTEBOOK))
    lab.accept_dialogs()
    for _attempt in range(4):  # as in Lab.run_all: a fresh kernel connection may drop the first Run All
        lab.menu("Run", "Run All Cells")
        try:
            page.wait_for_selector(".bv-stepper .bv-frame svg", state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    view = StepperView(page)
    step_while_busy(lab, view, frames)

    wait_running(page, False)
    lab.menu("Kernel", "Restart Kernel and Run All Cells…")
    lab.accept_dialogs()
    wait_running(page, True)
    step_while_busy(lab, view, frames)
    wait_running(page, False)
    assert lab.code_prompts() == ["[1]:", "[2]:"], lab.code_prompts()
    assert lab.error_outputs() == [] and page_errors(page) == []
