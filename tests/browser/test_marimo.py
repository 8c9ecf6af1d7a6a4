"""The stepper in marimo (``marimo run``, a served app, headless), at 1024x768 like a projector.

A stepper shown through ``mo.ui.anywidget(...)``, a quiz shown bare. marimo draws each widget inside a
shadow root: Playwright's CSS locators reach into it; ``document.querySelector`` does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from chromium import REPO, artifact, free_port, page_errors
from servers import _stop
from stepper_page import FRAME_STATE_JS

pytestmark = pytest.mark.browser

APP = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    import backprop_viz as bv

    return bv, mo


@app.cell
def _(bv, mo):
    stepper = mo.ui.anywidget(bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4))
    stepper
    return (stepper,)


@app.cell
def _(bv):
    bv.quiz(bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4), ask=["x"])
    return


if __name__ == "__main__":
    app.run()
"""

STEPPER = ".bv-stepper"
WAIT_MS = 60_000  # the first run imports the package and draws with dot on a shared 2-core machine


@pytest.fixture(scope="module")
def marimo_url(tmp_path_factory):
    """``marimo run`` on a small app, on 127.0.0.1, the package imported from this work tree."""
    pytest.importorskip("marimo")
    base = tmp_path_factory.mktemp("marimo")
    (base / "app.py").write_text(APP)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    env["MARIMO_SKIP_UPDATE_CHECK"] = "1"
    port = free_port()
    log = artifact("marimo.log")
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "marimo", "run", "app.py", "--headless", "--host", "127.0.0.1",
             "--port", str(port), "--no-token"],
            cwd=base, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(url, timeout=2).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"marimo run did not start; see {log}", pytrace=False)
                    time.sleep(0.25)
            yield url
        finally:
            _stop(process)


@pytest.fixture(scope="module")
def app_page(chromium_browser, marimo_url):
    """The app, opened once at 1024x768, its stepper on screen."""
    context = chromium_browser.new_context(viewport={"width": 1024, "height": 768}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.bv_errors = []
    page.on("pageerror", lambda exc: page.bv_errors.append(f"pageerror: {exc}"))
    page.goto(marimo_url)
    page.locator(f"{STEPPER} .bv-frame").first.wait_for(state="visible", timeout=WAIT_MS)
    try:
        yield page
    finally:
        context.close()


def state(page) -> dict:
    return page.locator(STEPPER).first.evaluate(FRAME_STATE_JS)


def wait_until(page, check, what: str, timeout_ms: float = 10_000) -> dict:
    """Poll the stepper's visible frame until ``check(state)`` holds; returns that state."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        now = state(page)
        if check(now):
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_ms / 1000:g} s; the frame shows {now}")
        page.wait_for_timeout(50)


def test_the_stepper_and_a_bare_quiz_show_in_marimo(app_page) -> None:
    first = state(app_page)
    assert first["visible"] == 1 and first["step"] == 0
    assert {"-2", "5", "-4"} <= set(first["texts"]) and first["phase"] == "start"
    app_page.locator(".bv-quiz-answer").first.wait_for(state="visible", timeout=WAIT_MS)  # shown bare, no wrapper
    app_page.screenshot(path=str(artifact("marimo-1024x768.png")))
    assert page_errors(app_page) == []


def test_the_stepper_is_styled_by_its_style_sheet(app_page) -> None:
    """player.css reaches the widget inside marimo's shadow root: its controls are laid out in a row."""
    controls = app_page.locator(f"{STEPPER} .bv-controls").first
    assert controls.evaluate("e => getComputedStyle(e).display") == "flex"
    phase = app_page.locator(f"{STEPPER} .bv-phase").first
    assert phase.evaluate("e => getComputedStyle(e).fontWeight") == "700"


def test_arrow_right_and_page_down_step(app_page) -> None:
    """The keys a student and a presentation clicker send, with the focus in the stepper."""
    app_page.locator(f"{STEPPER} .bv-explanation").first.click()
    app_page.keyboard.press("Home")
    wait_until(app_page, lambda s: s["step"] == 0, "Home shows frame 0")
    app_page.keyboard.press("ArrowRight")
    wait_until(app_page, lambda s: s["step"] == 1, "ArrowRight shows frame 1")
    app_page.keyboard.press("PageDown")
    wait_until(app_page, lambda s: s["step"] == 2, "PageDown shows frame 2")
    app_page.keyboard.press("Home")
    wait_until(app_page, lambda s: s["step"] == 0, "Home shows frame 0 again")


def test_dragging_an_input_slider_to_its_end_changes_the_numbers(app_page) -> None:
    """The mouse drags x's slider to its right end; the kernel answers with new numbers for the diagram."""
    for k in (1, 2):  # the frame that computes q = x + y = 3
        app_page.locator(f"{STEPPER} .bv-next").first.click()
        wait_until(app_page, lambda s, k=k: s["step"] == k, f"next shows frame {k}")
    before = state(app_page)["texts"]
    assert "3" in before
    x = app_page.locator(f'{STEPPER} .bv-inputs input[data-name="x"]').first
    x.scroll_into_view_if_needed()
    top = float(x.get_attribute("max"))
    box = x.bounding_box()
    y = box["y"] + box["height"] / 2
    start = box["x"] + box["width"] * (float(x.input_value()) - float(x.get_attribute("min"))) / (2 * top)
    app_page.mouse.move(start, y)
    app_page.mouse.down()
    for k in range(1, 11):  # a drag, not a jump: the kernel gets the values on the way too
        app_page.mouse.move(start + (box["x"] + box["width"] + 20 - start) * k / 10, y)
        app_page.wait_for_timeout(30)
    app_page.mouse.up()
    assert float(x.input_value()) == top
    x_top, q_top = f"{top:g}", f"{top + 5:g}"  # q = x + y with y = 5
    after = wait_until(app_page, lambda s: q_top in s["texts"], f"q = {q_top} on the diagram", WAIT_MS)
    assert x_top in after["texts"] and "-2" not in after["texts"] and after["step"] == 2
    app_page.screenshot(path=str(artifact("marimo-dragged-1024x768.png")))
    assert page_errors(app_page) == []
