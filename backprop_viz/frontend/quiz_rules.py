"""What a quiz asks and how it helps: the exact answers, the order of the questions, the hints.

The quiz itself is the widget of :mod:`backprop_viz.frontend.quiz`; typed answers are read and judged
by :mod:`backprop_viz.frontend.answers`, with the same rules as predict mode's.
"""

from __future__ import annotations

import html
import math
import re

from ..engine.graph import Graph
from ..engine.notation import HTML_STEPS, Notation
from ..engine.numbers import Value
from ..engine.steps import BackwardStep

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


def asked(ask: object) -> list[str]:
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
