"""axe-core (npm, the WCAG 2.1 A and AA rules) where a person meets the stepper: in JupyterLab (the
player itself: JupyterLab's own page is not this package's), in the page ``to_html`` writes and on a
course-site page (whole pages: both are this package's). No serious or critical violation, at the
first step and at a step that asks for a prediction. The component tests run the same rules on the
player alone, without Jupyter (tests/components)."""

from __future__ import annotations

import json

import pytest
from chromium import NODE_DIR, NOTEBOOKS, REPO, new_page, unavailable
from exported import open_exported

import backprop_viz as bv
from backprop_viz.course import site

pytestmark = pytest.mark.browser

AXE = NODE_DIR / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = (
    "async (context) => {"
    f"  const result = await axe.run(context || document, {{runOnly: {{type: 'tag', values: {json.dumps(RULES)}}}}});"
    "  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    "    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)).join(' | '));"
    "}"
)
SOURCE = "q = x + y; f = q * z"


def serious_violations(page, context: str | None = None) -> list[str]:
    """axe's serious and critical findings in ``context`` (a CSS selector; the whole page by default)."""
    if not AXE.is_file():
        unavailable("axe-core is not installed (make setup installs tests/browser's npm packages)")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE, context)


def to_a_predicted_step(page) -> None:
    """Step forward with the keyboard until a step asks for a prediction."""
    page.locator(".bv-player").first.focus()
    for _ in range(8):
        if page.locator(".bv-predict").count():
            return
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
    raise AssertionError("no step asked for a prediction")


def test_the_player_in_jupyterlab(lab) -> None:
    name = lab.write_notebook(
        "a11y.ipynb", f"import backprop_viz as bv\nbv.Stepper({SOURCE!r}, x=-2, y=5, z=-4, predict=True)"
    )
    lab.open(name)
    lab.run_all()
    page = lab.page
    page.wait_for_selector(".bv-stepper .bv-viewport svg", state="visible", timeout=60_000)
    assert serious_violations(page, ".bv-player") == []
    to_a_predicted_step(page)
    assert serious_violations(page, ".bv-player") == []


def test_the_to_html_page(exported_page, tmp_path) -> None:
    s = bv.Stepper(SOURCE, x=-2, y=5, z=-4, predict=True)
    path = s.to_html(tmp_path / "a1.html")
    s.close()
    open_exported(exported_page, path, ".bv-frame")
    assert serious_violations(exported_page) == []
    to_a_predicted_step(exported_page)
    assert serious_violations(exported_page) == []
    exported_page.evaluate("document.body.append(document.createElement('button'))")  # axe is awake: a nameless button
    assert any(v.startswith("button-name") for v in serious_violations(exported_page))


def test_a_course_site_page(chromium_browser, tmp_path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "02-first-circuit.ipynb").write_bytes((NOTEBOOKS / "02-first-circuit.ipynb").read_bytes())
    out = tmp_path / "html"
    site.build(notebooks, out, REPO / "README.md")
    page = new_page(chromium_browser)
    try:
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:")) else r.abort()
        )
        page.goto((out / "02-first-circuit.html").as_uri())
        page.wait_for_selector(".bv-embed .bv-player .bv-frame svg", state="visible", timeout=30_000)
        assert serious_violations(page) == []
        page.goto((out / "index.html").as_uri())
        assert serious_violations(page) == []
    finally:
        page.context.close()
