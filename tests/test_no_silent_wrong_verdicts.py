"""No silent wrong verdicts: a check, a comparison or a quiz either says the truth or refuses clearly.

Each test is one reproducer of the red-team pass: nan in a gradient check, exponents in a deck's
number, lines whose result is dropped, an input named like the output, values that are not numbers
given to a network, a quiz asked one name as a string, and a Stepper of something that is no graph.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.course.deck import agrees, last_digit_unit
from backprop_viz.engine.graph import MAX_CHECK_COST

# -- check_gradients --------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["f = x*2 + sqrt(z)", "f = sqrt(z) + x*2"])
def test_a_nan_row_fails_the_check_wherever_it_is(source: str) -> None:
    check = bv.expr(source, x=1.0, z=0.0).check_gradients()
    assert math.isnan(check.worst) and not check.ok()
    assert "nan" in str(check).splitlines()[-1]


def test_a_clean_check_still_passes() -> None:
    check = bv.expr("f = x*2 + sqrt(z)", x=1.0, z=4.0).check_gradients()
    assert check.ok() and check.worst < 1e-8


@pytest.mark.parametrize("h", [0, 0.0, -1e-5, math.nan, math.inf, True, "1e-5", None])
def test_a_step_that_is_not_a_positive_number_is_refused(h: object) -> None:
    with pytest.raises(ValueError, match=r"h is the step of the central difference and must be a positive number"):
        bv.expr("f = x * x", x=3.0).check_gradients(h=h)


def test_an_integer_step_is_a_step() -> None:
    assert bv.expr("f = x * x", x=3.0).check_gradients(h=1).ok(1e-12)


def test_a_check_that_would_take_minutes_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    g = bv.expr("f = sum(v*v)", v=np.linspace(0, 1, 100_000))  # 200,000 evaluations of 100,000 elements

    def refuse(*args, **kwargs):
        raise AssertionError("the graph was evaluated")

    monkeypatch.setattr(bv.Graph, "_evaluate_at", refuse)  # refused before the first of them
    with pytest.raises(bv.GraphTooLarge, match=r"200,000 evaluations of its 2 gates \(about \d+ s\)"):
        g.check_gradients()


def test_a_check_within_the_bound_runs() -> None:
    g = bv.expr("f = sum(v*v)", v=np.linspace(0, 1, 2_000))
    assert 2 * 2_000 * (2 + 4_001 / 500) < MAX_CHECK_COST
    assert g.check_gradients().ok(1e-6)


# -- compare --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed, unit",
    [("0.73", 0.01), ("-12", 1.0), ("2e-5", 1e-5), ("1E-3", 1e-3), ("2.50e-3", 1e-5), ("1e3", 1e3), ("+.5", 0.1)],
)
def test_the_last_digit_unit_reads_the_exponent(printed: str, unit: float) -> None:
    assert last_digit_unit(printed) == pytest.approx(unit)


def test_numbers_with_exponents_do_not_agree_with_far_values() -> None:
    table = bv.compare([("dw", "2e-5", 1.0), ("dx", "1E-3", -2.9)])
    assert not table.all_agree and len(table.misprints) == 2
    assert agrees("2e-5", 2.2e-5) and not agrees("2e-5", 6e-5)


@pytest.mark.parametrize("deck", [0.73, "0.7.3", "abc", "nan", "", None])
def test_a_deck_number_that_is_not_printed_as_a_number_is_refused(deck: object) -> None:
    with pytest.raises(ValueError, match=r"the deck's number for 'f' must be written as the deck prints it"):
        bv.compare([("f", deck, 1.0)])


# -- expressions --------------------------------------------------------------------------------


def test_a_line_whose_result_is_never_used_is_refused() -> None:
    with pytest.raises(bv.ExpressionError, match=r"'q' is assigned but never used.*nor on the input y") as info:
        bv.expr("q = x + y; f = x * z", x=1.0, y=2.0, z=3.0)
    assert info.value.column == 1


def test_a_constant_line_never_used_is_refused_too() -> None:
    with pytest.raises(
        bv.ExpressionError, match=r"'a' is assigned but never used, so the output does not depend on it:"
    ):
        bv.expr("a = 2; f = x * 3", x=1.0)


def test_every_line_used_is_fine() -> None:
    assert bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4).value == -12.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: bv.expr("f * x", f=3.0, x=2.0),
        lambda: bv.expr("q * x", q=3.0, x=2.0, output="q"),
        lambda: bv.trace(bv.Var(3.0, name="f") * 2),
    ],
    ids=["expr", "expr-output", "trace"],
)
def test_an_input_named_like_the_output_is_refused(make) -> None:
    with pytest.raises(bv.ExpressionError, match=r"the output is called '\w', and so is an input"):
        make()


# -- networks --------------------------------------------------------------------------------

W = [0.1, 0.5, 0.4, 0.3, 0.2, 0.6]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"inputs": "12"}, "inputs must be a list of numbers, not str"),
        ({"inputs": ["1", "2"]}, r"inputs\[0\] must be a number, not str"),
        ({"inputs": [1, True]}, r"inputs\[1\] must be a number, not bool"),
        ({"targets": [True]}, r"targets\[0\] must be a number, not bool"),
        ({"inputs": np.ma.array([1.0, 2.0], mask=[0, 1])}, "inputs must be a list of numbers, not a masked array"),
        ({"weights": [*W[:5], "0.6"]}, r"weights\[5\] must be a number, not str"),
        ({"layers": [2, True]}, r"layers\[1\] must be a number, not bool"),
    ],
)
def test_a_network_refuses_values_that_are_not_numbers(options: dict, message: str) -> None:
    args = {"layers": [2, 2, 1], "weights": W} | options
    with pytest.raises(TypeError, match=message):
        bv.network(**args)


def test_a_network_takes_lists_tuples_and_arrays_of_numbers() -> None:
    errors = {bv.network([2, 2, 1], weights=W, inputs=v, targets=[1]).error for v in ([0.23, 0.82], (0.23, 0.82))}
    errors.add(bv.network([2, 2, 1], weights=np.array(W), inputs=np.array([0.23, 0.82]), targets=[1]).error)
    assert len(errors) == 1


def test_network_set_refuses_a_boolean_input() -> None:
    net = bv.network([2, 2, 1], weights=W, inputs=[0.23, 0.82], targets=[1.0])
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a number, not bool"):
        net.set(inputs=[1, True])


def test_a_masked_array_is_never_an_input() -> None:
    with pytest.raises(bv.ExpressionError, match="must not be a masked array"):
        bv.expr("sum(x * 2)", x=np.ma.array([1.0, 2.0], mask=[0, 1]))
    with pytest.raises(TypeError, match="must not be a masked array"):
        bv.Var(np.ma.array([1.0, 2.0], mask=[0, 1]), name="x")


# -- quiz and Stepper ----------------------------------------------------------------------------


def test_a_quiz_asked_one_name_as_a_string_asks_that_name() -> None:
    g = bv.expr("f = w0 * x0", w0=2.0, x0=3.0)
    q = bv.quiz(g, ask="w0")
    assert q.ask == ["w0"] and q.check("w0", "3")


@pytest.mark.parametrize(
    "ask, error, message",
    [
        (["x", "x"], ValueError, "ask names 'x' more than once"),
        ([], ValueError, "ask names no node"),
        (5, TypeError, "ask must be a node's name or a list of names"),
        (["x", 1], TypeError, "ask must be a node's name or a list of names"),
    ],
)
def test_a_quiz_refuses_what_is_not_a_list_of_different_names(ask: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        bv.quiz(bv.expr("f = x * y", x=2.0, y=3.0), ask=ask)


@pytest.mark.parametrize("thing", [123, None, 1.5, ["f = x"]])
def test_a_stepper_of_something_that_is_no_graph_is_a_type_error(thing: object) -> None:
    with pytest.raises(TypeError, match="a Stepper steps through an expression string or a Graph, not"):
        bv.Stepper(thing)


def test_an_intermediate_named_like_the_unnamed_output_is_refused() -> None:
    x = bv.Var(1.0, name="x")
    with pytest.raises(bv.ExpressionError, match=r"and so is an intermediate node of the graph: one name for two"):
        bv.trace((x * 2).named("f") + 1)


@pytest.mark.parametrize(
    ("printed", "exact"),
    [("1", -2.0), ("1e-5", -1.9e-5), ("-0.01", 0.02), ("0", 2.9), ("0", -0.6), ("0.00", 0.006), ("0e-3", 0.0006)],
)
def test_opposite_signs_and_a_zero_that_is_not_zero_never_agree(printed: str, exact: float) -> None:
    assert not agrees(printed, exact)
    assert not bv.compare([("f", printed, exact)]).all_agree


@pytest.mark.parametrize(
    ("printed", "exact"),
    [("0", 0.4), ("0", -0.5), ("0.00", 0.004), ("0", 0.0), ("-0", 0.0), ("0.001", 0.0), ("2", 4.9)],
)
def test_a_zero_agrees_with_what_rounds_to_zero_and_near_values_still_agree(printed: str, exact: float) -> None:
    assert agrees(printed, exact)


def test_a_check_re_evaluates_only_what_an_input_changes_and_gets_the_same_numbers() -> None:
    g = bv.expr("a = x*y; b = a + z; c = sigmoid(b) * x; f = c + w*w", x=0.3, y=-1.2, z=0.5, w=2.0)
    cones = g._downstream_gates()
    assert [n.label for n in cones[g.node("w").index]] == ["mul1", "f"]  # w*w, then the sum
    for node in g.inputs:
        shifted = {node.index: node.value + 1e-3}
        assert g._evaluate_at(shifted, cones[node.index]) == g._evaluate_at(shifted)
    assert g.check_gradients().ok(1e-7)


def test_a_check_of_530_products_stays_within_the_bound() -> None:
    """1,060 inputs, 2,119 nodes: just under the bound; it took 5-7 s, 2-3 s when only what an input
    changes is evaluated again (README: Limits)."""
    n = 530
    w, x = bv.variables(**{"w0": 0.5, "x0": 1.0})
    total = w * x
    for i in range(1, n):
        wi, xi = bv.variables(**{f"w{i}": 0.5 + i / n, f"x{i}": 1 - i / n})
        total = total + wi * xi
    g = bv.trace(total.named("f"))
    assert len(g.nodes) == 2_119
    g._check_check_cost()  # accepted
    assert g.check_gradients().ok()
