"""Gates at the edges of numbers: inf, nan, overflow, domain errors, kinks, ties, integer and numpy inputs, shapes, fmt.

Each case is either computed as documented, with a warning on the node (``node.warning``) and in
the step's explanation, or refused with a clear ExpressionError. Conventions at kinks are stated
in ``backprop_viz.engine.ops`` and tested here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.engine import ops

inf, nan = math.inf, math.nan


def same(a: object, b: object) -> bool:
    """Equal, with nan equal to nan (for values and gradients, scalars or arrays)."""
    return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True))


def gate(g: bv.Graph) -> bv.Node:
    """The graph's one gate (these cases have exactly one)."""
    (node,) = [n for n in g.nodes if n.op is not None]
    return node


# -- domain problems: computed, warned on the node and in the step ------------------------------
# (source, inputs, value, gradients, words of the warning)

FORWARD_PROBLEMS = [
    ("log(x)", {"x": 0}, -inf, {"x": inf}, "log of 0 is -inf (log needs a positive input)"),
    ("log(x)", {"x": -1}, nan, {"x": nan}, "log of -1 is nan (log needs a positive input)"),  # as sqrt
    ("sqrt(x)", {"x": -4}, nan, {"x": nan}, "√ of -4 is nan (sqrt needs a non-negative input)"),
    ("x / y", {"x": 0, "y": 0}, nan, {"x": inf, "y": nan}, "/ of 0, 0 is nan (division by 0)"),
    ("x / y", {"x": 1, "y": 0}, inf, {"x": inf, "y": -inf}, "/ of 1, 0 is inf (division by 0)"),
    ("x / y", {"x": -1, "y": 0}, -inf, {"x": inf, "y": inf}, "/ of -1, 0 is -inf (division by 0)"),
    ("recip(x)", {"x": 0}, inf, {"x": -inf}, "1/x of 0 is inf (division by 0)"),
    ("1 / x", {"x": 0}, inf, {"x": -inf}, "1/x of 0 is inf (division by 0)"),
    ("exp(x)", {"x": 710}, inf, {"x": inf}, "exp of 710 is inf (exp overflows above about 709)"),
    ("x ** y", {"x": -8, "y": 1 / 3}, nan, {"x": nan, "y": nan}, "a power of a negative or zero base"),
    ("x ** -1", {"x": 0}, inf, {"x": -inf}, "a power of a negative or zero base"),
    ("x ** 0.5", {"x": -1}, nan, {"x": nan}, "a power of a negative or zero base"),
]


@pytest.mark.parametrize(("source", "inputs", "value", "grads", "warning"), FORWARD_PROBLEMS)
def test_a_domain_problem_is_computed_and_warned(source, inputs, value, grads, warning) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning reaches the notebook
        g = bv.expr(source, **inputs)
    assert same(g.value, value)
    for name, grad in grads.items():
        assert same(g.grad(name), grad), (name, g.grad(name))
    node = gate(g)
    assert node.warning is not None and warning in node.warning
    (forward,) = g.forward_steps
    assert forward.warning == node.warning and f"⚠ {node.warning}" in forward.explanation
    assert any(warning in w for w in g.warnings)
    back = g.backward_steps[-1]
    assert back.warning and "⚠" in back.explanation  # the step that sends inf or nan back says why


@pytest.mark.parametrize(
    ("source", "inputs", "value", "grads", "warning"),
    [
        ("sqrt(x)", {"x": 0}, 0.0, {"x": inf}, "the local derivative into x is inf"),
        ("x ** 0.5", {"x": 0}, 0.0, {"x": inf}, "the local derivative into x is inf"),
        ("x ** y", {"x": 0, "y": 0.5}, 0.0, {"x": inf, "y": 0.0}, "the local derivative into x is inf"),
    ],
)
def test_a_finite_value_with_an_infinite_derivative_is_warned_too(source, inputs, value, grads, warning) -> None:
    """The value is fine, the derivative is not: the backward step and the node both say so."""
    g = bv.expr(source, **inputs)
    assert same(g.value, value)
    for name, grad in grads.items():
        assert same(g.grad(name), grad), (name, g.grad(name))
    node = gate(g)
    assert g.forward_steps[0].warning is None  # the forward step itself was fine
    assert g.backward_steps[-1].warning == warning and f"⚠ {warning}" in g.backward_steps[-1].explanation
    assert node.warning == warning and g.warnings == [f"{node.label}: {warning}"]
    g.set(**{k: 4.0 for k in inputs})
    assert node.warning is None and not g.warnings  # gone with a good input


