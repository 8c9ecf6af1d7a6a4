"""The browser's files (``static/``) and how a widget carries them: ES modules bundled into one,
compacted, then packed (gzip and base64) into the small module a saved notebook keeps per widget.

:data:`ESM` and :data:`CSS` are the player's (Stepper and NetworkView); the quiz and the still
picture pack their own from the same files.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from ..drawing.wire import PROTOCOL

STATIC = Path(__file__).parent / "static"
PLAYER_PARTS = (  # static/player/, in the order they depend on each other
    "dom.js",
    "answers.js",
    "frames.js",
    "paint.js",
    "controls.js",
    "view.js",
    "predict.js",
    "inputs.js",
    "keys.js",
    "present.js",
    "theme.js",
    "announce.js",
    "play.js",
    "layout.js",
    "words.js",
    "main.js",
)
_LOCAL_IMPORT = re.compile(r'^import\b[^;]*\bfrom\s+"\./[^"]*"(?:\s+with\s*\{[^}]*\})?;\s*$')
_EXPORT = re.compile(r"^export\s+(?=(?:async\s+)?(?:function|const|let|class)\b)")
_EXPORT_DEFAULT = re.compile(r"^export\s+default\b.*$")


def bundle(paths: Sequence[Path]) -> str:
    """ES modules joined into one script, in the order given: their imports of each other dropped (every
    top-level name is unique across the files), ``export`` dropped, the protocol inlined once as
    ``PROTOCOL``. The result defines ``render`` (the page or :func:`esm` exports it)."""
    inlined = {key: value for key, value in PROTOCOL.items() if key != "about"}  # its words are for readers
    out = ["const PROTOCOL = " + json.dumps(inlined, ensure_ascii=False, separators=(",", ":")) + ";"]
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if _LOCAL_IMPORT.match(line) or _EXPORT_DEFAULT.match(line):
                continue
            out.append(_EXPORT.sub("", line))
    return "\n".join(out) + "\n"


def player_parts() -> list[Path]:
    return [STATIC / "player" / name for name in PLAYER_PARTS]


def esm(*paths: Path, before: Sequence[str] = ()) -> str:
    """A widget's module: the files ``before`` of ``static/`` as they are, then ``paths`` bundled, compacted,
    exporting ``render``."""
    text = "\n".join([*(static(name) for name in before), compact_js(bundle(paths))])
    return text + "\nexport default { render };"


def compact_js(source: str) -> str:
    """A module's text as a notebook stores it: without comments and indentation (every stepper in a
    saved notebook carries a copy). Lines stay lines, so the code means the same."""
    lines = (_without_comment(line.strip()) for line in source.splitlines())
    return "\n".join(line for line in lines if line)


def _without_comment(line: str) -> str:
    """``line`` without a ``// comment`` at its end: one after code, outside any quotes (the package's
    scripts have no regular expression holding " //")."""
    if line.startswith("//"):
        return ""
    at = line.find(" // ")
    while at != -1:
        before = line[:at]
        if all(before.count(q) % 2 == 0 for q in "\"'`"):
            return before.rstrip()
        at = line.find(" // ", at + 1)
    return line


def compact_css(source: str) -> str:
    """A style sheet without comments, line breaks and the spaces around its punctuation (none of its
    quoted font names holds any of ``{};:,>``)."""
    text = re.sub(r"\s*\n\s*", "", re.sub(r"/\*.*?\*/", "", source, flags=re.S))
    return re.sub(r"\s*([{};:,>])\s*", r"\1", text)


def static(*names: str) -> str:
    """Files of ``static/`` joined, as a widget sends them: compacted."""
    texts = [(STATIC / name).read_text(encoding="utf-8") for name in names]
    compact = compact_js if names[0].endswith(".js") else compact_css
    return ("\n" if compact is compact_js else "").join(compact(text) for text in texts)


# The module as a saved notebook keeps it, once per widget: a few lines that unpack the real one (gzip,
# then base64) in the browser and hand on its ``render``, which first gives the view's root (the page, or
# the shadow root a host such as marimo renders into) the style sheet, once per root.
_UNPACK = """const packed = "{packed}";
const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
const [code, css] = JSON.parse(await new Response(stream).text());
const url = URL.createObjectURL(new Blob([code], {{ type: "text/javascript" }}));
const module = await import(url);
URL.revokeObjectURL(url);
function styled(el) {{
  const root = el.getRootNode();
  const scope = root instanceof ShadowRoot || root === document ? root : null;
  if (scope && scope.getElementById("{style_id}")) return;
  const style = document.createElement("style");
  style.id = "{style_id}";
  style.textContent = css;
  (scope === document ? document.head : scope || el).appendChild(style);
}}
function render(props) {{
  styled(props.el);
  return module.default.render(props);
}}
export default {{ render }};
"""


def packed(module: str, css: str, style_id: str) -> str:
    """``module`` and its style sheet as a small module that unpacks them in the browser (a third of the
    bytes: every widget of a saved notebook carries its own copy)."""
    text = json.dumps([module, css])
    data = gzip.compress(text.encode("utf-8"), mtime=0)
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]  # a new version adds its own style sheet
    return _UNPACK.format(packed=base64.b64encode(data).decode("ascii"), style_id=f"{style_id}-{version}")


ESM = esm(*player_parts(), before=["layout_wasm.js"])  # layout_wasm.js: Graphviz in the browser, only without dot
CSS = static("math.css", "player.css")
PACKED = packed(ESM, CSS, "bv-player-style")
