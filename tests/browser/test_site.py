"""The course site (``make html``) opened from disk with the network off: every stepper of every page steps.

The site is built from the notebooks as committed into a temporary folder. Each page is opened as a
file:// URL in a page that aborts every request that is not a local file (and the test fails if one
was tried). On each notebook's page every stepper and network view takes a step with its buttons, the
first one also with the keyboard; its math is MathML, not raw TeX; each quiz says it needs Python.
Screenshots at a projector's 1024×768 and a desk's 1400×1000 go to ``test-artifacts/site/``, the build's
time and size to ``test-artifacts/site/build.json``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from chromium import settle
from conftest import ARTIFACTS, NOTEBOOKS, REPO, new_page, page_errors

from backprop_viz.course import site

pytestmark = pytest.mark.browser

SIZES = {"projector": (1024, 768), "desk": (1400, 1000)}
ALL = sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
SHOTS = ARTIFACTS / "site"
VIEW = "application/vnd.jupyter.widget-view+json"

# The shown step and title of each player in the page, in order.
PLAYERS_JS = """() => [...document.querySelectorAll('.bv-embed .bv-player')].map(p => ({
    step: Number(p.querySelector('.bv-frame').dataset.step),
    title: p.querySelector('.bv-title').textContent,
    last: Number(p.querySelector('.bv-slider').max),
}))"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "html"
    start = time.perf_counter()
    pages = site.build(NOTEBOOKS, out, REPO / "README.md")
    took = time.perf_counter() - start
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = {"pages": len(pages), "bytes": size, "build_seconds": round(took, 2)}
    (SHOTS / "build.json").write_text(json.dumps(report, indent=1) + "\n")
    assert len(pages) == len(ALL) + 1
    return out


@pytest.fixture
def offline(chromium_browser):
    """A page that may load file:, data: and blob: URLs only; ``page.bv_tried`` lists every other request."""
    page = new_page(chromium_browser)
    page.bv_tried = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            page.bv_tried.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        yield page
    finally:
        page.context.close()


def saved_widgets(name: str) -> dict[str, int]:
    """How many players (steppers, network views) and quizzes the notebook shows, from its own file."""
    nb = json.loads((NOTEBOOKS / name).read_text())
    models = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = [
        models[o["data"][VIEW]["model_id"]]
        for cell in nb["cells"]
        for o in cell.get("outputs", [])
        if VIEW in o.get("data", {})
    ]
    anys = [m["state"] for m in shown if m["model_name"] == "AnyModel"]
    return {"players": sum("view" in s for s in anys), "quizzes": sum("rows" in s for s in anys)}


def screenshots(page, stem: str) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        settle(page)
        page.screenshot(path=SHOTS / f"{stem}-{size}.png")
        if page.locator(".bv-player").count():
            page.locator(".bv-player").first.scroll_into_view_if_needed()
            settle(page)
            page.screenshot(path=SHOTS / f"{stem}-{size}-stepper.png")


