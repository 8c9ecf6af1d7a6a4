"""The notebooks in JupyterLite (``make lite``), in headless Chromium, with no network.

``build/lite/`` is served from disk by a static file server on 127.0.0.1; the page may
load nothing else (every other request is aborted and listed). ``00-start-here.ipynb``
is opened and run with Run > Run All Cells as a person would: Python runs in the
browser (Pyodide), and the steppers' diagrams are laid out by the browser's Graphviz
(the kernel there cannot start ``dot``). A stepper is stepped, an input slider moved,
and the time from opening the page to the first stepper on screen is measured twice:
cold (a new browser profile) and warm (the same profile again, its HTTP cache filled).
Then every notebook is run to its end the same way: no cell shows an error, and every
stepper and network view it makes is drawn. How long the 4-5-4 network view of
``11-four-pixel-images`` takes to appear once its cell has run is measured too.
The numbers go to ``test-artifacts/lite-timing.json``.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from chromium import settle
from conftest import ERROR_OUTPUT, IN_CI, NOTEBOOKS, REPO, Lab, artifact, new_page, page_errors, unavailable
from stepper_page import PlaywrightTimeout, StepperView, check_frame, expected_frames

pytestmark = pytest.mark.browser

SITE = REPO / "build" / "lite"
NOTEBOOK = "00-start-here.ipynb"
SOURCE = "q = x + y; f = q * z"
VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # the browser dropped a request it no longer needed
            pass


@pytest.fixture(scope="module")
def site():
    """build/lite served on 127.0.0.1 by a static file server (the site is built by make lite)."""
    if not (SITE / "lab" / "index.html").is_file():
        unavailable(f"{SITE} is not built: run 'make lite'")
    missing = SITE / "MISSING.txt"
    if missing.is_file() and not IN_CI:
        pytest.skip(missing.read_text(encoding="utf-8"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def offline_page(browser, base: str, context=None):
    """A page that may load only ``base``; ``page.bv_blocked`` lists every other request."""
    page = new_page(browser) if context is None else context.new_page()
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    page.bv_blocked = blocked
    return page


def run_all(lab: Lab) -> None:
    """Clear the outputs, then Run > Run All Cells until a cell starts: the kernel starts in the browser,
    and a Run All sent before it is up is dropped."""
    page = lab.page
    lab.accept_dialogs()
    lab.menu("Edit", "Clear Outputs of All Cells")
    for _attempt in range(12):  # the kernel starts in the browser: a Run All sent before it is up is dropped
        lab.menu("Run", "Run All Cells")
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
                ".some(e => /[*\\d]/.test(e.textContent))",
                timeout=10_000,
            )
            break
        except PlaywrightTimeout:
            continue


def open_and_run(page, base: str) -> tuple[Lab, float]:
    """Open the notebook, Run All Cells; returns the Lab and the seconds until the first stepper shows."""
    lab = Lab(page, SimpleNamespace(app="jupyterlab", notebook_url=lambda name: f"{base}/lab/index.html?path={name}"))
    start = time.monotonic()
    lab.open(NOTEBOOK)
    run_all(lab)
    page.wait_for_selector(".bv-stepper .bv-viewport svg.bv-diagram", state="attached", timeout=240_000)
    return lab, time.monotonic() - start


def wait_all_ran(lab: Lab, timeout: float = 240) -> list[str]:
    """Wait until no cell is running or queued. A cell that needs dot (the GIF and PDF export) fails
    and stops Run All there: run the cells after it too, as a person would. Returns the error outputs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        prompts = lab.code_prompts()
        if prompts and "[*]:" not in prompts:
            if all(re.search(r"\d", p) for p in prompts):
                return lab.error_outputs()
            failed = lab.page.locator(f".jp-CodeCell:has({ERROR_OUTPUT})").last
            rest = failed.locator("xpath=following-sibling::div[contains(@class, 'jp-CodeCell')][1]")
            if not failed.count() or not rest.count():
                return lab.error_outputs()
            rest.locator(".jp-InputArea-editor").click()
            lab.menu("Run", "Run Selected Cell and All Below")
            lab.page.wait_for_timeout(2000)
        lab.page.wait_for_timeout(500)
    raise AssertionError(f"cells did not finish within {timeout} s; prompts: {lab.code_prompts()}")