def test_an_infinite_input_is_carried_and_named_in_the_warning() -> None:
    g = bv.expr("f = x * y", x=inf, y=0)
    assert same(g.value, nan)
    assert g.node("f").warning == "an input is already inf"
    assert same(g.grad("x"), 0.0) and same(g.grad("y"), inf)
    g = bv.expr("x + y", x=nan, y=1)
    assert gate(g).warning == "an input is already nan"


def test_overflow_of_a_product_or_power_says_overflow_not_a_wrong_reason() -> None:
    for source, inputs in [
        ("x * y", {"x": 1e200, "y": 1e200}),
        ("2 ** x", {"x": 2000}),
        ("x ** y", {"x": 10, "y": 400}),
        ("x / y", {"x": 1e300, "y": 1e-300}),
        ("x ** 2", {"x": 1e200}),
    ]:
        g = bv.expr(source, **inputs)
        assert g.value == inf
        warning = gate(g).warning
        assert "too large for a float" in warning, (source, warning)
        assert "negative or zero base" not in warning and "division by 0" not in warning, (source, warning)


def test_exp_overflow_keeps_its_own_reason() -> None:
    assert "exp overflows above about 709" in gate(bv.expr("exp(x)", x=1000)).warning


def test_tiny_numbers_underflow_quietly_to_zero() -> None:
    g = bv.expr("x * y", x=1e-200, y=1e-200)
    assert g.value == 0.0 and not g.warnings
    assert g.grad("x") == 1e-200 and g.grad("y") == 1e-200
    g = bv.expr("exp(x)", x=-1000)
    assert g.value == 0.0 and g.grad("x") == 0.0 and not g.warnings


@pytest.mark.parametrize("x", [-1000.0, -40.0, 0.0, 40.0, 1000.0, 1e308, -1e308])
def test_saturating_functions_stay_finite_for_huge_inputs(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("sigmoid", "tanh", "softsign", "hardtanh", "relu"):
            g = bv.expr(f"{name}(x)", x=x)
            assert math.isfinite(g.value) and math.isfinite(g.grad("x")) and not g.warnings, (name, x)
        g = bv.expr("f = sigmoid(x)", x=x, expand=True)  # the four gates: exp(-x) may overflow on the way
        assert 0.0 <= g.value <= 1.0


# -- constants that are not numbers: refused, with the place ------------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x * (0 / 0)", "this constant part evaluates to nan"),
        ("x * (1 / 0)", "this constant part evaluates to inf"),
        ("x + log(0)", "this constant part evaluates to -inf"),
        ("x + sqrt(-1)", "this constant part evaluates to nan"),
        ("x * 10.0 ** 400", "this constant part evaluates to inf"),
        ("x * exp(1000)", "this constant part evaluates to inf"),
        ("x * 1e309", "the number 1e309 is too large"),
        ("x * 1" + "0" * 400, "is too large"),
    ],
)
def test_a_constant_that_is_not_a_finite_number_is_refused(source: str, reason: str) -> None:
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr(source, x=1.0)
    assert reason in info.value.reason
    assert info.value.column is not None and info.value.column > 1


def test_zero_to_the_zero_is_one() -> None:
    assert bv.expr("x * 0 ** 0", x=2.0).value == 2.0
    g = bv.expr("x ** 0", x=0)
    assert g.value == 1.0 and g.grad("x") == 0.0 and not g.warnings


# -- kinks and ties: the stated conventions ----------------------------------------------------


def test_the_conventions_are_stated_in_ops() -> None:
    doc = " ".join(ops.__doc__.split())
    assert "max/min give the whole gradient to the first input on a tie" in doc
    assert "relu, abs and hardtanh have derivative 0 at their kinks" in doc


