"""Exercises with immediate feedback: type the gradient you expect, see at once if it is right.

The answers are judged here; the widget the student types into (:mod:`backprop_viz.quiz_widget`)
is loaded when the first quiz is made, so importing this module loads no widget library.
"""

from __future__ import annotations

import html
import math
import re

from .answers import is_right, last_digit_unit, parse_number  # noqa: F401 (read here, and by callers from here)
from .graph import Graph
from .notation import HTML_STEPS, Notation
from .notebook import made_here
from .numbers import Value, fmt
from .steps import BackwardStep

ROUND_OFF = 2**-46  # shares of a gradient that cancel to this fraction of their size leave round-off, not a gradient


def exact_answer(g: Graph, name: str) -> Value:
    """``name``'s gradient as the quiz judges it: 0 where its shares cancel and only round-off is left
    (∂f/∂x of 0.1x + 0.2x − 0.3x is 0, not 2.8e-17); otherwise the gradient as computed, however small."""
    grad = g.grad(name)
    shares = [abs(c.downstream) for s in explaining_steps(g, name) for c in s.contributions if c.input is g.node(name)]
    if isinstance(grad, float) and len(shares) > 1 and abs(grad) <= ROUND_OFF * math.fsum(shares):
        return 0.0
    return grad


def explaining_steps(g: Graph, name: str) -> list[BackwardStep]:
    """The backward steps that add to ``name``'s gradient."""
    node = g.node(name)
    return [s for s in g.backward_steps if any(c.input is node for c in s.contributions)]


def hint_lines(g: Graph, name: str, math_: Notation = HTML_STEPS) -> list[str]:
    """What "show the step" shows for ``name``: only the lines that compute its gradient.

    A step through a gate writes one line per input of the gate; the lines for the
    gate's other inputs are other answers, and stay hidden.
    """
    node = g.node(name)
    return [line for s in explaining_steps(g, name) for line in s.written(math_, into=node)]


def first_hint_lines(g: Graph, name: str, math_: Notation = HTML_STEPS) -> list[str]:
    """What "show the step" shows for ``name`` first: the chain rule at each gate it feeds and the local
    derivative, not the upstream gradient's number (often another question's answer)."""
    node = g.node(name)
    return [line for s in explaining_steps(g, name) for line in s.rule_written(math_, into=node)]


def backward_order(g: Graph, names: list[str]) -> list[str]:
    """``names`` in the order the backward pass completes their gradients (the output's side first)."""
    done = {id(c.input): k for k, s in enumerate(g.backward_steps) for c in s.contributions}
    return sorted(names, key=lambda n: done.get(id(g.node(n)), -1))


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?")
_TAG = re.compile(r"<[^>]*>")


def shows_number(text_html: str, value: float) -> bool:
    """Whether ``value`` can be read in ``text_html``: a number there equal to it at 3 significant digits,
    or at the digits the number shows (two at least)."""
    if not math.isfinite(value):
        return False
    for token in _NUMBER.findall(html.unescape(_TAG.sub("", text_html)).replace("−", "-")):
        number = float(token)
        digits = len(token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")) or 1
        if number == float(f"{value:.3g}") or (digits >= 2 and number == float(f"{value:.{digits}g}")):
            return True
    return False


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
        from .quiz_widget import QuizWidget

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
        self.widget.hints = {**self.widget.hints, name: shown}
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
        shown = {n: self._hint_html(n) for n, text in self.widget.hints.items() if text and n != name}
        if shown:
            self.widget.hints = {**self.widget.hints, **shown}

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
        from .player import close_widget

        close_widget(self.widget)

    def __repr__(self) -> str:
        return f"Quiz({', '.join(self.ask)})"

    def _repr_mimebundle_(self, **kwargs) -> dict | tuple[dict, dict]:
        from .player import widget_bundle

        bundle, metadata = widget_bundle(self.widget, **kwargs)
        bundle["text/plain"] = repr(self)
        return (bundle, metadata) if metadata else bundle  # Colab: the metadata names its widget manager


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


def __getattr__(name: str) -> object:
    """``QuizWidget``, from where it lives since the widgets load lazily (``backprop_viz.quiz.QuizWidget``)."""
    if name == "QuizWidget":
        from .quiz_widget import QuizWidget

        return QuizWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
