"""The step trace: what each forward and backward step computed, and how to say it.

A forward step evaluates one gate. A backward step takes one gate's upstream
gradient, multiplies it by the gate's local derivative for each input, and adds
the result (the downstream gradient) to what that input already had. The first
backward step is the seed, df/df = 1.

Steps are plain records, to be read, not changed: a graph of 100,000 nodes makes half a
million of them, and frozen dataclasses take four times as long to make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from .notation import HTML_STEPS, LATEX, PLAIN, Notation
from .numbers import Value, fmt

if TYPE_CHECKING:
    from .node import Node


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
        return self.written(PLAIN)

    @property
    def explanation(self) -> str:
        return _with_warning(self.lines[0], self.warning)

    @property
    def latex(self) -> str:
        return self.written(LATEX)[0]

    @property
    def html(self) -> str:
        return self.written(HTML_STEPS)[0]

    def written(self, math: Notation) -> list[str]:
        """The step's line in the notation ``math`` (plain text, LaTeX or HTML)."""
        node, op = self.node, self.node.op
        with_values = op.describe([fmt(a) for a in self.args])
        with_names = op.describe([math.name(i.label) for i in node.inputs])
        return [math.finish(f"{math.name(node.label)} = {with_names} = {with_values} = {fmt(self.value)}")]


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
        """The local derivative in words, e.g. "exp(x)"; for a vector gate, what multiplies the upstream ("xᵀ")."""
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
        return self.written(PLAIN)

    @property
    def explanation(self) -> str:
        return _with_warning("; ".join(self.lines), self.warning)

    @property
    def latex(self) -> str:
        return r" \\ ".join(self.written(LATEX))

    @property
    def html(self) -> str:
        return "<br>".join(self.written(HTML_STEPS))

    def written(self, math: Notation, into: Node | None = None) -> list[str]:
        """The step's lines, one per input, in the notation ``math`` (plain text, LaTeX or HTML).

        With ``into``, only the lines for the inputs that are that node.
        """
        d, words = math.partial, math.words
        f = math.name(self.output_label)
        if self.is_seed:
            return [math.finish(f"{d(f, f)} = 1" + words(": the output's gradient with respect to itself"))]
        node, out = self.node, []
        for c in self.contributions:
            if into is not None and c.input is not into:
                continue
            line = self._line(c, math)
            if c.position == 0 and node.op.ties_to_first and _tie(*(i.value for i in node.inputs)):
                line += words(f" (a tie: by convention the whole gradient goes to the first input, {c.input.label})")
            out.append(math.finish(line))
        return out

    def rule_written(self, math: Notation, into: Node) -> list[str]:
        """How ``into``'s gradient comes through this gate, with the local derivative's number but not the
        upstream's (a quiz's first hint: the upstream is often another question's answer)."""
        d, words = math.partial, math.words
        f, here = math.name(self.output_label), math.name(self.node.label)
        out = []
        for c in self.contributions:
            if c.input is not into:
                continue
            inp = math.name(c.input.label)
            if c.local is None and self.node.op.terms is not None:
                chain, how, _, _ = self.node.op.terms(c.position, tuple(i.value for i in self.node.inputs))
                names = [math.name(i.label) for i in self.node.inputs]
                said = chain.format(*names, u=d(f, here)) if chain else f"{d(f, here)} · {d(here, inp)}"
                kind = {"outer": "an outer product", "matmul": "a matrix product"}.get(how, "a product")
                line = f"{d(f, inp)} = {said}" + words(f": the upstream gradient and the local derivative, in {kind}")
            else:
                value = fmt(c.local)
                rule = c.rule if c.rule and c.rule != value else ""
                local = f"{d(here, inp)} = " + (f"{words(rule)} = " if rule else "") + value
                if self.node.is_output:
                    line = f"{d(f, inp)} = {local}"
                else:
                    line = (
                        f"{d(f, inp)} = {d(f, here)} · {d(here, inp)}"
                        + words(": upstream × local, with the local derivative ")
                        + local
                    )
            if c.input.uses > 1:
                line = words(f"through {self.node.label}: ") + line + words(" (one share: the shares add up)")
            out.append(math.finish(line))
        return out

    def _line(self, c: Contribution, math: Notation) -> str:
        """What one input receives: the chain rule with its numbers, and how it adds to what was there."""
        d, words = math.partial, math.words
        f, inp, here = math.name(self.output_label), math.name(c.input.label), math.name(self.node.label)
        shared = c.input.uses > 1  # then this is one share of its gradient, not all of it
        if c.input.kind == "const":
            line = (
                words(f"into the constant {c.input.label}: downstream") + f" = {words('upstream')} {math.times} "
                f"{words('local')} = ({fmt(self.upstream)})({fmt(c.local)}) = {fmt(c.downstream)}"
            )
        else:
            product = self._product(c, math)
            if shared and self.node.is_output and c.local is not None:
                product = words("the local derivative ") + product
            line = f"{words('through ')}{here}: {product}" if shared else f"{d(f, inp)} = {product}"
        if c.local is not None and self.node.op.masks and _stopped(self.upstream, c.local, c.downstream):
            line += words(" (a local derivative of 0 stops the gradient, even an infinite or nan one)")
        if c.before is not None:
            line += (
                words(f", added to the {fmt(c.before)} already there: total ")
                + fmt(c.total)
                + words(" (at a branch the gradients add: the gradient adder)")
            )
        elif shared:
            line += (
                words(", the first share of ")
                + d(f, inp)
                + words(f" ({c.input.label} is used {c.input.uses} times: the shares add up)")
            )
        return line

    def _product(self, c: Contribution, math: Notation) -> str:
        """Upstream × local for one input, with the operation it really is: ``∂f/∂q · ∂q/∂x = (-4)(1) = -4``.

        With arrays the product is element by element, or summed (an input that acts on every element:
        a dot product), or a vector gate's own operation (an outer product, a matrix product), written
        with its numbers. The output's own gate has the upstream ∂f/∂f = 1, and ∂f/∂f · ∂f/∂x would say
        nothing: its line gives the local derivative, ``z = -4``.
        """
        d, words = math.partial, math.words
        op = self.node.op
        if self.node.is_output and (c.local is not None or op.terms is not None):
            rule = c.rule if c.rule and c.rule != fmt(c.local) else ""
            return f"{words(rule)} = {fmt(c.downstream)}" if rule else fmt(c.downstream)
        if c.local is None and op.terms is None:  # a vector gate that does not say how: its rule in words
            return f"{words(c.rule)} = {fmt(c.downstream)}"
        here, inp = math.name(self.node.label), math.name(c.input.label)
        upstream = d(math.name(self.output_label), here)
        if c.local is None:
            chain, how, left, right = op.terms(c.position, tuple(i.value for i in self.node.inputs))
        else:
            chain, how, left, right = "", "product", None, c.local
        names = [math.name(i.label) for i in self.node.inputs]
        said = chain.format(*names, u=upstream) if chain else f"{upstream} · {d(here, inp)}"
        left = self.upstream if left is None else left
        right = self.upstream if right is None else right
        return f"{said} = {_numbers(how, left, right, c.downstream, math)} = {fmt(c.downstream)}" + _what_it_is(
            how, left, right, c, math
        )


