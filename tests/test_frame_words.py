"""What a frame's heading and words say where the stepper does not start at the inputs."""

from __future__ import annotations

import re

import numpy as np

import backprop_viz as bv
from backprop_viz.drawing.step_states import step_states


def test_a_backward_only_stepper_opens_on_the_backward_pass_start() -> None:
    s = bv.Stepper("f = 2*(x*y + max(z, w))", x=3, y=-4, z=2, w=-1, show="backward")
    first = s.frame(0)
    assert first.phase == "backward" and "the backward pass starts here" in first.title
    assert "forward" not in first.title and "f = -20" in first.note
    assert s.frame(1).title.startswith("Step 1 of 5: backward: start at the output")


def test_a_stepper_of_both_passes_still_opens_on_the_inputs() -> None:
    s = bv.Stepper("f = x*y", x=3, y=-4)
    assert (s.frame(0).phase, s.frame(0).title) == ("start", "Step 0 of 3: the inputs")
    assert (s.frame(1).phase, s.frame(1).title) == ("forward", "Step 1 of 3: forward: f")
    forward = bv.Stepper("f = x*y", x=3, y=-4, show="forward")
    assert forward.frame(0).phase == "start" and forward.frame(1).phase == "forward"


def visible(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def test_a_name_is_written_as_typed_in_every_place_the_stepper_shows_it() -> None:
    """z_a in the diagram, the headings, the table, the inputs' sentence, the explanations and the quiz, never
    z<sub>a</sub> in one place and z_a in another (the headings are text: they could not hold a subscript)."""
    s = bv.Stepper("z_a = w_1*x_in + b_0; f = sigmoid(z_a)", w_1=0.5, x_in=2, b_0=-0.25)
    notes = [s.frame(k).note for k in range(len(s))]
    assert all("<sub>" not in note for note in notes)
    assert "w_1 = 0.5, x_in = 2, b_0 = -0.25" in notes[0]
    assert "<i>z_a</i> = <i>mul1</i> + <i>b_0</i>" in notes[2] and "forward: z_a" in s.frame(2).title
    assert "∂z_a∂b_0" in visible(notes[6]) and "backward through z_a" in s.frame(6).title
    assert ">z_a =<" in s.svg(2) and ["z_a", 16, 30] in s.widget.view["table"]["rows"]  # label, element, slot
    q = bv.quiz(s.graph, ask=["b_0", "w_1"])
    q.show_step("w_1")
    assert all("<sub>" not in line for lines in (*q.hints.values(), *q.first_hints.values()) for line in lines)
    assert "<sub>" not in q.widget.steps_shown["w_1"] and "∂f/∂w_1" in q.widget.rows[1]["label"]


def test_the_inputs_are_listed_by_name_group_and_number() -> None:
    x = bv.variables(x1=1.0, w1=0.1, x2=4.0, w3=0.3, w2=0.2, w10=0.1, b1=0.5)
    x1, w1, x2, w3, w2, w10, b1 = x
    g = bv.trace((x1 * w1 + x2 * w3 + w2 * w10 + b1).named("f"))
    words = bv.Stepper(g).frame(0).note
    assert "x1 = 1, x2 = 4, w1 = 0.1, w2 = 0.2, w3 = 0.3, w10 = 0.1, b1 = 0.5." in words


def test_small_numbers_are_written_with_a_decimal_point_beside_larger_ones() -> None:
    """13's table had 8.086e-5 beside 0.0004043: one form down to 1e-6."""
    g = bv.expr("f = a * b * c", a=0.0004043, b=0.2, c=1.0)
    lines = " ".join(line for s in g.backward_steps for line in s.lines)
    assert "e-" not in lines and "0.00008086" in lines
    assert bv.fmt(1.2e-7) == "1.2e-7"


def test_a_vector_gates_wire_says_what_multiplies_the_upstream() -> None:
    """Not "local 3-vector" or "local upstream · xᵀ": numbers where they fit, else the rule with names."""
    notes = set()
    for e, values in [("f = 2*sum(x)", {}), ("q = W @ x; f = sum(exp(q))", {"W": np.eye(3)})]:
        g = bv.expr(e, x=np.array([1.0, 2.0, 3.0]), **values)
        notes |= {t for frame in step_states(g) for t in frame.edge_note if t}
    assert {"local [1, 1, 1]", "local xᵀ", "local Wᵀ", "local exp(q)"} <= notes
    assert not any("vector" in t or "upstream" in t for t in notes)
