"""The quiz's verdicts: by relative error and by the digits typed, never by a slack that swamps a
small gradient; and "show the step" shows only the asked node's line."""

from __future__ import annotations

import pytest

import backprop_viz as bv
from backprop_viz.notation import PLAIN
from backprop_viz.quiz import hint_lines, is_right, last_digit_unit, parse_number


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
        ("0.2", 0.1966),  # one significant digit, and 0.1966 rounds to 0.2
        ("0.20", 0.1966),
        ("0.1966", 0.19661193),
        ("-4", -4.0),
        ("3/4", 0.75),
        ("1/3", 0.333333),
        ("0", 0.0),
        ("0", 3e-17),  # round-off of a gradient that is 0
        ("12", 11.6),
        ("0.00992", 0.0099198),
    ],
)
def test_right_answers(typed: str, exact: float) -> None:
    assert is_right(typed, exact)


def test_a_number_is_judged_by_the_digits_of_its_shortest_form() -> None:
    assert is_right(-0.39, -0.3932) and is_right(0.2, 0.1966) and not is_right(0.0063, 0.00992)


@pytest.mark.parametrize(
    ("typed", "unit"), [("0.39", 0.01), ("12", 1.0), ("1.267e-2", 1e-5), ("-.5", 0.1), ("1e-3", 1e-3), ("3/4", None)]
)
def test_the_place_of_the_last_digit_typed(typed: str, unit: float | None) -> None:
    assert last_digit_unit(typed) == (None if unit is None else pytest.approx(unit))


@pytest.mark.parametrize("text", ["__import__('os')", "2*3", "1/0", "", "x"])
def test_what_is_not_a_number_is_refused_never_evaluated(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


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
