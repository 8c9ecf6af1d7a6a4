"""A stepper's and a network view's arguments: a wrong one is refused at once with one short line that
names it (TypeError for the wrong kind of thing, ValueError for a number out of range), never a traitlets
traceback of 44 lines nor an AttributeError later in to_html or save."""

from __future__ import annotations

import pytest

import backprop_viz as bv


def one_line_naming(error: pytest.ExceptionInfo, name: str) -> None:
    text = str(error.value)
    assert "\n" not in text and len(text) < 160 and text.startswith(name), text


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ({"step": "3"}, TypeError),
        ({"step": 1.5}, TypeError),
        ({"step": True}, TypeError),
        ({"title": 123}, TypeError),
        ({"title": ["a"]}, TypeError),
        ({"interval": "fast"}, TypeError),
        ({"interval": 0}, ValueError),
        ({"interval": -5}, ValueError),
        ({"interval": float("nan")}, ValueError),
        ({"interval": 10**9}, ValueError),
        ({"scale": True}, TypeError),
        ({"scale": "2"}, TypeError),
        ({"scale": 0}, ValueError),
        ({"predict": "yes"}, TypeError),
        ({"table": 1}, TypeError),
        ({"theme": ["dark"]}, TypeError),
    ],
)
def test_a_stepper_refuses_a_wrong_argument_in_one_line(given: dict, kind: type) -> None:
    with pytest.raises(kind) as error:
        bv.Stepper("f = x*y", x=1, y=2, **given)
    one_line_naming(error, next(iter(given)))


@pytest.mark.parametrize(("k", "kind"), [(1.5, TypeError), ("2", TypeError), (True, TypeError), (99, IndexError)])
def test_setting_a_step_that_is_no_frame_says_so_in_one_line(k: object, kind: type) -> None:
    s = bv.Stepper("f = x*y", x=1, y=2)
    try:
        with pytest.raises(kind) as error:
            s.step = k
        assert "\n" not in str(error.value) and "step" in str(error.value)
        s.step = 2  # a whole number in range is fine
        assert s.step == 2
    finally:
        s.close()


def test_numpy_whole_numbers_and_numbers_are_fine(tmp_path) -> None:
    import numpy as np

    s = bv.Stepper("f = x*y", x=1, y=2, step=np.int64(1), interval=np.float64(300), scale=np.float32(1.5))
    try:
        assert s.step == 1 and s.interval == 300
        s.step = np.int32(2)
        assert s.save(tmp_path / "a.gif").stat().st_size > 0  # the interval reaches the GIF as milliseconds
    finally:
        s.close()


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ({"scale": -1}, ValueError),
        ({"scale": "big"}, TypeError),
        ({"step": 1.5}, TypeError),
        ({"title": 1}, TypeError),
        ({"interval": "x"}, TypeError),
        ({"interval": 0}, ValueError),
    ],
)
def test_a_network_view_refuses_a_wrong_argument_in_one_line(given: dict, kind: type) -> None:
    net = bv.network([2, 2, 1], weights=[0.1] * 6, inputs=[1, 0], targets=[1])
    with pytest.raises(kind) as error:
        bv.NetworkView(net, **given)
    one_line_naming(error, next(iter(given)))
