"""Where every node and wire of a graph goes: laid out once by Graphviz's ``dot``.

The layout depends only on the graph's structure (its gates, wiring, names and
value shapes), never on the values: the labels it reserves room for are
placeholders of a fixed width. So a diagram does not move between steps or when
an input changes, and a graph of the same structure reuses its layout.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import shutil
import subprocess
import sys
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..engine.errors import GraphTooLarge
from ..engine.graph import Graph
from ..engine.node import Node
from ..engine.numbers import fmt

INSTALL_HINT = (
    "Graphviz's 'dot' program is needed to draw diagrams but was not found on PATH. "
    "Install Graphviz: on Debian/Ubuntu 'sudo apt-get install graphviz' (or run 'make setup'), "
    "with conda 'conda install -c conda-forge graphviz', on macOS 'brew install graphviz'. "
    "Values, gradients, steps and tables work without it."
)

FONT = "DejaVu Sans"
WIRE_FONT = 12  # points: the values and gradients on the wires
GATE_FONT = 16  # points: names and gate symbols
GATE_NAME_FONT = 8  # points: an unnamed gate's given name (mul1), small under its symbol
SCALAR_WIDTH = 10  # characters of the longest number on a wire: -0.0001234 (the picture has room for it)
# What dot keeps free between two gates for a wire's words: 4 characters fewer than the longest
# number, so that a circuit fits a notebook column at a readable size; the rare long number
# spills into the gaps beside its label.
WIRE_SQUEEZE = 4
NODESEP = 25.2  # points between neighbours in a rank (nodesep=0.35 inches)


IN_BROWSER_HINT = (
    "This needs Graphviz's 'dot' program in the kernel, and Python here runs in the browser "
    "(JupyterLite), where no program can be started. Steppers, network views and bv.render lay "
    "their diagrams out in the browser instead; saving pictures (save to PNG, GIF or PDF) needs a "
    "kernel with Graphviz: 'make lab', Binder, or pip install with Graphviz installed."
)


class GraphvizMissing(RuntimeError):
    """Graphviz's ``dot`` program is not installed: nothing can be drawn (the engine still works)."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


def dot_program() -> str:
    """The path of ``dot``, or GraphvizMissing with install instructions (or, in the browser, why not)."""
    if sys.platform == "emscripten":
        raise GraphvizMissing(IN_BROWSER_HINT)
    path = shutil.which("dot")
    if path is None:
        raise GraphvizMissing()
    return path


DOT_TIMEOUT = 20  # seconds; graphs within MAX_WIRE_RANKS take under 2 s


def run_dot(source: str, fmt: str, *args: str) -> bytes:
    """Run ``dot`` on ``source`` and return its output in format ``fmt``."""
    try:
        done = subprocess.run(
            [dot_program(), f"-T{fmt}", *args],
            input=source.encode(),
            capture_output=True,
            check=False,
            timeout=DOT_TIMEOUT,
        )
    except FileNotFoundError as err:  # removed between which() and run()
        raise GraphvizMissing() from err
    except subprocess.TimeoutExpired:
        raise GraphTooLarge(
            f"Graphviz took more than {DOT_TIMEOUT} s to lay out this graph and was stopped. Draw a smaller "
            "part of it; values and gradients (g.value, g.grads()) work without a drawing."
        ) from None
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


@dataclass(frozen=True)
class Edge:
    """A wire from node ``src`` into input ``position`` of gate ``dst`` (``dst`` None: the output wire)."""

    src: int
    dst: int | None
    position: int

    @property
    def key(self) -> str:
        return f"e{self.src}_{'out' if self.dst is None else self.dst}_{self.position}"


@dataclass(frozen=True)
class Layout:
    """Graphviz positions (points, y up) of every node and wire, ready for ``neato -n2``."""

    node_pos: dict[int, str]
    node_size: dict[int, tuple[str, str]]
    node_xlp: dict[int, str]  # where a branching node's running total goes: just under (or over) it
    sink_pos: str
    sink_size: tuple[str, str]
    edges: tuple[Edge, ...]
    edge_pos: dict[str, str]
    edge_lp: dict[str, str]
    cluster_bb: dict[int, str]
    canvas: tuple[float, float, float, float]  # x0, y0, x1, y1: room for all that a frame may draw
    # by wire: where its words go, clear of the wire: its value's x, the highest the wire runs under it, its
    # gradient's x, the lowest the wire runs over it
    edge_clear: dict[str, tuple[float, float, float, float]]

    @property
    def columns(self) -> int:
        """How many columns of nodes, left to right: what makes a circuit wide."""
        return len({round(float(pos.split(",")[0])) for pos in self.node_pos.values()})