Step = ForwardStep | BackwardStep


def _numbers(how: str, left: Value, right: Value, downstream: Value, math: Notation) -> str:
    """The operation with its numbers: ``(-4)(1)``, ``sum([1, 2] × [3, 4])``, ``outer(u, x)``, ``W @ u``."""
    a, b = fmt(left), fmt(right)
    if how == "outer":
        return f"outer({a}, {b})"
    if how == "matmul":
        return f"{a} @ {b}"
    if _summed(left, right, downstream):
        return f"sum({a} {math.times} {b})"
    return f"({a})({b})"


def _summed(left: Value, right: Value, downstream: Value) -> bool:
    """Whether a product's elements are added up: the input was spread over every element (broadcast)."""
    return np.shape(downstream) != np.broadcast_shapes(np.shape(left), np.shape(right))


def _what_it_is(how: str, left: Value, right: Value, c: Contribution, math: Notation) -> str:
    """A few words on an array operation that the numbers alone do not say."""
    if how != "product":
        return ""
    both = np.ndim(left) > 0 and np.ndim(right) > 0
    if _summed(left, right, c.downstream):
        kind = "a dot product: " if both and np.ndim(c.downstream) == 0 else ""
        return math.words(
            f" ({kind}{c.input.label} acts on every element of {c.gate.label}, so its gradient adds up their shares)"
        )
    return math.words(" (element by element)") if both else ""


def _stopped(upstream: Value, local: Value, downstream: Value) -> bool:
    """Whether a local derivative of 0 met an inf or nan upstream and stopped it (the product is 0, not nan;
    x ** y stops it only at PyTorch's zeros: elsewhere 0 × inf stays nan)."""
    with np.errstate(all="ignore"):
        met = bool(np.any(np.equal(local, 0) & ~np.isfinite(upstream)))
        return met and not bool(np.all(np.isnan(downstream)))


def _tie(a: Value, b: Value) -> bool:
    return bool(np.any(np.asarray(a) == np.asarray(b)))


def _with_warning(text: str, warning: str | None) -> str:
    return f"{text}  ⚠ {warning}" if warning else text
