"""Benchmarks of backprop_viz, each figure beside a baseline measured in the same run.

    make bench                                  # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --figures 2,3 --output /tmp/bench.json
    .venv/bin/python benchmarks/run.py --quick  # tiny sizes, a few seconds (what the smoke test runs)

Figures (medians over repetitions, after warm-up runs):
  1. step latency in the browser: key press to the next frame painted, for A1, the 2-2-1 and
     the 3-2-2 network, measured here in JupyterLab and headless Chromium at 1024x768 (as the
     browser test does, with the same code: tests/browser/latency.py); baseline: the same stepper
     in the page to_html writes, in the same browser; also measured, in the JupyterLab page: the
     stepper as it was (every frame's SVG in an ipywidgets Stack) and a stepper whose kernel draws
     each step with Graphviz.
  2. input change: ``Stepper.set(...)`` (forward, backward, every frame refreshed) for the
     sigmoid neuron A3 and the 3-2-2 network C3; baseline: every frame drawn by Graphviz.
  3. first display: expression string to a stepper ready to show, A3 and a 4-6-5-1 MLP;
     baseline: parse, then every frame drawn by Graphviz.
  4. engine scale: forward and backward with every step recorded, ~100,000 nodes;
     baseline: a micrograd-style scalar autograd (benchmarks/reference_autograd.py).
  5. notebook suite: every notebook executed in a fresh kernel; baseline: the floor
     (a fresh kernel that only imports backprop_viz) times the number of notebooks.
  6. data sent to the browser: widget state of the sigmoid neuron A3 (four gates) and of the
     3-2-2 network, one input change on the 3-2-2, and notebooks/ on disk; baseline: every
     frame as full SVG and HTML, as the stepper kept them before its own front end.
  7. layout of the largest graphs accepted: dot's layout of the largest graph of each hard shape
     that the bounds let through (layout.MAX_WIRE_RANKS, graph.MAX_SHOWN); beside it, the
     next size up, refused with GraphTooLarge before dot runs.

It prints a table and writes benchmarks/results/latest.json with the machine's description.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import reference_autograd as ref  # noqa: E402

import backprop_viz as bv  # noqa: E402
from backprop_viz.drawing import layout as bv_layout  # noqa: E402
from backprop_viz.engine.networks import network  # noqa: E402

TINY = "f = x * y"  # for --quick
A3 = "f = sigmoid(w0*x0 + w1*x1 + w2)"
A3_VALUES = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
C3_WEIGHTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1]
KERNEL_STEPPER = "a stepper whose kernel draws each step with Graphviz (same page)"
BARE_PAGE = "the same stepper in the page to_html writes (no JupyterLab), same browser, 1024x768"
STACK_STEPPER = "the stepper as it was: every frame's SVG in an ipywidgets Stack (same page)"
RESULTS = HERE / "results" / "latest.json"


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall times of repeated runs, in milliseconds."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def summary(self) -> dict:
        return {
            "median_ms": round(self.median, 3),
            "min_ms": round(min(self.runs), 3),
            "max_ms": round(max(self.runs), 3),
            "repetitions": len(self.runs),
        }


def once_ms(fn: Callable[[], object]) -> float:
    """Milliseconds of one run of ``fn``, after a garbage collection (so none lands inside)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1, setup: Callable[[], object] | None = None) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``repeat`` times timed; ``setup`` runs untimed before each."""
    runs = []
    for k in range(warmup + repeat):
        if setup is not None:
            setup()
        elapsed = once_ms(fn)
        if k >= warmup:
            runs.append(elapsed)
    return Timing(runs)


def timed_pair(a: Callable[[], object], b: Callable[[], object], repeat: int, warmup: int = 1) -> tuple[Timing, Timing]:
    """``a`` and ``b`` timed in turns (a b a b ...), so that a slow spell of the machine hits both alike."""
    runs: tuple[list[float], list[float]] = ([], [])
    for k in range(warmup + repeat):
        for fn, out in ((a, runs[0]), (b, runs[1])):
            elapsed = once_ms(fn)
            if k >= warmup:
                out.append(elapsed)
    return Timing(runs[0]), Timing(runs[1])


@dataclass
class Row:
    """One line of the table: a figure, its baseline, their ratio and the target."""

    figure: str
    case: str
    value: float | None  # in ``unit``; None when not measured
    unit: str
    baseline: float | None
    baseline_name: str
    ratio: float | None  # see ratio_name
    ratio_name: str
    target: str
    met: bool | None  # None: not measured
    note: str = ""
    detail: dict = field(default_factory=dict)


def speedup(baseline: float | None, value: float | None) -> float | None:
    return None if not baseline or not value else baseline / value


# -- 6. what the browser is sent ---------------------------------------------------------------------


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _old_frames_bytes(s: bv.Stepper) -> int:
    """The stepper as it was: each frame's full SVG, its explanation and its table, as HTML in the widget state."""
    from backprop_viz.drawing.words import explanation, frame_title

    count = s.graph.frame_count
    frames = enumerate(s.frames)
    return sum(_bytes(s.svg(k)) + _bytes(explanation(s.graph, f)) + _bytes(frame_title(f, count)) for k, f in frames)


