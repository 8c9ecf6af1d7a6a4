"""The engine: gates, steps, gate patterns, determinism, scale, errors, finite differences."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_viz as bv
from backprop_viz.engine import ops

# -- gate patterns (decks 000, 001, 002) ----------------------------------------------------


def test_add_distributes_the_gradient() -> None:
    g = bv.expr("f = 3 * (x + y)", x=1.5, y=-7)
    assert g.grad("x") == g.grad("y") == 3
    assert g.steps[-1].node.op.lecture == "gradient distributor"


def test_mul_switches_the_inputs() -> None:
    g = bv.expr("x * y", x=3, y=-4)
    assert (g.grad("x"), g.grad("y")) == (-4, 3)
    assert g.steps[-1].node.op.lecture == "gradient switcher"


@pytest.mark.parametrize(("x", "y", "gx", "gy"), [(4, 2, 1, 0), (2, 4, 0, 1), (3, 3, 1, 0)])
def test_max_routes_the_gradient_ties_go_to_the_first_input(x, y, gx, gy) -> None:
    g = bv.expr("max(x, y)", x=x, y=y)
    assert (g.grad("x"), g.grad("y")) == (gx, gy)
    assert g.steps[-1].node.op.lecture == "gradient router"


def test_branches_add_and_the_accumulation_is_a_visible_step() -> None:
    g = bv.expr("a = x * y; b = x * z; f = a + b", x=2, y=3, z=4)
    assert g.grad("x") == 3 + 4
    into_x = [c for s in g.backward_steps for c in s.contributions if c.input.name == "x"]
    assert [(c.before, c.downstream, c.total) for c in into_x] == [(None, 4, 4), (4, 3, 7)]
    assert "added to the 4 already there: total 7" in g.backward_steps[-1].explanation


def test_exp_and_power_gates() -> None:
    g = bv.expr("exp(x) + x ** y", x=2, y=3)
    assert g.grad("x") == pytest.approx(math.exp(2) + 3 * 2**2)
    assert g.grad("y") == pytest.approx(2**3 * math.log(2))


def test_constants_fold_into_the_gates_the_decks_draw() -> None:
    g = bv.expr("1 / (1 + exp(-x))", x=0.5)
    assert [n.op.symbol for n in g.nodes if n.op] == ["*-1", "exp", "+1", "1/x"]
    assert {n.kind for n in g.nodes} == {"input", "op"}


@pytest.mark.parametrize("name", sorted(set(ops.FUNCTIONS) - {"sum", "sumsq"}))
def test_every_function_matches_finite_differences(name: str) -> None:
    op = ops.FUNCTIONS[name]
    args = ", ".join(["x", "y"][: op.arity])
    g = bv.expr(f"{name}({args})", **dict(zip("xy", [0.7, 1.3][: op.arity], strict=False)))
    assert g.check_gradients(h=1e-6).ok(1e-6), name


# -- steps -----------------------------------------------------------------------------------


def test_steps_forward_in_topological_order_then_backward_in_reverse() -> None:
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    assert [(s.phase, s.node.label) for s in g.steps] == [
        ("forward", "q"),
        ("forward", "f"),
        ("backward", "f"),
        ("backward", "f"),
        ("backward", "q"),
    ]
    assert g.steps[2].is_seed and g.steps[2].upstream == 1
    assert [s.index for s in g.steps] == list(range(5))
    assert g.steps[0].explanation == "q = x + y = (-2) + 5 = 3"
    assert r"\frac{\partial f}{\partial x}" in g.steps[-1].latex


def test_state_at_each_step_knows_only_what_has_been_computed() -> None:
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    q, f = g.node("q").index, g.node("f").index
    values, grads = g.state_at(-1)
    assert values[q] is None and values[f] is None and grads == [None] * 5
    values, grads = g.state_at(1)
    assert values[f] == -12 and grads == [None] * 5  # not computed yet, never a made-up 0
    values, grads = g.state_at(3)
    assert grads[q] == -4 and grads[g.node("x").index] is None
    assert g.state_at(len(g.steps) - 1)[1] == [n.grad for n in g.nodes]


def test_gradients_are_never_accumulated_twice() -> None:
    g = bv.expr("a = x * x; f = a + x", x=3)
    first = g.grads()
    g.backward()
    g.backward()
    assert g.grads() == first and g.grad("x") == 7
    g.set(x=3)
    assert g.grads() == first
    x = bv.Var(3.0, name="x")
    out = x * x + x
    out.backward()
    out.backward()
    assert x.grad == 7


def test_set_reruns_both_passes_and_records_new_steps() -> None:
    g = bv.expr("(x + y) * z", x=-2, y=5, z=-4)
    g.set(z=2)
    assert g.value == 6 and g.grad("x") == 2
    assert g.steps[-1].explanation.endswith("= 2")


def test_same_input_same_graph() -> None:
    def shape(g: bv.Graph) -> list:
        return [(n.id, n.label, n.kind, tuple(i.id for i in n.inputs)) for n in g.nodes]

    source = "a = x * y; b = max(a, z); f = exp(b) + a * x"
    assert shape(bv.expr(source, x=1, y=2, z=3)) == shape(bv.expr(source, z=3, y=2, x=1))


def test_a_chain_of_100000_nodes_needs_no_recursion() -> None:
    x = bv.Var(0.5, name="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    g = bv.trace(y)
    assert len(g.nodes) == 100_001 and g.grad("x") == 1.0
    assert len(g.steps) == 100_000 + 1 + 100_000


# -- vectors ---------------------------------------------------------------------------------


def test_norm_of_w_times_x_cs231n_numbers() -> None:
    w, x = np.array([[0.1, 0.5], [-0.3, 0.8]]), np.array([0.2, 0.4])
    g = bv.expr("q = W @ x; f = sumsq(q)", W=w, x=x)
    q = w @ x
    assert g.value == pytest.approx(0.116)
    np.testing.assert_allclose(g.grad("W"), 2 * np.outer(q, x))
    np.testing.assert_allclose(g.grad("x"), [sum(2 * q[k] * w[k, i] for k in range(2)) for i in range(2)])
    np.testing.assert_allclose(g.grad("x"), [-0.112, 0.636])
    assert g.grad("W").shape == (2, 2) and g.check_gradients().ok(1e-6)


def test_two_layer_vector_network_gradients_have_the_inputs_shapes() -> None:
    rng = np.random.default_rng(0)
    w1, b1, w2, b2, x = (
        bv.Var(rng.normal(size=s), name=n)
        for n, s in [("W1", (3, 2)), ("b1", (3,)), ("W2", (1, 3)), ("b2", (1,)), ("x", (2,))]
    )
    a2 = (w2 @ (w1 @ x + b1).relu() + b2).sigmoid()
    g = bv.trace(a2.sum())
    for name in ("W1", "b1", "W2", "b2", "x"):
        assert np.shape(g.grad(name)) == g.node(name).shape
    assert g.check_gradients().ok(1e-5)


def test_a_numpy_array_on_the_left_of_a_var_makes_one_var() -> None:
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = bv.Var(np.array([1.0, -1.0]), name="x")
    assert isinstance(W @ x, bv.Var) and isinstance(W * x, bv.Var) and isinstance(W + x, bv.Var)
    g = bv.trace((W @ x).sumsq())
    assert g.value == 2.0 and np.allclose(g.grad("x"), 2 * W.T @ (W @ np.array([1.0, -1.0])))
    assert g.check_gradients().ok()


def test_broadcasting_sums_the_gradient_back() -> None:
    g = bv.trace((bv.Var(np.ones((2, 3)), name="A") * bv.Var(2.0, name="s")).sum())
    assert g.grad("s") == 6.0 and np.all(g.grad("A") == 2.0)


# -- property: random expressions against central differences --------------------------------

SAFE_UNARY = [
    "tanh({})",
    "sigmoid({})",
    "exp(tanh({}))",
    "log(1 + exp({}))",
    "softsign({})",
    "({}) ** 2",
    "sqrt(1 + ({}) ** 2)",
    "-({})",
]
BINARY = ["({}) + ({})", "({}) - ({})", "({}) * ({})", "({}) / (2 + tanh({}))", "max({}, {})"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()) and depth < 3:
        return draw(st.sampled_from(["x", "y", "z", "0.5"]))
    if draw(st.booleans()):
        return draw(st.sampled_from(SAFE_UNARY)).format(draw(expressions(depth - 1)))
    template = draw(st.sampled_from(BINARY))
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    return template.format(left, right)


@settings(max_examples=150, deadline=None)
@given(source=expressions(), values=st.tuples(*[st.floats(-2, 2).filter(lambda v: abs(v) > 0.05)] * 3))
def test_random_expressions_match_central_differences(source: str, values: tuple) -> None:
    inputs = {n: v for n, v in zip("xyz", values, strict=True) if re.search(rf"\b{n}\b", source)}
    if not inputs:
        return
    g = bv.expr(source, **inputs)
    if any(n.op is ops.MAX and abs(n.inputs[0].value - n.inputs[1].value) < 1e-3 for n in g.nodes):
        return  # a tie in max: the derivative does not exist there
    check = g.check_gradients(h=1e-6)
    # relative error, with an absolute floor where the exact gradient is 0 and rounding is all that is left
    bad = [r for r in check.rows if abs(r[1] - r[2]) > 1e-4 * max(abs(r[1]), abs(r[2])) + 1e-7]
    assert not bad, f"{source} at {inputs}:\n{check}"


# -- bad input: clear errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("(x + y) * z", {"x": 1, "y": 2}, "no value for 'z'; known names: e, pi, x, y"),
        ("x +* y", {"x": 1, "y": 2}, "syntax error"),
        ("x.real", {"x": 1}, "attribute access"),
        ("foo(x)", {"x": 1}, "unknown function 'foo' (to multiply by foo, write foo*(...)); known functions: abs, exp"),
        ("x", {"x": 1, "w": 2}, "value given for 'w', which the expression does not use"),
        ("exp(x, x)", {"x": 1}, "exp takes 1 argument, got 2"),
        ("q = x; q = x * 2", {"x": 1}, "'q' already has a value"),
        ("x[0]", {"x": 1}, "subscripts"),
        ("", {}, "empty"),
    ],
)
def test_errors_say_what_and_where(source: str, values: dict, message: str) -> None:
    with pytest.raises(bv.ExpressionError, match=None) as info:
        bv.expr(source, **values)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_the_caret_points_at_the_problem() -> None:
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr("(x + y) * zz", x=1, y=2)
    assert info.value.column == 11
    assert str(info.value).splitlines()[1:] == ["    (x + y) * zz", "              ^"]


def test_set_refuses_unknown_inputs_and_wrong_shapes() -> None:
    g = bv.expr("sumsq(W @ x)", W=np.eye(2), x=np.ones(2))
    with pytest.raises(bv.ExpressionError, match=r"must have shape \(2,\), got \(3,\)"):
        g.set(x=np.ones(3))
    with pytest.raises(bv.ExpressionError, match="'v' is not an input of this graph; inputs: W, x"):
        g.set(v=1.0)
    assert g.value == 2.0  # nothing lost


@pytest.mark.parametrize(
    ("source", "values", "warning"),
    [
        ("log(x)", {"x": 0}, "log needs a positive input"),
        ("1 / x", {"x": 0}, "division by 0"),
        ("sqrt(x)", {"x": -1}, "sqrt needs a non-negative input"),
        ("exp(x)", {"x": 1000}, "exp overflows"),
    ],
)
def test_domain_problems_warn_on_the_node_and_the_step(source: str, values: dict, warning: str) -> None:
    g = bv.expr(f"f = {source} + y", y=1.0, **values)
    assert not math.isfinite(g.value)
    assert any(warning in w for w in g.warnings)
    assert any(s.warning and warning in s.explanation for s in g.forward_steps)
    g.set(**{k: 0.5 for k in values})
    assert math.isfinite(g.value) and not g.warnings  # everything else keeps working


def test_at_a_branch_each_path_is_a_share_and_the_shares_add() -> None:
    g = bv.expr("a = x*y; f = a + x", x=2, y=3)
    lines = [line for s in g.backward_steps for line in s.lines if "x" in line.split("=")[0]]
    first, second = lines
    assert not first.startswith("∂f/∂x =")  # one path's share is not the gradient
    assert first.startswith("through f:") and "the local derivative 1, the first share of ∂f/∂x" in first
    assert second.startswith("through a:") and "= 3, added to the 1 already there: total 4" in second
    assert "gradient adder" in second and g.grad("x") == 4.0
    assert g.node("x").uses == 2 and g.node("f").is_output and not g.node("a").is_output


def test_a_max_tie_says_which_input_gets_the_gradient() -> None:
    tie = bv.expr("f = max(x, y) * 2", x=3, y=3).backward_steps[-1].explanation
    assert "a tie: by convention the whole gradient goes to the first input, x" in tie
    assert "tie" not in bv.expr("f = max(x, y) * 2", x=3, y=2).backward_steps[-1].explanation


def test_unnamed_inputs_are_checked_and_an_unnamed_output_is_found_by_its_label() -> None:
    x, y = bv.Var(2.0), bv.Var(3.0, name="y")
    g = bv.trace(x * y + x)
    check = g.check_gradients()
    assert [row[0] for row in check.rows] == ["n0", "y"] and check.ok()
    assert g.grad("f") == 1.0 and g.node("f") is g.output  # the f of "∂f/∂f = 1"


def test_a_graph_shows_its_size_and_named_values() -> None:
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    assert repr(g) == "<Graph: 5 nodes, 5 steps, x=-2, y=5, q=3, z=-4, f=-12>"
