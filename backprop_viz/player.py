"""The widget that shows frames in the browser: one anywidget for Stepper and NetworkView.

The kernel gives it a :class:`~backprop_viz.skeleton.Skeleton` once (``view``) and the
frames as data (``walk`` and ``frames``, see :func:`encode`: the first frame in full,
then each frame's changes; an input change sends only ``frames``). Everything else
happens in ``static/player.js``: stepping, play, zoom, following the highlight,
presenting. An input slider sends ``{"set": {name: value}}``; the kernel answers with
new frames and ``{"done": true}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import anywidget
import traitlets as t

from .skeleton import changes

STATIC = Path(__file__).parent / "static"


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


def encode(frames: Sequence[FrameContent]) -> tuple[dict, dict]:
    """The frames as the browser takes them, in two parts: the walk (states, headings, what to
    follow), which an input change leaves alone, and the words (texts, explanations), which it
    changes. Each part gives the first frame in full, then only what each frame changes."""
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
    }
    return walk, words


class Player(anywidget.AnyWidget):
    """Frames stepped in the browser (see the module docstring for what each trait holds)."""

    _esm = STATIC / "player.js"
    _css = STATIC / "player.css"
    view = t.Dict().tag(sync=True)
    walk = t.Dict().tag(sync=True)
    frames = t.Dict().tag(sync=True)
    step = t.Int(0).tag(sync=True)
    inputs = t.List().tag(sync=True)
    options = t.Dict().tag(sync=True)
    status = t.Unicode("").tag(sync=True)

    def __init__(self, on_set: Callable[[dict], None] | None = None, **traits) -> None:
        super().__init__(**traits)
        self._on_set = on_set
        self.on_msg(lambda widget, content, buffers: self.receive(content))

    def receive(self, content: object) -> None:
        """A message from the browser: ``{"set": {name: value}}`` when an input slider moved."""
        values = content.get("set") if isinstance(content, dict) else None
        if not isinstance(values, dict) or self._on_set is None:
            return
        try:
            self._on_set(values)
        finally:
            self.send({"done": True})
