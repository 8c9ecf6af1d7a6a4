"""A stepper, a network view and a quiz ARE widgets: each goes wherever a widget does.

An ipywidgets layout (``VBox``), ``jslink`` to another widget's trait, marimo's ``mo.ui.anywidget`` (the
browser side of marimo is tested in ``tests/browser/test_marimo.py``). Made without a kernel, as in
``test_widget_life.py``.
"""

from __future__ import annotations

import anywidget
import ipywidgets as w
import pytest

import backprop_viz as bv
from backprop_viz.engine.networks import network
from backprop_viz.frontend.network_view import NetworkView

A1 = "q = x + y; f = q * z"


@pytest.fixture
def made():
    """A stepper, a network view and a quiz, closed after the test."""
    g = bv.expr(A1, x=-2, y=5, z=-4)
    things = [
        bv.Stepper(g),
        NetworkView(network([2, 2, 1], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], inputs=[1, 0], targets=[1])),
        bv.quiz(g, ask=["x", "z"]),
    ]
    yield things
    for thing in things:
        thing.close()


def test_each_is_the_widget_itself(made) -> None:
    for thing in made:
        assert isinstance(thing, anywidget.AnyWidget) and thing.widget is thing
    s, view, q = made
    from backprop_viz.frontend.quiz import Quiz

    assert isinstance(q, bv.Quiz) and bv.Quiz is Quiz and type(q).__module__ == "backprop_viz.frontend.quiz"
    assert s.get_state()["step"] == 0 and "words" in s.get_state() and "steps_shown" in q.get_state()
    assert [thing.has_trait("frames") for thing in made] == [False] * 3  # s.frames and view.frames are lists
    assert len(s.frames) == len(s) and len(view.frames) == len(view)


def test_each_goes_into_an_ipywidgets_layout(made) -> None:
    box = w.VBox(made)
    assert list(box.children) == made
    box.close()


def test_the_step_links_to_another_widget_and_stays_in_range(made) -> None:
    s = made[0]
    slider = w.IntSlider(min=0, max=len(s) - 1)
    link = w.jslink((s, "step"), (slider, "value"))
    s.step = 3  # from code: the same trait the browser moves
    assert s.get_state()["step"] == 3
    with pytest.raises(IndexError, match="out of range: 0 to 5"):
        s.step = len(s)
    assert s.step == 3
    link.unlink()
    slider.close()


def test_marimo_takes_each_as_an_anywidget(made) -> None:
    if int(w.__version__.split(".")[0]) < 8:
        pytest.skip("marimo's widgets need ipywidgets 8")
    mo = pytest.importorskip("marimo")
    for thing in made:
        element = mo.ui.anywidget(thing)
        assert element.widget is thing
        assert f"&quot;{thing.model_id}&quot;" in element.text  # the page's element names the widget's model
    s = made[0]
    assert mo.ui.anywidget(s).value["step"] == s.step and "words" in mo.ui.anywidget(s).value
