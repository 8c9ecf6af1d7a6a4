"""The engine against the reference backward pass (``backprop_viz/engine/reference.py``): the same numbers.

The reference is the chain rule and nothing else; the engine also records steps, warns, and
is fast on large graphs. Central differences check the gates' own rules (test_engine.py).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import expressions

import backprop_viz as bv
from backprop_viz.engine import reference


def assert_matches_reference(g: bv.Graph) -> None:
    values = reference.forward(g.nodes)
    grads = reference.backward(g.nodes, values)
    for node in g.nodes:
        np.testing.assert_allclose(node.value, values[node.index], rtol=1e-12, atol=0, err_msg=node.label)
        np.testing.assert_allclose(node.grad, grads[node.index], rtol=1e-12, atol=1e-300, err_msg=node.label)
        assert np.shape(node.grad) == np.shape(node.value)


@settings(max_examples=150, deadline=None)
@given(source=expressions(), values=st.tuples(*[st.floats(-2, 2)] * 3))
def test_random_expressions_match_the_reference(source: str, values: tuple) -> None:
    inputs = {n: v for n, v in zip("xyz", values, strict=True) if re.search(rf"\b{n}\b", source)}
    assert_matches_reference(bv.expr(source, **inputs))


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}),
        ("f = sigmoid(w0*x0 + w1*x1 + w2)", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
        ("a = x * y; b = x * z; f = a + b", {"x": 2, "y": 3, "z": 4}),
        ("f = max(x, y) + min(x, y) + relu(x) + abs(y) + hardtanh(x)", {"x": 0.5, "y": 0.5}),
        ("f = x ** y + 2 ** x + x ** 3 + 1 / x + 3 / y - y / 4", {"x": 1.5, "y": 0.7}),
        ("f = log(x) + sqrt(y) + recip(x) + softsign(y) + tanh(x)", {"x": 1.5, "y": 0.7}),
    ],
)
def test_the_decks_circuits_and_every_gate_match_the_reference(source: str, values: dict) -> None:
    assert_matches_reference(bv.expr(source, expand="sigmoid" in source, **values))


def test_vectors_matrices_and_broadcasting_match_the_reference() -> None:
    rng = np.random.default_rng(0)
    w1, b1, w2, b2, x = (
        bv.Var(rng.normal(size=s), name=n)
        for n, s in [("W1", (3, 2)), ("b1", (3,)), ("W2", (1, 3)), ("b2", (1,)), ("x", (2,))]
    )
    assert_matches_reference(bv.trace((w2 @ (w1 @ x + b1).relu() + b2).sigmoid().sum() * bv.Var(2.0, name="s")))
    assert_matches_reference(bv.expr("q = W @ x; f = sumsq(q)", W=rng.normal(size=(2, 2)), x=rng.normal(size=2)))


def test_networks_and_long_chains_match_the_reference() -> None:
    net = bv.network([3, 2, 2], seed=1, use_biases=True, inputs=[1.0, 4.0, 5.0], targets=[0.1, 1.0])
    assert_matches_reference(net.graph)
    y, a = bv.Var(0.3, name="y0"), bv.Var(0.9, name="a")
    for _ in range(2_000):
        y = (y * a + 0.1).tanh()
    assert_matches_reference(bv.trace(y))
