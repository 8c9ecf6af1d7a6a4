"""The quiz in the browser: the widget a :class:`~backprop_viz.quiz.Quiz` shows (``static/quiz.js``)."""

from __future__ import annotations

import anywidget
import traitlets as t

from .player import STATIC, esm, packed, static
from .wire import tree


def _tree(value: str, widget: object = None) -> list:
    return tree(value)


def _rows(rows: list, widget: object = None) -> list:
    return [{**row, "label": tree(row.get("label", ""))} for row in rows]


def _trees(by_name: dict, widget: object = None) -> dict:
    return {name: tree(value) for name, value in by_name.items()}


class QuizWidget(anywidget.AnyWidget):
    """The quiz in the browser (``static/quiz.js``); the kernel checks what it sends.

    The kernel keeps its words as HTML; they go to the browser as trees (:func:`backprop_viz.wire.tree`)."""

    __module__ = "backprop_viz.quiz"  # where it lived: saved notebooks know it as backprop_viz.quiz.QuizWidget

    _esm = packed(
        esm(STATIC / "player" / "dom.js", STATIC / "quiz.js"), static("math.css", "quiz.css"), "bv-quiz-style"
    )
    heading = t.Unicode("").tag(sync=True, to_json=_tree)
    rows = t.List().tag(sync=True, to_json=_rows)  # [{"name", "label"}]: one box per asked node
    typed = t.Dict().tag(sync=True)  # what was typed, by name (answers given from code show in the box)
    verdicts = t.Dict().tag(sync=True, to_json=_trees)  # HTML, by name
    hints = t.Dict().tag(sync=True, to_json=_trees)  # the explaining step's HTML, by name, while shown