@pytest.fixture(scope="module")
def lite(chromium_browser, site):
    """00-start-here run in JupyterLite twice: cold (a new browser profile), then warm (the same
    profile, a new tab: its HTTP cache filled). The tests use the warm tab."""
    page = offline_page(chromium_browser, site)
    context = page.context
    try:
        _, cold = open_and_run(page, site)
        blocked = list(page.bv_blocked)
        page.close()
        page = offline_page(chromium_browser, site, context=context)
        lab, warm = open_and_run(page, site)
        timing = {"cold_s": round(cold, 1), "warm_s": round(warm, 1)}
        artifact("lite-timing.json").write_text(json.dumps(timing, indent=1), encoding="utf-8")
        errors = wait_all_ran(lab)
        yield SimpleNamespace(lab=lab, page=page, errors=errors, timing=timing, blocked=blocked + page.bv_blocked)
    finally:
        context.close()


def test_nothing_is_loaded_from_outside_the_site(lite):
    assert lite.blocked == []


def test_every_cell_runs(lite):
    """Every cell of 00-start-here runs in JupyterLite: its export cell says exports need dot instead of failing."""
    assert lite.errors == [], "\n\n".join(lite.errors)
    prompts = lite.lab.code_prompts()
    assert all(re.search(r"\d", p) for p in prompts), f"cells that did not run: {prompts}"


def test_the_stepper_steps_and_its_input_slider_moves(lite):
    page = lite.page
    frames = expected_frames(SOURCE, **VALUES)
    view = StepperView(page)
    view.locator().scroll_into_view_if_needed()
    view.focus_slider()
    page.keyboard.press("Home")  # the notebook has moved this stepper to step 3
    check_frame(view.wait_step(0), 0, frames)
    last = len(frames) - 1
    for k in range(1, last + 1):
        view.locator(".bv-next").click()
        check_frame(view.wait_step(k), k, frames)
    moved = expected_frames(SOURCE, **{**VALUES, "x": 1.0})
    new_text = sorted(moved[last].texts - frames[last].texts)
    assert new_text, "x = 1 should change some wire's text"
    view.set_input("x", 1.0)
    check_frame(view.wait_text(new_text[0], timeout=60_000), last, moved)
    settle(page)
    view.locator().screenshot(path=artifact("lite-stepper.png"))
    page.screenshot(path=artifact("lite-00-start-here.png"))


def test_time_to_the_first_stepper(lite):
    """Cold: a new browser profile; warm: the same one again. Both within the limits a class tolerates."""
    print(f"JupyterLite, first stepper on screen: cold {lite.timing['cold_s']} s, warm {lite.timing['warm_s']} s")
    assert lite.timing["cold_s"] < 180
    assert lite.timing["warm_s"] < 120


