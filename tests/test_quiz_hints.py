"""No hint a student can bring up gives away the answer of a row not yet answered.

Every quiz of the notebooks is made as the notebook makes it; the rows are answered in the order
asked, and before each answer every row's help is shown once (the rule and the local derivative) and
again (the whole step, or the first hint while the step's numbers hold an unanswered row's answer).
An answer shows when a number in the hint equals it at 3 significant digits, or at the digits the
number shows (two at least), as tests/test_notebook_exercises.py reads the page. As there, a
one-digit whole number and an answer that equals a given input are not searched for, nor one that
equals the answer of the row whose help is shown (03's w2 and x0 are both 0.2: w2's step shows it).
"""

from __future__ import annotations

import numpy as np
import pytest
from notebook_steppers import NOTEBOOKS, shown

import backprop_viz as bv
from backprop_viz.frontend.quiz_rules import backward_order, shows_number


def giveaways(name: str) -> list[str]:
    found = []
    for k, quiz in enumerate(shown()[name]["quizzes"]):
        given = [float(f"{v:.3g}") for v in quiz["given"]]
        for shown_hint in quiz["walk"]:
            for other, answer in quiz["answers"].items():
                if other == shown_hint["row"] or other in shown_hint["solved"] or np.ndim(answer):
                    continue
                if float(answer).is_integer() and abs(answer) < 10 or float(f"{answer:.3g}") in given:
                    continue
                own = quiz["answers"][shown_hint["row"]]
                if not np.ndim(own) and float(f"{own:.3g}") == float(f"{answer:.3g}"):
                    continue  # the same number as the row's own answer: its step is there to show it
                if shows_number(shown_hint["html"], answer):
                    found.append(
                        f"{name}, quiz {k}: the help for {shown_hint['row']} shows ∂/∂{other} = {answer:.4g} "
                        f"before it is answered (answered: {shown_hint['solved']})"
                    )
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_no_hint_shows_an_unanswered_rows_answer(name: str) -> None:
    assert not giveaways(name), "\n".join(giveaways(name))


@pytest.mark.slow
def test_every_quiz_asks_in_backward_order_and_shows_its_whole_steps_in_the_end() -> None:
    quizzes = [q for made in shown().values() for q in made["quizzes"]]
    assert len(quizzes) >= 19
    for q in quizzes:
        last = {h["row"]: h["html"] for h in q["walk"][-2 * len(q["ask"]) :]}  # every row answered
        assert all("Show the step again" not in text and "once you have answered" not in text for text in last.values())


A3 = "f = sigmoid(w0*x0 + w1*x1 + w2)"
A3_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}


def test_the_sigmoid_neurons_hints_hold_back_the_upstream_until_it_is_answered() -> None:
    """Deck 000's neuron: ∂f/∂w2 = 0.1966 is the upstream of the w0, x0 and x1 steps (the issue's 03)."""
    g = bv.expr(A3, **A3_VALUES)
    q = bv.quiz(g, ask=["w0", "x0", "x1", "w2"])
    assert q.ask == backward_order(g, ["w0", "x0", "x1", "w2"]) and q.ask[0] == "w2"
    first = q.show_step("w0")
    assert "x0" in first and not shows_number(first, g.grad("w2")) and "again" in first
    q.show_step("w0", False)
    held = q.show_step("w0")
    assert not shows_number(held, g.grad("w2")) and "once you have answered ∂f/∂w2" in held
    assert q.check("w2", "0.1966")
    now = q.widget.steps_shown["w0"]  # shown, and updated by the answer
    assert shows_number(now, g.grad("w2")) and shows_number(now, g.grad("w0"))


def test_a_hint_for_the_first_row_shows_its_whole_step_the_second_time() -> None:
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    q = bv.quiz(g, ask=["x", "z"])
    assert q.ask == ["z", "x"]
    assert "(-4)(1)" not in q.show_step("z")
    q.show_step("z", False)
    assert q.show_step("z") == "".join(f"<div>{line}</div>" for line in q.hints["z"])
