"""The quiz in the browser: the widget a :class:`~backprop_viz.quiz.Quiz` shows (``static/quiz.js``)."""

from __future__ import annotations

import anywidget
import traitlets as t

from .player import packed, static


class QuizWidget(anywidget.AnyWidget):
    """The quiz in the browser (``static/quiz.js``); the kernel checks what it sends."""

    __module__ = "backprop_viz.quiz"  # where it lived: saved notebooks know it as backprop_viz.quiz.QuizWidget

    _esm = packed(static("quiz.js"), static("math.css", "quiz.css"), "bv-quiz-style")
    heading = t.Unicode("").tag(sync=True)
    rows = t.List().tag(sync=True)  # [{"name", "label"}]: one box per asked node
    typed = t.Dict().tag(sync=True)  # what was typed, by name (answers given from code show in the box)
    verdicts = t.Dict().tag(sync=True)  # HTML, by name
    hints = t.Dict().tag(sync=True)  # the explaining step's HTML, by name, while shown
