"""A new gate is one Op and one Var method: the way the README tells contributors to add one.

Everything else (the parser, the steps and their explanations, the names of unnamed gates,
the warnings at the edge of the domain, the drawing) reads the Op's fields.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.engine import ops
from backprop_viz.engine.var import Var


def _elementwise(fn):
    """``fn`` on a float or an array, numpy's warnings off (inf and nan become the node's warning), a float back
    for a float."""

    def call(a: float | np.ndarray) -> float | np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(np.asarray(a, dtype=float))
        return float(out) if isinstance(a, float) else out

    return call


softplus = _elementwise(lambda a: np.logaddexp(0.0, a))  # log(1 + e^x), never overflowing
sigmoid = _elementwise(lambda a: 0.5 * (1 + np.tanh(a / 2)))

SOFTPLUS = ops.Op(
    "softplus",
    "softplus",
    1,
    softplus,
    lambda x, o: (sigmoid(x[0]),),
    formula="softplus({0})",
    rules=("σ({0})",),
    stem="splus",
)

LOGIT = ops.Op(  # a gate with a domain: log(x / (1 - x)) is defined for 0 < x < 1 only
    "logit",
    "logit",
    1,
    _elementwise(lambda a: np.log(a / (1 - a))),
    lambda x, o: (_elementwise(lambda a: 1 / (a * (1 - a)))(x[0]),),
    formula="logit({0})",
    rules=("1/({0}(1 − {0}))",),
    domain="logit needs an input between 0 and 1",
)


@pytest.fixture
def new_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a contributor writes: the Ops in ``FUNCTIONS`` (ops.py) and a method each on Var (var.py)."""
    monkeypatch.setitem(ops.FUNCTIONS, "softplus", SOFTPLUS)
    monkeypatch.setitem(ops.FUNCTIONS, "logit", LOGIT)
    monkeypatch.setattr(Var, "softplus", lambda self: Var.apply(SOFTPLUS, self), raising=False)
    monkeypatch.setattr(Var, "logit", lambda self: Var.apply(LOGIT, self), raising=False)


@pytest.mark.usefixtures("new_gates")
def test_a_new_gate_is_parsed_stepped_explained_and_checked() -> None:
    g = bv.expr("f = softplus(w * x) + logit(p)", w=2.0, x=-0.5, p=0.25)
    assert g.value == pytest.approx(math.log1p(math.exp(-1.0)) + math.log(1 / 3))
    assert g.grad("w") == pytest.approx(-0.5 / (1 + math.e))
    assert g.grad("p") == pytest.approx(1 / (0.25 * 0.75))
    assert g.check_gradients().ok()
    forward = [s.explanation for s in g.forward_steps]
    assert "splus1 = softplus(mul1) = softplus(-1) = 0.3133" in forward
    assert "logit1 = logit(p) = logit(0.25) = -1.099" in forward
    backward = next(s for s in g.backward_steps if s.node.label == "logit1")
    assert backward.contributions[0].rule == "1/(p(1 − p))"


@pytest.mark.usefixtures("new_gates")
def test_a_new_gate_built_with_python_operators_matches_the_parsed_one() -> None:
    w, x, p = bv.variables(w=2.0, x=-0.5, p=0.25)
    g = bv.trace((w * x).softplus() + p.logit())
    parsed = bv.expr("softplus(w * x) + logit(p)", w=2.0, x=-0.5, p=0.25)
    assert g.grads() == parsed.grads()


@pytest.mark.usefixtures("new_gates")
def test_a_new_gates_domain_is_named_in_its_warning() -> None:
    g = bv.expr("f = logit(p)", p=1.0)
    assert g.value == math.inf
    assert g.warnings == ["f: logit of 1 is inf (logit needs an input between 0 and 1)"]


@pytest.mark.usefixtures("new_gates")
def test_a_new_gate_is_drawn_with_its_symbol() -> None:
    pytest.importorskip("graphviz")
    try:
        source = bv.render(bv.expr("f = softplus(x)", x=1.0)).source
    except bv.GraphvizMissing:
        pytest.skip("Graphviz's dot is not installed")
    assert "label=softplus" in source
