"""How step explanations write their math: as plain text, as LaTeX, or as HTML.

A step's sentence, e.g. ``∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4``, is put together
from a few pieces: partial derivatives, node names, words, numbers. Each notation
writes the pieces its own way. HTML is what the stepper shows (names as typed: HTML_STEPS): stacked fractions and
italic names drawn by the browser itself, with no math typesetter to wait for, so a
step appears the moment it is chosen (MathJax took about 10 ms a step in JupyterLab).
"""

from __future__ import annotations

import html
import re

_INDEXED = re.compile(r"^([A-Za-zδ]+)(?:(\d+)|_([A-Za-z0-9]+))$")  # w0, x12, y_t, δ_c: a name with an index
_SHORT = re.compile(r"^[A-Za-z]{1,3}$")  # f, q, out: set in italic as one symbol


class Notation:
    """Plain text: ``∂f/∂x``, names as they are. The base of the other two."""

    times = "×"

    def partial(self, a: str, b: str) -> str:
        """∂a/∂b, where ``a`` and ``b`` are names already written in this notation."""
        return f"∂{a}/∂{b}"

    def name(self, label: str) -> str:
        return label

    def words(self, text: str) -> str:
        return text

    def finish(self, line: str) -> str:
        return line


class TeX(Notation):
    r"""LaTeX for MathJax or a paper: ``\frac{\partial f}{\partial x}``, ``w_{0}``."""

    times = r"\times"

    def partial(self, a: str, b: str) -> str:
        return rf"\frac{{\partial {a}}}{{\partial {b}}}"

    def name(self, label: str) -> str:
        if label.startswith("["):  # a constant array, e.g. [1, 2]
            return rf"\text{{{label}}}"
        indexed = _INDEXED.match(label)
        if indexed:
            stem = indexed[1] if len(indexed[1]) == 1 else rf"\mathit{{{indexed[1]}}}"  # mul1: one word, not m·u·l
            return rf"{stem}_{{{indexed[2] or indexed[3]}}}"
        return label if len(label) <= 3 else rf"\text{{{label}}}"

    def words(self, text: str) -> str:
        return rf"\text{{{text}}}"

    def finish(self, line: str) -> str:
        line = line.replace("sum(", r"\operatorname{sum}(").replace("outer(", r"\operatorname{outer}(")
        return line.replace("·", r"\cdot ").replace("σ", r"\sigma ").replace("−", "-").replace("ᵀ", "^T")


class HTML(Notation):
    """HTML for the stepper and the exported page: fractions as two stacked boxes, names in italic.

    Names and words are escaped here; the numbers and the gates' formulas around
    them contain no markup characters.
    """

    def partial(self, a: str, b: str) -> str:
        return f'<span class="bv-frac"><span>∂{a}</span><span>∂{b}</span></span>'

    def name(self, label: str) -> str:
        indexed = _INDEXED.match(label)
        if indexed:
            return f"<i>{indexed[1]}</i><sub>{indexed[2] or indexed[3]}</sub>"
        if _SHORT.match(label):
            return f"<i>{label}</i>"
        return html.escape(label)

    def words(self, text: str) -> str:
        return html.escape(text)


class HTMLAsTyped(HTML):
    """HTML whose names are written as the code names them (``z_a``, ``w0``, ``mul1``), in italic: the
    stepper's diagram, headings, table and quiz boxes write names so, and a student types them so
    (``g.grad("z_a")``). Subscripts there would need markup in places that take none (the headings are
    text), so the stepper's words write names the one way that every place can."""

    def name(self, label: str) -> str:
        if _INDEXED.match(label) or _SHORT.match(label):
            return f"<i>{html.escape(label)}</i>"
        return html.escape(label)


PLAIN, LATEX, HTML_MATH = Notation(), TeX(), HTML()
HTML_STEPS = HTMLAsTyped()  # the stepper's and the quiz's words; HTML_MATH (subscripts) is the deck's notation