@pytest.mark.parametrize(
    ("source", "x", "value", "grad"),
    [
        ("relu(x)", 0.0, 0.0, 0.0),
        ("relu(x)", -0.0, 0.0, 0.0),
        ("relu(x)", 1e-300, 1e-300, 1.0),
        ("relu(x)", -1e-300, 0.0, 0.0),
        ("abs(x)", 0.0, 0.0, 0.0),
        ("hardtanh(x)", 1.0, 1.0, 0.0),
        ("hardtanh(x)", -1.0, -1.0, 0.0),
        ("hardtanh(x)", 0.999999, 0.999999, 1.0),
        ("hardtanh(x)", -1.000001, -1.0, 0.0),
    ],
)
def test_kinks_have_derivative_zero(source: str, x: float, value: float, grad: float) -> None:
    g = bv.expr(source, x=x)
    assert g.value == value and g.grad("x") == grad and not g.warnings


def test_kinks_in_arrays_follow_the_same_rule() -> None:
    g = bv.expr("sum(relu(x)) + sum(hardtanh(y))", x=np.array([-1.0, 0.0, 2.0]), y=np.array([-1.0, 0.5, 1.0]))
    assert same(g.grad("x"), [0, 0, 1]) and same(g.grad("y"), [0, 1, 0])


@pytest.mark.parametrize("name", ["max", "maximum", "min", "minimum"])
def test_a_tie_gives_the_whole_gradient_to_the_first_input(name: str) -> None:
    g = bv.expr(f"3 * {name}(x, y)", x=2.0, y=2.0)
    assert (g.grad("x"), g.grad("y")) == (3.0, 0.0)
    g = bv.expr(f"3 * {name}(y, x)", x=2.0, y=2.0)
    assert (g.grad("y"), g.grad("x")) == (3.0, 0.0)
    g = bv.expr(f"sum({name}(x, y))", x=np.array([1.0, 5.0, 2.0]), y=np.array([1.0, 3.0, 2.0]))
    first_wins = [1, 1, 1] if name.startswith("max") else [1, 0, 1]
    assert same(g.grad("x"), first_wins) and same(g.grad("y"), [1 - v for v in first_wins])
    a, b = bv.Var(2.0, name="a"), bv.Var(2.0, name="b")
    pick = bv.maximum if name.startswith("max") else bv.minimum
    g = bv.trace(pick(a, b))
    assert (g.grad("a"), g.grad("b")) == (1.0, 0.0)


def test_the_tie_rule_is_explained_in_the_step() -> None:
    step = bv.expr("max(x, y)", x=1.0, y=1.0).backward_steps[-1]
    assert [c.rule for c in step.contributions] == ["1 if x ≥ y else 0", "1 if y > x else 0"]
    assert [c.local for c in step.contributions] == [1.0, 0.0]


# -- nan in, nan out: no gate swallows a nan, scalars and arrays alike ------------------------------

NAN_IN = [
    ("relu(x)", {"x": nan}),
    ("hardtanh(x)", {"x": nan}),
    ("softsign(x)", {"x": nan}),
    ("abs(x)", {"x": nan}),
    ("max(x, y)", {"x": nan, "y": 1.0}),
    ("max(y, x)", {"x": nan, "y": 1.0}),
    ("min(x, y)", {"x": nan, "y": 1.0}),
    ("min(y, x)", {"x": nan, "y": 1.0}),
    ("maximum(y, x)", {"x": nan, "y": -1.0}),
]