def edges_of(g: Graph) -> tuple[Edge, ...]:
    """Every wire of ``g`` in a fixed order, the output wire last."""
    wires = [Edge(i.index, n.index, k) for n in g.nodes for k, i in enumerate(n.inputs)]
    return (*wires, Edge(g.output.index, None, 0))


def value_width(node: Node) -> int:
    """Characters reserved for this node's value on a wire (depends on its shape only)."""
    size = int(np.prod(node.shape)) if node.shape else 1
    if node.shape == ():
        return SCALAR_WIDTH
    return min(8 * size + 2, 40) if size <= 4 else 16


def wire_name(node: Node) -> str:
    """The line over the value on a named intermediate's wire ("q ="), or "" for none."""
    return f"{node.name} =" if node.kind == "op" and node.name and not node.is_output else ""


def label_room(node: Node) -> int:
    """Characters dot keeps free for the words on this node's wires."""
    return max(value_width(node) - WIRE_SQUEEZE, len(wire_name(node)))


def note_width(node: Node) -> int:
    """Characters reserved for a branching node's running total: "Σ∂ " and a number, a short vector or a shape."""
    return SCALAR_WIDTH + 3 if node.shape == () else 15


def node_text(node: Node) -> str:
    """The fixed text inside a node: an input's name, a constant's number, a gate's symbol."""
    if node.kind == "input":
        return node.name or node.id
    if node.kind == "const":
        return fmt(node.value)
    return node.op.symbol


def gate_caption(node: Node) -> str:
    """The name written small under an unnamed gate's symbol: what tables and explanations call it
    (``mul1``); "" for inputs, constants, named gates (their name is on their wire) and the output."""
    if node.kind != "op" or node.name or node.is_output:
        return ""
    return node.gate_name or ""


def gate_label(node: Node) -> str | None:
    """A gate's symbol over its caption, as a Graphviz HTML-like label; None when it has no caption."""
    caption = gate_caption(node)
    if not caption:
        return None
    symbol = html.escape(node_text(node))
    return f'<{symbol}<BR/><FONT POINT-SIZE="{GATE_NAME_FONT}">{html.escape(caption)}</FONT>>'


def gate_width(node: Node) -> float:
    """A gate circle's diameter in inches: room for its symbol, and for its caption under it."""
    width = max(0.38, 0.12 * len(node_text(node)) + 0.14)
    caption = gate_caption(node)
    return max(width, 0.42, 0.05 * len(caption) + 0.2) if caption else width


def structure_key(g: Graph) -> tuple:
    """Everything the layout depends on, and nothing else (values do not count, shapes do)."""
    return tuple(
        (n.kind, node_text(n), n.name, gate_caption(n), n.shape, n.group, tuple(i.index for i in n.inputs))
        for n in g.nodes
    ) + (g.output_label,)


def xlabel_lines(node: Node) -> int:
    """How many lines a node's outside label has: one for the running total gradient of a branching node."""
    return int(node.uses > 1)


def dot_source(g: Graph) -> str:
    """The DOT text that dot lays out, with fixed-width placeholder labels."""
    lines = [
        "digraph G {",
        f'  graph [rankdir=LR, nodesep={NODESEP / 72:g}, ranksep=0.1, fontname="{FONT}"];',
        f'  node [fontname="{FONT}", fontsize={GATE_FONT}];',
        f'  edge [fontname="{FONT}", fontsize={WIRE_FONT}, arrowsize=0.7];',
    ]
    clusters: dict[int, list[Node]] = {}
    for node in g.nodes:
        if node.group is not None:
            clusters.setdefault(node.group, []).append(node)
    for node in g.nodes:
        if node.group is None:
            lines.append("  " + _node_statement(node))
    for k, members in clusters.items():
        lines.append(f'  subgraph cluster_{k} {{ label="{_esc(g.groups[k])}"; fontsize=14; style=rounded;')
        lines += ["    " + _node_statement(n) for n in members]
        lines.append("  }")
    lines.append(f'  sink [shape=plaintext, width=0.3, label="{_esc(g.output_label)}", fontsize=18];')
    for e in edges_of(g):
        src = g.nodes[e.src]
        width = label_room(src)
        words = ["8" * width, " ", "8" * width, "8" * width]  # value, the wire, gradient, local gradient
        label = "\\n".join(["8" * width, *words] if wire_name(src) else words)
        dst = "sink" if e.dst is None else f"n{e.dst}"
        lines.append(f'  n{e.src} -> {dst} [id="{e.key}", label="{label}"];')
    lines.append("}")
    return "\n".join(lines)


