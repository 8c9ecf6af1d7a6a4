"""Every gate has a short unique name, the same in the table and in every explanation."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_decks import C2_WEIGHTS, C3_WEIGHTS, network_2_2_1, network_3_2_2
from test_decks_001_003 import SCORES, hinge

import backprop_viz as bv
from backprop_viz.drawing.words import table_skeleton
from backprop_viz.engine import ops
from backprop_viz.engine.names import gate_names
from backprop_viz.engine.notation import HTML_MATH, LATEX, PLAIN

A3 = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)


def deck_graphs() -> dict[str, bv.Graph]:
    """A graph for each of the decks' examples that has unnamed gates."""
    return {
        "A1": bv.expr("(x + y) * z", x=-2, y=5, z=-4),
        "A3": bv.expr("1/(1+exp(-(w0*x0 + w1*x1 + w2)))", **A3),
        "A3 expanded": bv.expr("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, **A3),
        "B1 hinge": hinge(SCORES[:, 0], 0),
        "B5": bv.expr("f = sumsq(W @ x)", W=np.array([[0.1, 0.5], [-0.3, 0.8]]), x=np.array([0.2, 0.4])),
        "C2": network_2_2_1(C2_WEIGHTS),
        "C3": network_3_2_2(C3_WEIGHTS, [0.5, 0.5, 0.5, 0.5]),
        "D1": bv.expr("f = 10*x**3*y**2 + 5*x*y**3 + 4*x + y", x=1.0, y=2.0),
        "D5": bv.expr("a = sigmoid(z); C = 0.5*(a - 1)**2", z=-4),
        "network 2-2-1": bv.network([2, 2, 1], weights=C2_WEIGHTS).graph,
        "network 4-5-4": bv.network([4, 5, 4], seed=1).graph,
        "three paths": bv.expr("f = x*y*x + exp(x) * 2 + max(x, 0)", x=2, y=3),
    }


GRAPHS = deck_graphs()


@pytest.mark.parametrize("example", GRAPHS)
def test_every_node_has_one_unique_label(example: str) -> None:
    g = GRAPHS[example]
    labels = [n.label for n in g.nodes if n.kind != "const"]
    assert len(labels) == len(set(labels)), [x for x in labels if labels.count(x) > 1]
    assert all(re.fullmatch(r"\w+", label) for label in labels), labels  # never [*] or [+]
    for n in g.nodes:
        if n.op is not None and n.name is None and not n.is_output:
            assert g.node(n.label) is n  # a given name finds its node, like a name


@pytest.mark.parametrize("example", GRAPHS)
def test_explanations_and_table_name_gates_as_the_labels_do(example: str) -> None:
    g = GRAPHS[example]
    table = table_skeleton(g, 0, 0)
    for n in g.nodes:
        if n.kind != "const":
            assert f"<td>{n.label}<span" in table
    for step in g.steps:
        text = step.explanation + step.title
        assert not re.search(r"\[[^\d\[\]-]", text), text  # no [*] or [+]; arrays like [0.1, 2] aside
        f = g.output_label
        assert "gate computes" not in text and f"∂{f}/∂{f} ·" not in text  # no circular chain rule
        if step.phase == "forward":
            assert step.lines[0].startswith(f"{step.node.label} = ")
        for math in (PLAIN, LATEX, HTML_MATH):
            assert step.written(math)


@pytest.mark.parametrize("example", ["A1", "A3 expanded", "D1", "C2"])
def test_the_diagram_writes_each_gate_name_where_the_table_has_it(example: str) -> None:
    g = GRAPHS[example]
    svg = bv.Stepper(g).widget.view["svg"]
    drawn = set(re.findall(r">([^<>]+)</text>", svg))
    for n in g.nodes:
        if n.kind == "op" and not n.is_output:
            # an unnamed gate's name is written small in its circle; a named one's is on its wire ("q =")
            assert (n.label if n.name is None else f"{n.label} =") in drawn, n.label


def test_a_gate_name_is_short_and_counts_by_kind() -> None:
    g = bv.expr("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, **A3)
    gates = [n.label for n in g.nodes if n.op is not None]
    assert gates == ["mul1", "mul2", "add1", "add2", "neg1", "exp1", "add3", "f"]
    assert [s.title for s in g.forward_steps][:2] == ["forward: mul1", "forward: mul2"]
    assert g.forward_steps[2].explanation == "add1 = mul1 + mul2 = (-2) + 6 = 4"
    assert "∂f/∂mul1 = ∂f/∂add1 · ∂add1/∂mul1 = (0.1966)(1) = 0.1966" in g.backward_steps[-3].lines


def test_the_network_sums_name_their_products() -> None:
    g = bv.network([2, 2, 1], weights=C2_WEIGHTS).graph
    z_a = next(s for s in g.forward_steps if s.node.name == "z_a")
    assert re.fullmatch(r"z_a = add\d+ \+ mul\d+ = .*", z_a.explanation) or re.fullmatch(
        r"z_a = mul\d+ \+ mul\d+ = .*", z_a.explanation
    ), z_a.explanation


def test_a_name_the_user_gave_is_never_given_to_a_gate() -> None:
    x, y = bv.variables(x=2.0, y=3.0)
    g = bv.trace((x * y).named("mul1") * x * y)
    assert [n.label for n in g.nodes if n.op is not None] == ["mul1", "mul2", "f"]
    kinds = [ops.MUL, ops.mul_const(2.0), ops.add_const(1.0), ops.SIGMOID]
    assert gate_names([op.short_name for op in kinds], {"mul1", "mul3"}) == [
        "mul2",
        "mul4",
        "add1",
        "sig1",
    ]


def test_an_unnamed_output_is_called_by_the_output_label() -> None:
    x, y = bv.variables(x=2.0, y=3.0)
    g = bv.trace(x * y + x, output_label="L")
    assert g.output.label == "L" and g.forward_steps[-1].explanation.startswith("L = mul1 + x")
    share = "through L: the local derivative 1, the first share of ∂L/∂x (x is used 2 times: the shares add up)"
    assert g.backward_steps[1].lines == ["∂L/∂mul1 = 1", share]