@pytest.mark.parametrize(("source", "inputs"), NAN_IN)
def test_a_nan_input_gives_nan_and_is_warned(source: str, inputs: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = bv.expr(source, **inputs)
    assert math.isnan(g.value)
    assert all(math.isnan(g.grad(name)) for name in inputs), g.grads()  # no made-up 0 slope at nan
    node = gate(g)
    assert node.warning == "an input is already nan"
    assert g.forward_steps[0].warning == node.warning and g.warnings == [f"{node.label}: {node.warning}"]


@pytest.mark.parametrize(("source", "inputs"), NAN_IN)
def test_nan_in_arrays_agrees_with_scalars(source: str, inputs: dict) -> None:
    """Element by element, an array input gives what the scalar input gives."""
    arrays = {k: np.array([v, 0.5, -2.0]) for k, v in inputs.items()}
    g = bv.expr(f"sum({source})", **arrays)
    for k in range(3):
        one = bv.expr(source, **{name: float(a[k]) for name, a in arrays.items()})
        for name in inputs:
            assert same(g.grad(name)[k], one.grad(name)), (source, name, k, g.grad(name), one.grad(name))
    values = bv.expr(source, **arrays).value
    assert math.isnan(values[0]) and not np.isnan(values[1:]).any()


def test_nan_through_python_operators_is_warned() -> None:
    x, y = bv.Var(nan, name="x"), bv.Var(1.0, name="y")
    for out in (x.relu(), x.hardtanh(), bv.maximum(y, x), bv.minimum(y, x)):
        g = bv.trace(out.named("f"))
        assert math.isnan(g.value) and math.isnan(g.grad("x")), g.grads()
        assert g.node("f").warning == "an input is already nan"


def test_nan_does_not_change_the_tie_and_kink_conventions() -> None:
    g = bv.expr("max(x, y) + min(x, y) + relu(z) + hardtanh(w)", x=2.0, y=2.0, z=0.0, w=1.0)
    assert (g.grad("x"), g.grad("y"), g.grad("z"), g.grad("w")) == (2.0, 0.0, 0.0, 0.0) and not g.warnings


@pytest.mark.parametrize(("x", "value"), [(inf, 1.0), (-inf, -1.0)])
def test_softsign_of_infinity_is_plus_or_minus_one(x: float, value: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = bv.expr("f = softsign(x)", x=x)
        assert g.value == value and g.grad("x") == 0.0 and not g.warnings
        g = bv.trace(bv.Var(x, name="x").softsign())
        assert g.value == value and g.grad("x") == 0.0 and not g.warnings
        g = bv.expr("sum(softsign(x))", x=np.array([x, 0.0, 1.0]))
        assert same(bv.expr("softsign(x)", x=np.array([x, 0.0, 1.0])).value, [value, 0.0, 0.5])
        assert same(g.grad("x"), [0.0, 1.0, 0.25]) and not g.warnings


# -- integer and numpy inputs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "x", [3, np.int64(3), np.int32(3), np.uint8(3), np.float32(3.0), np.float64(3.0), np.array(3.0), np.array(3), 3.0]
)
def test_integer_and_numpy_scalars_become_plain_floats(x: object) -> None:
    g = bv.expr("q = x * y; f = q + 1", x=x, y=np.float32(0.5))
    assert type(g.node("x").value) is float and type(g.value) is float and type(g.grad("x")) is float
    assert g.value == 2.5 and g.grad("x") == 0.5 and g.grad("y") == 3.0
    assert g.steps[0].explanation == "q = x · y = 3 · 0.5 = 1.5"
    g.set(x=x)
    assert type(g.node("x").value) is float


def test_integer_arrays_become_float_arrays() -> None:
    g = bv.expr("sum(x * x)", x=[1, 2, 3])
    assert g.node("x").value.dtype == np.float64 and same(g.grad("x"), [2, 4, 6])
    g.set(x=np.array([1, 1, 1], dtype=np.int8))
    assert g.value == 3.0


def test_a_huge_python_integer_input() -> None:
    assert bv.expr("x", x=10**300).value == 1e300
    with pytest.raises(bv.ExpressionError, match="input 'x' is too large for a float"):
        bv.expr("x + 1", x=10**400)
    g = bv.expr("x + 1", x=1)
    with pytest.raises(bv.ExpressionError, match="input 'x' is too large for a float"):
        g.set(x=-(10**400))
    assert g.value == 2.0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (True, "must be a number, not a bool"),
        (np.bool_(False), "must be a number, not a bool"),
        (np.array([True, False]), "must hold numbers, not bool"),
        ("1.5", "must be a number or an array, not str"),
        (None, "must be a number or an array, not NoneType"),
        (1 + 2j, "must be a number or an array, not complex"),
        (np.complex128(1), "must be a number or an array, not complex128"),
        (np.array([1 + 1j]), "must hold numbers, not complex"),
        ([1, "a"], "must hold numbers"),
        (np.array(["a"]), "must hold numbers"),
        ([[1, 2], [3]], "must be a rectangular array"),
        ([1, None], "must hold numbers"),
        ([1, 10**400], "must hold numbers"),
        ({"a": 1}, "must be a number or an array, not dict"),
    ],
)
def test_values_that_are_not_numbers_are_refused(value: object, words: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: a complex value is refused, not cut down
        with pytest.raises(bv.ExpressionError, match="input 'x' ") as info:
            bv.expr("x * 2", x=value)
        assert words in str(info.value)
        g = bv.expr("x * 2", x=1.0)
        with pytest.raises(bv.ExpressionError, match="input 'x' ") as info:
            g.set(x=value)
        assert words in str(info.value)
    assert g.value == 2.0 and g.grad("x") == 2.0  # a refused value changes nothing


# -- arrays of the wrong shape given to g.set -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "shape"),
    [
        ("W", np.ones((2, 3)), "(2, 3)"),
        ("W", np.ones((3, 2, 1)), "(3, 2, 1)"),
        ("W", np.ones(6), "(6,)"),
        ("W", 1.0, "()"),
        ("x", np.ones(3), "(3,)"),
        ("x", np.ones((2, 1)), "(2, 1)"),
        ("x", np.ones((1, 2)), "(1, 2)"),
        ("x", [[1.0, 2.0]], "(1, 2)"),
        ("x", np.float32(1.0), "()"),
        ("x", np.empty(0), "(0,)"),
        ("b", np.ones(2), "(2,)"),
    ],
)
def test_set_refuses_a_wrong_shape_and_keeps_the_graph(name: str, value: object, shape: str) -> None:
    g = bv.expr("f = sumsq(W @ x) + b", W=np.arange(6.0).reshape(3, 2), x=np.array([1.0, -1.0]), b=0.5)
    before = (g.value, {k: np.copy(v) for k, v in g.grads().items()}, len(g.steps))
    expected = {"W": "(3, 2)", "x": "(2,)", "b": "()"}[name]
    with pytest.raises(bv.ExpressionError, match=rf"input '{name}' must have shape {_re(expected)}, got {_re(shape)}"):
        g.set(**{name: value})
    assert g.value == before[0] and len(g.steps) == before[2]
    assert all(same(g.grads()[k], v) for k, v in before[1].items())


