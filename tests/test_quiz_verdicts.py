"""The quiz's verdicts: by relative error and by the digits typed, never by a slack that swamps a
small gradient; and "show the step" shows only the asked node's line."""

from __future__ import annotations

import pytest

import backprop_viz as bv
from backprop_viz.engine.notation import PLAIN
from backprop_viz.frontend.answers import is_right, last_digit_unit, parse_number
from backprop_viz.frontend.quiz_rules import hint_lines


@pytest.mark.parametrize(
    ("typed", "exact"),
    [
        ("0.0063", 0.00992),  # the deck's misprint for ∂E/∂w5, which notebook 13 teaches about
        ("-0.006", -0.01083),
        ("0", 0.0012667),  # 0 for any nonzero gradient, however small
        ("0", -0.0000592),
        ("0.0012", 0.0012667),  # the deck's digits, cut rather than rounded: 5 % off
        ("0.0050", 0.0050669),
        ("0.39", -0.3932),  # the sign matters
        ("0.19", 0.1966),  # rounded to two decimals it is 0.20
        ("1", 0.6),  # one digit at the place of the units says nothing of 0.6
        ("3/4", 0.7),
        ("1e-3", 0.0),  # a gradient of 0 has only the answer 0
        ("0.2", 0.1966),  # one significant digit is a guess, not a rounding (#27)
        ("2", 2.5),
        ("3", 2.5),
        ("1", 1.5),
        ("2", 1.5),
        ("4", 3.6),
        ("0", 3e-17),  # a real gradient, however small, is not 0
        ("0", 9.35e-14),
    ],
)
def test_wrong_answers(typed: str, exact: float) -> None:
    assert not is_right(typed, exact)


@pytest.mark.parametrize(
    ("typed", "exact"),
    [
        ("0.0127", 0.0126670),
        ("0.01267", 0.0126670),
        ("1.267e-2", 0.0126670),
        ("0,0127", 0.0126670),  # a decimal comma
        ("-0.39", -0.3932),
        ("−0.393", -0.3932),  # the Unicode minus
        ("0.20", 0.1966),  # 0.1966 rounded to the two digits typed
        ("0.1966", 0.19661193),
        ("-4", -4.0),
        ("3/4", 0.75),
        ("1/3", 0.333333),
        ("0", 0.0),
        ("0.0099", 0.00992),  # within 1 %
        ("9.35e-14", 9.348e-14),  # a tiny gradient, judged by its relative error
        ("2.5", 2.5),
        ("12", 11.6),
        ("0.00992", 0.0099198),
    ],
)
def test_right_answers(typed: str, exact: float) -> None:
    assert is_right(typed, exact)


def test_a_number_is_judged_by_the_digits_of_its_shortest_form() -> None:
    assert is_right(-0.39, -0.3932) and is_right(0.2, 0.2) and not is_right(0.0063, 0.00992)


@pytest.mark.parametrize(
    ("typed", "unit"), [("0.39", 0.01), ("12", 1.0), ("1.267e-2", 1e-5), ("-.5", 0.1), ("1e-3", 1e-3), ("3/4", None)]
)
def test_the_place_of_the_last_digit_typed(typed: str, unit: float | None) -> None:
    assert last_digit_unit(typed) == (None if unit is None else pytest.approx(unit))


@pytest.mark.parametrize(
    "text", ["__import__('os')", "2*3", "1/0", "", "x", "nan", "inf", "1_000", "١٢", "1,000", "1e400", "1 000"]
)
def test_what_is_not_a_number_is_refused_never_evaluated(text: str) -> None:
    with pytest.raises(ValueError, match="^not a number"):
        parse_number(text)


def test_a_decimal_comma_is_read_and_a_thousands_separator_is_not_guessed_at() -> None:
    assert parse_number("0,75") == 0.75 and parse_number("1,5") == 1.5 and parse_number("1,2345") == 1.2345
    with pytest.raises(ValueError, match="thousands separator or a decimal comma"):
        parse_number("1,000")


@pytest.mark.parametrize(
    ("source", "inputs", "ask", "right"),
    [
        ("f = sigmoid(x)", {"x": 30.0}, "x", "9.35e-14"),  # σ'(30): tiny, and real
        ("f = x*y", {"x": 1e-13, "y": 2.0}, "y", "1e-13"),
    ],
)
def test_a_tiny_real_gradient_is_not_0(source: str, inputs: dict, ask: str, right: str) -> None:
    q = bv.quiz(bv.expr(source, **inputs), ask=ask)
    assert q.check(ask, right) and not q.check(ask, "0")


def test_shares_that_cancel_to_round_off_make_a_gradient_of_0() -> None:
    g = bv.expr("f = 0.1*x + 0.2*x - 0.3*x", x=1.0)
    assert g.grad("x") != 0  # round-off of 0.1 + 0.2 - 0.3
    q = bv.quiz(g, ask="x")
    assert q.check("x", "0") and not q.check("x", "1e-17")


def test_a_one_digit_guess_is_not_quite_and_a_number_not_read_says_so() -> None:
    q = bv.quiz(bv.expr("f = x*y", x=2.5, y=2.0), ask="y")
    assert not q.check("y", "2") and not q.check("y", "3") and "not quite" in q.verdict("y")
    assert q.check("y", "2.5")
    for text in ("nan", "inf", "1_000", "١", "1,000"):
        assert not q.check("y", text) and "not a number" in q.verdict("y")


def test_the_quiz_says_so() -> None:
    g = bv.expr("s = w*x + b; y = sigmoid(s)", w=0.5, x=-1.2, b=0.1)
    q = bv.quiz(g, ask=["w"])
    exact = g.grad("w")
    assert q.check("w", f"{exact:.3g}") and not q.check("w", "0")
    assert "not quite" in q.verdict("w")


HINGE = "L = max(0, apple - banana + 1) + max(0, pear - banana + 1)"


def test_the_hint_for_one_answer_does_not_show_another() -> None:
    g = bv.expr(HINGE, apple=-0.4, banana=1.1, pear=1.35)
    q = bv.quiz(g, ask=["apple", "banana", "pear"])
    shown = {name: q.show_step(name) for name in ("apple", "banana", "pear")}
    assert "apple" in shown["apple"] and "banana" not in shown["apple"]
    assert "pear" in shown["pear"] and "banana" not in shown["pear"]
    lines = hint_lines(g, "banana", PLAIN)
    assert len(lines) == 2 and all("banana" in line for line in lines)
    assert not any("apple" in line.split("=")[0] or "pear" in line.split("=")[0] for line in lines)


def test_a_hint_shows_every_share_of_a_branching_node_and_nothing_else() -> None:
    g = bv.expr("a = x*y; f = a + x", x=2, y=3)
    lines = hint_lines(g, "x", PLAIN)
    assert len(lines) == 2 and "the first share of ∂f/∂x" in lines[0] and "∂a/∂x" in lines[1]
    assert not any("∂f/∂y" in line or "∂f/∂a =" in line for line in lines)