def _node_statement(node: Node) -> str:
    text = _esc(node_text(node))
    i = node.index
    if node.kind == "op":
        label = gate_label(node)
        label = label if label is not None else f'"{text}"'
        statement = f"n{i} [shape=circle, fixedsize=true, width={gate_width(node):.2f}, label={label}];"
    else:
        statement = f'n{i} [shape=plaintext, width=0.3, label="{text}"];'
    lines = xlabel_lines(node)
    if not lines:
        return statement
    # A branching node's running total is drawn just under it, in room kept by a placeholder node
    # ``t{i}`` in the same rank: the cluster keeps the two adjacent (nothing is ordered between
    # them), the heavy flat edge of length 0 keeps them one node separation apart.
    placeholder = "\\n".join(["8" * note_width(node)] * lines)
    return (
        f"subgraph cluster_total{i} {{ margin=0; style=invis; {statement} "
        f't{i} [shape=plaintext, label="{placeholder}", height=0.2]; '
        f"{{ rank=same; n{i}; t{i} }} t{i} -> n{i} [style=invis, minlen=0, weight=100]; }}"
    )


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_NAME = re.compile(r"(cluster_|n|t)(\d+)")


def compute_layout(g: Graph) -> Layout:
    """Ask ``dot`` once where everything goes."""
    return layout_from_json(g, json.loads(run_dot(dot_source(g), "json")))


def layout_from_json(g: Graph, data: dict) -> Layout:
    """The layout of ``g`` from what Graphviz's ``-Tjson`` said of :func:`dot_source` (in the kernel or the browser)."""
    node_pos, node_size, cluster_bb = {}, {}, {}
    totals: dict[int, tuple[str, str]] = {}  # centre and height of the placeholders kept for the running totals
    sink_pos, sink_size = "0,0", ("0.5", "0.5")
    for obj in data.get("objects", []):
        name = obj.get("name", "")
        m = _NAME.fullmatch(name)
        if name == "sink":
            sink_pos, sink_size = obj["pos"], (obj["width"], obj["height"])
        elif m and m.group(1) == "cluster_":
            cluster_bb[int(m.group(2))] = obj["bb"]
        elif m and "pos" in obj:
            i = int(m.group(2))
            if m.group(1) == "n":
                node_pos[i], node_size[i] = obj["pos"], (obj["width"], obj["height"])
            else:
                totals[i] = obj["pos"], obj["height"]
    node_xlp = {i: _note_position(node_pos[i], *totals[i]) for i in totals}
    edge_pos = {obj["id"]: obj["pos"] for obj in data.get("edges", []) if "id" in obj}
    edge_lp = {obj["id"]: _label_on_wire(obj["pos"], obj.get("lp")) for obj in data.get("edges", []) if "id" in obj}
    wires = edges_of(g)
    nodes = [_box(o) for o in data.get("objects", []) if re.fullmatch(r"n\d+|sink", o.get("name", "")) and "pos" in o]
    at_dot = {w.key: (x, y, x, y) for w in wires for x, y in [map(float, edge_lp[w.key].split(","))]}
    edge_clear = _word_places(g, wires, edge_pos, edge_lp, nodes, _canvas(g, data, wires, edge_lp, node_xlp, at_dot))
    canvas = _canvas(g, data, wires, edge_lp, node_xlp, edge_clear)
    return Layout(
        node_pos, node_size, node_xlp, sink_pos, sink_size, wires, edge_pos, edge_lp, cluster_bb, canvas, edge_clear
    )