def test_the_site_holds_what_it_needs(site):
    lock = json.loads((SITE / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    for name in ("numpy", "matplotlib", "backprop-viz", "anywidget", "ipywidgets", "graphviz"):
        file = Path(lock["packages"][name]["file_name"])
        assert not file.is_absolute() and "://" not in str(file), file
        assert (SITE / "static" / "pyodide" / file).is_file(), file


# -- every notebook, to the end ---------------------------------------------------------------------

ALL = sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
PLAYERS = ".jp-NotebookPanel:not(.lm-mod-hidden) .bv-player"
TIMINGS: dict[str, float] = {}


def players_saved(name: str) -> int:
    """How many steppers and network views the notebook shows, as saved."""
    cells = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]
    shown = 0
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = "".join(data.get("text/plain", ""))
            if "application/vnd.jupyter.widget-view+json" in data and text.startswith(("Stepper(", "NetworkView(")):
                shown += 1
    return shown


def run_to_the_end(lab: Lab, timeout: float = 600) -> None:
    """Run > Run All Cells (retried until the kernel, started in the browser, takes it), then wait until
    every cell has run; a cell that fails stops the wait."""
    page = lab.page
    run_all(lab)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        prompts = lab.code_prompts()
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
            return
        if "[*]:" not in prompts and (errors := errors_of(lab)):
            raise AssertionError(f"a cell failed; prompts: {prompts}\n" + "\n".join(errors))
        page.wait_for_timeout(500)
    raise AssertionError(f"cells did not finish within {timeout} s; prompts: {lab.code_prompts()}")


# Pyodide starts each kernel with an empty file system: matplotlib says so on stderr, once per kernel.
FONT_CACHE = "Matplotlib is building the font cache"


def errors_of(lab: Lab) -> list[str]:
    """The error outputs (tracebacks, warnings on stderr), but for matplotlib's note on its font cache."""
    return [e for e in lab.error_outputs() if not e.startswith(FONT_CACHE)]


def wait_drawn(page, count: int, timeout: float = 120_000) -> None:
    """Every one of the ``count`` players on the page has its diagram (laid out by the browser's Graphviz)."""
    page.wait_for_function(
        """([selector, count]) => {
            const players = [...document.querySelectorAll(selector)];
            return players.length >= count && players.every(
                (p) => p.querySelector(".bv-viewport svg.bv-diagram") && !p.querySelector(".bv-laying-out"));
        }""",
        arg=[PLAYERS, count],
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def lite_lab(chromium_browser, site):
    """One offline page of the site, for one notebook after another."""
    page = offline_page(chromium_browser, site)
    try:
        yield Lab(
            page, SimpleNamespace(app="jupyterlab", notebook_url=lambda name: f"{site}/lab/index.html?path={name}")
        )
    finally:
        artifact("lite-timing.json").write_text(json.dumps({**_saved_timing(), **TIMINGS}, indent=1), encoding="utf-8")
        page.context.close()


def _saved_timing() -> dict:
    path = artifact("lite-timing.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_every_notebook_runs_to_the_end_and_draws_every_diagram(lite_lab, name):
    """Run All in JupyterLite: every cell runs, none shows an error, and every stepper and network view
    the notebook makes is drawn in the browser (what needs dot says so in its cell instead of failing)."""
    lab, page = lite_lab, lite_lab.page
    lab.open(name)
    lab.accept_dialogs()
    run_to_the_end(lab)
    expected = players_saved(name)
    wait_drawn(page, expected)
    players = page.locator(PLAYERS)
    assert players.count() == expected, name
    statuses = page.eval_on_selector_all(f"{PLAYERS} .bv-status", "els => els.map(e => e.textContent)")
    assert not any(statuses), statuses
    assert errors_of(lab) == [], name
    assert page_errors(page) == [], name
    assert page.bv_blocked == []
    if expected:
        players.last.scroll_into_view_if_needed()
        page.screenshot(path=artifact(f"lite/{name.removesuffix('.ipynb')}.png"))
    if name == "11-four-pixel-images.ipynb":
        TIMINGS["network_4_5_4_s"] = network_view_appears(lab)


def network_view_appears(lab: Lab) -> float:
    """Seconds from the 4-5-4 network view's cell finishing (run again alone, the kernel otherwise idle)
    to its picture on screen: the kernel sends the DOT text, the browser lays it out and answers, the
    kernel sends the skeleton and the frames."""
    page = lab.page
    cell = page.locator(".jp-CodeCell", has_text="4-5-4 network before training").first
    cell.locator(".jp-InputArea-editor").click()
    before = cell.locator(".jp-InputArea-prompt").inner_text()
    page.keyboard.press("Control+Enter")  # run this cell, stay on it
    page.wait_for_function(
        "([e, before]) => { const p = e.querySelector('.jp-InputArea-prompt').textContent;"
        " return /\\d/.test(p) && p !== before; }",
        arg=[cell.element_handle(), before],
        timeout=120_000,
    )
    ran = time.monotonic()
    cell.locator(".bv-viewport svg.bv-diagram").wait_for(state="attached", timeout=60_000)
    seconds = time.monotonic() - ran
    cell.screenshot(path=artifact("lite/11-network-4-5-4.png"))
    print(f"JupyterLite: the 4-5-4 network view on screen {seconds:.2f} s after its cell ran")
    return round(seconds, 2)
