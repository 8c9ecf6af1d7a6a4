"""Small matplotlib pictures the notebooks share: level curves with gradient arrows, a function
with its derivative, loss curves, optimizer paths on a loss surface.

    from backprop_viz.course import plots
    fig, ax = plots.level_curves(lambda x, y: 4 * x**2 + y**2, (-2, 2), (-2, 2),
                                 points=[(1, 1)], vectors=[(8, 2)])

Every function draws into ``ax`` when given one (for subplots), else into a new small
figure, and returns ``(figure, axes)``. Colours are the Okabe-Ito palette (safe for
colour-blind readers) and every line also differs by its dash pattern or marker.
The functions only draw: every number they show is computed by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

# Okabe & Ito, "Color Universal Design": distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
DASHES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
FIGSIZE = (6.0, 4.0)
LEGEND_SIZE = 9.5  # points: 13 px at the notebooks' 100 dpi, the size read from the back of a room
# viridis without its pale yellow end, so every level curve shows on white.
LEVEL_COLORS = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.0, 0.8, 256)), name="viridis_dark")

ArrayFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]


def style(i: int) -> dict:
    """Colour, dash pattern and marker of the i-th line: each line differs by more than its hue."""
    return {
        "color": PALETTE[i % len(PALETTE)],
        "linestyle": DASHES[i % len(DASHES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def _axes(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def _legend(ax: Axes, where: str) -> None:
    """The legend at ``where`` (a matplotlib location, "best" by default), or "outside": to the right of the
    axes, where it can cover no curve."""
    if where == "outside":
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    else:
        ax.legend(fontsize=LEGEND_SIZE, loc=where)


def _grid(
    f: ArrayFunction, xlim: tuple[float, float], ylim: tuple[float, float], resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, np.asarray(f(X, Y), dtype=float)


def _default_levels(Z: np.ndarray, count: int) -> np.ndarray:
    """Geometrically spaced levels for a non-negative surface (a bowl shows its bottom), else linear."""
    low, high = float(np.min(Z)), float(np.max(Z))
    if low >= 0 and high > 0:
        return np.geomspace(max(low, high * 1e-3), high, count + 1)[:-1]
    return np.linspace(low, high, count + 2)[1:-1]


def level_curves(
    f: ArrayFunction,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    points: Sequence[Sequence[float]] | np.ndarray | None = None,
    vectors: Sequence[Sequence[float]] | np.ndarray | None = None,
    levels: int | Sequence[float] = 8,
    arrow_length: float | None = None,
    resolution: int = 201,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Level curves of ``f(X, Y)`` (works on arrays) and one arrow per point, e.g. the gradient there.

    ``vectors[i]`` is drawn from ``points[i]``, in its true direction. All arrows share one
    scale, chosen so that the longest is ``arrow_length`` long (default: a fifth of the x range);
    the axes have equal scales, so an arrow normal to a curve looks normal.
    """
    fig, ax = _axes(ax)
    X, Y, Z = _grid(f, xlim, ylim, resolution)
    contours = ax.contour(X, Y, Z, levels=levels, cmap=LEVEL_COLORS, linewidths=1.0)
    ax.clabel(contours, fontsize=9, fmt="%.3g")
    if points is not None:
        P = np.asarray(points, dtype=float).reshape(-1, 2)
        V = np.asarray(vectors, dtype=float).reshape(-1, 2)
        if P.shape != V.shape:
            raise ValueError(f"one vector per point: got {len(P)} points and {len(V)} vectors")
        longest = float(np.max(np.hypot(V[:, 0], V[:, 1]))) if len(V) else 0.0
        length = arrow_length if arrow_length is not None else (xlim[1] - xlim[0]) / 5
        scale = longest / length if longest > 0 else 1.0
        ax.quiver(
            P[:, 0],
            P[:, 1],
            V[:, 0],
            V[:, 1],
            angles="xy",
            scale_units="xy",
            scale=scale,
            color=VERMILLION,
            width=0.006,
            zorder=3,
        )
        ax.plot(P[:, 0], P[:, 1], "o", color=BLACK, markersize=3, zorder=4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig, ax


def function_and_derivative(
    x: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    *,
    name: str = "f",
    closed_form: np.ndarray | None = None,
    xlabel: str = "z",
    derivative_label: str = "backward pass",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """``y = f(x)`` as a solid line, its derivative ``dy`` dashed, and optionally the closed form as dots."""
    fig, ax = _axes(ax)
    ax.axhline(0, color="#999999", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#999999", linewidth=0.6, zorder=0)
    ax.plot(x, y, color=BLUE, linestyle="-", linewidth=2, label=f"{name}({xlabel})")
    ax.plot(x, dy, color=ORANGE, linestyle="--", linewidth=2, label=f"{name}'({xlabel}), {derivative_label}")
    if closed_form is not None:
        every = max(1, len(x) // 20)
        ax.plot(
            x[::every],
            np.asarray(closed_form)[::every],
            linestyle="none",
            marker="o",
            markersize=4,
            markerfacecolor="none",
            color=BLACK,
            label=f"{name}'({xlabel}), closed form",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("value")
    _legend(ax, "best")
    if title:
        ax.set_title(title)
    return fig, ax


def loss_curves(
    curves: Mapping[str, Sequence[float] | np.ndarray],
    *,
    x: Sequence[float] | None = None,
    xlabel: str = "iteration",
    ylabel: str = "loss",
    logx: bool = False,
    logy: bool = False,
    markers: bool = False,
    title: str | None = None,
    legend: str = "best",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """One line per named curve (loss against iteration, error against h, ...), same x for all.

    ``legend="outside"`` puts the legend right of the axes, for curves that fill the whole picture.
    """
    fig, ax = _axes(ax)
    for i, (label, ys) in enumerate(curves.items()):
        ys = np.asarray(ys, dtype=float)
        xs = np.arange(len(ys)) if x is None else np.asarray(x, dtype=float)
        s = style(i)
        ax.plot(
            xs,
            ys,
            color=s["color"],
            linestyle=s["linestyle"],
            linewidth=1.8,
            marker=s["marker"] if markers else None,
            markersize=4,
            label=label,
        )
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(curves) > 1:
        _legend(ax, legend)
    if title:
        ax.set_title(title)
    return fig, ax


def trajectories(
    f: ArrayFunction,
    paths: Mapping[str, Sequence[Sequence[float]] | np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    levels: int | Sequence[float] | None = None,
    minimum: Sequence[float] | None = None,
    resolution: int = 201,
    xlabel: str = "w1",
    ylabel: str = "w2",
    equal: bool = True,
    title: str | None = None,
    legend: str = "best",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Each path (an (n, 2) array of parameter values) drawn over the level curves of the loss ``f``.

    The start of every path is a larger marker; ``minimum`` adds a star where the loss is smallest.
    ``legend="outside"`` puts the legend right of the axes, clear of the paths.
    """
    fig, ax = _axes(ax)
    X, Y, Z = _grid(f, xlim, ylim, resolution)
    chosen = _default_levels(Z, 10) if levels is None else levels
    ax.contour(X, Y, Z, levels=chosen, colors="#b0b0b0", linewidths=0.8)
    for i, (label, path) in enumerate(paths.items()):
        P = np.asarray(path, dtype=float).reshape(-1, 2)
        s = style(i)
        ax.plot(
            P[:, 0],
            P[:, 1],
            color=s["color"],
            linestyle=s["linestyle"],
            marker=s["marker"],
            markersize=3,
            linewidth=1.5,
            label=label,
        )
        ax.plot(P[0, 0], P[0, 1], marker=s["marker"], markersize=8, color=s["color"], linestyle="none")
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], marker="*", markersize=14, color=BLACK, linestyle="none", label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if equal:
        ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _legend(ax, legend)
    if title:
        ax.set_title(title)
    return fig, ax
