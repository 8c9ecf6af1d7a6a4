"""Numbers and claims of decks 001 and 003 that notebooks 01, 05, 07, 08 and 09 show (B1, B2, D1, D2, D5).

Each is computed by the engine and, where the deck prints a number, compared with it by the
project's rule (3 units of the deck's last printed digit, see backprop_viz/course/deck.py).
"""

import math

import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.course.deck import agrees

# Deck 001's score table: rows are classes, columns are examples (apple, banana, pear).
SCORES = np.array([[1.87, -0.4, 0.1], [1.3, 1.1, -0.3], [0.56, 1.35, 1.1]])
CLASSES = ("apple", "banana", "pear")


def hinge(column: np.ndarray, correct: int) -> bv.Graph:
    s = [bv.Var(float(v), name=c) for c, v in zip(CLASSES, column, strict=True)]
    terms = [bv.maximum(0.0, s[j] - s[correct] + 1) for j in range(3) if j != correct]
    return bv.trace((terms[0] + terms[1]).named("L"))


# -- B1 --------------------------------------------------------------------------------------


def test_b1_hinge_losses_and_the_apple_misprint() -> None:
    losses = [hinge(SCORES[:, i], i).value for i in range(3)]
    assert losses == pytest.approx([0.43, 1.25, 0.0])
    assert not agrees("0.33", losses[0])  # the deck: max(0, 1.3 - 1.87 + 1) = 0.33; it is 0.43
    assert agrees("1.25", losses[1]) and agrees("0", losses[2])
    mean = float(np.mean(losses))
    assert mean == pytest.approx(0.56)
    assert agrees("0.53", mean)  # the deck's mean of its own 0.33 passes the 3-unit rule, just
    assert (0.33 + 1.25 + 0) / 3 == pytest.approx(0.5267, abs=1e-4)


def test_b1_hinge_gradients_route_to_classes_inside_the_margin() -> None:
    g = bv.expr("L = max(0, apple - banana + 1) + max(0, pear - banana + 1)", apple=-0.4, banana=1.1, pear=1.35)
    assert g.value == pytest.approx(1.25)
    assert (g.grad("apple"), g.grad("banana"), g.grad("pear")) == (0.0, -1.0, 1.0)


@pytest.mark.parametrize(("factor", "pear_loss"), [(0.5, 0.8), (1, 0.0), (2, 0.0), (3, 0.0)])
def test_b1_scaling_the_scores(factor: float, pear_loss: float) -> None:
    assert hinge(factor * SCORES[:, 2], 2).value == pytest.approx(pear_loss)


def test_b1_doubling_changes_the_other_examples() -> None:
    assert hinge(2 * SCORES[:, 0], 0).value == 0.0
    assert hinge(2 * SCORES[:, 1], 1).value == pytest.approx(1.5)


# -- B2 --------------------------------------------------------------------------------------


def test_b2_deck_arithmetic_from_its_own_losses() -> None:
    h = 0.0001
    assert agrees("-2.5", (1.25322 - 1.25347) / h)
    assert agrees("-1.3", (1.25334 - 1.25347) / h)


def test_b2_numerical_gradient_of_a_logistic_loss_matches_backprop() -> None:
    X = np.array([[1.0, 0.5, -0.4], [0.2, 1.5, 0.3], [-0.8, 0.3, 1.2], [0.6, -1.0, 0.5], [0.3, 0.8, -1.1]])
    labels = [-1, -1, 1, 1, 1]
    w = [bv.Var(v, name=f"w{k}") for k, v in enumerate([0.5, 1.1, -0.7, 2.0])]
    terms = [
        (1 + (-y * (w[0] * a + w[1] * b + w[2] * c + w[3])).exp()).log() for (a, b, c), y in zip(X, labels, strict=True)
    ]
    g = bv.trace((sum(terms[1:], terms[0]) / len(X)).named("L"))
    expected = np.mean(
        [math.log1p(math.exp(-y * (0.5 * a + 1.1 * b - 0.7 * c + 2.0))) for (a, b, c), y in zip(X, labels, strict=True)]
    )
    assert g.value == pytest.approx(expected)
    assert g.check_gradients(h=1e-5).ok(1e-7)


# -- D1 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("x", [-1.5, -0.3, 0.0, 1.0, 2.0])
def test_d1_polynomial_derivative(x: float) -> None:
    g = bv.expr("f = 5*x**4 + 2*x**3 + 5", x=x)
    assert g.grad("x") == pytest.approx(20 * x**3 + 6 * x**2, abs=1e-12)


@pytest.mark.parametrize(("x", "y"), [(1, 2), (-1, 0.5), (0.5, -1.5)])
def test_d1_partials(x: float, y: float) -> None:
    g = bv.expr("f = 10*x**3*y**2 + 5*x*y**3 + 4*x + y", x=x, y=y)
    assert g.grad("x") == pytest.approx(30 * x**2 * y**2 + 5 * y**3 + 4)
    assert g.grad("y") == pytest.approx(20 * x**3 * y + 15 * x * y**2 + 1)


