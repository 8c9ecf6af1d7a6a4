"""The notebooks as a static course site: an index and one page per notebook, every stepper live, no kernel.

    python -m backprop_viz.course.site notebooks build/html       # or: make html

Each page is the notebook as saved (its outputs and widget state), converted by nbconvert; each
stepper and network view is the player itself, fed the state the notebook saved, as
:meth:`Stepper.to_html <backprop_viz.frontend.stepper.Stepper.to_html>` does. Nothing is loaded from the
network: the player's script and the style sheets are files of the site, math is MathML written at
build time (the browser draws it, no typesetting script). What needs Python says so and links to
Binder and Colab: a quiz (its answers stay in the kernel), input sliders, figures redrawn by sliders.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..drawing.wire import html_of
from ..frontend.assets import STATIC, compact_css, static
from ..frontend.page import MODEL_JS, player_script, state_json
from .project import repository
from .safe_html import clean

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BINDER = "https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{name}"
COLAB = "https://colab.research.google.com/github/{repo}/blob/main/notebooks/{name}"
COLAB_CELL = "colab-setup"  # the id of the cell that installs the package in Colab (scripts/colab_cells.py)
PLAYER_KEYS = ("view", "walk", "words", "step", "options")  # what the player reads of a saved state


@dataclass(frozen=True)
class Entry:
    """One notebook of the site: its file, title and what it teaches (HTML), with its deck and examples."""

    path: Path
    title: str
    teaches: str = ""
    deck: str = ""
    examples: str = ""

    @property
    def page(self) -> str:
        return self.path.stem + ".html"

    @property
    def href(self) -> str:
        """The page's address in an ``href="…"``: URL-quoted, then escaped (a file name is not markup)."""
        return html.escape(quote(self.page), quote=True)


# -- math and markdown ------------------------------------------------------------------------------


def mathml(tex: str, *, display: bool) -> str:
    """TeX as MathML, which browsers draw themselves; the TeX as code where it cannot be converted."""
    from latex2mathml.converter import convert

    try:
        return convert(tex, display="block" if display else "inline")
    except Exception:  # a construct the converter lacks: show the source rather than nothing
        return f'<code class="bv-site-tex">{html.escape(tex)}</code>'


def markdown_html(source: str, attachments: dict | None = None) -> str:
    """A markdown cell as HTML, its math as MathML (nbconvert's parser, which knows ``$…$`` and ``$$…$$``)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class MathMLRenderer(IPythonRenderer):
        def block_math(self, body: str) -> str:
            return mathml(body, display=True)

        def inline_math(self, body: str) -> str:
            return mathml(body, display=False)

        def latex_environment(self, name: str, body: str) -> str:
            return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    renderer = MathMLRenderer(escape=False, attachments=attachments or {}, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(source)


def inline_markdown(source: str) -> str:
    """One line of markdown (a table cell of the README) as inline HTML."""
    return re.sub(r"^<p>|</p>\s*$", "", markdown_html(source).strip())


# -- widgets, replaced by what a page without a kernel can show -------------------------------------


def links(name: str) -> str:
    """Where the notebook runs with Python: Binder and Colab."""
    repo = repository()
    binder = html.escape(BINDER.format(repo=repo, name=quote(name)), quote=True)
    colab = html.escape(COLAB.format(repo=repo, name=quote(name)), quote=True)
    return f'<a href="{binder}">open it in Binder</a> or <a href="{colab}">in Colab</a>'


def player_embed(state: dict) -> str:
    """A stepper or network view: the player, fed its saved state by the page's script (no input sliders)."""
    saved = {key: state[key] for key in PLAYER_KEYS if key in state}
    if "words" not in saved and "frames" in state:  # saved before the player's data trait was named words
        saved["words"] = state["frames"]
    saved.update(inputs=[], status="")
    classes = " ".join(html.escape(str(c), quote=True) for c in state.get("_dom_classes", []))
    return f'<div class="bv-embed {classes}"><script type="application/json">{state_json(saved)}</script></div>'


