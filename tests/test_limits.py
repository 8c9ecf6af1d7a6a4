"""Bounds on what may be drawn: a graph dot would take long to lay out, or one with too many steps,
is refused at once with GraphTooLarge (a ValueError) that says why and what to do; dot never hangs.
"""

from __future__ import annotations

import importlib
import math
import subprocess
import tracemalloc

import numpy as np
import pytest

import backprop_viz as bv
from backprop_viz.drawing import layout
from backprop_viz.engine import errors, graph
from backprop_viz.frontend.picture import render


def chain(steps: int) -> str:
    """The issue's chain ``h{i} = relu(h{i-1}*w + x)``: x and w feed every step."""
    return "h0 = x; " + "; ".join(f"h{i} = relu(h{i - 1}*w + x)" for i in range(1, steps + 1))


def line(statements: int) -> str:
    """A chain of ``statements`` lines, one gate each."""
    return "h0 = x*2; " + "; ".join(f"h{i} = h{i - 1}*2" for i in range(1, statements))


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Graphviz's dot is asked to lay anything out."""
    # Every module that holds its own name for run_dot is loaded first: one loaded while the refusal is
    # in place would keep the refusal after the test (network_draw did, and a later network view failed).
    importlib.import_module("backprop_viz.frontend.stepper")
    importlib.import_module("backprop_viz.frontend.network_view")

    def refuse(*args, **kwargs):
        raise AssertionError("dot ran")

    monkeypatch.setattr(layout, "run_dot", refuse)


@pytest.mark.parametrize(
    "source, values",
    [
        ("+".join(["x"] * 100), {"x": 1.0}),
        ("+".join(["x"] * 45), {"x": 1.0}),
        (chain(40), {"x": 1.0, "w": 0.5}),
        ("+".join(f"x{i % 5}" for i in range(80)), {f"x{j}": 1.0 for j in range(5)}),
    ],
    ids=["sum-100", "sum-45", "chain-40", "five-inputs-80-terms"],
)
def test_a_graph_dot_would_take_long_on_is_refused_at_once(source: str, values: dict, no_dot: None) -> None:
    for _ in range(2):  # refused before dot is asked (no_dot), however often it is tried
        with pytest.raises(bv.GraphTooLarge, match=r"too long to draw quickly.*limit is 1,000.*Draw fewer terms"):
            bv.Stepper(source, **values)
    g = bv.expr(source, **values)
    assert math.isfinite(g.value) and g.check_gradients().ok()  # the engine itself works at any size
    with pytest.raises(bv.GraphTooLarge):
        render(g)


def test_the_message_names_the_input_that_makes_the_long_wires(no_dot: None) -> None:
    with pytest.raises(bv.GraphTooLarge, match=r"x, used 100 times, alone makes 4,951"):
        bv.Stepper("+".join(["x"] * 100), x=1.0)


def test_graph_too_large_is_a_value_error_and_exported() -> None:
    assert issubclass(bv.GraphTooLarge, ValueError) and bv.GraphTooLarge is errors.GraphTooLarge


def test_the_worst_accepted_sum_is_laid_out_in_time() -> None:
    g = bv.expr("+".join(["x"] * 44), x=1.0)  # 990 columns crossed: just within the bound
    assert layout.wire_ranks(g) <= layout.MAX_WIRE_RANKS
    layout._CACHE.clear()
    assert layout.layout_of(g).edges  # laid out, in about 0.5 s on a 2-core machine (benchmarks measure it)


@pytest.mark.parametrize(
    "source, values, ranks",
    [
        ("f = x * y", {"x": 1.0, "y": 2.0}, 3),  # two wires into the gate, one out
        ("x + x + x", {"x": 1.0}, 1 + 2 + 1 + 1 + 1),  # x feeds the first + twice (1 column), the second across 2
        ("+".join(f"x{i}" for i in range(10)), {f"x{i}": 1.0 for i in range(10)}, 18 + 1),  # a tree: one per wire
    ],
)
def test_wire_ranks_counts_the_columns_each_wire_crosses(source: str, values: dict, ranks: int) -> None:
    assert layout.wire_ranks(bv.expr(source, **values)) == ranks


def test_a_stepper_holds_at_most_150000_nodes_and_wires_over_its_frames(no_dot: None) -> None:
    g = bv.expr(line(600), x=1.0)  # 600 gates: 1,202 frames of 1,202 nodes and wires
    assert g.step_count == len(g.steps) == 1201 and g.shown_size == 1202 * 1202
    message = r"1,202 frames of 1,202 nodes and wires each, 1,444,804 in all, where a stepper holds at most 150,000"
    with pytest.raises(bv.GraphTooLarge, match=message):
        bv.Stepper(g)
    with pytest.raises(bv.GraphTooLarge, match="1,444,804 in all"):
        bv.Stepper(line(600), x=1.0)
    with pytest.raises(bv.GraphTooLarge, match="1,444,804 in all"):
        render(g)
    assert g.grad("x") == 2.0**600  # the engine itself holds it