@pytest.mark.parametrize(
    ("source", "x", "y", "message"),
    [
        ("x @ y", np.ones(2), np.ones(3), "@ needs matching inner sizes: (2,) @ (3,)"),
        ("x @ y", np.ones((2, 3)), np.ones((2, 3)), "@ needs matching inner sizes: (2, 3) @ (2, 3)"),
        ("x @ y", 2.0, np.ones(3), "@ needs arrays (vectors or matrices), not a number: () @ (3,)"),
        ("x + y", np.ones(2), np.ones(3), "+ cannot combine shapes (2,) and (3,)"),
        ("x - y", np.ones(2), np.ones(3), "- cannot combine shapes (2,) and (3,)"),
        ("x * y", np.ones((2, 2)), np.ones(3), "* cannot combine shapes (2, 2) and (3,)"),
        ("x / y", np.ones(2), np.ones(3), "/ cannot combine shapes (2,) and (3,)"),
        ("x ** y", np.ones(2), np.ones(3), "** cannot combine shapes (2,) and (3,)"),
        ("max(x, y)", np.ones(2), np.ones(3), "max cannot combine shapes (2,) and (3,)"),
        ("min(x, y)", np.ones(2), np.ones(3), "min cannot combine shapes (2,) and (3,)"),
    ],
)
def test_shapes_that_do_not_fit_are_said_plainly(source: str, x: object, y: object, message: str) -> None:
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr(source, x=x, y=y)
    assert info.value.reason == message and info.value.column == 1
    for internal in ("gufunc", "core dimension", "operands", "broadcast"):
        assert internal not in str(info.value)


def test_shapes_that_do_not_fit_are_said_plainly_for_python_operators_too() -> None:
    a, b = bv.Var(np.ones(2), name="a"), bv.Var(np.ones(3), name="b")
    for combine, message in [
        (lambda: a @ b, "@ needs matching inner sizes: (2,) @ (3,)"),
        (lambda: a + b, "+ cannot combine shapes (2,) and (3,)"),
        (lambda: a * np.ones(3), "* cannot combine shapes (2,) and (3,)"),
        (lambda: np.ones((3, 3)) @ a, "@ needs matching inner sizes: (3, 3) @ (2,)"),
        (lambda: bv.maximum(a, b), "max cannot combine shapes (2,) and (3,)"),
    ]:
        with pytest.raises(bv.ExpressionError) as info:
            combine()
        assert str(info.value) == message


def test_set_accepts_lists_and_numpy_scalars_of_the_right_shape() -> None:
    g = bv.expr("f = sumsq(W @ x) + b", W=np.eye(2), x=np.array([1.0, -1.0]), b=0.5)
    g.set(x=[2, 0], W=[[1, 0], [0, 1]], b=np.float32(0.0))
    assert g.value == 4.0 and same(g.grad("x"), [4, 0]) and type(g.node("b").value) is float
    g.set(b=np.array(1.5))
    assert g.value == 5.5