TEXT_CHAR = 0.55  # the width of an average character of a wire's numbers, in ems ("[0.07312, -0.1722]")
SLIDE = 30  # points a wire's words may move along it from where dot kept room for them, to where it is flatter
NEAR = 200  # points: words (and nodes) farther apart than this sideways cannot meet
MAX_LIFT = 60  # points a wire's words may stand over (under) the wire where it passes their middle
PAST_EDGE = 9  # points moved words may reach past the sides of the picture dot's label points make


Box = tuple[float, float, float, float]  # centre x, centre y, half width, half height (points)


def _box(obj: dict) -> Box:
    x, y = map(float, obj["pos"].split(","))
    return x, y, float(obj["width"]) * 36, float(obj["height"]) * 36


def _meets(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of ``boxes``, whether it overlaps any of ``others`` (one box a row: x, y, half width, half height)."""
    if not len(others):
        return np.zeros(len(boxes), dtype=bool)
    b, o = boxes[:, None, :], others[None, :, :]
    return (
        (np.abs(b[..., 0] - o[..., 0]) < b[..., 2] + o[..., 2])
        & (np.abs(b[..., 1] - o[..., 1]) < b[..., 3] + o[..., 3])
    ).any(axis=1)


def _struck(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each of ``boxes``, whether a wire through ``points`` (one a row: x, y) runs through it: through
    its text (a wire may touch its ends)."""
    if not len(points):
        return np.zeros(len(boxes), dtype=bool)
    b, p = boxes[:, None, :], points[None, :, :]
    inside = (np.abs(p[..., 0] - b[..., 0]) < b[..., 2] - 1) & (np.abs(p[..., 1] - b[..., 1]) < b[..., 3])
    return inside.any(axis=1)


@dataclass(frozen=True)
class _Room:
    """How wide a wire's words are, half of it in points (value; gradient and local derivative), and
    whether a name goes over its value."""

    value: float
    grad: float
    named: bool

    @classmethod
    def of(cls, src: Node) -> _Room:
        chars = 8 if src.shape == () else value_width(src)  # "-0.03932"; an array's room is its longest
        half = TEXT_CHAR * WIRE_FONT / 2
        return cls(half * chars, half * (chars + 2), bool(wire_name(src)))

    def value_box(self, x: float, top: float) -> Box:
        """The box of the value (and a name over it) standing over ``top`` at ``x``."""
        lines = 2 if self.named else 1
        return x, top + VALUE_DY + (NAME_DY * 0.8 if self.named else 0), self.value, 7 * lines

    def grad_box(self, x: float, bottom: float) -> Box:
        """The box of the gradient and local derivative hanging under ``bottom`` at ``x``."""
        return x, bottom + GRAD_DY, self.grad, 14


def _past_edge(src: Node, boxes: np.ndarray, side: int, canvas: tuple[float, float, float, float]) -> np.ndarray:
    """For each of ``boxes`` (a value's, ``side`` 0, or a gradient's), how far the room :func:`_canvas` keeps
    for it there reaches past the sides of ``canvas``, in points (0: within it)."""
    chars = value_width(src)
    if side == 0:
        half = CHAR * WIRE_FONT * max(chars, len(wire_name(src))) / 2
    else:
        half = CHAR * WIRE_FONT * max(chars + 2, SCALAR_WIDTH + 6) / 2
    return np.maximum(0, np.maximum(canvas[0] + 2 - (boxes[:, 0] - half), boxes[:, 0] + half - canvas[2] + 2))


def _word_places(
    g: Graph,
    wires: tuple[Edge, ...],
    edge_pos: dict[str, str],
    edge_lp: dict[str, str],
    nodes: list[Box],
    canvas: tuple[float, float, float, float],
) -> dict[str, tuple[float, float, float, float]]:
    """Where each wire's words go: (the value's x, the y it sits over, the gradient's x, the y it hangs under).

    Where dot kept room for them (its label point on the wire), unless the wire runs through them there:
    then each along the wire, where it is flatter, and just clear of it (beside a steep wire: the value
    along it to where it runs lower, the gradient to where it runs higher), but never onto a node, another
    wire's words or another wire, nor more than PAST_EDGE past the picture's sides (where its words at dot's
    points reach; of the places left, one that widens it least), else it stays where dot put it.
    """
    places, words, rooms, paths = {}, {}, {}, {}
    wires_by_key = {w.key: w for w in wires}
    for w in wires:
        x, y = map(float, edge_lp[w.key].split(","))
        rooms[w.key] = room = _Room.of(g.nodes[w.src])
        places[w.key], words[w.key] = (x, y, x, y), [room.value_box(x, y), room.grad_box(x, y)]
        paths[w.key] = np.array(_path(edge_pos[w.key])).reshape(-1, 2)
    keys = sorted(places, key=lambda k: places[k][0])
    xs = [places[k][0] for k in keys]
    nodes = sorted(nodes)
    node_xs = [n[0] for n in nodes]
    for key, room in rooms.items():
        x0 = places[key][0]
        own = paths[key]
        near = keys[bisect.bisect_left(xs, x0 - NEAR) : bisect.bisect_right(xs, x0 + NEAR)]
        wires_near = [paths[k] for k in near if k != key]
        crossing = np.concatenate(wires_near) if wires_near else np.zeros((0, 2))
        for side in (0, 1):  # the value over the wire, the gradient under it
            if not _struck(np.array([words[key][side]]), own)[0]:
                continue  # dot's place is clear of the wire already
            options = _candidates(room, own, x0, over=side == 0)
            if not options:
                continue
            others = [box for k in near if k != key for box in words[k]]
            others += nodes[bisect.bisect_left(node_xs, x0 - NEAR) : bisect.bisect_right(node_xs, x0 + NEAR)]
            boxes = np.array([box for _, box in options])
            free = ~_meets(boxes, np.array(others).reshape(-1, 4)) & ~_struck(boxes, crossing)
            past = _past_edge(g.nodes[wires_by_key[key].src], boxes, side, canvas)
            free &= past <= PAST_EDGE
            if free.any():
                first = np.flatnonzero(free)[int(past[free].argmin())]  # the best that widens the picture least
                x, edge = options[first][0]
                words[key][side] = tuple(boxes[first])
                at = list(places[key])
                at[2 * side : 2 * side + 2] = x, edge
                places[key] = tuple(at)
    return places


def _candidates(room: _Room, path: np.ndarray, x0: float, over: bool) -> list[tuple[tuple[float, float], Box]]:
    """((x, the y over or under which it goes), its box) for the value's places (``over``) or the gradient's
    along the wire near ``x0``, clear of the wire, best first: the nearer the wire and ``x0``, the better."""
    half = room.value if over else room.grad
    px, py = path.T if len(path) else (np.zeros(0), np.zeros(0))
    dxs = np.arange(-SLIDE, SLIDE + 1, 3, dtype=float)
    xs = x0 + dxs[(x0 + dxs >= px.min(initial=np.inf)) & (x0 + dxs <= px.max(initial=-np.inf))]
    if not len(xs):
        return []
    gap = np.abs(px[None, :] - xs[:, None])  # candidate × point
    at = py[gap.argmin(axis=1)]
    under = gap <= half + 2
    if over:
        edge = np.maximum(at, np.where(under, py, -np.inf).max(axis=1))
    else:
        edge = np.minimum(at, np.where(under, py, np.inf).min(axis=1))
    lift = np.abs(edge - at)
    cost = lift + 0.25 * np.abs(xs - x0)
    made = room.value_box if over else room.grad_box
    found = [(float(c), (float(x), float(e))) for c, x, e, d in zip(cost, xs, edge, lift, strict=True) if d <= MAX_LIFT]
    return [(place, made(*place)) for _, place in sorted(found)]


_T = np.linspace(0.0, 1.0, 13)[:, None]  # where each Bézier segment is sampled


def _path(pos: str, low: float = -np.inf, high: float = np.inf) -> list[tuple[float, float]]:
    """Points along a wire's Bézier path (Graphviz's ``pos``), of the segments that reach from ``low`` to ``high``."""
    pts = np.array([p.split(",") for p in pos.split() if not p.startswith(("e,", "s,"))], dtype=float)
    if len(pts) < 4:
        return [tuple(p) for p in pts]
    starts = np.arange(0, len(pts) - 3, 3)
    a, b, c, d = (pts[starts + k] for k in range(4))
    xs = np.stack([a[:, 0], b[:, 0], c[:, 0], d[:, 0]])
    near = (xs.max(axis=0) >= low) & (xs.min(axis=0) <= high)
    a, b, c, d = a[near], b[near], c[near], d[near]
    u = 1 - _T[:, :, None]
    t = _T[:, :, None]
    curve = u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d  # sample × segment × (x, y)
    return [tuple(p) for p in curve.reshape(-1, 2)]


NOTE_HALF_HEIGHT = 10.0  # half a line of 16 pt text


def _note_position(pos: str, total_pos: str, total_height: str) -> str:
    """Where a running total is drawn: just under its node (over it, if dot put the placeholder there).

    Wires may pass within half a node separation of a node, so the text starts just past that
    half, and runs into the placeholder. With the placeholder one separation from the node, as
    dot puts it, the total is at the same small distance under every node of a given size.
    """
    x, y = map(float, pos.split(","))
    ty = float(total_pos.split(",")[1])
    edge = float(total_height) * 36  # half the placeholder's height
    offset = NODESEP / 2 - 1 - NOTE_HALF_HEIGHT  # from the placeholder's edge facing the node
    return f"{x:.2f},{ty + edge + offset if ty < y else ty - edge - offset:.2f}"


CHAR = 0.65  # width of a character in ems, generous (digits are 0.636 in DejaVu Sans)
VALUE_DY, GRAD_DY = 10, -17  # where a wire's value and gradient go: over and under its label point
NAME_DY = 14  # a named intermediate's name goes one line over its value


def _canvas(
    g: Graph,
    data: dict,
    wires: tuple[Edge, ...],
    edge_lp: dict[str, str],
    node_xlp: dict[int, str],
    edge_clear: dict[str, tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    """The box around everything a frame may draw, with the widest texts the layout keeps room for.

    Every drawing is pinned to this box, so the picture never grows or shifts when a text changes.
    (dot's own ``bb`` also holds room for placeholder lines that are never drawn: too loose.)
    """
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")

    def cover(x: float, y: float, half_width: float, half_height: float) -> None:
        nonlocal x0, y0, x1, y1
        x0, x1 = min(x0, x - half_width), max(x1, x + half_width)
        y0, y1 = min(y0, y - half_height), max(y1, y + half_height)

    for obj in data.get("objects", []):
        if "pos" in obj and not obj["name"].startswith("t"):  # the nodes and the sink, not the placeholders
            x, y = map(float, obj["pos"].split(","))
            cover(x, y, float(obj["width"]) * 36, float(obj["height"]) * 36)
        elif obj["name"].startswith("cluster_") and obj["name"][8:].isdigit():  # a group, with its label
            bx0, by0, bx1, by1 = map(float, obj["bb"].split(","))
            cover((bx0 + bx1) / 2, (by0 + by1) / 2, (bx1 - bx0) / 2, (by1 - by0) / 2)
    for obj in data.get("edges", []):
        for point in obj.get("pos", "").split() if "id" in obj else ():
            x, y = map(float, point.removeprefix("e,").removeprefix("s,").split(","))
            cover(x, y, 0, 0)
    for w in wires:  # one line of value over the wire, two lines of gradients under it
        x, top, grad_x, bottom = edge_clear[w.key]
        chars = value_width(g.nodes[w.src])
        cover(x, top + VALUE_DY, CHAR * WIRE_FONT * chars / 2, 10)
        if wire_name(g.nodes[w.src]):
            cover(x, top + VALUE_DY + NAME_DY * 1.3, CHAR * WIRE_FONT * len(wire_name(g.nodes[w.src])) / 2, 10)
        cover(grad_x, bottom + GRAD_DY, CHAR * WIRE_FONT * max(chars + 2, SCALAR_WIDTH + 6) / 2, 18)
    for i, pos in node_xlp.items():
        x, y = map(float, pos.split(","))
        cover(x, y, CHAR * 16 * note_width(g.nodes[i]) / 2, NOTE_HALF_HEIGHT)
    return (x0 - 2, y0 - 2, x1 + 2, y1 + 2)


def _label_on_wire(pos: str, lp: str | None) -> str:
    """Where a wire's words go: on the wire at the column dot kept free for its label."""
    points = [tuple(map(float, p.split(","))) for p in pos.split() if not p.startswith(("e,", "s,"))]
    if lp is None or len(points) < 4:
        x, y = points[len(points) // 2]
        return f"{x:.2f},{y:.2f}"
    x_label = float(lp.split(",")[0])
    for k in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[k : k + 4]
        if min(p0[0], p3[0]) <= x_label <= max(p0[0], p3[0]):
            lo, hi = 0.0, 1.0  # bisection for the t where the curve reaches x_label
            for _ in range(30):
                t = (lo + hi) / 2
                x = _bezier(p0[0], p1[0], p2[0], p3[0], t)
                lo, hi = (t, hi) if (x < x_label) == (p0[0] < p3[0]) else (lo, t)
            t = (lo + hi) / 2
            return f"{_bezier(p0[0], p1[0], p2[0], p3[0], t):.2f},{_bezier(p0[1], p1[1], p2[1], p3[1], t):.2f}"
    x, y = points[len(points) // 2]
    return f"{x:.2f},{y:.2f}"


def _bezier(a: float, b: float, c: float, d: float, t: float) -> float:
    u = 1 - t
    return u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d


# How far dot may have to route wires. dot gives every wire a point in each column it crosses
# (two columns per gate: one for the gate, one for the wire's label) and then places all those points;
# its time grows about as the fourth power of their number. A sum of one input 44 times (990) takes
# 0.5 s, 50 times (1,275) 0.6 to 1.4 s, 60 times (1,830) 3 to 4.5 s, 100 times over 60 s.
MAX_WIRE_RANKS = 1_000


def wire_ranks(g: Graph) -> int:
    """How many columns the wires of ``g`` cross in all, with each node as near its first use as it can be.

    A wire into the next column counts 1; an input used both at the start and at the end of a
    long chain counts the length of the chain for each use.
    """
    return sum(_ranks_by_source(g).values()) + 1  # + 1: the output wire


def _ranks_by_source(g: Graph) -> dict[int, int]:
    depth = [0] * len(g.nodes)  # columns from the output: each node one before its furthest use
    for n in reversed(g.nodes):
        for i in n.inputs:
            depth[i.index] = max(depth[i.index], depth[n.index] + 1)
    crossed: dict[int, int] = {}
    for n in g.nodes:
        for i in n.inputs:
            crossed[i.index] = crossed.get(i.index, 0) + depth[i.index] - depth[n.index]
    return crossed


def check_layout_size(g: Graph) -> None:
    """GraphTooLarge, at once, for a graph too large to step through or too slow for dot to lay out."""
    g.check_showable()
    ranks = wire_ranks(g)
    if ranks <= MAX_WIRE_RANKS:
        return
    source, most = max(_ranks_by_source(g).items(), key=lambda item: item[1])
    node = g.nodes[source]
    raise GraphTooLarge(
        f"this graph's wires are too long to draw quickly: laid out, they would cross {ranks:,} columns in all "
        f"(the limit is {MAX_WIRE_RANKS:,}); {node.label}, used {node.uses} times, alone makes {most:,}. "
        "Draw fewer terms or a shorter chain (x + x + x is 3 * x, one gate); values and gradients "
        "(g.value, g.grads()) work at any size."
    )


_CACHE: OrderedDict[tuple, Layout] = OrderedDict()
_FAILED: OrderedDict[tuple, Exception] = OrderedDict()  # structures dot could not lay out: refused at once again
_CACHE_SIZE = 64


def cached_layout(g: Graph) -> Layout | None:
    """The layout of ``g``'s structure if it was computed before, else None."""
    key = structure_key(g)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    return None


def remember_layout(g: Graph, layout: Layout) -> None:
    """Keep a layout computed elsewhere (by the browser's Graphviz) for ``g``'s structure."""
    _remember(_CACHE, structure_key(g), layout)


def layout_of(g: Graph) -> Layout:
    """The layout of ``g``'s structure, computed once and reused; GraphTooLarge before dot runs if it is too big."""
    key = structure_key(g)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    if key in _FAILED:
        raise _FAILED[key]
    check_layout_size(g)
    try:
        layout = compute_layout(g)
    except GraphvizMissing:  # the machine's, not the graph's: installing Graphviz makes the next try work
        raise
    except (GraphTooLarge, RuntimeError) as err:  # a timeout or a dot failure: the next try fails at once
        _remember(_FAILED, key, err)
        raise
    _remember(_CACHE, key, layout)
    return layout


def _remember(cache: OrderedDict, key: tuple, item: object) -> None:
    cache[key] = item
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
