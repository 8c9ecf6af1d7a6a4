"""The shared plots: what is drawn (lines, arrows, their data, labels), not how the pixels look."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from backprop_viz.course import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bowl(x, y):
    return 4 * x**2 + y**2


def quivers(ax) -> list[Quiver]:
    return [c for c in ax.collections if isinstance(c, Quiver)]


def test_level_curves_one_arrow_per_point_with_the_given_vectors() -> None:
    points = np.array([[1.0, 0.5], [-0.5, 1.5], [0.0, -1.0]])
    vectors = np.column_stack([8 * points[:, 0], 2 * points[:, 1]])
    fig, ax = plots.level_curves(bowl, (-2, 2), (-2, 2), points=points, vectors=vectors)
    (q,) = quivers(ax)
    assert q.N == len(points)
    np.testing.assert_allclose(q.X, points[:, 0])
    np.testing.assert_allclose(q.Y, points[:, 1])
    np.testing.assert_allclose(q.U, vectors[:, 0])
    np.testing.assert_allclose(q.V, vectors[:, 1])
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert ax.get_aspect() == 1.0
    assert fig is ax.figure


def test_level_curves_lie_on_the_function() -> None:
    fig, ax = plots.level_curves(bowl, (-2, 2), (-2, 2), levels=[1.0, 4.0, 9.0])
    (contours,) = [c for c in ax.collections if hasattr(c, "levels")]
    assert list(contours.levels) == [1.0, 4.0, 9.0]
    for level, path in zip(contours.levels, contours.get_paths(), strict=True):
        xy = path.vertices
        assert len(xy) > 10
        np.testing.assert_allclose(bowl(xy[:, 0], xy[:, 1]), level, rtol=2e-3)


def test_level_curves_longest_arrow_has_the_asked_length() -> None:
    fig, ax = plots.level_curves(
        bowl, (-2, 2), (-2, 2), points=[(1, 1), (0.5, 0)], vectors=[(8, 2), (4, 0)], arrow_length=0.5
    )
    (q,) = quivers(ax)
    assert q.scale == pytest.approx(np.hypot(8, 2) / 0.5)


def test_level_curves_refuses_mismatched_points_and_vectors() -> None:
    with pytest.raises(ValueError, match="one vector per point"):
        plots.level_curves(bowl, (-1, 1), (-1, 1), points=[(0, 0), (1, 1)], vectors=[(1, 0)])


def test_function_and_derivative_draws_the_given_data() -> None:
    z = np.linspace(-3, 3, 61)
    y, dy = np.tanh(z), 1 - np.tanh(z) ** 2
    fig, ax = plots.function_and_derivative(z, y, dy, name="tanh", closed_form=dy)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[-3:] == ["tanh(z)", "tanh'(z), backward pass", "tanh'(z), closed form"]
    f_line, d_line, c_line = ax.get_lines()[-3:]
    np.testing.assert_array_equal(f_line.get_xdata(), z)
    np.testing.assert_array_equal(f_line.get_ydata(), y)
    np.testing.assert_array_equal(d_line.get_ydata(), dy)
    assert d_line.get_linestyle() != f_line.get_linestyle()
    np.testing.assert_array_equal(c_line.get_ydata(), dy[:: len(z) // 20])
    assert ax.get_xlabel() == "z" and ax.get_legend() is not None


def test_function_and_derivative_without_closed_form_has_two_data_lines() -> None:
    z = np.linspace(-1, 1, 5)
    fig, ax = plots.function_and_derivative(z, z**2, 2 * z, name="sq")
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == [
        "sq(z)",
        "sq'(z), backward pass",
    ]


def test_loss_curves_one_line_per_curve_with_its_data() -> None:
    curves = {"SGD": [4.0, 2.0, 1.0], "Momentum": [4.0, 1.0, 0.25, 0.1]}
    fig, ax = plots.loss_curves(curves, logy=True)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["SGD", "Momentum"]
    np.testing.assert_array_equal(lines[1].get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), curves["Momentum"])
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "loss")
    colors = {line.get_color() for line in lines}
    assert colors <= set(plots.PALETTE) and len(colors) == 2


def test_loss_curves_with_shared_x_and_log_axes() -> None:
    hs = np.logspace(-10, -1, 10)
    fig, ax = plots.loss_curves(
        {"forward": hs, "central": hs**2}, x=hs, xlabel="h", ylabel="error", logx=True, logy=True, markers=True
    )
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), hs)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_lines()[0].get_marker() != ax.get_lines()[1].get_marker()


def test_trajectories_draw_each_path_over_the_surface() -> None:
    path_a = np.array([[-1.5, 1.0], [-1.0, 0.5], [-0.5, 0.2], [0.0, 0.0]])
    path_b = np.array([[-1.5, 1.0], [-1.2, -0.8], [-0.9, 0.6]])
    fig, ax = plots.trajectories(bowl, {"SGD": path_a, "Momentum": path_b}, (-2, 2), (-2, 2), minimum=(0, 0))
    named = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert set(named) == {"SGD", "Momentum", "minimum"}
    np.testing.assert_array_equal(named["SGD"].get_xdata(), path_a[:, 0])
    np.testing.assert_array_equal(named["Momentum"].get_ydata(), path_b[:, 1])
    (contours,) = [c for c in ax.collections if hasattr(c, "levels")]
    assert len(contours.levels) >= 5
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w1", "w2")


def test_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    z = np.linspace(-1, 1, 5)
    got_fig, got_ax = plots.function_and_derivative(z, z, np.ones_like(z), ax=right)
    assert got_fig is fig and got_ax is right
    assert not left.get_lines()


def test_default_levels_bowl_is_geometric() -> None:
    levels = plots._default_levels(np.array([0.0, 1.0, 100.0]), 4)
    assert len(levels) == 4 and levels[0] == pytest.approx(0.1)
    np.testing.assert_allclose(levels[1:] / levels[:-1], levels[1] / levels[0])


def test_a_notebook_figure_is_sent_as_a_compact_png() -> None:
    """The kernel's display hook sends a plot in 128 colours: much smaller, same size, same look."""
    import base64
    import io

    from PIL import Image

    from backprop_viz.frontend.small_png import compact_message, compact_png

    fig, ax = plots.level_curves(lambda x, y: 4 * x**2 + y**2, (-2, 2), (-2, 2), points=[(1, 1)], vectors=[(8, 2)])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    png = buffer.getvalue()
    small = compact_png(png)
    before, after = Image.open(io.BytesIO(png)).convert("RGB"), Image.open(io.BytesIO(small)).convert("RGB")
    assert len(small) < 0.5 * len(png) and before.size == after.size
    difference = np.abs(np.asarray(before, dtype=int) - np.asarray(after, dtype=int)).mean()
    assert difference < 4  # on average, a few steps of 255 per channel

    encoded = base64.b64encode(png).decode("ascii")
    msg = {"content": {"data": {"image/png": encoded, "text/plain": "<Figure>"}}}
    assert len(compact_message(msg)["content"]["data"]["image/png"]) < 0.5 * len(encoded)
    widget = {"content": {"data": {"image/png": encoded, "application/vnd.jupyter.widget-view+json": {}}}}
    assert compact_message(widget)["content"]["data"]["image/png"] == encoded  # a widget's picture: as it is
    tiny = {"content": {"data": {"image/png": "iVBORw0KGgo="}}}
    assert compact_message(tiny)["content"]["data"]["image/png"] == "iVBORw0KGgo="


def test_a_legend_outside_stands_right_of_the_axes_in_a_font_read_from_afar() -> None:
    curves = {"SGD": [4.0, 2.0, 1.0], "Momentum": [4.0, 1.0, 0.25]}
    for fig, ax in (
        plots.loss_curves(curves, legend="outside"),
        plots.trajectories(bowl, {"SGD": [(1, 1), (0.5, 0.5)]}, (-1, 1), (-1, 1), legend="outside"),
    ):
        fig.canvas.draw()
        legend = ax.get_legend().get_window_extent()
        assert legend.x0 > ax.get_window_extent().x1
        assert all(text.get_fontsize() == plots.LEGEND_SIZE for text in ax.get_legend().get_texts())
        plt.close(fig)
    fig, ax = plots.loss_curves(curves)
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    assert ax.get_window_extent().contains((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)  # "best": inside
    plt.close(fig)