def test_set_is_all_or_nothing() -> None:
    g = bv.expr("x * y", x=2.0, y=3.0)
    with pytest.raises(bv.ExpressionError, match="input 'y' must be a number"):
        g.set(x=10.0, y="oops")
    assert g.node("x").value == 2.0 and g.value == 6.0


def test_set_to_inf_and_nan_warns_and_recovers() -> None:
    g = bv.expr("f = log(x) * y", x=1.0, y=2.0)
    g.set(x=0.0)
    assert g.value == -inf and any("log needs a positive input" in w for w in g.warnings)
    g.set(x=nan)
    assert math.isnan(g.value) and any("already nan" in w for w in g.warnings)
    g.set(x=math.e)
    assert g.value == pytest.approx(2.0) and not g.warnings


def _re(text: str) -> str:
    import re

    return re.escape(text)


# -- fmt: how every number is printed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (nan, "nan"),
        (-nan, "nan"),
        (inf, "inf"),
        (-inf, "-inf"),
        (np.float32("nan"), "nan"),
        (np.float64("-inf"), "-inf"),
        (np.array(inf), "inf"),
        (np.array(-inf), "-inf"),
        (np.array([nan, inf, -inf]), "[nan, inf, -inf]"),
        (np.array([1.5, nan]), "[1.5, nan]"),
        (0.0, "0"),
        (-0.0, "0"),
        (3, "3"),
        (-4.0, "-4"),
        (np.int64(7), "7"),
        (1e308, "1e308"),
        (-1.7976931348623157e308, "-1.798e308"),
        (5e-324, "4.941e-324"),
        (1e-5, "0.00001"),
        (8.086e-5, "0.00008086"),
        (1.2e-7, "1.2e-7"),
        (0.1 + 0.2, "0.3"),
        (123456.7, "1.235e5"),
        (999999999.0, "999999999"),
        (1e9, "1e9"),
        (None, "?"),
    ],
)
def test_fmt_prints_special_values_plainly(value: object, text: str) -> None:
    assert bv.fmt(value).replace(" ", "") == text.replace(" ", "")


def test_fmt_of_nan_and_inf_in_explanations() -> None:
    g = bv.expr("f = x / y", x=0.0, y=0.0)
    assert g.forward_steps[0].explanation.startswith("f = x / y = 0 / 0 = nan")
    g = bv.expr("f = x / y", x=-1.0, y=0.0)
    assert "= (-1) / 0 = -inf" in g.forward_steps[0].explanation
    assert "∂f/∂y = -x/y² = inf" in g.backward_steps[-1].explanation


def test_negative_zero_prints_as_zero() -> None:
    assert bv.fmt(np.array([-0.0, 1.0])) == bv.fmt(np.array([0.0, 1.0])) == "[0, 1]"
    assert bv.fmt(np.array([-0.0])) == "[0]"
    assert bv.fmt(np.array([[-0.0, 2.5], [1.0, -0.0]])) == "[[0, 2.5], [1, 0]]"
    assert bv.fmt(np.array([-1e-9, 1.0])) == "[-1e-9, 1]"  # as a number prints: small, not zero
    assert bv.fmt(np.array([-0.5, 0.25])) == "[-0.5, 0.25]"  # a real minus sign stays
    # gradients of -0.0: a negative upstream times a local derivative of 0
    g = bv.expr("f = -1 * (x * y)", x=-1.0, y=0.0)
    assert math.copysign(1.0, g.grad("x")) == -1.0 and bv.fmt(g.grad("x")) == "0"
    g = bv.expr("f = sum(-1 * (x * y))", x=np.array([-1.0, 2.0]), y=np.array([0.0, 1.0]))
    assert math.copysign(1.0, g.grad("x")[0]) == -1.0
    assert bv.fmt(g.grad("x")) == "[0, -1]"
    texts = [s.explanation for s in g.steps]
    assert not any("-0." in t or "-0," in t or "-0]" in t for t in texts), texts


def test_a_deck_table_shows_negative_zero_as_zero() -> None:
    table = bv.compare([("dx", "0", -0.0)])
    assert "-0" not in str(table) and "-0" not in table._repr_html_()


