"""The course site's parts, without a browser (tests/browser/test_site.py opens the pages): math as MathML,
widgets as the page shows them, no quiz answer and no hostile word as markup in a page, the README's table."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import backprop_viz as bv
from backprop_viz.course import site
from backprop_viz.course.safe_html import clean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from hostile_notebook import JS, NAME, PLAIN, RAN, write_notebooks  # noqa: E402

HOSTILE = "</script><script>window.__bvRan=1</script>"


def test_math_is_mathml_and_unknown_tex_stays_text() -> None:
    out = site.markdown_html(r"Inline $\frac{\partial f}{\partial x}$ and $$\sum_i w_i x_i$$")
    assert out.count("<math") == 2 and "<mfrac>" in out and "$" not in out
    assert 'display="block"' in out
    broken = site.mathml(r"\frac{1}{", display=False)
    assert "<math" in broken or broken.startswith('<code class="bv-site-tex">')


def saved(widget) -> dict:
    """A widget's state as a saved notebook keeps it."""
    return {"model_name": widget._model_name, "state": widget.get_state()}


def notebook_showing(*widgets) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cells = [
        nbformat.v4.new_markdown_cell(
            "# Title\n\n[![Open In Colab](x.svg)](https://colab.research.google.com/github/a/b)"
        )
    ]
    models = {}
    for widget in widgets:
        cell = nbformat.v4.new_code_cell("shown")
        view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
        data = {site.WIDGET_VIEW: view, "text/plain": "a widget"}
        cell.outputs = [nbformat.v4.new_output("execute_result", data=data, execution_count=1)]
        cells.append(cell)
        models[widget.model_id] = saved(widget)
    missing = nbformat.v4.new_code_cell("gone")
    gone = {site.WIDGET_VIEW: {"model_id": "0" * 32}, "text/plain": "the picture's words"}
    missing.outputs = [nbformat.v4.new_output("execute_result", data=gone, execution_count=2)]
    nb.cells = [*cells, missing]
    nb.metadata["widgets"] = {site.WIDGET_STATE: {"state": models, "version_major": 2, "version_minor": 0}}
    return nb


def test_widgets_become_the_player_a_closed_quiz_or_their_saved_words() -> None:
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    s = bv.Stepper(g, title=HOSTILE)
    q = bv.quiz(bv.expr("f = a * a * b", a=0.37, b=-2.9), ask=["a", "b"])  # ∂f/∂a = 2ab, ∂f/∂b = a²
    try:
        nb, embeds = site.prepared(notebook_showing(s.widget, q.widget), "x.ipynb")
    finally:
        s.close()
        q.close()
    assert "widgets" not in nb.metadata and "colab" not in nb.cells[0].source
    player, quiz, missing = (c.outputs[0]["data"] for c in nb.cells[1:])
    assert set(player) == {"text/html"} and set(quiz) == {"text/html"}
    player, quiz = embeds[player["text/html"][3:-4]], embeds[quiz["text/html"][3:-4]]  # <p>marker</p>
    assert 'class="bv-embed bv-stepper"' in player
    assert HOSTILE not in player and "</script" not in player.split("</script>")[0]  # stays inside its JSON
    assert "checks your answers in Python" in quiz and "disabled" in quiz
    for answer in ("2.146", "2.15", "0.1369", "0.137"):  # the answers, at a few digits: none is in the page
        assert answer not in quiz
    assert missing == {"text/plain": "the picture's words"}


def test_the_index_reads_the_readme_table() -> None:
    table = site.readme_table(ROOT / "README.md")
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert sorted(table) == stems
    teaches, deck, examples = table["02-first-circuit"]
    assert "<code>(x+y)z</code>" in teaches and deck == "000, 001" and examples == "A1, A2, B4"


# -- a notebook that carries script ------------------------------------------------------------------


class Markup(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def what_could_run(page: str) -> list[str]:
    """What in a page's HTML could run script: script elements other than the site's own, frames,
    handlers, javascript: and data: URLs other than an image's."""
    markup = Markup()
    markup.feed(page)
    found = []
    for tag, attrs in markup.tags:
        if tag == "script" and attrs not in ({"src": "_static/player.js"}, {"type": "application/json"}):
            found.append(f"<script {attrs}>")
        if tag in {"iframe", "object", "embed", "frame", "base", "meta", "form", "svg", "style", "link"}:
            if not (tag in {"meta", "link"} and _own(attrs)):
                found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"srcdoc", "formaction"}:
                found.append(f"<{tag} {name}>")
            url = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if url.startswith(("javascript:", "vbscript:")):
                found.append(f"<{tag} {name}={value!r}>")
            if url.startswith("data:") and not (tag == "img" and name == "src" and url.startswith("data:image/")):
                found.append(f"<{tag} {name}=data:…>")
    return found