PLAYER_DATA = ("view", "walk", "words", "step", "inputs", "options", "status")  # not the module's code or style


def _wire_bytes(content: dict) -> int:
    """A comm message's content as Jupyter sends it: JSON as jupyter_client packs it (non-ASCII kept,
    no NaN), in UTF-8 bytes."""
    return _bytes(json.dumps(content, ensure_ascii=False, allow_nan=False))


def _state_bytes(s: bv.Stepper) -> int:
    """The stepper's widget state as its comm opens (its data only, not the module's code and style sheet)."""
    return _wire_bytes({"state": s.widget.get_state(list(PLAYER_DATA)), "buffer_paths": []})


def _sent(case: str, make: Callable[[], bv.Stepper], budget: int, change: tuple[str, float] | None) -> list[Row]:
    s = make()
    rows = [
        Row(
            figure="6. data sent (browser)",
            case=f"{case}: widget state ({len(s)} frames)",
            value=_state_bytes(s) / 1000,
            unit="KB",
            baseline=_old_frames_bytes(s) / 1000,
            baseline_name="every frame as full SVG and HTML (the stepper as it was)",
            ratio=speedup(_old_frames_bytes(s), _state_bytes(s)),
            ratio_name="× smaller",
            target=f"≤ {budget // 1000} KB",
            met=_state_bytes(s) <= budget,
        )
    ]
    if change is not None:
        sent: list[dict] = []  # each update message the widget sends, as ipywidgets makes it
        s.widget._send = lambda msg, buffers=None: sent.append(msg)
        s.set(**{change[0]: change[1]})
        size = sum(_wire_bytes(msg) for msg in sent)
        old = _old_frames_bytes(s)
        rows.append(
            Row(
                figure="6. data sent (browser)",
                case=f"{case}: one input change",
                value=size / 1000,
                unit="KB",
                baseline=old / 1000,
                baseline_name="every frame's HTML again (the stepper as it was)",
                ratio=speedup(old, size),
                ratio_name="× smaller",
                target="≤ 20 KB",
                met=size <= 20_000,
                note=f"sent: {', '.join(name for msg in sent for name in msg['state'])}",
            )
        )
    s.close()
    return rows


BEFORE_FRONT_END = "08de34d"  # the last commit whose steppers kept every frame as full SVG in a Stack


