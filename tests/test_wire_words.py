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
from wire_labels import at_dot, crossings

import backprop_viz as bv

# The wires a stepper of these notebooks still crosses words of, at most: steep wires between close gates
# (a network's weighted inputs going into their sums), whose gradient has no room on either side, where
# the words of the next wire, a node or another wire already are (then they stay where dot put them).
# Measured: 05 one, 11 two, 12 and 16 one (the 2-2-1 network: 11 at dot's points), 13 five (of 38).
LEFT = {
    "05-activation-functions": 1,
    "11-four-pixel-images": 2,
    "12-network-2-2-1": 1,
    "13-network-3-2-2": 5,
    "16-backprop-is-not-learning": 1,
}
CLEAR = [p.stem for p in NOTEBOOKS if p.stem not in LEFT]


@pytest.mark.slow
@pytest.mark.parametrize("name", CLEAR)
def test_no_wire_crosses_its_words(name: str) -> None:
    if not shown()[name]["steppers"]:
        pytest.skip(f"{name} makes no stepper (its diagrams are network views)")
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
    assert now <= before / 20, (now, before)  # measured: 11 of 255 (73 before the words moved each on its own)
    dense = [s for s in shown()["13-network-3-2-2"]["steppers"] if "gate by gate" in s["title"]]
    assert dense and all(len(s["crossings"]) <= len(s["crossings_at_dot"]) / 6 for s in dense)


def test_a_steep_wires_words_go_beside_it() -> None:
    """06's circuit of scalars: wires climb a whole row between close gates (8 crossings before the value
    and the gradient moved each on its own, 15 at dot's points); the words now stand on either side."""
    g = bv.expr(
        "q1 = W11*x1 + W12*x2; q2 = W21*x1 + W22*x2; f = q1**2 + q2**2",
        W11=0.1, W12=0.5, W21=-0.3, W22=0.8, x1=0.2, x2=0.4,
    )  # fmt: skip
    assert len(crossings(g, places=at_dot)) >= 10
    assert crossings(g) == []
