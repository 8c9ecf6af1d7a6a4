"""The widget that shows frames in the browser: one anywidget for Stepper and NetworkView.

The kernel gives it a :class:`~backprop_viz.skeleton.Skeleton` once (``view``) and the
frames as data (``walk`` and ``words``, see :func:`encode`: the first frame in full,
then each frame's changes; an input change sends only ``words``). Words travel as small
trees (:mod:`backprop_viz.wire`), never as markup; the diagram's SVG is the only markup,
and the browser rebuilds it from a fixed set of elements. Everything else happens in
``static/player/``: stepping, play, zoom, following the highlight, presenting. An input
slider sends ``{"set": {name: value}}``; the kernel answers with new frames and
``{"done": true}``.

The browser's side is small ES modules, one job each; :func:`bundle` joins them into the one
module a widget carries.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import anywidget
import traitlets as t

from .errors import whole_number
from .skeleton import changes
from .wire import PROTOCOL, holes, number, pieces, tree

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


@dataclass(frozen=True)
class FrameContent:
    """What one frame shows: the slots' texts, the elements' states, its heading and its words."""

    texts: list[str]
    states: list[int]
    phase: str  # "start", "forward" or "backward"
    title: str
    note: str  # the explanation, as HTML
    node: str = ""  # the id of the highlighted node ("" for none)
    focus: int = -1  # the element the view follows (-1: none)
    asks: tuple[tuple[str, float], ...] = ()  # predict mode: what the student predicts first (label as HTML, value)


def encode(frames: Sequence[FrameContent]) -> tuple[dict, dict]:
    """The frames as the browser takes them, in two parts: the walk (states, headings, what to
    follow), which an input change leaves alone, and the words (texts, explanations), which it
    changes. Each part gives the first frame in full, then only what each frame changes.
    Explanations and labels go as trees (:func:`backprop_viz.wire.tree`), numbers that are not
    finite as "inf", "-inf", "nan". An explanation is sent in two parts (:func:`backprop_viz.wire.holes`):
    its words, with the walk, and its numbers, with the texts; an input change sends the numbers. The
    words' repeated parts (a fraction, a name) are sent once (:func:`backprop_viz.wire.pieces`)."""
    first = frames[0]
    notes = [holes(tree(f.note)) for f in frames]
    templates, table = pieces([template for template, _ in notes])
    walk = {
        "states0": list(first.states),
        "states": [changes(a.states, b.states) for a, b in zip(frames, frames[1:], strict=False)],
        "heads": [[f.phase, f.title, f.node] for f in frames],
        "focus": [f.focus for f in frames],
        "notes": templates,
        "pieces": table,
    }
    words = {
        "texts0": list(first.texts),
        "texts": [changes(a.texts, b.texts) for a, b in zip(frames, frames[1:], strict=False)],
        "numbers": [numbers for _, numbers in notes],
        "asks": [[[tree(label), number(value)] for label, value in f.asks] for f in frames],
    }
    assert list(walk) == PROTOCOL["walk"] and list(words) == PROTOCOL["words"]
    return walk, words


def view_to_json(view: dict, widget: object = None) -> dict:
    """The view as it is sent: its table and legend (HTML the kernel wrote) as trees."""
    return {k: tree(v) if k in ("table", "legend") and isinstance(v, str) else v for k, v in view.items()}


class FrameIndex(t.Int):
    """The frame shown: any whole number, numpy's too (kept as an int); TypeError naming it for anything else."""

    def validate(self, obj: object, value: object) -> int:
        return whole_number(value, self.name)


class Player(anywidget.AnyWidget):
    """Frames stepped in the browser (see the module docstring for what each trait holds).

    :class:`~backprop_viz.stepper.Stepper` and :class:`~backprop_viz.network_view.NetworkView` are
    players: each IS the widget, so it goes wherever a widget does (``mo.ui.anywidget(s)``, a ``VBox``).
    """

    _esm = PACKED  # static/player/ bundled, and its style sheets, unpacked in the browser
    # ipywidgets 7 (Colab's) displays a widget through _ipython_display_, which IPython prefers to
    # _repr_mimebundle_: without it, ours is used there too (its text, still picture and Colab's manager)
    _ipython_display_ = None
    view = t.Dict().tag(sync=True, to_json=view_to_json)
    walk = t.Dict().tag(sync=True)  # see encode()
    words = t.Dict().tag(sync=True)  # see encode() (``frames`` is the Stepper's list of frames)
    step = FrameIndex(0).tag(sync=True)
    inputs = t.List().tag(sync=True)
    options = t.Dict().tag(sync=True)
    status = t.Unicode("").tag(sync=True)

    def __init__(self, on_set: Callable[[dict], None] | None = None, **traits) -> None:
        super().__init__(**traits)
        self._on_set = on_set
        self._drawing = None  # a BrowserDrawing under way (the kernel has no dot)
        self.on_msg(lambda widget, content, buffers: self.receive(content))

    def draw_in_browser(self, drawing, view: dict) -> None:
        """Have the browser's Graphviz answer ``drawing``'s requests (see :mod:`backprop_viz.browser_graphviz`);
        ``view`` is what the view says meanwhile (its kind and theme)."""
        self._drawing = drawing
        self.view = {**view, "graphviz": drawing.request}

    @property
    def widget(self) -> Player:
        """The widget itself (code written when a stepper held its widget here goes on working)."""
        return self

    def data(self, name: str) -> dict:
        """The ``walk`` or ``words`` the browser has."""
        return getattr(self, name)

    def receive(self, content: object) -> None:
        """A message from the browser: ``{"set": {name: value}}`` when an input slider moved; the
        Graphviz messages of a drawing laid out in the browser."""
        if isinstance(content, dict) and ("graphviz_module" in content or "graphviz_done" in content):
            self._graphviz(content)
            return
        values = content.get("set") if isinstance(content, dict) else None
        if not isinstance(values, dict) or self._on_set is None:
            return
        try:
            self._on_set(values)
        finally:
            self.send({"done": True})

    def _graphviz(self, content: dict) -> None:
        from .browser_graphviz import receive

        self._drawing = receive(self, self._drawing, content)

    def close(self) -> None:
        """Close the widget and the layout widget it owns."""
        close_layout(self)
        super().close()
        # ipywidgets blanks a closed widget's _repr_mimebundle_; Stepper's and NetworkView's say it is closed
        vars(self).pop("_repr_mimebundle_", None)


def widget_bundle(bundle: dict | tuple[dict, dict]) -> tuple[dict, dict]:
    """A widget's MIME bundle and its metadata (in Colab, anywidget names Colab's widget manager there)."""
    return bundle if isinstance(bundle, tuple) else (bundle, {})


def close_layout(widget: anywidget.AnyWidget) -> None:
    """Close the layout widget a widget owns (ipywidgets makes one per widget; closing the widget leaves it)."""
    layout = getattr(widget, "layout", None)
    if layout is not None:
        layout.close()
