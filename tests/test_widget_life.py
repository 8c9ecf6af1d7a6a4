"""The stepper over a long life: many input changes and steps without growing memory, shown twice,
closed, warning on a node whose input makes log(0), and every drawing entry point without Graphviz.

Widgets are made without a kernel (ipywidgets then talks to a comm that goes nowhere), and
displayed through IPython's own display formatter, as a notebook would.
"""

from __future__ import annotations

import gc
import math
import shutil
import tracemalloc
from collections import OrderedDict
from pathlib import Path

import ipywidgets as w
import ipywidgets.widgets.widget as widget_registry
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

import backprop_viz as bv
from backprop_viz.drawing import layout
from backprop_viz.drawing.painter import FramePainter
from backprop_viz.drawing.wire import WARNING
from backprop_viz.engine.networks import network
from backprop_viz.frontend.network_view import NetworkView

A1 = "q = x + y; f = q * z"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shown(obj: object) -> dict:
    """What a notebook would receive for ``display(obj)``: the mime bundle."""
    data, _metadata = DisplayFormatter().format(obj)
    return data


def slider_values(s: bv.Stepper) -> dict[str, float]:
    """Where the stepper's input sliders stand, as the browser is told."""
    return {spec["name"]: spec["value"] for spec in s.widget.inputs}


def slide(s: bv.Stepper, **values: float) -> None:
    """What the browser sends when the student drags an input slider."""
    s.widget.receive({"set": values})


def active_widgets() -> set[str]:
    """Model ids of every widget alive in this process (ipywidgets keeps them until closed)."""
    registry = getattr(widget_registry, "_instances", None)  # ipywidgets 8
    return set(registry if registry is not None else w.Widget.widgets)  # ipywidgets 7


# -- a long life -----------------------------------------------------------------------------------


@pytest.mark.slow  # 7 to 13 s
def test_500_input_changes_and_500_steps_do_not_grow_memory() -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4)
    values = [-3.0 + 0.25 * k for k in range(24)]
    for k in range(50):  # warm up: caches, first-time allocations
        s.set(x=values[k % len(values)])
        s.step = k % len(s)
    gc.collect()
    widgets = active_widgets()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for k in range(500):
            s.set(x=values[k % len(values)], y=values[(k * 7) % len(values)])
        for k in range(500):
            s.step = (k * 3) % len(s)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert grown < 5e6, f"memory grew by {grown / 1e6:.1f} MB"
    assert active_widgets() == widgets  # no widget made per change
    assert s.graph.node("x").value == values[499 % len(values)]
    assert s.graph.value == pytest.approx((values[499 % len(values)] + values[(499 * 7) % len(values)]) * -4)
    assert s.step == (499 * 3) % len(s)
    s.close()


def test_the_same_stepper_displayed_twice_is_one_widget() -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4, step=3)
    first, second = shown(s), shown(s)
    assert first[WIDGET_VIEW]["model_id"] == second[WIDGET_VIEW]["model_id"] == s.widget.model_id
    assert first["text/plain"] == second["text/plain"] == repr(s)
    assert first["image/png"] == second["image/png"]  # the worked circuit, where widgets cannot run
    s.step = 4  # stepping after being shown twice works
    assert s.widget.step == 4 and shown(s)["image/png"] == first["image/png"]
    s.set(x=1.0)  # the picture follows the numbers
    assert shown(s)["image/png"] != first["image/png"]
    s.close()


def test_closing_closes_the_widgets_and_later_use_says_so(tmp_path: Path) -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4)
    s.close()
    assert s.widget.comm is None and s.widget.layout.comm is None  # the widget on the page is closed
    for use in (
        lambda: setattr(s, "step", 1),
        lambda: s.set(x=1.0),
        lambda: s.save(tmp_path / "a.svg"),
        lambda: s.to_html(tmp_path / "a.html"),
    ):
        with pytest.raises(RuntimeError, match=r"this stepper was closed; make a new one with bv.Stepper\(\.\.\.\)"):
            use()
    assert repr(s).startswith("Stepper(q = x + y; f = q * z")  # its text still prints
    assert WIDGET_VIEW not in s._repr_mimebundle_()  # no dead widget is displayed: a line of text instead
    assert "closed" in s._repr_mimebundle_()["text/plain"]
    assert s.graph.grads() == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}  # the graph lives on
    s.close()  # closing twice is harmless


def test_two_steppers_on_one_graph_live_independently() -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    a, b = bv.Stepper(g), bv.Stepper(g, step=2)
    a.step = 4
    assert (a.step, b.step) == (4, 2)
    a.close()
    b.step = 5
    assert b.step == 5
    b.close()


# -- warnings on the node --------------------------------------------------------------------------


def _log_frame(s: bv.Stepper) -> int:
    """The first frame after the log gate's forward step (the gate is then drawn as known)."""
    log = next(n for n in s.graph.nodes if n.op is not None and n.op.name == "log")
    return next(f.index for f in s.frames if f.step is not None and f.step.node is log) + 1


