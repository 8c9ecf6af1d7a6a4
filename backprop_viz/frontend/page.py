"""A stepper as one self-contained HTML page: its own script and style inlined, its frames as JSON, no
kernel, no network. The course site's pages use the same model and script."""

from __future__ import annotations

import html
import json

from .assets import CSS, ESM

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:"DejaVu Sans",system-ui,sans-serif;margin:1.5em;background:{bg};color:{fg}}}
{auto}{css}</style></head>
<body>
<div class="bv-stepper" id="bv-stepper"></div>
<script type="application/json" id="bv-state">{state}</script>
<script type="module">
{js}
{model_js}
const model = stateModel(JSON.parse(document.getElementById("bv-state").textContent));
render({{ model, el: document.getElementById("bv-stepper") }});
document.querySelector("#bv-stepper .bv-player").focus({{ preventScroll: true }});
</script></body></html>
"""


# A widget's model where there is no kernel: it reads the saved state, keeps what the page sets, sends nothing.
MODEL_JS = """function stateModel(state) {
  const listeners = {};
  return {
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; },
    save_changes: () => {},
    send: () => {},
    on: (name, callback) => { (listeners[name] = listeners[name] || []).push(callback); },
    off: () => {},
  };
}"""


def state_json(state: dict) -> str:
    """A widget's state as JSON to put inside a ``<script type="application/json">`` element.

    Every ``<``, ``>`` and ``&`` is written as its JSON escape (``\\u003c``…): the same JSON, in which the
    HTML parser sees neither a ``</script>`` nor a ``<!--`` that would make it read past the element's end.
    """
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def player_script() -> str:
    """The stepper's own module as a script's text that defines ``render`` (the page calls it itself)."""
    return ESM.replace("export default { render };", "")


def standalone_html(title: str, state: dict, *, theme: str) -> str:
    """One self-contained page: the stepper's own script and style inlined, its data as JSON, no network."""
    dark = theme == "dark"
    auto = "@media (prefers-color-scheme:dark){body{background:#1e1e1e;color:#eeeeee}}" if theme == "auto" else ""
    return PAGE.format(
        auto=auto,
        title=html.escape(title),
        state=state_json(state),
        js=player_script(),
        model_js=MODEL_JS,
        css=CSS,
        bg="#1e1e1e" if dark else "#ffffff",
        fg="#eeeeee" if dark else "#000000",
    )