def test_the_size_bound_is_exact() -> None:
    assert graph.MAX_SHOWN == 150_000
    accepted, refused = bv.expr(line(192), x=1.0), bv.expr(line(193), x=1.0)
    assert accepted.shown_size == 386 * 386 <= graph.MAX_SHOWN < refused.shown_size == 388 * 388
    accepted.check_showable()
    with pytest.raises(bv.GraphTooLarge):
        refused.check_showable()


def test_the_largest_network_the_project_draws_fits() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import mlp_source

    source, values = mlp_source((4, 6, 5, 1))
    g = bv.expr(source, **values)
    g.check_showable()
    assert 100_000 < g.shown_size < graph.MAX_SHOWN


def test_the_engine_still_traces_large_graphs() -> None:
    x = bv.Var(0.5, name="x")
    y = x
    for _ in range(5_000):
        y = y * 1.0
    g = bv.trace(y)
    assert g.grad("x") == 1.0 and len(g.steps) == 10_001


def test_a_dot_timeout_is_a_clear_error_and_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def slow(*args, **kwargs):
        calls.append(args)
        raise subprocess.TimeoutExpired(cmd="dot", timeout=layout.DOT_TIMEOUT)

    monkeypatch.setattr(subprocess, "run", slow)
    g = bv.expr("f = x * y + 0.125", x=1.0, y=2.0)  # a structure no other test lays out
    for _ in range(3):
        with pytest.raises(bv.GraphTooLarge, match=r"Graphviz took more than 20 s.*Draw a smaller part"):
            layout.layout_of(g)
    assert len(calls) == 1
    layout._FAILED.clear()


# -- arrays: a broadcast or a matrix product whose result would not fit is refused before it is made ---


@pytest.mark.parametrize(
    ("source", "values", "said"),
    [
        ("f = sum(x + y)", {"x": np.ones((20_000, 1)), "y": np.ones((1, 20_000))}, r"\+ of shapes .* 20,000×20,000"),
        ("f = sum(x * y)", {"x": np.ones((2_000, 1)), "y": np.ones(1_000)}, r"\* of shapes .* 2,000×1,000 array"),
        ("f = sum(A @ B)", {"A": np.ones((2_000, 1)), "B": np.ones((1, 2_000))}, r"@ of shapes .*4,000,000 numbers"),
        ("f = sum(max(x, y))", {"x": np.ones((1_001, 1)), "y": np.ones((1, 1_000))}, r"max of shapes"),
    ],
)
def test_an_array_result_beyond_the_bound_is_refused_at_once(source: str, values: dict, said: str) -> None:
    tracemalloc.start()
    with pytest.raises(bv.ExpressionError, match=said + r".*at most 1,000,000 numbers"):
        bv.expr(source, **values)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000, f"{peak:,} bytes: the result was made before it was refused"  # it would be GB


def test_operators_on_vars_are_bounded_too() -> None:
    x, y = bv.variables(x=np.ones((20_000, 1)), y=np.ones((1, 20_000)))
    with pytest.raises(ValueError, match=r"400,000,000 numbers \(3.2 GB\)"):
        x + y


def test_an_array_result_at_the_bound_is_computed() -> None:
    g = bv.expr("f = sum(x + y)", x=np.ones((1_000, 1)), y=np.ones((1, 1_000)))
    assert g.value == 2_000_000 and g.grad("x").shape == (1_000, 1) and np.all(g.grad("y") == 1_000)


# -- the bounds come first on every path: the browser's Graphviz too -----------------------------------


def long_chain(gates: int) -> bv.Graph:
    """x * 2 * 2 * … : a graph of ``gates`` + 1 nodes, far beyond the frame bound from about 300 gates."""
    h = bv.Var(1.0, name="x")
    for _ in range(gates):
        h = h * 2
    return bv.trace(h.named("f"))