def test_a_log_of_zero_warns_on_the_node_in_the_frame() -> None:
    s = bv.Stepper("f = log(x) + y", x=1.0, y=1.0)
    k = _log_frame(s)
    log = s.frames[k - 1].step.node
    assert s.frames[k].node_state[log.index] != WARNING and not s.graph.warnings
    s.set(x=0.0)  # as if the slider moved to 0
    frame = s.frames[k]
    assert frame.node_state[log.index] == WARNING
    assert "log needs a positive input" in s.frames[k - 1].step.explanation  # the step that computed it says why
    assert s.frame(k).states[s.element_of(log.id)] == WARNING  # the browser marks the node
    assert "⚠" in s.frames[-1].step.explanation  # and the backward step into x
    s.set(x=2.0)
    assert s.frames[k].node_state[log.index] != WARNING and not s.graph.warnings
    s.close()


def test_a_slider_moved_to_a_bad_value_warns_and_never_raises() -> None:
    s = bv.Stepper("f = log(x) + y", x=1.0, y=1.0)
    slide(s, x=0.0)
    assert s.graph.node("x").value == 0.0 and math.isinf(s.graph.value)
    assert any("log needs a positive input" in warning for warning in s.graph.warnings)
    slide(s, x=-0.5)
    assert math.isnan(s.graph.value)
    slide(s, x="not a number")  # whatever the page sends, the notebook keeps working
    assert s.widget.status.startswith("⚠")
    slide(s, x=1.0)
    assert s.graph.value == 1.0 and not s.graph.warnings and s.widget.status == ""
    s.close()


def test_a_refused_input_leaves_the_stepper_as_it_was() -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4, step=4)
    for bad in ("a", None, True, [1.0, 2.0], 10**400):
        with pytest.raises(bv.ExpressionError):
            s.set(x=bad)
    assert s.graph.value == -12.0 and s.step == 4 and slider_values(s)["x"] == -2.0
    s.close()


def test_closing_frees_every_widget_the_stepper_made() -> None:
    before = active_widgets()
    s = bv.Stepper(A1, x=-2, y=5, z=-4)
    s.close()
    assert active_widgets() - before == set()


@pytest.mark.parametrize("x", [1e308, math.inf, -math.inf])
def test_a_stepper_on_a_huge_or_infinite_input(x: float) -> None:
    s = bv.Stepper("f = x * 2", x=x)
    assert abs(s.graph.value) == math.inf
    s.close()


def test_setting_a_numpy_scalar_moves_the_slider_too() -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4)
    s.set(x=np.float32(1.5))
    assert slider_values(s)["x"] == 1.5
    s.close()


# -- without Graphviz --------------------------------------------------------------------------------


@pytest.fixture(params=["cold", "warm"])
def no_graphviz(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PATH without ``dot``; with the layout cache emptied ("cold") or kept from earlier drawings ("warm")."""
    if request.param == "warm":
        bv.render(bv.expr(A1, x=-2, y=5, z=-4))  # the layout of A1 is now cached
    else:
        monkeypatch.setattr(layout, "_CACHE", OrderedDict())
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory
    assert shutil.which("dot") is None


def assert_missing(info: pytest.ExceptionInfo) -> None:
    message = str(info.value)
    assert message == layout.INSTALL_HINT
    assert "Install Graphviz" in message and "'dot'" in message and "apt-get install graphviz" in message
    assert "\n" not in message  # one clear line


def test_every_drawing_entry_point_says_graphviz_is_missing(no_graphviz: None) -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    net = network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])
    for draw in (
        lambda: bv.render(g),
        lambda: bv.render(g, 2, theme="dark", scale=2),
        lambda: bv.Stepper(g),
        lambda: bv.Stepper(A1, x=-2, y=5, z=-4),
        lambda: FramePainter(g),
        lambda: NetworkView(net),
    ):
        with pytest.raises(bv.GraphvizMissing) as info:
            draw()
        assert_missing(info)


def test_what_was_drawn_before_graphviz_went_away(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A stepper made while ``dot`` was there keeps its frames; new pictures need ``dot`` and say so."""
    g = bv.expr(A1, x=-2, y=5, z=-4)
    s, diagram = bv.Stepper(g, step=3), bv.render(g, 3)
    monkeypatch.setenv("PATH", str(tmp_path))
    for name in ("a.png", "a.gif", "a.pdf"):
        with pytest.raises(bv.GraphvizMissing) as info:
            s.save(tmp_path / name)
        assert_missing(info)
    for use in (lambda: diagram.pipe(format="svg"), lambda: diagram._repr_mimebundle_()):
        with pytest.raises(bv.GraphvizMissing) as info:
            use()
        assert_missing(info)
    assert s.save(tmp_path / "a.svg").read_text().count("<svg") == 1  # frames are already drawn
    assert "bv-state" in s.to_html(tmp_path / "a.html").read_text()
    s.step = 4
    s.set(x=1.0)  # re-filling the drawn frames needs no Graphviz
    assert WIDGET_VIEW in shown(s) and "image/png" not in shown(s)  # the widget, without its still picture
    s.close()


def test_the_engine_works_without_graphviz(no_graphviz: None) -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    assert g.grads() == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4" in g.steps[-1].explanation
    assert g.check_gradients().ok()
    table = bv.compare([("df/dx", "-4", g.grad("x")), ("df/dz", "3.01", g.grad("z"))], title="A1")
    assert table.all_agree
    assert "df/dz" in table._repr_html_()
    q = bv.quiz(g, ask=["x"])
    assert q.check("x", "-4") is True
    net = network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])
    assert net.error == pytest.approx(0.0739, abs=1e-4)


