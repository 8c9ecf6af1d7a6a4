"""Where Graphviz runs: ``dot`` in the kernel, or a WebAssembly Graphviz in the browser.

A kernel that cannot start ``dot`` (Pyodide in JupyterLite has no subprocesses; a machine
without Graphviz) can still show steppers when the package carries the browser's Graphviz
(``static/graphviz.js``, put there by ``make lite`` from npm's ``@hpcc-js/wasm-graphviz``).
Then the kernel sends the DOT text in the widget's ``view`` (``{"graphviz": request}``), the
browser lays it out with that same Graphviz and answers ``{"graphviz_done": ...}``; the kernel
turns the answer into a layout, then into the skeleton, exactly as it does with ``dot``'s output.
The browser asks for the Graphviz module itself (``{"graphviz_module": true}``) only then (once
per widget, about 0.8 MB): nothing is loaded where ``dot`` runs in the kernel. The browser sends
each message again until it is answered: JupyterLite's kernel may drop one while it runs cells.

:func:`graphviz_place` is the one place that decides. ``BACKPROP_VIZ_GRAPHVIZ`` may force
``kernel`` or ``browser``; ``BACKPROP_VIZ_GRAPHVIZ_JS`` may name another copy of the module.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from ..drawing.layout import (
    GraphvizMissing,
    Layout,
    cached_layout,
    check_layout_size,
    dot_source,
    layout_from_json,
    remember_layout,
)
from ..engine.graph import Graph

MODULE = Path(__file__).parent / "static" / "graphviz.js"


def module_path() -> Path:
    """Where the browser's Graphviz module is read from."""
    return Path(os.environ.get("BACKPROP_VIZ_GRAPHVIZ_JS") or MODULE)


def graphviz_place() -> str:
    """``"kernel"`` when ``dot`` can run here, else ``"browser"`` when the browser's Graphviz is at hand.

    GraphvizMissing (with install instructions) when neither can draw.
    """
    choice = os.environ.get("BACKPROP_VIZ_GRAPHVIZ", "").strip().lower()
    kernel_can = sys.platform != "emscripten" and shutil.which("dot") is not None
    if choice != "browser" and kernel_can:
        return "kernel"
    if choice != "kernel" and module_path().is_file():
        return "browser"
    raise GraphvizMissing()


def module_text() -> str:
    """The browser's Graphviz as the kernel sends it (an ES module exporting ``Graphviz``)."""
    return module_path().read_text(encoding="utf-8")


class BrowserDrawing:
    """A diagram drawn by the browser: ``dot -Tjson`` for the layout (unless cached), then
    ``neato -n2 -Tsvg`` of ``source_of(layout)``, then ``done(svg)``.

    :attr:`request` is what the widget's view carries while a drawing is under way;
    :meth:`answer` takes the browser's reply and returns the next request, or None when done.
    """

    def __init__(self, g: Graph, source_of: Callable[[Layout], str], done: Callable[[str], None]) -> None:
        check_layout_size(g)
        self.graph, self._source_of, self._done = g, source_of, done
        self._id = 0
        layout = cached_layout(g)
        self._request = self._ask(dot_source(g), "json", "dot") if layout is None else self._draw(layout)

    def _ask(self, source: str, fmt: str, engine: str) -> dict:
        self._id += 1
        return {"id": self._id, "source": source, "format": fmt, "engine": engine, "nop": 2 * (engine == "neato")}

    def _draw(self, layout: Layout) -> dict:
        return self._ask(self._source_of(layout), "svg", "neato")

    @property
    def request(self) -> dict | None:
        """What the browser is asked to lay out now (None: finished)."""
        return self._request

    def answer(self, reply: dict) -> dict | None:
        """The browser's ``{"id", "output"}`` (or ``{"id", "error"}``) for the current request."""
        if self._request is None or reply.get("id") != self._request["id"]:
            return self._request  # a second view of the same widget answered too: already taken
        if "error" in reply:
            self._request = None
            raise RuntimeError(f"Graphviz failed in the browser: {reply['error']}")
        output = str(reply.get("output", ""))
        if self._request["format"] == "json":
            layout = layout_from_json(self.graph, json.loads(output))
            remember_layout(self.graph, layout)
            self._request = self._draw(layout)
            return self._request
        self._request = None
        self._done(output)
        return None


class SvgDrawing:
    """A picture the browser's Graphviz draws in one go, ``dot -Tsvg`` of ``source`` (a network view's, whose
    layout is dot's own), then ``done(svg)``: the same requests and answers as :class:`BrowserDrawing`."""

    def __init__(self, source: str, done: Callable[[str], None]) -> None:
        self._done = done
        self._request: dict | None = {"id": 1, "source": source, "format": "svg", "engine": "dot", "nop": 0}

    @property
    def request(self) -> dict | None:
        """What the browser is asked to draw now (None: finished)."""
        return self._request

    def answer(self, reply: dict) -> dict | None:
        """The browser's ``{"id", "output"}`` (or ``{"id", "error"}``): None once drawn."""
        if self._request is None or reply.get("id") != self._request["id"]:
            return self._request
        self._request = None
        if "error" in reply:
            raise RuntimeError(f"Graphviz failed in the browser: {reply['error']}")
        self._done(str(reply.get("output", "")))
        return None


def receive(widget, drawing: BrowserDrawing | SvgDrawing | None, content: dict) -> BrowserDrawing | SvgDrawing | None:
    """A Graphviz message from the browser to ``widget``: the module asked for, or an answer to
    ``drawing``'s request. Returns the drawing still under way (None: done or failed)."""
    if content.get("graphviz_module"):
        widget.send({"graphviz_module": module_text()})
        return drawing
    if drawing is None:
        return None
    try:
        request = drawing.answer(content.get("graphviz_done") or {})
    except Exception as err:  # shown, never raised into the widget machinery
        widget.view = {**widget.view, "graphviz": None, "error": str(err)}
        if hasattr(widget, "status"):
            widget.status = f"⚠ {err}"
        return None
    if request is not None:
        widget.view = {**widget.view, "graphviz": request}
        return drawing
    return None