def saved_words(value: object) -> str:
    """Words from a widget's saved state as HTML: a tree (built from the protocol's tags alone), or the HTML
    an older version saved, or a hostile notebook's, through the sanitizer."""
    return html_of(value) if isinstance(value, list) else clean(str(value))


def quiz_embed(state: dict, name: str) -> str:
    """A quiz as it looks, its boxes closed: the kernel checks the answers, and they are not in the page."""
    heading = saved_words(state.get("heading", "")).replace(" (type a number and press Enter)", "")
    rows = "".join(
        f'<div class="bv-quiz-row"><label class="bv-quiz-label">{saved_words(row.get("label", ""))}'
        f'<input class="bv-quiz-answer" type="text" disabled placeholder="needs Python"></label></div>'
        for row in state.get("rows", [])
        if isinstance(row, dict)
    )
    note = (
        f"This quiz checks your answers in Python, and its answers are not in this page: to answer it, {links(name)}."
    )
    return (
        f'<div class="bv-quiz-box bv-site-quiz"><div class="bv-quiz-heading">{heading}</div>'
        f'<div class="bv-quiz-rows">{rows}</div><div class="bv-site-needs-python">{note}</div></div>'
    )


def widget_pictures(models: dict, model_id: str) -> list[str]:
    """The PNG pictures a tree of ipywidgets showed when the notebook was saved (images, output areas)."""
    model = models.get(model_id)
    if model is None:
        return []
    state = model.get("state", {})
    pictures = []
    if model.get("model_name") == "ImageModel":
        for buffer in model.get("buffers", []):
            if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                pictures.append(str(buffer.get("data", "")))
    for output in state.get("outputs", []):  # an Output widget
        png = output.get("data", {}).get("image/png")
        if png:
            pictures.append(png if isinstance(png, str) else "".join(map(str, png)))
    for child in state.get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            pictures += widget_pictures(models, child.removeprefix("IPY_MODEL_"))
    return pictures


def controls_embed(models: dict, model_id: str, name: str) -> str:
    """ipywidgets controls (sliders redrawing a figure in Python): the figure as saved, and where it moves."""
    images = "".join(
        f'<img src="data:image/png;base64,{re.sub(r"[^A-Za-z0-9+/=]", "", p)}" alt="the figure as saved">'
        for p in widget_pictures(models, model_id)
    )
    note = f"The sliders of this figure redraw it in Python: to move them, {links(name)}."
    return f'<div class="bv-site-controls">{images}<div class="bv-site-needs-python">{note}</div></div>'


def widget_html(models: dict, model_id: str, name: str) -> str | None:
    """What the page shows for a widget output, or None to keep the output as it is."""
    model = models.get(model_id)
    if model is None:
        return None
    state = model.get("state", {})
    if model.get("model_name") == "AnyModel" and "view" in state and "walk" in state:
        return player_embed(state)
    if model.get("model_name") == "AnyModel" and "rows" in state:
        return quiz_embed(state, name)
    return controls_embed(models, model_id, name)


def prepared(nb, name: str) -> tuple:
    """A copy of ``nb`` as a page shows it, and the page's own HTML for its widgets.

    Each widget output becomes a marker (``{marker: HTML}``, put back after the page is cleaned): the
    player fed its saved state, a closed quiz, a figure as saved. JavaScript outputs are left out; the
    Colab badge and set-up cell too.
    """
    nb = copy.deepcopy(nb)
    embeds, token = {}, secrets.token_hex(8)
    models = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    nb.metadata.pop("widgets", None)  # no widget manager in the page: the player is
    nb.cells = [c for c in nb.cells if c.get("id") != COLAB_CELL]
    if nb.cells and nb.cells[0].cell_type == "markdown":  # the page has its own links to Binder and Colab
        lines = nb.cells[0].source.split("\n")
        nb.cells[0].source = "\n".join(line for line in lines if "colab.research.google.com/github/" not in line)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/javascript", None)
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            shown = widget_html(models, str(view.get("model_id", "")), name) if isinstance(view, dict) else None
            if shown is not None:
                marker = f"bv-site-embed-{token}-{len(embeds)}"
                embeds[marker] = shown
                output["data"] = {"text/html": f"<p>{marker}</p>"}
            else:  # no saved state: what the notebook shows where widgets cannot run (a picture, text)
                del output["data"][WIDGET_VIEW]
    return nb, embeds


