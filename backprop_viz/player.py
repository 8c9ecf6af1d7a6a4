"""The widget that shows frames in the browser: one anywidget for Stepper and NetworkView.

The kernel gives it a :class:`~backprop_viz.skeleton.Skeleton` once (``view``) and the
frames as data (``walk`` and ``words``, see :func:`encode`: the first frame in full,
then each frame's changes; an input change sends only ``words``). Everything else
happens in ``static/player.js``: stepping, play, zoom, following the highlight,
presenting. An input slider sends ``{"set": {name: value}}``; the kernel answers with
new frames and ``{"done": true}``.
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

from .skeleton import changes

STATIC = Path(__file__).parent / "static"


def compact_js(source: str) -> str:
    """A module's text as a notebook stores it: without comment lines and indentation (every stepper
    in a saved notebook carries a copy). Lines stay lines, so the code means the same."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


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
# then base64) in the browser, add its style sheet to the page once, and hand on its ``render``.
_UNPACK = """const packed = "{packed}";
const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
const [code, css] = JSON.parse(await new Response(stream).text());
if (!document.getElementById("{style_id}")) {{
  const style = document.createElement("style");
  style.id = "{style_id}";
  style.textContent = css;
  document.head.appendChild(style);
}}
const url = URL.createObjectURL(new Blob([code], {{ type: "text/javascript" }}));
const module = await import(url);
URL.revokeObjectURL(url);
export default module.default;
"""


def packed(module: str, css: str, style_id: str) -> str:
    """``module`` and its style sheet as a small module that unpacks them in the browser (a third of the
    bytes: every widget of a saved notebook carries its own copy)."""
    text = json.dumps([module, css])
    data = gzip.compress(text.encode("utf-8"), mtime=0)
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]  # a new version adds its own style sheet
    return _UNPACK.format(packed=base64.b64encode(data).decode("ascii"), style_id=f"{style_id}-{version}")


ESM = static("layout_wasm.js", "player.js")  # layout_wasm.js: Graphviz in the browser, used only without dot
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


def encode(frames: Sequence[FrameContent]) -> tuple[str, str]:
    """The frames as the browser takes them, in two parts: the walk (states, headings, what to
    follow), which an input change leaves alone, and the words (texts, explanations), which it
    changes. Each part gives the first frame in full, then only what each frame changes.

    Each part is one line of JSON: a saved notebook keeps it as it is, where it would indent
    a list of lists one number per line."""
    first = frames[0]
    walk = {
        "states0": list(first.states),
        "states": [changes(a.states, b.states) for a, b in zip(frames, frames[1:], strict=False)],
        "heads": [[f.phase, f.title, f.node] for f in frames],
        "focus": [f.focus for f in frames],
    }
    words = {
        "texts0": list(first.texts),
        "texts": [changes(a.texts, b.texts) for a, b in zip(frames, frames[1:], strict=False)],
        "notes": [f.note for f in frames],
        "asks": [[list(a) for a in f.asks] for f in frames],
    }
    return _json(walk), _json(words)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Player(anywidget.AnyWidget):
    """Frames stepped in the browser (see the module docstring for what each trait holds).

    :class:`~backprop_viz.stepper.Stepper` and :class:`~backprop_viz.network_view.NetworkView` are
    players: each IS the widget, so it goes wherever a widget does (``mo.ui.anywidget(s)``, a ``VBox``).
    """

    _esm = PACKED  # static/player.js and its style sheets, unpacked in the browser
    # ipywidgets 7 (Colab's) displays a widget through _ipython_display_, which IPython prefers to
    # _repr_mimebundle_: without it, ours is used there too (its text, still picture and Colab's manager)
    _ipython_display_ = None
    view = t.Dict().tag(sync=True)
    walk = t.Unicode("{}").tag(sync=True)  # JSON, see encode()
    words = t.Unicode("{}").tag(sync=True)  # JSON, see encode() (``frames`` is the Stepper's list of frames)
    step = t.Int(0).tag(sync=True)
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
        """The ``walk`` or ``words`` the browser has, read back."""
        return json.loads(getattr(self, name))

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