# -- at the edges as PyTorch does them: 0 × ∞ masked, pow at base 0, one policy for log and sqrt --


@pytest.mark.parametrize(
    "source, x",
    [
        ("f = sqrt(relu(x)) + x", -1.0),
        ("f = sqrt(max(x, 0)) + x", -1.0),
        ("f = sqrt(min(x, 0) * -1) + x", 1.0),
        ("f = log(hardtanh(x) + 1) + x", -2.0),  # log(0): upstream inf into the flat part
        ("f = sqrt(hardtanh(x) - 1) + x", 3.0),
    ],
)
def test_a_zero_local_derivative_stops_an_infinite_upstream(source: str, x: float) -> None:
    """Where the gate is flat the gradient is 0, not 0 × inf = nan: the only path left is the `+ x`."""
    g = bv.expr(source, x=x)
    assert g.grad("x") == 1.0
    stopped = [s for s in g.backward_steps if "stops the gradient" in s.explanation]
    assert len(stopped) == 1 and "(inf)(0) = 0" in stopped[0].explanation.replace("(-inf)", "(inf)")


def test_masking_works_elementwise_in_arrays() -> None:
    g = bv.expr("f = sum(sqrt(relu(x))) + sum(x)", x=np.array([-1.0, 0.0, 4.0]))
    assert same(g.grad("x"), [1.0, 1.0, 1.25])


def test_a_nan_upstream_is_stopped_too() -> None:
    g = bv.expr("f = sqrt(relu(x) - 1) + x", x=-3.0)  # sqrt(-1): nan value, nan upstream into relu
    assert g.grad("x") == 1.0


def test_gates_that_multiply_are_not_masked() -> None:
    """abs and * multiply upstream by local, as PyTorch does: inf × 0 stays nan there."""
    assert same(bv.expr("f = sqrt(abs(x)) + x", x=0.0).grad("x"), nan)
    assert same(bv.expr("f = sqrt(x * y) + x", x=0.0, y=0.0).grad("y"), nan)


@pytest.mark.parametrize(
    "inputs, value, grads",
    [
        ({"x": 0.0, "y": 2.0}, 0.0, {"x": 0.0, "y": 0.0}),
        ({"x": 0.0, "y": 0.0}, 1.0, {"x": 0.0, "y": 0.0}),
        ({"x": 0.0, "y": 0.5}, 0.0, {"x": inf, "y": 0.0}),
        ({"x": 0.0, "y": -1.0}, inf, {"x": -inf, "y": -inf}),
        ({"x": 2.0, "y": 0.0}, 1.0, {"x": 0.0, "y": math.log(2.0)}),
    ],
)
def test_pow_at_base_zero(inputs: dict, value: float, grads: dict) -> None:
    """∂(x^y)/∂x = 0 where y = 0; ∂(x^y)/∂y = 0 where x = 0 and y ≥ 0 (the limits from x > 0)."""
    g = bv.expr("x ** y", **inputs)
    assert same(g.value, value)
    for name, grad in grads.items():
        assert same(g.grad(name), grad), (name, g.grad(name))


def test_a_zero_in_a_base_vector_keeps_the_exponent_gradient_finite() -> None:
    g = bv.expr("f = sum(x ** y)", x=np.array([0.0, 1.0, 2.0]), y=2.0)
    assert g.grad("y") == pytest.approx(4 * math.log(2.0))
    assert same(g.grad("x"), [0.0, 2.0, 4.0]) and not g.warnings
    assert g.check_gradients().ok(1e-6)  # against central differences


@pytest.mark.parametrize("x, grad", [(2.0, 0.0), (0.0, 0.0), (-1.0, -inf)])
def test_zero_to_a_power_that_is_an_input(x: float, grad: float) -> None:
    assert same(bv.expr("0 ** x", x=x).grad("x"), grad)


@pytest.mark.parametrize("source", ["log(x)", "sqrt(x)", "x ** 0.5"])
def test_log_and_sqrt_of_a_negative_number_follow_one_policy(source: str) -> None:
    g = bv.expr(source, x=-1.0)
    assert same(g.value, nan) and same(g.grad("x"), nan)
    assert gate(g).warning is not None and "of -1 is nan" in gate(g).warning
    arrays = bv.expr(f"sum({source})", x=np.array([-1.0, 4.0]))
    assert same(arrays.grad("x")[0], nan) and math.isfinite(arrays.grad("x")[1])