def test_d1_gradient_of_the_bowl_is_normal_to_level_curves() -> None:
    g = bv.expr("f = 4*x**2 + y**2", x=0.0, y=0.0)
    for c, t in [(1, 0.3), (4, 2.0), (2, 4.0)]:
        x, y = math.sqrt(c) / 2 * math.cos(t), math.sqrt(c) * math.sin(t)
        g.set(x=x, y=y)
        grad = np.array([g.grad("x"), g.grad("y")])
        assert grad == pytest.approx([8 * x, 2 * y])
        tangent = np.array([-math.sqrt(c) / 2 * math.sin(t), math.sqrt(c) * math.cos(t)])
        assert abs(grad @ tangent) < 1e-12


def test_d1_chain_rule_and_multiple_paths() -> None:
    chain = bv.expr("y = x**2 + 3; z = y**4", x=1)
    assert (chain.value, chain.grad("y"), chain.grad("x")) == (256, 256, 512)
    paths = bv.expr("y1 = x**2; y2 = 3*x; z = y1 * y2", x=2)
    assert paths.grad("x") == 36 == 9 * 2**2
    last = paths.backward_steps[-1].explanation
    assert "added to the 12 already there: total 36" in last


# -- D2 --------------------------------------------------------------------------------------


def test_d2_derivatives_from_one_backward_pass_over_a_grid() -> None:
    z = np.linspace(-3, 3, 241)
    sig = 1 / (1 + np.exp(-z))
    closed = {
        "sigmoid": sig * (1 - sig),
        "tanh": 1 - np.tanh(z) ** 2,
        "hardtanh": np.where((z > -1) & (z < 1), 1.0, 0.0),
        "softsign": 1 / (1 + np.abs(z)) ** 2,
        "relu": np.where(z > 0, 1.0, 0.0),
    }
    for name, expected in closed.items():
        np.testing.assert_allclose(bv.expr(f"a = {name}(z)", z=z).grad("z"), expected, atol=1e-12)


def test_d2_tanh_is_a_rescaled_sigmoid_and_two_circuits_agree() -> None:
    z = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(bv.expr("a = 2*sigmoid(2*z) - 1", z=z).value, np.tanh(z), atol=1e-15)
    one, four = bv.expr("a = tanh(z)", z=0.5), bv.expr("a = 2*sigmoid(2*z) - 1", z=0.5)
    assert one.grad("z") == pytest.approx(four.grad("z")) == pytest.approx(1 - math.tanh(0.5) ** 2)


@pytest.mark.parametrize(("name", "z"), [("relu", 0.0), ("hardtanh", -1.0), ("hardtanh", 1.0)])
def test_d2_kink_conventions(name: str, z: float) -> None:
    assert bv.expr(f"a = {name}(z)", z=z).grad("z") == 0.0


# -- D5 --------------------------------------------------------------------------------------


def test_d5_cross_entropy_is_entropy_plus_kl_and_the_deck_lost_a_sign() -> None:
    p = np.array([0.7, 0.2, 0.1])
    q = np.exp(SCORES[:, 0]) / np.exp(SCORES[:, 0]).sum()
    cross = bv.expr("H = -sum(p * log(q))", p=p, q=q).value
    entropy = bv.expr("H = -sum(p * log(p))", p=p).value
    kl = bv.expr("D = sum(p * log(p / q))", p=p, q=q).value
    assert cross == pytest.approx(entropy + kl)
    assert kl > 0
    deck_entropy = bv.expr("H = sum(p * log(p))", p=p).value  # the deck's formula, no minus sign
    assert deck_entropy < 0 and deck_entropy + kl != pytest.approx(cross)


def test_d5_softmax_cross_entropy_gradient_is_q_minus_p() -> None:
    p = np.array([1.0, 0.0, 0.0])
    g = bv.expr("q = exp(s) / sum(exp(s)); H = -sum(p * log(q))", s=SCORES[:, 0], p=p)
    np.testing.assert_allclose(g.grad("s"), g.node("q").value - p, atol=1e-12)


def test_d5_cross_entropy_gradient_does_not_vanish_when_wrong() -> None:
    mse = bv.expr("a = sigmoid(z); C = 0.5*(a - 1)**2", z=-4)
    ce = bv.expr("a = sigmoid(z); C = -log(a)", z=-4)
    a = 1 / (1 + math.exp(4))
    assert ce.grad("z") == pytest.approx(a - 1)
    assert mse.grad("z") == pytest.approx((a - 1) * a * (1 - a))
    assert abs(ce.grad("z")) > 50 * abs(mse.grad("z"))