def test_index_lists_every_notebook(built, offline):
    page = offline
    page.goto((built / "index.html").as_uri())
    rows = page.locator(".bv-site-index tbody tr")
    assert rows.count() == len(ALL)
    hrefs = page.eval_on_selector_all(".bv-site-index tbody a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == [name.replace(".ipynb", ".html") for name in ALL]
    assert all((built / h).is_file() for h in hrefs)
    teaches = page.eval_on_selector_all(".bv-site-index tbody td:nth-child(2)", "tds => tds.map(t => t.innerText)")
    assert all(t.strip() for t in teaches) and "using the stepper" in teaches[0]  # the README's words
    screenshots(page, "index")
    assert page.bv_tried == [] and page_errors(page) == []


@pytest.mark.parametrize("name", ALL)
def test_every_stepper_steps_offline(built, offline, name):
    page = offline
    expected = saved_widgets(name)
    page.goto((built / name.replace(".ipynb", ".html")).as_uri())
    players = page.locator(".bv-embed .bv-player")
    count = "n => document.querySelectorAll('.bv-embed .bv-player').length === n"
    page.wait_for_function(count, arg=expected["players"])
    assert expected["players"] >= 1, f"{name} shows no stepper"
    before = page.evaluate(PLAYERS_JS)
    for k, was in enumerate(before):  # a step with a button: ▶ unless at the last step, then ◀
        forward = was["step"] < was["last"]
        players.nth(k).locator(".bv-next" if forward else ".bv-prev").click()
        want = was["step"] + (1 if forward else -1)
        page.wait_for_function(
            "([k, want]) => Number(document.querySelectorAll('.bv-embed .bv-frame')[k].dataset.step) === want",
            arg=[k, want],
        )
        now = page.evaluate(PLAYERS_JS)[k]
        assert now["title"] != was["title"], (name, k, now)

    first = players.first  # and with the keyboard: Home, then → twice
    first.locator(".bv-explanation").click()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Number(document.querySelector('.bv-embed .bv-frame').dataset.step) === 2")

    text = page.locator(".bv-site-main").inner_text()
    assert not re.search(r"\$\$|\\frac|\\partial", text), f"{name}: TeX shows raw"
    assert page.locator("math").count() > 0, f"{name}: no math"
    quizzes = page.locator(".bv-site-quiz")
    assert quizzes.count() == expected["quizzes"]
    for k in range(quizzes.count()):
        assert "checks your answers in Python" in quizzes.nth(k).inner_text()
    assert page.locator("text=Open In Colab").count() == 0 and "google.colab" not in page.content()
    screenshots(page, name.removesuffix(".ipynb"))
    assert page.bv_tried == [], f"{name} tried the network: {page.bv_tried}"
    assert page_errors(page) == [], page_errors(page)


def test_predict_then_reveal_without_a_kernel(built, offline):
    """The first circuit's last stepper waits for the student's prediction; the page checks it, no kernel."""
    page = offline
    page.goto((built / "02-first-circuit.html").as_uri())
    embeds = page.locator(".bv-embed")
    states = [json.loads(embeds.nth(k).locator("script").text_content()) for k in range(embeds.count())]
    at = next(k for k, s in enumerate(states) if s["options"].get("predict"))
    frames = states[at]["words"]  # a dict; notebooks saved before #23 kept it as a JSON string
    asks = (json.loads(frames) if isinstance(frames, str) else frames)["asks"]
    first_ask = next(k for k, a in enumerate(asks) if a)
    player = embeds.nth(at).locator(".bv-player")
    player.locator(".bv-explanation").click()
    page.keyboard.press("Home")
    for _ in range(first_ask):
        page.keyboard.press("ArrowRight")
    boxes = player.locator(".bv-predict-answer")
    boxes.first.wait_for()
    assert boxes.count() == len(asks[first_ask])
    boxes.first.fill("12345")
    boxes.first.press("Enter")
    assert "not quite" in player.locator(".bv-predict-verdict").first.inner_text()
    for n, (_label, exact) in enumerate(asks[first_ask]):
        boxes.nth(n).fill(f"{exact:.4g}")
        boxes.nth(n).press("Enter")
    player.locator(".bv-predict-right").wait_for()
    player.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "predict.png")
    assert page.bv_tried == [] and page_errors(page) == []


# -- a notebook that carries script: none of it runs in the site ------------------------------------

# What in the page could run script: handlers, javascript: URLs, frames, scripts other than the site's.
RUNNABLE_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\x00-\\x1f]/g, "").toLowerCase();
      const runs = a.name.startsWith("on") || a.name === "srcdoc" || v.startsWith("javascript:");
      if (runs) found.push(el.tagName + " " + a.name);
    }
    if (["IFRAME", "OBJECT", "EMBED", "FRAME", "BASE", "FORM"].includes(el.tagName)) found.push(el.tagName);
    if (el.tagName === "SCRIPT" && !(el.getAttribute("src") === "_static/player.js" || el.type === "application/json"))
      found.push("SCRIPT " + el.outerHTML.slice(0, 60));
  }
  return found;
}"""


def test_a_hostile_notebooks_payloads_never_run_in_its_page_nor_in_the_index(tmp_path, chromium_browser):
    from hostile_notebook import NAME, PLAIN, RAN, write_notebooks

    out = tmp_path / "html"
    site.build(write_notebooks(tmp_path / "notebooks"), out)
    page = new_page(chromium_browser)
    logged = []
    page.on("console", lambda msg: logged.append(msg.text))
    page.context.on("page", lambda popup: logged.append(f"a new page: {popup.url}"))
    try:
        for name in ("index.html", PLAIN.replace(".ipynb", ".html"), NAME.replace(".ipynb", ".html")):
            page.goto((out / name).as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(500)  # images fail, frames load, handlers fire
            assert page.evaluate(RUNNABLE_JS) == [], name
            assert page.url == (out / name).as_uri(), f"{name} went elsewhere: {page.url}"
            for k in range(page.locator("a, button, summary").count()):  # click what can be clicked, in place
                target = page.locator("a, button, summary").nth(k)
                href = target.get_attribute("href") or ""
                if target.is_visible() and not href.startswith(("http", "0", "index")):
                    target.click(no_wait_after=True)
            page.wait_for_timeout(200)
            assert not [text for text in logged if RAN in text], (name, logged)
            assert page_errors(page) == [], page_errors(page)
        assert page.locator("math").count() >= 2 and page.locator("table").count() >= 1
        assert page.locator('img[alt="kept picture"]').count() == 1
        page.goto((out / "index.html").as_uri())  # the hostile name's link opens its page
        page.locator(".bv-site-index tbody a").nth(1).click()
        page.wait_for_load_state("load")
        assert page.url == (out / NAME.replace(".ipynb", ".html")).as_uri()
        assert page.title().startswith("Hostile")
    finally:
        page.context.close()
