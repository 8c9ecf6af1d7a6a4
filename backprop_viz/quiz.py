"""Exercises with immediate feedback: type the gradient you expect, see at once if it is right.

The answers are judged here; the quiz itself is a widget (:class:`backprop_viz.quiz_widget.Quiz`),
loaded when the first quiz is made, so importing this module loads no widget library.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .graph import Graph
from .notation import HTML_MATH, Notation
from .steps import BackwardStep

if TYPE_CHECKING:
    from .quiz_widget import Quiz


def parse_number(text: str) -> float:
    """A number a student typed: '-0.39', '−0.39', '3/4', '1e-3'. Never evaluated as code."""
    cleaned = _cleaned(text)
    if not cleaned:
        raise ValueError("type a number")
    if cleaned.count("/") == 1:
        top, bottom = cleaned.split("/")
        if float(bottom) == 0:
            raise ValueError("division by zero")
        return float(top) / float(bottom)
    return float(cleaned)


def _cleaned(text: str) -> str:
    """The typed text with the Unicode minus, a decimal comma and spaces made plain."""
    return text.strip().replace("−", "-").replace(",", ".").replace(" ", "")


_DECIMAL = re.compile(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")

ROUND_OFF = 1e-12  # a gradient this close to 0 is 0 (floating-point round-off), and 0 is right for it
RELATIVE = 0.01  # an answer within 1 % of the exact gradient is right, however many digits it has


def last_digit_unit(text: str) -> float | None:
    """The place value of the last digit typed: '0.39' → 0.01, '12' → 1, '1.267e-2' → 1e-5.

    None for a fraction like '3/4' or anything that is not a plain decimal number.
    """
    match = _DECIMAL.fullmatch(_cleaned(text))
    if match is None or not (match[1] or match[2]):
        return None
    decimals = len(match[2] or "")
    exponent = int(match[3] or 0)
    return 10.0 ** (exponent - decimals)


def is_right(answer: str | float, exact: float) -> bool:
    """Whether ``answer`` (typed text, or a number as written by ``repr``) is right for ``exact``.

    The rule, with no absolute slack that would swamp a small gradient:

    - 0 is right only for a gradient of 0 (up to floating-point round-off, 1e-12), and a
      gradient of 0 only has the answer 0.
    - Otherwise the sign must agree, and the answer is right when either
      (a) it is within 1 % of the exact value, or
      (b) the exact value rounded to the digits typed gives what was typed
          (|answer − exact| ≤ half a unit of the last digit typed), provided the last digit
          typed is at least at the place of the exact value's first significant digit
          (0.2 is right for 0.1966, and 0.20 too; 1 is not right for 0.6).

    So −0.39 and −0.393 are right for −0.3932; 0.0127, 0.01267 and 1.267e-2 for 0.012667;
    0.0063 is wrong for 0.00992 and −0.006 for −0.01083.
    """
    text = answer if isinstance(answer, str) else repr(float(answer))
    value = parse_number(text)
    if not (math.isfinite(value) and math.isfinite(exact)):
        return value == exact
    if value == 0 or abs(exact) <= ROUND_OFF:
        return value == 0 and abs(exact) <= ROUND_OFF
    if (value > 0) != (exact > 0):
        return False
    error = abs(value - exact)
    if error <= RELATIVE * abs(exact):
        return True
    unit = last_digit_unit(text)
    if unit is None or unit > 10.0 ** math.floor(math.log10(abs(exact))):
        return False
    return error <= 0.5 * unit * (1 + 1e-9)  # 1e-9: the float form of a decimal is not exact


def explaining_steps(g: Graph, name: str) -> list[BackwardStep]:
    """The backward steps that add to ``name``'s gradient."""
    node = g.node(name)
    return [s for s in g.backward_steps if any(c.input is node for c in s.contributions)]


def hint_lines(g: Graph, name: str, math_: Notation = HTML_MATH) -> list[str]:
    """What "show the step" shows for ``name``: only the lines that compute its gradient.

    A step through a gate writes one line per input of the gate; the lines for the
    gate's other inputs are other answers, and stay hidden.
    """
    node = g.node(name)
    return [line for s in explaining_steps(g, name) for line in s.written(math_, into=node)]


def quiz(g: Graph, ask: str | list[str], *, title: str | None = None) -> Quiz:
    """An exercise on ``g``: the student types the gradient of each node in ``ask`` (one name or a list)."""
    from .quiz_widget import Quiz

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
    """``Quiz`` and ``QuizWidget``, from where they live since the widgets load lazily (``backprop_viz.quiz.Quiz``)."""
    if name in ("Quiz", "QuizWidget"):
        from . import quiz_widget

        return getattr(quiz_widget, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