def _own(attrs: dict[str, str]) -> bool:
    """The site's own <meta charset>, <meta viewport> and style sheet link."""
    return attrs in ({"charset": "utf-8"}, {"name": "viewport", "content": "width=device-width, initial-scale=1"}) or (
        attrs == {"rel": "stylesheet", "href": "_static/site.css"}
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile")
    pages = site.build(write_notebooks(root / "notebooks"), root / "html")
    return {p.name: p.read_text(encoding="utf-8") for p in pages}


def test_no_page_of_a_hostile_notebooks_site_carries_anything_that_runs(hostile_site) -> None:
    assert set(hostile_site) == {"index.html", PLAIN.replace(".ipynb", ".html"), NAME.replace(".ipynb", ".html")}
    for name, page in hostile_site.items():
        assert what_could_run(page) == [], name
        assert "<img src=x" not in page and 'onerror="' not in page, name


def test_the_hostile_notebooks_name_is_a_quoted_address_and_escaped_text(hostile_site) -> None:
    quoted = "02-x%22%3E%3Cimg%20src%3Dx%20onerror%3Dconsole.log%2831337%29%3E.html"
    assert f'href="{quoted}"' in hostile_site["index.html"] and f'href="{quoted}"' in hostile_site["01-plain.html"]
    assert "02-x&quot;&gt;&lt;img src=x onerror=console.log(31337)&gt;" in hostile_site["index.html"]


def test_a_hostile_page_keeps_math_tables_pictures_web_links_and_its_link_to_the_other_page(hostile_site) -> None:
    page = hostile_site[NAME.replace(".ipynb", ".html")]
    assert "<mfrac>" in page and "<table>" in page and "<td>2</td>" in page
    assert '<img alt="kept picture" src="data:image/png;base64,iVBORw0KGgo=">' in page
    assert 'href="https://example.org/page"' in page and 'href="01-plain.html"' in page
    assert "<mtext>" in page  # the math whose \\text carried an image is still math, less the handler
    assert "checks your answers in Python" in page  # the quiz, its heading and label cleaned
    assert 'src="data:image/svg+xml;base64,' in page  # an SVG output is a picture, where its script never runs


@pytest.mark.parametrize(
    ("dirty", "kept", "gone"),
    [
        (r'<math><mtext><img/src="x"/onerror="f()"></mtext></math>', "<math><mtext><img", "onerror"),
        ('<a href="javascript:f()">x</a>', "<a", "javascript"),
        ('<a href=" jAvAsCrIpT:f()">x</a>', "<a", "f()"),
        ('<a href="data:text/html,x">x</a>', "<a", "data:"),
        ('<img src="data:text/html,x">', "<img", "data:"),
        ('<img src="data:image/png;base64,AAAA">', 'src="data:image/png;base64,AAAA"', "onerror"),
        ("<p>a<script>f()</script>b</p>", "<p>ab</p>", "f()"),
        ("<style>p{}</style><p>x</p>", "<p>x</p>", "<style"),
        ('<td style="color:red;position:fixed">', "", "position"),
        ('<table><tr><td style="color:red;position:fixed">1</td></tr></table>', "color:red", "position"),
        ('<a href="https://x.org/">x</a>', 'href="https://x.org/"', "javascript"),
        ('<a href="02-first-circuit.ipynb">x</a>', 'href="02-first-circuit.ipynb"', "javascript"),
        ("<details open ontoggle=f()><summary>s</summary></details>", "<details open", "ontoggle"),
        ("<iframe src=x></iframe><object></object><embed src=x>", "", "<iframe"),
        ('<svg onload="f()"></svg>', "", "svg"),
        ("<!--<script>f()</script>-->", "", "f()"),
    ],
)
def test_what_the_site_keeps_of_a_notebooks_html(dirty: str, kept: str, gone: str) -> None:
    out = clean(dirty)
    assert kept in out and gone not in out, out


def test_a_payload_marker_is_what_the_browser_test_listens_for() -> None:
    assert RAN in JS


def test_a_player_saved_before_its_data_was_named_words_still_plays() -> None:
    """A notebook saved when the player's data trait was 'frames': the page's player gets it as 'words'."""
    state = {"view": {"kind": "stepper"}, "walk": {"heads": []}, "frames": {"texts0": ["x"]}, "step": 0}
    saved = json.loads(site.player_embed(state).split('type="application/json">')[1].split("</script>")[0])
    assert saved["words"] == {"texts0": ["x"]} and "frames" not in saved
    newer = site.player_embed({**state, "words": {"texts0": ["y"]}})
    assert '"words":{"texts0":["y"]}' in newer.replace(" ", "")
