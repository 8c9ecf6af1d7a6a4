"""The course site's parts, without a browser (tests/browser/test_site.py opens the pages): math as MathML,
widgets as the page shows them, no quiz answer and no hostile word as markup in a page, the README's table."""

from __future__ import annotations

from pathlib import Path

import nbformat

import backprop_viz as bv
from backprop_viz import site

ROOT = Path(__file__).resolve().parents[1]
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
        nb = site.prepared(notebook_showing(s.widget, q.widget), "x.ipynb")
    finally:
        s.close()
        q.close()
    assert "widgets" not in nb.metadata and "colab" not in nb.cells[0].source
    player, quiz, missing = (c.outputs[0]["data"] for c in nb.cells[1:])
    assert set(player) == {"text/html"} and 'class="bv-embed bv-stepper"' in player["text/html"]
    assert HOSTILE not in player["text/html"] and "<\\/script>" in player["text/html"]  # stays inside its JSON
    assert "checks your answers in Python" in quiz["text/html"] and "disabled" in quiz["text/html"]
    for answer in ("2.146", "2.15", "0.1369", "0.137"):  # the answers, at a few digits: none is in the page
        assert answer not in quiz["text/html"]
    assert missing == {"text/plain": "the picture's words"}


def test_the_index_reads_the_readme_table() -> None:
    table = site.readme_table(ROOT / "README.md")
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert sorted(table) == stems
    teaches, deck, examples = table["02-first-circuit"]
    assert "<code>(x+y)z</code>" in teaches and deck == "000, 001" and examples == "A1, A2, B4"
