"""Exercises with immediate feedback: type the gradient you expect, see at once if it is right."""

from __future__ import annotations

import html
import math

import ipywidgets as w

from .frame_html import STYLE
from .graph import Graph
from .notation import HTML_MATH
from .numbers import fmt
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


class Quiz:
    """One box per asked node: ``∂f/∂x = [   ]``; Enter checks it; "show the step" reveals the explanation.

    The answers and explanations are those of the graph's inputs when the quiz is made, and the
    heading says which: a stepper's sliders moving the same graph later do not change the quiz.
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
        self._rows: dict[str, tuple[w.Text, w.HTML, w.ToggleButton, w.HTML]] = {}
        rows = []
        for name in ask:
            box = w.Text(
                placeholder="your answer",
                description=f"∂{f}/∂{name} =",
                continuous_update=False,
                style={"description_width": "initial"},
                layout=w.Layout(width="260px"),
            )
            verdict = w.HTML("")
            reveal = w.ToggleButton(description="show the step", layout=w.Layout(width="130px"))
            hint = w.HTML("")
            box.observe(lambda change, n=name: self._check(n), names="value")
            reveal.observe(lambda change, n=name: self._reveal(n), names="value")
            self._rows[name] = (box, verdict, reveal, hint)
            rows.append(w.VBox([w.HBox([box, verdict, reveal]), hint]))
        heading = title or f"Your turn: what is the gradient of {f} with respect to {', '.join(ask)}?"
        at = f" at {inputs}" if inputs and len(inputs) < 120 else ""
        self.widget = w.VBox(
            [
                w.HTML(
                    f"<style>{STYLE}</style><b>{html.escape(heading)}</b>{html.escape(at)} "
                    "(type a number and press Enter)"
                ),
                *rows,
            ]
        )
        self.widget.add_class("bv-quiz")

    def check(self, name: str, answer: str) -> bool:
        """Answer from code, as if typed: returns whether it is right and shows the verdict."""
        self._rows[name][0].value = answer
        return self._check(name)

    def _check(self, name: str) -> bool:
        box, verdict, _, _ = self._rows[name]
        exact = self.answers[name]
        try:
            answer = parse_number(box.value)
        except ValueError:
            verdict.value = "<span style='color:#cc0000'>✗ that is not a number</span>" if box.value else ""
            return False
        if not isinstance(exact, float):
            verdict.value = "this gradient is an array: compare with the table"
            return False
        right = is_right(answer, exact)
        verdict.value = (
            f"<span style='color:#007a3d'>✓ right: {fmt(exact)}</span>"
            if right
            else f"<span style='color:#cc0000'>✗ not quite ({html.escape(fmt(answer))}); try again, "
            "or show the step</span>"
        )
        return right

    def _reveal(self, name: str) -> None:
        _, _, reveal, hint = self._rows[name]
        if not reveal.value:
            hint.value = ""
            return
        lines = "".join(f"<div>{line}</div>" for line in self._hints[name])  # HTML math, escaped where it is made
        hint.value = f"<div class='bv-explanation' style='margin-left:1em'>{lines}</div>"

    def __repr__(self) -> str:
        return f"Quiz({', '.join(self.ask)})"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
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