def cleaned_body(body: str, embeds: dict[str, str]) -> str:
    """nbconvert's HTML of a notebook with only what :mod:`.safe_html` keeps, and the widgets put back."""
    body = clean(body)
    for marker, shown in embeds.items():
        body = body.replace(f"<p>{marker}</p>", shown)
    return body


# -- pages ------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="_static/site.css">
</head>
<body>
<header class="bv-site-header"><a class="bv-site-home" href="index.html">backprop_viz: the notebooks</a>
<nav>{nav}</nav></header>
{note}
<main class="bv-site-main">
{body}
</main>
<footer class="bv-site-footer"><nav>{nav}</nav></footer>
<script src="_static/player.js"></script>
</body></html>
"""

NOTE = (
    '<p class="bv-site-note">The steppers step in this page, with no Python: click one, then ← → or its buttons. '
    "Input sliders, quizzes and figures with sliders need Python: {links}.</p>"
)

BOOT_JS = """
document.querySelectorAll(".bv-embed").forEach((el) => {
  const data = el.querySelector(':scope > script[type="application/json"]');
  if (data === null) return;
  const model = stateModel(JSON.parse(data.textContent));
  render({ model, el });
});
"""


def exporter():
    """nbconvert's body-only HTML exporter, with math written as MathML and no prompts."""
    from jinja2 import pass_context
    from nbconvert import HTMLExporter

    class SiteExporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            return markdown_html(source, context.get("cell", {}).get("attachments", {}))

    # Code is highlighted by Pygments, which escapes every character of it: bleach's second pass over
    # it took a third of the build's time and changes nothing.
    filters = {"clean_html": lambda text: text}
    return SiteExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True, filters=filters)


def notebook_page(entry: Entry, entries: list[Entry], converter=None) -> str:
    """The page of one notebook (``converter``: an :func:`exporter`, to share between pages)."""
    import nbformat

    nb, embeds = prepared(nbformat.read(entry.path, as_version=4), entry.path.name)
    body, _ = (converter or exporter()).from_notebook_node(nb)
    body = cleaned_body(body, embeds)
    for other in entries:  # links between notebooks go to their pages
        body = body.replace(f'href="{html.escape(quote(other.path.name), quote=True)}"', f'href="{other.href}"')
    at = entries.index(entry)
    nav = []
    if at > 0:
        nav.append(f'<a rel="prev" href="{entries[at - 1].href}">← {html.escape(entries[at - 1].path.stem)}</a>')
    if at + 1 < len(entries):
        nav.append(f'<a rel="next" href="{entries[at + 1].href}">{html.escape(entries[at + 1].path.stem)} →</a>')
    return PAGE.format(
        title=html.escape(entry.title),
        nav=" ".join(nav),
        note=NOTE.format(links=links(entry.path.name)),
        body=body,
    )


def index_page(entries: list[Entry], intro: str) -> str:
    """The site's first page: what each notebook teaches."""
    rows = "".join(
        f'<tr><td><a href="{e.href}">{html.escape(e.path.stem)}</a></td><td>{e.teaches or html.escape(e.title)}</td>'
        f"<td>{html.escape(e.deck)}</td><td>{html.escape(e.examples)}</td></tr>"
        for e in entries
    )
    body = (
        "<h1>Backpropagation, one gate at a time</h1>"
        f"{intro}"
        '<table class="bv-site-index"><thead><tr><th>notebook</th><th>what it teaches</th><th>deck</th>'
        f"<th>examples</th></tr></thead><tbody>{rows}</tbody></table>"
        '<p class="bv-site-note">Every stepper steps in these pages with no Python and no network. To run a '
        "notebook, change it, answer its quizzes or move its sliders, open it in Binder or Colab from its "
        "page.</p>"
    )
    return PAGE.format(title="backprop_viz: the notebooks", nav="", note="", body=body)


