"""A wire never strikes through its own words where it can be helped.

The words over and under a wire (its value; its gradient and local derivative) go where dot kept room
for them, unless the wire curves through them there: then along the wire to where it is flatter, and up
or down clear of it (``layout._word_places``). Measured on every stepper of the notebooks with the texts
of all their frames, in the font they are drawn in (``tests/wire_labels.py``), against the same words
left at dot's label points.
"""

from __future__ import annotations

import pytest
from notebook_steppers import shown

# Every stepper of these notebooks, but for 06's circuit of scalars, whose steep wires leave the words
# beside them (a wire that climbs a whole row under its words cannot be cleared by moving them a little).
CLEAR = [
    "04-gate-patterns",
    "06-vectors-and-modules",
    "07-losses",
    "08-gradient-descent",
    "15-two-layer-vector-network",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", CLEAR)
def test_no_wire_crosses_its_words_in_the_vector_and_loss_circuits(name: str) -> None:
    checked = [s for s in shown()[name]["steppers"] if "with scalars only" not in s["title"]]
    assert checked, f"{name} makes no stepper to look at"
    for s in checked:
        assert not s["crossings"], (s["title"], s["crossings"])


@pytest.mark.slow
def test_far_fewer_crossings_than_at_dots_label_points() -> None:
    steppers = [s for made in shown().values() for s in made["steppers"]]
    now = sum(len(s["crossings"]) for s in steppers)
    before = sum(len(s["crossings_at_dot"]) for s in steppers)
    assert now <= before / 3, (now, before)
    dense = [s for s in shown()["13-network-3-2-2"]["steppers"] if "gate by gate" in s["title"]]
    assert dense and all(len(s["crossings"]) < len(s["crossings_at_dot"]) / 2 for s in dense)
