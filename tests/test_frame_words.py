"""What a frame's heading and words say where the stepper does not start at the inputs."""

from __future__ import annotations

import backprop_viz as bv


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
