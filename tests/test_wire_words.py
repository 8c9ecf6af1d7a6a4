"""A wire never strikes through its own words where it can be helped.

The words over and under a wire (its value; its gradient and local derivative) go where dot kept room
for them, unless the wire runs through them there: then each along the wire and just clear of it (the
value over it, the gradient under it; beside a steep wire, on either side of it), never onto a node,
other words or another wire (``layout._word_places``). Measured on every stepper of the notebooks with
the texts of all their frames, in the font they are drawn in (``tests/wire_labels.py``), against the same
words left at dot's label points.
"""

from __future__ import annotations

import pytest
from notebook_steppers import NOTEBOOKS, shown

# The wires a stepper of these notebooks still crosses words of, at most: steep wires between close gates
# (a network's weighted inputs going into their sums), whose gradient has no room on either side, where
# the words of the next wire, a node or another wire already are; and a first or last wire at the edge of
# a small circuit, whose words would have to go past it, making the picture wider (then they stay where
# dot put them). Measured: one a stepper in 00, 02-05, 10, 12, 16, 17; 11 three; 13 five (of 38).
LEFT = {
    "00-start-here": 1,
    "02-first-circuit": 1,
    "03-sigmoid-neuron": 1,
    "04-gate-patterns": 1,
    "05-activation-functions": 1,
    "10-computational-graphs-revisited": 1,
    "11-four-pixel-images": 3,
    "12-network-2-2-1": 1,
    "13-network-3-2-2": 5,
    "16-backprop-is-not-learning": 1,
    "17-smallest-perceptron": 1,
}
CLEAR = [p.stem for p in NOTEBOOKS if p.stem not in LEFT]


@pytest.mark.slow
@pytest.mark.parametrize("name", CLEAR)
def test_no_wire_crosses_its_words(name: str) -> None:
    for s in shown()[name]["steppers"]:
        assert not s["crossings"], (s["title"], s["crossings"])


@pytest.mark.slow
@pytest.mark.parametrize("name", LEFT)
def test_the_few_crossings_left_are_bounded(name: str) -> None:
    for s in shown()[name]["steppers"]:
        assert len(s["crossings"]) <= LEFT[name], (s["title"], s["crossings"])


@pytest.mark.slow
def test_far_fewer_crossings_than_at_dots_label_points() -> None:
    steppers = [s for made in shown().values() for s in made["steppers"]]
    now = sum(len(s["crossings"]) for s in steppers)
    before = sum(len(s["crossings_at_dot"]) for s in steppers)
    assert now <= before / 6, (now, before)  # measured: 40 of 255 (73 before the words moved each on its own)
    dense = [s for s in shown()["13-network-3-2-2"]["steppers"] if "gate by gate" in s["title"]]
    assert dense and all(len(s["crossings"]) <= len(s["crossings_at_dot"]) / 6 for s in dense)