@pytest.mark.parametrize("place", ["kernel", "browser"])
def test_a_graph_too_large_is_refused_before_any_frame_is_made(
    place: str, monkeypatch: pytest.MonkeyPatch, tmp_path, no_dot
) -> None:
    """The browser's path made all 12,002 frames of a 6,001-node chain (17 s, +4.4 GB) before refusing it."""
    module = tmp_path / "graphviz.js"
    module.write_text("export const Graphviz = {};\n")
    monkeypatch.setenv("BACKPROP_VIZ_GRAPHVIZ", place)
    monkeypatch.setenv("BACKPROP_VIZ_GRAPHVIZ_JS", str(module))
    from backprop_viz.drawing import painted
    from backprop_viz.frontend import stepper

    def no_frames(*args, **kwargs):
        raise AssertionError("a frame was made")

    monkeypatch.setattr(painted, "iter_step_states", no_frames)
    monkeypatch.setattr(stepper, "step_states", no_frames)
    g = long_chain(6_000)
    for make in (lambda: bv.Stepper(g), lambda: bv.render(g)):
        with pytest.raises(bv.GraphTooLarge, match="12,002 frames"):
            make()


def test_the_still_picture_of_the_widest_stepper_accepted_is_capped_in_pixels() -> None:
    """The 137-input sum's picture was 14261×5321 px (8.4 s, +1.2 GB); now it is drawn smaller."""
    import io

    from PIL import Image

    from backprop_viz.frontend.stepper import MAX_PICTURE_PIXELS

    names = [f"x{i}" for i in range(137)]
    s = bv.Stepper("+".join(names), **dict.fromkeys(names, 1.0))
    try:
        width, height = Image.open(io.BytesIO(s.picture())).size
    finally:
        s.close()
    assert width * height <= MAX_PICTURE_PIXELS * 1.01 and width > 1_500
    small = bv.Stepper("f = x*y", x=1, y=2)  # a small one keeps its size: 0.7 of the diagram's
    try:
        assert Image.open(io.BytesIO(small.picture())).size[0] < 600
    finally:
        small.close()


def test_a_network_view_too_large_to_draw_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from backprop_viz.drawing import network_draw
    from backprop_viz.frontend.network_view import NetworkView

    def refuse(*args, **kwargs):
        raise AssertionError("dot ran")

    monkeypatch.setattr(network_draw, "run_dot", refuse)
    for sizes, count in (([200, 26], "5,200"), ([2000, 1], "2,000"), ([24, 25], "625")):
        net = bv.network(sizes, seed=0, use_biases=sizes == [24, 25])
        with pytest.raises(bv.GraphTooLarge, match=rf"{count} weights and biases.*at most 600.*Show a smaller network"):
            NetworkView(net)
        assert net.grads()  # the network itself works at any size


def test_the_largest_network_view_accepted_is_drawn() -> None:
    from backprop_viz.drawing.network_draw import MAX_WEIGHTS
    from backprop_viz.frontend.network_view import NetworkView

    view = NetworkView(bv.network([23, 25], seed=0, use_biases=True))
    assert MAX_WEIGHTS == 23 * 25 + 25
    assert len(view) == 4 and view.widget.view["table"].count('class="bv-wname"') == MAX_WEIGHTS


# -- exports: a GIF or PDF that would take minutes is refused at once ----------------------------------


def mlp_stepper(sizes: tuple[int, ...]) -> bv.Stepper:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import mlp_source

    source, values = mlp_source(sizes)
    return bv.Stepper(source, **values)


@pytest.mark.parametrize(
    ("sizes", "suffix", "said"),
    [
        ((4, 6, 5, 1), ".gif", r"262 frames of about 4,\d{3}×2,\d{3} px, 3,\d{3} million pixels"),
        ((3, 3, 2, 1), ".gif", r"82 frames .* at most 60 million\. Save a \.pdf"),
        ((4, 6, 5, 1), ".pdf", r"262 pages of 454 nodes and wires each, 118,948 in all .* at most 40,000"),
    ],
)
def test_an_export_that_would_take_minutes_is_refused_at_once(
    sizes, suffix: str, said: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 4-6-5-1 network's GIF took over 120 s, its PDF 29 s."""
    from backprop_viz.drawing import pictures

    def refuse(*args, **kwargs):
        raise AssertionError("a frame was drawn")

    monkeypatch.setattr(pictures, "_by_shares", refuse)  # every frame of a GIF or PDF is drawn through it
    s = mlp_stepper(sizes)
    try:
        with pytest.raises(bv.GraphTooLarge, match=said):
            s.save(tmp_path / f"big{suffix}")
        assert not (tmp_path / f"big{suffix}").exists()
    finally:
        s.close()


def test_an_export_within_the_bounds_is_made(tmp_path) -> None:
    from backprop_viz.drawing.pictures import MAX_PDF_SIZE

    s = mlp_stepper((2, 2, 1))
    try:
        assert s.graph.shown_size <= MAX_PDF_SIZE
        assert s.save(tmp_path / "net.pdf").stat().st_size > 0
        backward = bv.Stepper(s.graph, show="backward", scale=0.5)
        assert backward.save(tmp_path / "net.gif").stat().st_size > 0
        backward.close()
    finally:
        s.close()
