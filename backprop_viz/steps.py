"""The step trace: what each forward and backward step computed, and how to say it.

A forward step evaluates one gate. A backward step takes one gate's upstream
gradient, multiplies it by the gate's local derivative for each input, and adds
the result (the downstream gradient) to what that input already had. The first
backward step is the seed, df/df = 1.

Steps are plain records, to be read, not changed: a graph of 100,000 nodes makes half a
million of them, and frozen dataclasses take four times as long to make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from .numbers import Value, fmt

if TYPE_CHECKING:
    from .graph import Node


@dataclass(slots=True)
class ForwardStep:
    """Gate ``node`` computed ``value`` from its inputs' ``args``."""

    index: int
    node: Node
    args: tuple[Value, ...]
    value: Value
    warning: str | None = None
    phase: ClassVar[Literal["forward"]] = "forward"

    @property
    def title(self) -> str:
        return f"forward: {self.node.label}"

    @property
    def lines(self) -> list[str]:
        return [self._line(tex=False)]

    @property
    def explanation(self) -> str:
        return _with_warning(self.lines[0], self.warning)

    @property
    def latex(self) -> str:
        return self._line(tex=True)

    def _line(self, tex: bool) -> str:
        node, op = self.node, self.node.op
        with_values = op.describe([fmt(a) for a in self.args])
        if node.name:
            with_names = op.describe([_name(i.label, tex) for i in node.inputs])
            text = f"{_name(node.name, tex)} = {with_names} = {with_values} = {fmt(self.value)}"
        else:
            text = f"{_words('the ' + op.symbol + ' gate computes ', tex)}{with_values} = {fmt(self.value)}"
        return _tex(text) if tex else text


@dataclass(slots=True)
class Contribution:
    """What one input of a gate receives in a backward step."""

    gate: Node
    input: Node
    position: int  # which input of the gate (0 for the first)
    local: Value | None  # None for vector gates (see the rule instead)
    downstream: Value
    before: Value | None  # the input's gradient before this step (None: none yet)
    total: Value  # the input's gradient after this step

    @property
    def rule(self) -> str:
        """The local derivative in words, e.g. "exp(x)" or "upstream · xᵀ"."""
        rules = self.gate.op.rules
        return rules[self.position].format(*(i.label for i in self.gate.inputs)) if rules else ""


@dataclass(slots=True)
class BackwardStep:
    """Gate ``node`` passes its ``upstream`` gradient on to each of its inputs."""

    index: int
    node: Node
    upstream: Value
    contributions: tuple[Contribution, ...]
    output_label: str
    warning: str | None = None
    phase: ClassVar[Literal["backward"]] = "backward"

    @property
    def is_seed(self) -> bool:
        return not self.contributions

    @property
    def title(self) -> str:
        if self.is_seed:
            return f"backward: start at the output, ∂{self.output_label}/∂{self.output_label} = 1"
        lecture = self.node.op.lecture
        return f"backward through {self.node.label}" + (f" ({lecture})" if lecture else "")

    @property
    def lines(self) -> list[str]:
        return self._lines(tex=False)

    @property
    def explanation(self) -> str:
        return _with_warning("; ".join(self.lines), self.warning)

    @property
    def latex(self) -> str:
        return r" \\ ".join(self._lines(tex=True))

    def _lines(self, tex: bool) -> list[str]:
        f = _name(self.output_label, tex)
        d = (lambda a, b: rf"\frac{{\partial {a}}}{{\partial {b}}}") if tex else (lambda a, b: f"∂{a}/∂{b}")
        times = r"\times" if tex else "×"
        if self.is_seed:
            return [f"{d(f, f)} = 1" + _words(": the output's gradient with respect to itself", tex)]
        node, out = self.node, []
        for c in self.contributions:
            inp = _name(c.input.label, tex)
            if c.local is None:
                line = f"{d(f, inp)} = {_words(c.rule, tex)} = {fmt(c.downstream)}"
            elif node.name and c.input.name:
                here = _name(node.name, tex)
                line = (f"{d(f, inp)} = {d(f, here)} · {d(here, inp)} = "
                        f"({fmt(self.upstream)})({fmt(c.local)}) = {fmt(c.downstream)}")
            else:
                line = (_words(f"into {c.input.label}: downstream", tex) + f" = {_words('upstream', tex)} {times} "
                        f"{_words('local', tex)} = ({fmt(self.upstream)})({fmt(c.local)}) = {fmt(c.downstream)}")
            if c.before is not None:
                line += _words(f", added to the {fmt(c.before)} already there: total ", tex) + fmt(c.total)
            out.append(_tex(line) if tex else line)
        return out


Step = ForwardStep | BackwardStep

_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")


def _name(label: str, tex: bool) -> str:
    """A node's label; in LaTeX ``w0`` becomes ``w_{0}`` and ``[exp]`` stays text."""
    if not tex:
        return label
    if label.startswith("["):
        return rf"\text{{{label}}}"
    return _INDEXED.sub(r"\1_{\2}", label) if len(label) <= 3 or _INDEXED.match(label) else rf"\text{{{label}}}"


def _words(text: str, tex: bool) -> str:
    return rf"\text{{{text}}}" if tex else text


def _tex(line: str) -> str:
    return line.replace("·", r"\cdot ").replace("σ", r"\sigma ").replace("−", "-").replace("ᵀ", "^T")


def _with_warning(text: str, warning: str | None) -> str:
    return f"{text}  ⚠ {warning}" if warning else text