def _notebooks_bytes_at(rev: str) -> int | None:
    """The size of notebooks/*.ipynb at commit ``rev`` (None outside a git checkout that has it)."""
    try:
        listing = subprocess.run(
            ["git", "ls-tree", "-r", "-l", rev, "notebooks/"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sum(int(line.split()[3]) for line in listing.splitlines() if line.endswith(".ipynb"))


def figure_sent(notebooks_budget: int = 4_000_000, quick: bool = False) -> list[Row]:
    """Widget state of the expanded A3 and of the 3-2-2, an input change on the 3-2-2, and notebooks/ on disk."""
    if quick:
        return _sent("f = x * y", lambda: bv.Stepper(TINY, x=2, y=3), 30_000, ("x", 1.5))
    rows = _sent("A3 four gates", lambda: bv.Stepper(A3, expand=True, **A3_VALUES), 30_000, None)
    rows += _sent("C3 3-2-2 network", lambda: bv.Stepper(c3_graph()), 150_000, ("x1", 1.5))
    total = sum(p.stat().st_size for p in notebooks())
    before = _notebooks_bytes_at(BEFORE_FRONT_END)
    rows.append(
        Row(
            figure="6. data sent (browser)",
            case=f"notebooks/ on disk ({len(notebooks())} notebooks, outputs kept)",
            value=total / 1e6,
            unit="MB",
            baseline=before / 1e6 if before else None,
            baseline_name=f"notebooks/ at commit {BEFORE_FRONT_END}, before the stepper's own front end",
            ratio=speedup(before, total),
            ratio_name="× smaller",
            target=f"≤ {notebooks_budget / 1e6:g} MB",
            met=total <= notebooks_budget,
        )
    )
    return rows


# -- machine --------------------------------------------------------------------------------------


def machine() -> dict:
    """CPU model, cores, memory, Python, Graphviz and package versions, load at the start."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    try:
        done = subprocess.run([bv_layout.dot_program(), "-V"], capture_output=True, text=True, timeout=30)
        graphviz = (done.stderr or done.stdout).strip()
    except (bv.GraphvizMissing, OSError, subprocess.SubprocessError):
        graphviz = "not installed"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no", "backprop_viz"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
        )
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", False
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "graphviz": graphviz,
        "versions": _versions("numpy", "graphviz", "ipywidgets", "nbclient", "ipykernel"),
        "commit": commit + ("+local changes" if dirty else ""),
        "load_average_at_start": _load(),
    }


def _versions(*names: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# -- the graphs -------------------------------------------------------------------------------------


def c3_graph() -> bv.Graph:
    """The 3-2-2 network of example C3 (deck 002), inputs 1, 4, 5, targets 0.1, 0.05, biases 0.5."""
    return network([3, 2, 2], weights=C3_WEIGHTS, biases=[0.5] * 4, inputs=[1.0, 4.0, 5.0], targets=[0.1, 0.05]).graph


def mlp_source(sizes: Sequence[int] = (4, 6, 5, 1), seed: int = 0) -> tuple[str, dict[str, float]]:
    """An expression string for a sigmoid MLP with named weights ``w<layer>_<to>_<from>``, and its inputs."""
    rng = random.Random(seed)
    values: dict[str, float] = {}
    below = []
    for i in range(1, sizes[0] + 1):
        below.append(f"x{i}")
        values[f"x{i}"] = round(rng.uniform(-1, 1), 2)
    lines = []
    for layer, size in enumerate(sizes[1:], start=1):
        names = []
        for j in range(1, size + 1):
            terms = []
            for i, src in enumerate(below, start=1):
                w = f"w{layer}_{j}_{i}"
                values[w] = round(rng.gauss(0, 1 / math.sqrt(len(below))), 2)
                terms.append(f"{w}*{src}")
            bias = f"b{layer}_{j}"
            values[bias] = 0.1
            last = layer == len(sizes) - 1 and size == 1
            name = "f" if last else f"h{layer}_{j}"
            lines.append(f"{name} = sigmoid({' + '.join(terms)} + {bias})")
            names.append(name)
        below = names
    return "\n".join(lines), values


def chain(make: Callable[[float, str], object], nodes: int) -> tuple[object, list]:
    """y <- tanh(y * a + b), repeated until the graph has about ``nodes`` nodes; the output and inputs."""
    a, b, x = make(0.9, "a"), make(0.1, "b"), make(0.5, "x")
    y = x
    for _ in range(max(1, (nodes - 3) // 3)):
        y = (y * a + b).tanh()
    return y, [a, b, x]


def mlp(make: Callable[[float, str], object], sizes: Sequence[int], seed: int = 1) -> tuple[object, list]:
    """A scalar tanh MLP with one output, built from ``make(value, name)``; the output and its inputs."""
    rng = random.Random(seed)
    inputs = [make(rng.uniform(-1, 1), f"x{i}") for i in range(sizes[0])]
    params = list(inputs)
    below = inputs
    for layer, size in enumerate(sizes[1:], start=1):
        scale = 1 / math.sqrt(len(below))
        out = []
        for j in range(size):
            z = None
            for i, src in enumerate(below):
                w = make(rng.gauss(0, scale), f"w{layer}_{j}_{i}")
                params.append(w)
                z = w * src if z is None else z + w * src
            bias = make(0.0, f"b{layer}_{j}")
            params.append(bias)
            out.append((z + bias).tanh())
        below = out
    return below[0], params


def mlp_nodes(sizes: Sequence[int]) -> int:
    """Nodes of ``mlp(sizes)``: inputs, weights and biases, products, sums and activations."""
    total = sizes[0]
    for fan_in, size in zip(sizes, sizes[1:], strict=False):
        total += size * (fan_in + 1 + fan_in + fan_in + 1)  # weights, bias, products, sums, tanh
    return total


def _engine_var(value: float, name: str) -> bv.Var:
    return bv.Var(value, name=name)


def _reference_value(value: float, name: str) -> ref.Value:
    return ref.Value(value)


# -- 1. step latency in the browser ----------------------------------------------------------------


def measure_latency_in_jupyterlab(samples: int = 80) -> dict:
    """Start JupyterLab and headless Chromium as the browser tests do, and measure the side-by-side latency
    (``tests/browser/latency.py``: the stepper, the stepper as it was, a kernel-drawn stepper)."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from chromium import CHROMIUM_ARGS, find_chromium, new_page
    from lab_page import Lab
    from latency import side_by_side
    from playwright.sync_api import sync_playwright
    from servers import start_server

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("Chromium was not found (make setup installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        server_run = start_server(_Folders(Path(tmp)), "jupyterlab")
        server = next(server_run)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
                try:
                    return side_by_side(Lab(new_page(browser), server), samples=samples)
                finally:
                    browser.close()
        finally:
            server_run.close()  # stops the server and its kernels


class _Folders:
    """What ``start_server`` asks of pytest's tmp_path_factory: a new folder by name."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))
        return path


def figure_step_latency(browser: bool = True, samples: int = 80) -> list[Row]:
    """Key press to the next frame painted, measured here in JupyterLab, beside the same stepper in the page
    to_html writes (and, in JupyterLab, the stepper as it was and a kernel-drawn stepper)."""
    target = "≤ 1.25× the bare page"
    why = "not measured with --quick (it starts JupyterLab and Chromium)"
    data = None
    if browser:
        try:
            data = measure_latency_in_jupyterlab(samples)
        except Exception as err:  # a machine without Chromium or JupyterLab still gets the other figures
            why = f"not measured: {type(err).__name__}: {err}"[:300]
    if data is None:
        return [
            Row(
                figure="1. step latency (browser)",
                case="A1, C2 and C3 steppers, arrow keys",
                value=None,
                unit="ms",
                baseline=None,
                baseline_name=BARE_PAGE,
                ratio=None,
                ratio_name="× the bare page",
                target=target,
                met=None,
                note=why,
            )
        ]
    rows = []
    for case, got in data["cases"].items():
        ours, bare = got["stepper"]["key_to_frame_ms"], got["bare_page"]["key_to_frame_ms"]
        stack, kernel = got["stack_stepper"]["key_to_frame_ms"], got["kernel_stepper"]["key_to_frame_ms"]
        ratio = ours["median"] / bare["median"]
        rows.append(
            Row(
                figure="1. step latency (browser)",
                case=f"{case} ({got['frames']} frames)",
                value=ours["median"],
                unit="ms",
                baseline=bare["median"],
                baseline_name=BARE_PAGE,
                ratio=round(ratio, 2),
                ratio_name="× the bare page",
                target=target,
                met=ratio <= 1.25,
                note=f"p90 {ours['p90']} ms (bare page {bare['p90']} ms); to the DOM change "
                f"{got['stepper']['key_to_dom_ms']['median']} ms; in JupyterLab too: as it was {stack['median']} ms, "
                f"kernel-drawn {kernel['median']} ms; {data['browser']}, JupyterLab {data['jupyterlab']}",
                detail=got,
            )
        )
    return rows


# -- 2. input change ------------------------------------------------------------------------------


def _input_change(
    case: str,
    make_stepper: Callable[[], bv.Stepper],
    name: str,
    values: tuple[float, float],
    repeat: int,
    baseline_repeat: int,
    warmup: int,
) -> Row:
    s = make_stepper()
    frames = len(s)
    toggle = [0]

    def move() -> None:
        toggle[0] ^= 1
        s.set(**{name: values[toggle[0]]})

    t = timed(move, repeat=repeat, warmup=3 * warmup)
    g = s.graph

    def naive() -> None:
        toggle[0] ^= 1
        g.set(**{name: values[toggle[0]]})
        for k in range(g.frame_count):
            bv.render(g, k).pipe(format="svg")

    base = timed(naive, repeat=baseline_repeat, warmup=warmup)
    s.close()
    ratio = speedup(base.median, t.median)
    return Row(
        figure="2. input change (kernel)",
        case=f"{case} ({len(g.nodes)} nodes, {frames} frames)",
        value=t.median,
        unit="ms",
        baseline=base.median,
        baseline_name="every frame drawn by Graphviz",
        ratio=ratio,
        ratio_name="× faster",
        target="median < 50 ms and ≥ 20× faster",
        met=t.median < 50 and ratio is not None and ratio >= 20,
        detail={"stepper_set": t.summary(), "baseline": base.summary(), "input": name, "values": values},
    )


INPUT_CHANGE_CASES = {
    "A3": ("A3 sigmoid neuron", lambda: bv.Stepper(A3, expand=True, **A3_VALUES), "w0", (2.5, 2.0)),
    "C3": ("C3 3-2-2 network", lambda: bv.Stepper(c3_graph()), "x1", (1.5, 1.0)),
    "tiny": ("f = x * y", lambda: bv.Stepper(TINY, x=2, y=3), "x", (1.5, 2.0)),
}


def figure_input_change(
    repeat: int = 20, baseline_repeat: int = 3, warmup: int = 1, cases: Sequence[str] = ("A3", "C3")
) -> list[Row]:
    """Stepper.set(...) for A3 and C3, beside rendering every frame with Graphviz."""
    return [_input_change(*INPUT_CHANGE_CASES[c], repeat, baseline_repeat, warmup) for c in cases]


# -- 3. first display ------------------------------------------------------------------------------


def _first_display(
    case: str, source: str, values: dict, expand: bool, limit_s: float, repeat: int, sample: int | None, warmup: int
) -> Row:
    opened: list[bv.Stepper] = []

    def display() -> None:
        s = bv.Stepper(source, expand=expand, **values)
        s._repr_mimebundle_()
        opened.append(s)

    def fresh() -> None:
        bv_layout._CACHE.clear()
        while opened:
            opened.pop().close()

    t = timed(display, repeat=repeat, warmup=warmup, setup=fresh)
    ready = timed(lambda: opened.append(bv.Stepper(source, expand=expand, **values)), repeat, warmup, setup=fresh)
    fresh()
    g = bv.expr(source, expand=expand, **values)
    count = g.frame_count
    # Baseline: parse, then every frame drawn by Graphviz (the first render also lays out).
    # For big graphs, the per-frame cost is sampled on evenly spaced frames and multiplied out.
    chosen = (
        list(range(count))
        if sample is None or sample >= count
        else sorted({round(i * (count - 1) / (sample - 1)) for i in range(sample)})
    )

    def naive() -> None:
        graph = bv.expr(source, expand=expand, **values)
        for k in chosen:
            bv.render(graph, k).pipe(format="svg")

    base = timed(naive, repeat=1 if len(chosen) < count else max(1, repeat // 2), warmup=0, setup=fresh)
    baseline = base.median * count / len(chosen)
    ratio = speedup(baseline, t.median)
    note = "" if len(chosen) == count else f"baseline from {len(chosen)} of {count} frames, multiplied out"
    note = "; ".join(
        filter(
            None,
            [
                note,
                f"of which the stepper ready in the kernel {ready.median:.0f} ms, the "
                "rest the still picture drawn by Graphviz",
            ],
        )
    )
    return Row(
        figure="3. first display",
        case=f"{case} ({len(g.nodes)} nodes, {count} frames)",
        value=t.median,
        unit="ms",
        baseline=baseline,
        baseline_name="parse, then every frame drawn by Graphviz",
        ratio=ratio,
        ratio_name="× faster",
        target=f"< {limit_s:g} s",
        met=t.median < limit_s * 1000,
        note=note,
        detail={
            "stepper": t.summary(),
            "stepper_ready": ready.summary(),
            "baseline": base.summary(),
            "baseline_frames": len(chosen),
        },
    )


def figure_first_display(
    repeat: int = 7, mlp_sizes: Sequence[int] = (4, 6, 5, 1), sample: int = 8, warmup: int = 1, small: str = "A3"
) -> list[Row]:
    """Expression string to stepper ready (layout cache cleared), A3 and an MLP of about 200 nodes."""
    source, values = mlp_source(mlp_sizes)
    name = "-".join(map(str, mlp_sizes))
    first = (
        _first_display("A3 sigmoid neuron", A3, A3_VALUES, True, 0.3, repeat, None, warmup)
        if small == "A3"
        else _first_display(TINY, TINY, {"x": 2.0, "y": 3.0}, False, 0.3, repeat, None, warmup)
    )
    return [
        first,
        _first_display(
            f"{name} sigmoid MLP", source, values, False, 2.0, max(3, repeat // 2) if warmup else repeat, sample, warmup
        ),
    ]


# -- 4. engine scale --------------------------------------------------------------------------------


def _engine_run(build: Callable[[Callable], tuple[object, list]]) -> tuple[bv.Graph, list]:
    out, inputs = build(_engine_var)
    g = bv.trace(out)
    _ = g.steps
    return g, inputs


def _reference_run(build: Callable[[Callable], tuple[object, list]]) -> tuple[object, list]:
    out, inputs = build(_reference_value)
    out.backward()
    return out, inputs


def _peak_mb(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        kept = fn()
        peak = tracemalloc.get_traced_memory()[1]
        del kept
    finally:
        tracemalloc.stop()
    return peak / 1024**2


def _engine_phases(build: Callable[[Callable], tuple[object, list]]) -> dict[str, float]:
    """Milliseconds of one engine run by phase: building the Vars, trace (forward, backward), steps."""
    gc.collect()
    t0 = time.perf_counter()
    out, _ = build(_engine_var)
    t1 = time.perf_counter()
    g = bv.trace(out)
    t2 = time.perf_counter()
    _ = g.steps
    t3 = time.perf_counter()
    return {
        "build_vars_ms": round((t1 - t0) * 1000, 1),
        "trace_ms": round((t2 - t1) * 1000, 1),
        "steps_ms": round((t3 - t2) * 1000, 1),
    }


def _scale(case: str, build: Callable[[Callable], tuple[object, list]], repeat: int) -> list[Row]:
    g, engine_inputs = _engine_run(build)
    out, ref_inputs = _reference_run(build)
    worst = max(
        abs(g.grad(n.name) - v.grad) / max(1.0, abs(v.grad)) for n, v in zip(engine_inputs, ref_inputs, strict=True)
    )
    nodes, steps = len(g.nodes), len(g.steps)
    agree = worst < 1e-9 and math.isclose(g.value, out.data, rel_tol=1e-12)
    del g, out, engine_inputs, ref_inputs
    engine, reference = timed_pair(lambda: _engine_run(build), lambda: _reference_run(build), repeat=repeat)
    phases = _engine_phases(build)
    engine_mb = _peak_mb(lambda: _engine_run(build))
    reference_mb = _peak_mb(lambda: _reference_run(build))
    time_ratio = engine.median / reference.median
    memory_ratio = engine_mb / reference_mb
    label = f"{case} ({nodes:,} nodes, {steps:,} steps)"
    checked = "gradients agree with the reference" if agree else f"GRADIENTS DIFFER (worst {worst:.2e})"
    return [
        Row(
            figure="4. engine scale: time",
            case=label,
            value=engine.median,
            unit="ms",
            baseline=reference.median,
            baseline_name="reference autograd",
            ratio=time_ratio,
            ratio_name="× the reference",
            target="≤ 2× the reference",
            met=time_ratio <= 2,
            note=checked,
            detail={
                "engine": engine.summary(),
                "reference": reference.summary(),
                "engine_phases": phases,
                "gradients_agree": agree,
            },
        ),
        Row(
            figure="4. engine scale: memory",
            case=label,
            value=engine_mb,
            unit="MB peak",
            baseline=reference_mb,
            baseline_name="reference autograd",
            ratio=memory_ratio,
            ratio_name="× the reference",
            target="≤ 2× the reference",
            met=memory_ratio <= 2,
            note="tracemalloc peak of build, forward, backward (and steps)",
        ),
    ]


def figure_engine_scale(
    nodes: int = 100_000, mlp_sizes: Sequence[int] = (10, 180, 180, 1), repeat: int = 5
) -> list[Row]:
    """Forward and backward of a long chain and a wide MLP, engine (steps recorded) against the reference."""
    name = "-".join(map(str, mlp_sizes))
    return [
        *_scale("chain y = tanh(y·a + b)", lambda make: chain(make, nodes), repeat),
        *_scale(f"{name} tanh MLP", lambda make: mlp(make, mlp_sizes), repeat),
    ]


# -- 5. notebook suite ------------------------------------------------------------------------------

FLOOR_SOURCE = "import backprop_viz as bv\nbv.__name__"


def notebooks(folder: Path = ROOT / "notebooks") -> list[Path]:
    return sorted(folder.glob("*.ipynb"))


def execute_notebook(path: Path, workdir: Path, timeout: int = 900) -> tuple[float, str | None]:
    """Seconds to execute ``path`` in a fresh kernel (working directory ``workdir``), and the error if any."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1][:200]
    except Exception as err:  # a kernel that dies or times out still gets its time reported
        error = f"{type(err).__name__}: {err}"[:200]
    return time.perf_counter() - start, error


def floor_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(FLOOR_SOURCE))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def figure_notebooks(paths: Sequence[Path] | None = None, floor_repeat: int = 3, limit_s: float = 180) -> list[Row]:
    """Every notebook in a fresh kernel, one after another, in a scratch copy of notebooks/."""
    paths = notebooks() if paths is None else list(paths)
    target = f"< {limit_s / 60:g} min on 2 cores"
    if not paths:
        return [
            Row(
                figure="5. notebook suite",
                case="no notebooks",
                value=None,
                unit="s",
                baseline=None,
                baseline_name="fresh kernel + import, per notebook",
                ratio=None,
                ratio_name="× the floor",
                target=target,
                met=None,
                note="not measured: no notebooks found",
            )
        ]
    with tempfile.TemporaryDirectory(prefix="bv-bench-") as tmp:
        work = Path(tmp)
        for p in paths:  # whatever the notebooks write lands in the scratch copy
            shutil.copy2(p, work / p.name)
        for extra in p.parent.iterdir():
            if extra.suffix != ".ipynb" and extra.is_file():
                shutil.copy2(extra, work / extra.name)
        floor_path = floor_notebook(work)
        floor_runs = [execute_notebook(floor_path, work)[0] for _ in range(floor_repeat + 1)][1:]
        each = {}
        for p in paths:
            seconds, error = execute_notebook(work / p.name, work)
            each[p.name] = {"seconds": round(seconds, 2), "error": error}
    total = sum(v["seconds"] for v in each.values())
    floor = statistics.median(floor_runs) * len(paths)
    failed = [k for k, v in each.items() if v["error"]]
    note = f"{len(paths)} notebooks, one run each"
    if failed:
        note += f"; {len(failed)} failed: {', '.join(failed)}"
    slowest = sorted(each.items(), key=lambda kv: -kv[1]["seconds"])[:3]
    note += "; slowest: " + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in slowest)
    return [
        Row(
            figure="5. notebook suite",
            case=f"{len(paths)} notebooks, fresh kernel each",
            value=total,
            unit="s",
            baseline=floor,
            baseline_name="fresh kernel + import, per notebook",
            ratio=total / floor,
            ratio_name="× the floor",
            target=target,
            met=total < limit_s and not failed,
            note=note,
            detail={"notebooks": each, "floor_seconds_each": [round(x, 2) for x in floor_runs]},
        )
    ]


# -- the table ----------------------------------------------------------------------------------------


# -- 6. layout of the largest graphs accepted ------------------------------------------------------


def relu_chain(steps: int) -> str:
    """``h{i} = relu(h{i-1}*w + x)``: x and w feed every step, so their wires get longer and longer."""
    return "h0 = x; " + "; ".join(f"h{i} = relu(h{i - 1}*w + x)" for i in range(1, steps + 1))


def _terms(names: Sequence[str], count: int) -> tuple[str, dict[str, float]]:
    """A sum of ``count`` terms cycling through ``names``, and a value for each name."""
    return "+".join(names[i % len(names)] for i in range(count)), dict.fromkeys(names, 1.0)


# Each case: the largest of its shape that the bounds accept, and the same shape one size up.
LAYOUT_CASES: dict[str, Callable[[int], tuple[str, dict[str, float]]]] = {
    "x + x + ... + x, 44 terms": lambda up: _terms(["x"], 44 + up),
    "relu chain, 17 steps": lambda up: (relu_chain(17 + up), {"x": 1.0, "w": 0.5}),
    "5 inputs in 45 terms": lambda up: _terms([f"x{j}" for j in range(5)], 45 + up),
    "137 inputs summed": lambda up: _terms([f"x{i}" for i in range(137 + up)], 137 + up),
    "4-6-5-1 sigmoid MLP": lambda up: mlp_source((4, 6 + up, 5, 1)),
    "tiny": lambda up: _terms(["x"], 3 + 50 * up),  # for --quick
}


# The largest network views the bound accepts (network_draw.MAX_WEIGHTS), and one size up.
NETWORK_CASES: dict[str, Callable[[int], list[int]]] = {
    "23-25 network with biases, 600 weights": lambda up: [23 + up, 25],
    "599-1 network with biases, 600 weights": lambda up: [599 + up, 1],
}


def bound_row(case: str, made, refused, limit_s: float, made_name: str) -> Row:
    """Figure 7's row: how long the largest accepted case takes, beside the refusal of the next size up."""
    return Row(
        figure="7. layout at the bounds",
        case=case,
        value=made.median,
        unit="ms",
        baseline=refused.median,
        baseline_name="the next size up, refused before dot runs",
        ratio=None,
        ratio_name="",
        target=f"< {limit_s:g} s",
        met=made.median < limit_s * 1000,
        detail={made_name: made.summary(), "refused": refused.summary()},
    )


def timed_refusal(make: Callable[[], object], repeat: int):
    """How long ``make`` takes to raise GraphTooLarge (an AssertionError if it makes the thing instead)."""

    def refuse() -> None:
        try:
            make()
        except bv.GraphTooLarge:
            return
        raise AssertionError("the next size up was not refused")

    return timed(refuse, repeat=repeat, warmup=0)


def figure_network_bounds(repeat: int = 3, limit_s: float = 2.0) -> list[Row]:
    """A network view of the largest networks accepted, made until ready (laid out, every frame encoded),
    beside the refusal of the next size up."""
    from backprop_viz.frontend.network_view import NetworkView

    rows = []
    for case, sizes in NETWORK_CASES.items():
        net = network(sizes(0), seed=0, use_biases=True)
        bigger = network(sizes(1), seed=0, use_biases=True)
        t = timed(lambda net=net: NetworkView(net).close(), repeat=repeat, warmup=0)

        refused = timed_refusal(lambda bigger=bigger: NetworkView(bigger), repeat)
        rows.append(bound_row(f"NetworkView of a {case}", t, refused, limit_s, "ready"))
    return rows


def figure_layout_bounds(repeat: int = 3, cases: Sequence[str] | None = None, limit_s: float = 2.0) -> list[Row]:
    """dot's layout time of the largest graphs accepted, beside the refusal of the next size up (and
    the same for network views, unless ``cases`` names the graphs to measure)."""
    rows = []
    for case in cases or [c for c in LAYOUT_CASES if c != "tiny"]:
        source, values = LAYOUT_CASES[case](0)
        g = bv.expr(source, **values)
        t = timed(lambda g=g: bv_layout.layout_of(g), repeat=repeat, warmup=0, setup=bv_layout._CACHE.clear)
        bigger = bv.expr(*LAYOUT_CASES[case](1)[:1], **LAYOUT_CASES[case](1)[1])

        refused = timed_refusal(lambda bigger=bigger: bv_layout.layout_of(bigger), repeat)
        case = f"{case} ({bv_layout.wire_ranks(g):,} columns crossed, {g.shown_size:,} drawn in its frames)"
        rows.append(bound_row(case, t, refused, limit_s, "layout"))
    return rows if cases else rows + figure_network_bounds(repeat, limit_s)


def _num(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    if unit == "ms" and v >= 1000:
        return f"{v / 1000:.2f} s"
    if unit == "ms":
        return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"
    if unit == "s":
        return f"{v:.1f} s"
    if unit == "MB peak":
        return f"{v:.1f} MB"
    if unit in ("KB", "MB"):
        return f"{v:.1f} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{v:.3g}"


def table(rows: Sequence[Row]) -> str:
    """The rows as a plain text table, notes under it."""
    head = ("figure", "case", "measured", "baseline", "ratio", "target", "met")
    body = []
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.3g}{r.ratio_name}"
        met = "n/a" if r.met is None else "yes" if r.met else "NO"
        body.append((r.figure, r.case, _num(r.value, r.unit), _num(r.baseline, r.unit), ratio, r.target, met))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    out = [line(head), line(["-" * w for w in widths]), *map(line, body), ""]
    out += [f"baseline of {r.figure} / {r.case}: {r.baseline_name}" + (f"; {r.note}" if r.note else "") for r in rows]
    return "\n".join(out)


FIGURES = {
    1: figure_step_latency,
    2: figure_input_change,
    3: figure_first_display,
    4: figure_engine_scale,
    5: figure_notebooks,
    6: figure_sent,
    7: figure_layout_bounds,
}

# Tiny sizes for a quick check that every figure runs (the smoke test); not meaningful numbers.
QUICK = {
    1: {"browser": False},
    2: {"repeat": 1, "baseline_repeat": 1, "warmup": 0, "cases": ("tiny",)},
    3: {"repeat": 1, "mlp_sizes": (1, 1), "sample": 2, "warmup": 0, "small": "tiny"},
    4: {"nodes": 300, "mlp_sizes": (3, 4, 1), "repeat": 1},
    5: {"paths": []},
    6: {"quick": True},
    7: {"repeat": 1, "cases": ("tiny",)},
}


def run(figures: Sequence[int], quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    for k in figures:
        start = time.perf_counter()
        got = FIGURES[k](**(QUICK[k] if quick else {}))
        print(f"  figure {k}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
        rows += got
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--figures", default="1,2,3,4,5,6,7", help="which figures, e.g. 2,3 (default: all)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code runs, numbers meaningless")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON results file (default: {RESULTS.relative_to(ROOT)}; none with --quick)",
    )
    args = parser.parse_args(argv)
    figures = [int(x) for x in re.split(r"[,\s]+", args.figures.strip()) if x]
    unknown = set(figures) - set(FIGURES)
    if unknown:
        parser.error(f"no figure {sorted(unknown)}; figures are 1 to 7")
    about = machine()
    print(
        f"{about['cpu']}, {about['cores']} cores, Python {about['python']}, {about['graphviz']}, "
        f"load {about['load_average_at_start']}",
        file=sys.stderr,
    )
    started = datetime.now(UTC)
    rows = run(figures, quick=args.quick)
    about["load_average_at_end"] = _load()
    print(table(rows))
    output = args.output or (None if args.quick else RESULTS)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        result = {
            "taken": started.isoformat(timespec="seconds"),
            "machine": about,
            "quick": args.quick,
            "rows": [asdict(r) for r in rows],
        }
        output.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        print(f"\nwritten: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
