"""Exercises with immediate feedback: type the gradient you expect, see at once if it is right."""

from __future__ import annotations

import html
import math

import anywidget
import traitlets as t

from .graph import Graph
from .notation import HTML_MATH
from .notebook import made_here
from .numbers import fmt
from .player import close_widget, static
from .steps import BackwardStep


def parse_number(text: str) -> float:
    """A number a student typed: '-0.39', '−0.39', '3/4', '1e-3'. Never evaluated as code."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    if not cleaned:
        raise ValueError("type a number")
    if cleaned.count("/") == 1:
        top, bottom = cleaned.split("/")
        if float(bottom) == 0:
            raise ValueError("division by zero")
        return float(top) / float(bottom)
    return float(cleaned)


def is_right(answer: float, exact: float) -> bool:
    """Right within the rounding a student would do: 2 % or 0.005."""
    return math.isclose(answer, exact, rel_tol=0.02, abs_tol=0.005)


def explaining_steps(g: Graph, name: str) -> list[BackwardStep]:
    """The backward steps that add to ``name``'s gradient."""
    node = g.node(name)
    return [s for s in g.backward_steps if any(c.input is node for c in s.contributions)]


class QuizWidget(anywidget.AnyWidget):
    """The quiz in the browser (``static/quiz.js``); the kernel checks what it sends."""

    _esm = static("quiz.js")
    _css = static("math.css", "quiz.css")
    heading = t.Unicode("").tag(sync=True)
    rows = t.List().tag(sync=True)  # [{"name", "label"}]: one box per asked node
    typed = t.Dict().tag(sync=True)  # what was typed, by name (answers given from code show in the box)
    verdicts = t.Dict().tag(sync=True)  # HTML, by name
    hints = t.Dict().tag(sync=True)  # the explaining step's HTML, by name, while shown


class Quiz:
    """One box per asked node: ``∂f/∂x = [   ]``; Enter checks it; "show the step" reveals the explanation.

    The answers and explanations are those of the graph's inputs when the quiz is made, and the
    heading says which: a stepper's sliders moving the same graph later do not change the quiz.
    The answers stay in the kernel: the page gets only verdicts.
    """

    def __init__(self, g: Graph, ask: str | list[str], *, title: str | None = None) -> None:
        ask = _asked(ask)
        for name in ask:
            g.node(name)  # a clear error for an unknown name
        self.graph, self.ask = g, list(ask)
        self.answers = {name: g.grad(name) for name in ask}
        self._hints = {name: [line for s in explaining_steps(g, name) for line in s.written(HTML_MATH)] for name in ask}
        f = g.output_label
        inputs = ", ".join(f"{n.name} = {fmt(n.value)}" for n in g.inputs if n.name and isinstance(n.value, float))
        heading = title or f"Your turn: what is the gradient of {f} with respect to {', '.join(ask)}?"
        at = f" at {inputs}" if inputs and len(inputs) < 120 else ""
        self.widget = QuizWidget(
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
        if is_right(answer, exact):
            return True, f'<span class="bv-quiz-right">✓ right: {html.escape(fmt(exact))}</span>'
        return False, (
            f'<span class="bv-quiz-wrong">✗ not quite ({html.escape(fmt(answer))}); try again, or show the step</span>'
        )

    def show_step(self, name: str, on: bool = True) -> str:
        """Show (or hide) the step that explains ``name``'s gradient; returns its HTML."""
        lines = "".join(f"<div>{line}</div>" for line in self._hints[name])  # HTML math, escaped where it is made
        self.widget.hints = {**self.widget.hints, name: lines if on else ""}
        return lines

    def close(self) -> None:
        """Close the quiz's widget."""
        close_widget(self.widget)

    def __repr__(self) -> str:
        return f"Quiz({', '.join(self.ask)})"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle["text/plain"] = repr(self)
        return bundle


def quiz(g: Graph, ask: str | list[str], *, title: str | None = None) -> Quiz:
    """An exercise on ``g``: the student types the gradient of each node in ``ask`` (one name or a list)."""
    return Quiz(g, ask, title=title)


def _asked(ask: object) -> list[str]:
    """The names asked for: one name as a string, or a list of different names."""
    if isinstance(ask, str):
        return [ask]
    if not isinstance(ask, list | tuple) or not all(isinstance(name, str) for name in ask):
        raise TypeError(f"ask must be a node's name or a list of names, like ask=['x', 'y'], not {ask!r}")
    if not ask:
        raise ValueError("ask names no node: give at least one, like ask=['x']")
    repeated = sorted({name for name in ask if ask.count(name) > 1})
    if repeated:
        raise ValueError(f"ask names {', '.join(map(repr, repeated))} more than once: ask for each node once")
    return list(ask)