# -- tiny divisors and PyTorch's zeros of x ** y, whatever comes from above ---------------------------


@pytest.mark.parametrize(
    ("source", "inputs", "name", "want"),
    [
        ("f = x / y", {"x": 3e-162, "y": 3e-162}, "y", -1 / 3e-162),  # y*y underflowed: -3.036e161
        ("f = x / y", {"x": 0.0, "y": 1e-300}, "y", -0.0),  # y*y underflowed to 0: nan
        ("f = 1e-20 / x", {"x": 1e-162}, "x", -1e-20 / 1e-162 / 1e-162),
        ("f = recip(x)", {"x": 1.2e-154}, "x", -((1 / 1.2e-154) ** 2)),
    ],
)
def test_a_tiny_divisor_does_not_underflow_the_gradient(source: str, inputs: dict, name: str, want: float) -> None:
    got = bv.expr(source, **inputs).grad(name)
    assert got == pytest.approx(want, rel=1e-15) and math.copysign(1, got) == math.copysign(1, want)


def test_a_tiny_divisor_still_agrees_with_central_differences() -> None:
    assert bv.expr("f = x / y", x=3e-162, y=2e-162).check_gradients(h=1e-170).ok(1e-6)
    assert bv.expr("f = 1e-20 / x", x=1e-162).check_gradients(h=1e-170).ok(1e-6)


@pytest.mark.parametrize(
    ("source", "inputs", "grads"),
    [  # exp(1000) = inf comes from above; PyTorch's zeros hold, other zeros give inf × 0 = nan
        ("f = exp(z) * x ** y", {"x": 2.0, "y": 0.0, "z": 1000.0}, {"x": 0.0, "y": inf, "z": inf}),
        ("f = exp(z) * x ** y", {"x": 0.0, "y": 2.0, "z": 1000.0}, {"x": nan, "y": 0.0, "z": nan}),
        ("f = exp(z) * x ** y", {"x": 1.0, "y": 2.0, "z": 1000.0}, {"x": inf, "y": nan, "z": inf}),
        ("f = exp(z) * x ** 0", {"x": 2.0, "z": 1000.0}, {"x": 0.0, "z": inf}),
        ("f = exp(z) * x ** 2", {"x": 0.0, "z": 1000.0}, {"x": nan, "z": nan}),
        ("f = exp(z) * 0 ** x", {"x": 2.0, "z": 1000.0}, {"x": 0.0, "z": nan}),
        ("f = exp(z) * 1 ** x", {"x": 2.0, "z": 1000.0}, {"x": nan, "z": inf}),
    ],
)
def test_x_to_the_y_stops_an_infinite_gradient_where_pytorch_does(source: str, inputs: dict, grads: dict) -> None:
    g = bv.expr(source, **inputs)
    assert all(same(g.grad(name), want) for name, want in grads.items()), g.grads()


def test_x_to_the_y_masks_element_by_element() -> None:
    g = bv.expr("f = sum(exp(z) * x ** y)", x=np.array([2.0, 0.0, 3.0]), y=np.array([0.0, 2.0, 1.0]), z=1000.0)
    assert same(g.grad("x"), [0.0, nan, inf]) and same(g.grad("y"), [inf, 0.0, inf])


def test_x_to_the_y_still_agrees_with_central_differences_where_it_is_finite() -> None:
    assert bv.expr("f = exp(z) * x ** y", x=2.0, y=0.0, z=1.5).check_gradients().ok(1e-6)
    assert bv.expr("f = exp(z) * x ** y", x=1.7, y=2.5, z=0.5).check_gradients().ok(1e-6)


def test_the_words_say_stopped_only_where_the_gradient_was_stopped() -> None:
    stopped = "a local derivative of 0 stops the gradient"
    lines = [line for s in bv.expr("f = exp(z) * x ** y", x=2.0, y=0.0, z=1000.0).backward_steps for line in s.lines]
    assert any("∂f/∂x" in line and stopped in line for line in lines)
    lines = [line for s in bv.expr("f = exp(z) * x ** y", x=1.0, y=2.0, z=1000.0).backward_steps for line in s.lines]
    assert any(line.startswith("∂f/∂y") and line.endswith("= nan") for line in lines)
    assert not any(stopped in line for line in lines)
