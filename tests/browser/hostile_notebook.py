"""A notebook that carries script in every place a notebook can, for the course site's tests.

Every payload calls ``console.log(31337)`` (``RAN``) if it runs: the browser test listens for that
number on the console; the unit tests look for what would run it in the HTML (a script, a handler,
a ``javascript:`` URL, a frame). Its file name breaks out of an ``href`` if a page writes it as it is.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

RAN = "31337"
JS = f"console.log({RAN})"
NAME = '02-x"><img src=x onerror=console.log(31337)>.ipynb'
PLAIN = "01-plain.ipynb"

MARKDOWN = [
    "# Hostile <img src=x onerror=" + JS + ">",
    r'$\text{<img/src="x"/onerror="' + JS + r'">}$',  # the < reached MathML raw
    r'$$\text{<svg/onload="' + JS + r'">}$$',
    "<img src=x onerror=" + JS + ">",
    "<script>" + JS + "</script>",
    '<a href="javascript:' + JS + '">a link</a> and <a href="JaVaScRiPt:' + JS + '">another</a>',
    '<iframe src="data:text/html,<script>parent.' + JS + '</script>"></iframe>',
    '<iframe srcdoc="<script>parent.' + JS + '</script>"></iframe>',
    "<svg onload=" + JS + "><circle r=1 /></svg>",
    "<details open ontoggle=" + JS + "><summary>s</summary>d</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=" + JS + "></style></mglyph></table></mtext></math>",
    '<object data="data:text/html,<script>parent.' + JS + '</script>"></object>',
    '<embed src="data:text/html,<script>parent.' + JS + '</script>">',
    "<input autofocus onfocus=" + JS + ">",
    "<video><source onerror=" + JS + "></video>",
    "<body onload=" + JS + ">",
    '<form><button formaction="javascript:' + JS + '">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:' + JS + '">',
    "<style>body { background: url(javascript:" + JS + ") }</style>",
    "<!--<script>" + JS + "</script>-->",
    '<a href="data:text/html,<script>' + JS + '</script>">data link</a>',
    "![x](attachment:a.png)",
    "[the plain one](" + PLAIN + ")",
]
KEPT = [  # what a page keeps of a notebook's HTML
    "| a | b |\n|---|---|\n| 1 | 2 |",
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="kept picture">',
    '<a href="https://example.org/page">a web link</a>',
    r"$\frac{\partial f}{\partial x}$",
]


def hostile_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell(text) for text in MARKDOWN + KEPT]
    attachment = 'x" onerror="' + JS + '" y="'
    cells[MARKDOWN.index("![x](attachment:a.png)")].attachments = {"a.png": {"image/png": attachment}}
    cells.append(nbformat.v4.new_raw_cell("<script>" + JS + "</script>", metadata={"raw_mimetype": "text/html"}))
    cells.append(nbformat.v4.new_raw_cell("<img src=x onerror=" + JS + ">"))
    code = nbformat.v4.new_code_cell("</pre><script>" + JS + "</script>")
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{JS}"><script>{JS}</script></svg>'
    outputs = [
        ({"text/html": "<img src=x onerror=" + JS + ">", "text/plain": "x"}, {}),
        ({"text/html": "<script>" + JS + "</script>"}, {"text/html": {"isolated": True}}),
        ({"application/javascript": JS, "text/plain": "js"}, {}),
        ({"image/svg+xml": svg}, {}),
        (
            {"image/png": 'iVBORw0KGgo=" onerror="' + JS},
            {"image/png": {"width": "1 onerror=" + JS, "height": "2 onload=" + JS, "alt": '"><script>'}},
        ),
        ({"text/markdown": "<img src=x onerror=" + JS + ">"}, {}),
        ({"text/latex": "<img src=x onerror=" + JS + ">"}, {}),
    ]
    code.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata) for data, metadata in outputs]
    code.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="<script>" + JS + "</script>"))
    code.outputs.append(
        nbformat.v4.new_output("error", ename="<b>", evalue="<script>" + JS + "</script>", traceback=[])
    )
    quiz = nbformat.v4.new_code_cell("quiz")
    view = {"version_major": 2, "version_minor": 0, "model_id": "q" * 32}
    quiz.outputs = [nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": view})]
    nb.cells = [*cells, code, quiz]
    state = {
        "heading": "<img src=x onerror=" + JS + ">",
        "rows": [{"name": "x", "label": "<svg onload=" + JS + ">"}],
    }
    models = {"q" * 32: {"model_name": "AnyModel", "state": state}}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": models, "version_major": 2, "version_minor": 0}
    }
    return nb


def plain_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Plain\n\nA page beside the hostile one.")]
    return nb


def write_notebooks(folder: Path) -> Path:
    """The plain notebook and the hostile one (after it, so each page links to the other) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(plain_notebook(), folder / PLAIN)
    nbformat.write(hostile_notebook(), folder / NAME)
    return folder
