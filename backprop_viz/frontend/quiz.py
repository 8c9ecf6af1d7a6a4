"""Exercises with immediate feedback: type the gradient you expect, see at once if it is right.

:class:`QuizWidget` is what the student types into (``static/quiz.js``); :class:`Quiz` is that widget
and judges what it sends (:mod:`backprop_viz.frontend.quiz_rules` says what is asked and hinted).
"""

from __future__ import annotations

import html

import anywidget
import traitlets as t

from ..drawing.wire import tree
from ..engine.graph import Graph
from ..engine.numbers import fmt
from .answers import is_right, parse_number
from .assets import STATIC, esm, packed, static
from .notebook import made_here
from .player import close_layout, widget_bundle
from .quiz_rules import (
    asked,
    backward_order,
    exact_answer,
    first_hint_lines,
    hint_lines,
    shows_number,
)


def _tree(value: str, widget: object = None) -> list:
    return tree(value)


def _rows(rows: list, widget: object = None) -> list:
    return [{**row, "label": tree(row.get("label", ""))} for row in rows]


def _trees(by_name: dict, widget: object = None) -> dict:
    return {name: tree(value) for name, value in by_name.items()}


class QuizWidget(anywidget.AnyWidget):
    """The quiz in the browser (``static/quiz.js``); the kernel checks what it sends.

    The kernel keeps its words as HTML; they go to the browser as trees (:func:`backprop_viz.drawing.wire.tree`)."""

    _esm = packed(
        esm(STATIC / "player" / "dom.js", STATIC / "quiz.js"), static("math.css", "quiz.css"), "bv-quiz-style"
    )
    # ipywidgets 7 (Colab's) displays a widget through _ipython_display_, which IPython prefers to
    # _repr_mimebundle_: without it, ours is used there too (its text, still picture and Colab's manager)
    _ipython_display_ = None
    heading = t.Unicode("").tag(sync=True, to_json=_tree)
    rows = t.List().tag(sync=True, to_json=_rows)  # [{"name", "label"}]: one box per asked node
    typed = t.Dict().tag(sync=True)  # what was typed, by name (answers given from code show in the box)
    verdicts = t.Dict().tag(sync=True, to_json=_trees)  # HTML, by name
    steps_shown = t.Dict().tag(sync=True, to_json=_trees)  # the help "show the step" shows (HTML), by name

    @property
    def widget(self) -> QuizWidget:
        """The widget itself (code written when a quiz held its widget here goes on working)."""
        return self