@pytest.mark.slow  # 11 to 15 s
def test_a_cell_run_again_closes_what_it_made_before() -> None:
    """As JupyterLab runs a cell (IPython's pre_run_cell with the cell's id): 200 runs of a cell that makes a
    stepper and a quiz leave one of each alive, not 200."""
    from types import SimpleNamespace

    from backprop_viz.frontend import notebook

    before = active_widgets()
    try:
        for _ in range(200):
            notebook.before_cell(SimpleNamespace(cell_id="cell-a"))
            s = bv.Stepper(A1, x=-2, y=5, z=-4)
            q = bv.quiz(s.graph, ask=["x"])
        notebook.before_cell(SimpleNamespace(cell_id="cell-b"))  # another cell keeps them alive
        other = bv.Stepper(A1, x=1, y=2, z=3)
        assert not s.closed and s.widget.comm is not None and q.widget.comm is not None
        assert len(active_widgets() - before) == 3 * 2  # three widgets, each with its layout
        notebook.before_cell(SimpleNamespace(cell_id="cell-a"))  # cell a again: its last stepper and quiz go
        bv.Stepper(A1, x=-2, y=5, z=-4).close()
        assert s.closed and q.widget.comm is None and not other.closed
    finally:
        notebook.before_cell(SimpleNamespace(cell_id=None))  # back to no cell: the other tests' steppers live on
        other.close()


@pytest.mark.parametrize("value", [np.array(3.0), 5.0, 1e13, math.nan, math.inf])
def test_the_sliders_say_what_the_graph_holds(value) -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4, sliders={"x": (0, 1, 0.1)})
    s.set(x=value)
    (spec,) = [i for i in s.widget.inputs if i["name"] == "x"]
    shown = float(np.asarray(value))
    assert spec["text"] == f"{shown:.6g}"  # the readout says the input's value, whatever it is
    if math.isfinite(shown) and abs(shown) <= 1e12:
        assert spec["min"] <= shown <= spec["max"] and spec["value"] == shown  # the range grew to hold it
    s.close()


def test_a_cell_run_again_by_a_front_end_that_sends_no_cell_id_closes_what_it_made_before() -> None:
    """The cell is known by its text then: 40 runs left 82 live widgets; now one run's."""
    from types import SimpleNamespace

    from backprop_viz.frontend import notebook

    cell = "s = bv.Stepper(A1, x=-2, y=5, z=-4)\ns"
    before = active_widgets()
    try:
        for _ in range(40):
            notebook.before_cell(SimpleNamespace(cell_id=None, raw_cell=cell))
            s = bv.Stepper(A1, x=-2, y=5, z=-4)
        assert len(active_widgets() - before) == 2 and not s.closed  # the last stepper's widget and layout
        notebook.before_cell(SimpleNamespace(cell_id=None, raw_cell="other = 1"))  # another cell: it lives on
        other = bv.Stepper(A1, x=1, y=2, z=3)
        assert not s.closed
        notebook.before_cell(SimpleNamespace(cell_id=None, raw_cell=cell))
        bv.Stepper(A1, x=-2, y=5, z=-4).close()
        assert s.closed and not other.closed
    finally:
        notebook.before_cell(SimpleNamespace(cell_id=None))  # back to no cell: the other tests' steppers live on
        other.close()


def test_ipython_running_a_cell_40_times_without_a_cell_id_leaves_one_stepper() -> None:
    """IPython's own run_cell, which sends no cell id (as a terminal or an older front end), in a fresh process."""
    import subprocess
    import sys

    script = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import backprop_viz.frontend.notebook as nb; nb.install()\n"
        "import ipywidgets\n"
        "live = lambda: sum(getattr(w, 'comm', None) is not None for w in list(ipywidgets.Widget.widgets.values()))\n"
        "for _ in range(40):\n"
        "    shell.run_cell(\"import backprop_viz as bv\\ns = bv.Stepper('f = x*y', x=1, y=2)\")\n"
        "print(live())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "2"  # the last stepper's widget and its layout