# -- the notebook table -----------------------------------------------------------------------------

# | `stem` | Colab badge | what it teaches | deck | examples |
_ROW = re.compile(
    r"^\| `(?P<stem>[^`]+)` \|(?: \[!\[[^|]*\|)? (?P<teaches>.+?) \| (?P<deck>[^|]*?) \| (?P<examples>[^|]*?) \|$", re.M
)


def readme_table(readme: Path | None) -> dict[str, tuple[str, str, str]]:
    """The README's notebook table: {stem: (what it teaches as HTML, deck, examples)}."""
    if readme is None or not readme.is_file():
        return {}
    rows = _ROW.finditer(readme.read_text(encoding="utf-8"))
    return {m["stem"]: (clean(inline_markdown(m["teaches"])), m["deck"], m["examples"]) for m in rows}


def title_of(path: Path) -> str:
    """A notebook's first heading, as plain text."""
    import nbformat

    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    text = re.sub(r"\\[,;:!]", " ", line[2:].replace("$", ""))  # TeX's spaces, then its commands
                    return re.sub(r"\\([A-Za-z]+)", r"\1", text).strip()
    return path.stem


def entries_of(notebooks: Path, readme: Path | None) -> list[Entry]:
    table = readme_table(readme)
    return [Entry(p, title_of(p), *table.get(p.stem, ("", "", ""))) for p in sorted(notebooks.glob("[0-9]*.ipynb"))]


# -- the site ---------------------------------------------------------------------------------------


def site_css() -> str:
    """The site's one style sheet: the page, the player's and quiz's styles, code colours."""
    from pygments.formatters import HtmlFormatter

    page = compact_css((STATIC / "site.css").read_text(encoding="utf-8"))
    code = compact_css(HtmlFormatter(style="default").get_style_defs(".highlight"))
    return page + static("math.css", "player.css", "quiz.css") + code


def build(notebooks: Path, out: Path, readme: Path | None = None) -> list[Path]:
    """Write the site into ``out``: index.html, a page per notebook and ``_static/``. Returns the pages."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "_static").mkdir(exist_ok=True)
    (out / "_static" / "site.css").write_text(site_css(), encoding="utf-8")
    script = f"(() => {{\n{player_script()}\n{MODEL_JS}\n{BOOT_JS}}})();\n"
    (out / "_static" / "player.js").write_text(script, encoding="utf-8")
    entries = entries_of(notebooks, readme)
    pages, converter = [], exporter()
    for entry in entries:
        pages.append(out / entry.page)
        pages[-1].write_text(notebook_page(entry, entries, converter), encoding="utf-8")
    intro = ""
    if readme is not None and readme.is_file():  # the README's first paragraph
        paragraphs = readme.read_text(encoding="utf-8").split("\n\n")
        intro = clean(markdown_html(next((p for p in paragraphs[1:] if not p.startswith(("#", "!", "["))), "")))
    (out / "index.html").write_text(index_page(entries, intro), encoding="utf-8")
    return [out / "index.html", *pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the notebooks as a static site (no kernel, no network).")
    parser.add_argument("notebooks", nargs="?", default="notebooks", type=Path, help="folder of .ipynb files")
    parser.add_argument("out", nargs="?", default="build/html", type=Path, help="where the site goes")
    parser.add_argument("--readme", type=Path, help="the README whose notebook table the index shows")
    args = parser.parse_args(argv)
    readme = args.readme or args.notebooks.resolve().parent / "README.md"
    start = time.perf_counter()
    pages = build(args.notebooks, args.out, readme)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    took = time.perf_counter() - start
    print(f"{args.out / 'index.html'}: {len(pages)} pages, {size / 1e6:.1f} MB, in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