class Quiz(QuizWidget):
    """One box per asked node: ``∂f/∂x = [   ]``; Enter checks it; "show the step" reveals the explanation.

    The answers and explanations are those of the graph's inputs when the quiz is made, and the
    heading says which: a stepper's sliders moving the same graph later do not change the quiz.
    The answers stay in the kernel: the page gets only verdicts. The quiz is the widget itself.
    """

    def __init__(self, g: Graph, ask: str | list[str], *, title: str | None = None) -> None:
        ask = asked(ask)
        for name in ask:
            g.node(name)  # a clear error for an unknown name
        self.graph, self.ask = g, backward_order(g, list(ask))  # asked as the backward pass meets them
        ask = self.ask
        self.answers = {name: exact_answer(g, name) for name in ask}
        self._hints = {name: hint_lines(g, name) for name in ask}
        self._first_hints = {name: first_hint_lines(g, name) for name in ask}
        self._hint_level: dict[str, int] = {}  # how often each row's step was asked for (1: the first hint)
        self.solved: set[str] = set()  # the rows answered right
        f = g.output_label
        inputs = ", ".join(f"{n.name} = {fmt(n.value)}" for n in g.inputs if n.name and isinstance(n.value, float))
        heading = title or f"Your turn: what is the gradient of {f} with respect to {', '.join(ask)}?"
        at = f" at {inputs}" if inputs and len(inputs) < 120 else ""
        super().__init__(
            heading=f"<b>{html.escape(heading)}</b>{html.escape(at)} (type a number and press Enter)",
            rows=[{"name": n, "label": html.escape(f"∂{f}/∂{n} =")} for n in ask],
        )
        self.widget.add_class("bv-quiz")
        made_here(self)  # a notebook cell run again closes what it made before
        self.widget.on_msg(lambda widget, content, buffers: self.receive(content))

    def receive(self, content: object) -> None:
        """A message from the page: ``{"answer": name, "text": ...}`` or ``{"show": name, "on": bool}``."""
        if not isinstance(content, dict):
            return
        name = content.get("answer", content.get("show"))
        if name not in self.answers:
            return
        if "answer" in content:
            self.check(name, str(content.get("text", "")))
        else:
            self.show_step(name, bool(content.get("on")))

    def check(self, name: str, answer: str) -> bool:
        """Check an answer, typed or given from code: returns whether it is right and shows the verdict."""
        self.widget.typed = {**self.widget.typed, name: answer}
        right, verdict = self._verdict(name, answer)
        self.widget.verdicts = {**self.widget.verdicts, name: verdict}
        if right and name not in self.solved:
            self._solve(name)
        return right

    def verdict(self, name: str) -> str:
        """What the page shows beside ``name``'s box (HTML)."""
        return self.widget.verdicts.get(name, "")

    def _verdict(self, name: str, text: str) -> tuple[bool, str]:
        exact = self.answers[name]
        try:
            answer = parse_number(text)
        except ValueError:
            return False, ('<span class="bv-quiz-wrong">✗ that is not a number</span>' if text.strip() else "")
        if not isinstance(exact, float):
            return False, "this gradient is an array: compare with the table"
        if is_right(text, exact):
            return True, f'<span class="bv-quiz-right">✓ right: {html.escape(fmt(exact))}</span>'
        return False, (
            f'<span class="bv-quiz-wrong">✗ not quite ({html.escape(fmt(answer))}); try again, or show the step</span>'
        )

    def show_step(self, name: str, on: bool = True) -> str:
        """Show (or hide) the help for ``name``'s gradient; returns its HTML.

        The first time, the chain rule and the local derivative; the next time, the whole step with its
        numbers, unless those numbers hold the answer of a row not yet answered (then the first hint again,
        and which row to answer first).
        """
        if on:
            self._hint_level[name] = min(self._hint_level.get(name, 0) + 1, 2)
        shown = self._hint_html(name) if on else ""
        self.widget.steps_shown = {**self.widget.steps_shown, name: shown}
        return shown

    def _hint_html(self, name: str) -> str:
        first = "".join(f"<div>{line}</div>" for line in self._first_hints[name])  # HTML math, escaped where made
        if self._hint_level.get(name, 0) < 2:
            return first + "<div>Show the step again for the whole step with its numbers.</div>"
        held = self.held_back(name)
        if held:
            them = ", ".join(f"∂{self.graph.output_label}/∂{other}" for other in held)
            return first + f"<div>{html.escape(f'The whole step shows once you have answered {them}.')}</div>"
        return "".join(f"<div>{line}</div>" for line in self._hints[name])

    def held_back(self, name: str) -> list[str]:
        """The rows not yet answered whose answers the whole step for ``name`` shows. A row whose answer is
        ``name``'s own (at 3 digits) never holds it back: the step is there to show that number."""
        step, own = " ".join(self._hints[name]), self.answers[name]
        return [
            other
            for other in self.ask
            if other != name
            and other not in self.solved
            and isinstance(self.answers[other], float)
            and not (isinstance(own, float) and shows_number(fmt(own, 3), self.answers[other]))
            and shows_number(step, self.answers[other])
        ]

    def _solve(self, name: str) -> None:
        """``name`` is answered: a whole step held back for it may show now."""
        self.solved.add(name)
        shown = {n: self._hint_html(n) for n, text in self.widget.steps_shown.items() if text and n != name}
        if shown:
            self.widget.steps_shown = {**self.widget.steps_shown, **shown}

    @property
    def hints(self) -> dict[str, list[str]]:
        """By asked name, the lines of the whole step "show the step" reveals last (HTML math)."""
        return {name: list(lines) for name, lines in self._hints.items()}

    @property
    def first_hints(self) -> dict[str, list[str]]:
        """By asked name, the lines "show the step" reveals first: the rule and the local derivative."""
        return {name: list(lines) for name, lines in self._first_hints.items()}

    def close(self) -> None:
        """Close the quiz's widget."""
        close_layout(self)
        super().close()

    def __repr__(self) -> str:
        return f"Quiz({', '.join(self.ask)})"

    def _repr_mimebundle_(self, **kwargs) -> dict | tuple[dict, dict]:
        bundle, metadata = widget_bundle(super()._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = repr(self)
        return (bundle, metadata) if metadata else bundle  # Colab: the metadata names its widget manager


def quiz(g: Graph, ask: str | list[str], *, title: str | None = None) -> Quiz:
    """An exercise on ``g``: the student types the gradient of each node in ``ask`` (one name or a list)."""
    return Quiz(g, ask, title=title)
