"""The widget that shows frames in the browser: one anywidget for Stepper and NetworkView.

The kernel gives it a :class:`~backprop_viz.drawing.skeleton.Skeleton` once (``view``) and the
frames (:class:`~backprop_viz.drawing.frame.Frame`) as data (``walk`` and ``words``, see :func:`encode`:
the first frame in full, then each frame's changes; an input change sends only ``words``). Words travel as small
trees (:mod:`backprop_viz.drawing.wire`), never as markup; the diagram's SVG is the only markup,
and the browser rebuilds it from a fixed set of elements. Everything else happens in
``static/player/``: stepping, play, zoom, following the highlight, presenting. An input
slider sends ``{"set": {name: value}}``; the kernel answers with new frames and
``{"done": true}``.

The browser's side is small ES modules, one job each; :mod:`backprop_viz.frontend.assets` joins
them into the one module a widget carries.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence

import anywidget
import traitlets as t

from ..drawing.frame import Frame
from ..drawing.layout import GraphvizMissing
from ..drawing.skeleton import Skeleton, changes
from ..drawing.wire import PROTOCOL, holes, number, pieces, tree
from ..engine.errors import whole_number
from .assets import PACKED

MIN_INTERVAL, MAX_INTERVAL = 50, 60_000  # milliseconds between frames when playing (and in a GIF)
MIN_TEXT_PX = 9  # a diagram is fitted to its output area unless that makes its text smaller than this ...
OPEN_TEXT_PX = 10  # ... then it opens at this text size, scrolled to follow the highlight (fit is a click away)


def encode(frames: Sequence[Frame]) -> tuple[dict, dict]:
    """The frames as the browser takes them, in two parts: the walk (states, headings, what to
    follow), which an input change leaves alone, and the words (texts, explanations), which it
    changes. Each part gives the first frame in full, then only what each frame changes.
    Explanations and labels go as trees (:func:`backprop_viz.drawing.wire.tree`), numbers that are not
    finite as "inf", "-inf", "nan". An explanation is sent in two parts (:func:`backprop_viz.drawing.wire.holes`):
    its words, with the walk, and its numbers, with the texts; an input change sends the numbers. The
    words' repeated parts (a fraction, a name) are sent once (:func:`backprop_viz.drawing.wire.pieces`)."""
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

    :class:`~backprop_viz.frontend.stepper.Stepper` and :class:`~backprop_viz.frontend.network_view.NetworkView` are
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
        """Have the browser's Graphviz answer ``drawing``'s requests (see
        :mod:`backprop_viz.frontend.browser_graphviz`); ``view`` is what the view says meanwhile (its kind
        and theme)."""
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


def diagram_view(sk: Skeleton, font: float) -> dict:
    """The parts of a view every diagram has: its SVG, its natural size, its wire font (``font`` px) and its
    smallest text (present mode zooms by it)."""
    width, height = sk.size
    return {
        "svg": sk.svg,
        "width": round(width, 1),
        "height": round(height, 1),
        "font": font,
        "least": sk.smallest_text,
    }


def widget_bundle(bundle: dict | tuple[dict, dict]) -> tuple[dict, dict]:
    """A widget's MIME bundle and its metadata (in Colab, anywidget names Colab's widget manager there)."""
    return bundle if isinstance(bundle, tuple) else (bundle, {})


def close_layout(widget: anywidget.AnyWidget) -> None:
    """Close the layout widget a widget owns (ipywidgets makes one per widget; closing the widget leaves it)."""
    layout = getattr(widget, "layout", None)
    if layout is not None:
        layout.close()


def with_picture(bundle: dict, picture: Callable[[], bytes]) -> dict:
    """``bundle`` with a PNG for where widgets cannot run (GitHub, an untrusted notebook, a static page).

    Without Graphviz (it went away after the widget was made) the widget is shown without it.
    """
    try:
        bundle["image/png"] = base64.b64encode(picture()).decode("ascii")
    except GraphvizMissing:
        pass
    return bundle
