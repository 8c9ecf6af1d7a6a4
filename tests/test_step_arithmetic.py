"""Every backward step of every notebook stepper writes its arithmetic, and the arithmetic is right.

A step's line reads ``∂f/∂x = ∂f/∂q · ∂q/∂x = NUMBERS = RESULT``, where NUMBERS is one of

    (A)(B)           a product: numbers, a number and an array, or arrays element by element
    sum(A × B)       the elements of that product added up (a dot product, or an input spread over every element)
    outer(A, B)      an outer product
    A @ B            a matrix product

Here the numbers are read back from the words the student sees (the frame's HTML, tags
removed), the operation is done again with numpy, and the result must be the one written to
the digits shown: each number written stands for anything within half a unit of its last
digit, and the error that this rounding can make is carried through the operation. The
result written must also be the gradient the engine computed. Only the output's own gate may
write no arithmetic (its upstream is ∂f/∂f = 1; its line gives the local derivative).
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest
from nbval_runs import checked_by_nbval
from notebook_steppers import FROM_NBVAL, NOTEBOOKS, shown

import backprop_viz as bv
from backprop_viz.engine.numbers import PRECISION

NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf|nan")
TAG = re.compile(r"<[^>]+>")


def literal(text: str, at: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """The number or nested list written at ``text[at:]``: (value, half a unit of each last digit, end)."""
    if text.startswith("[", at):
        values, halves, at = [], [], at + 1
        while True:
            v, h, at = literal(text, at)
            values.append(v)
            halves.append(h)
            if text.startswith(", ", at):
                at += 2
            elif text.startswith("]", at):
                return np.array(values), np.array(halves), at + 1
            else:
                raise ValueError(f"not a list: {text!r}")
    m = NUMBER.match(text, at)
    if m is None:
        raise ValueError(f"not a number at {at}: {text!r}")
    return np.float64(float(m[0])), np.float64(half_unit(m[0])), m.end()


def half_unit(token: str) -> float:
    """Half a unit of the last digit a number stands for: numbers are written to PRECISION significant digits,
    trailing zeros left off ('0.1' is 0.1000: 0.00005; '0.1667': 0.00005); whole numbers are written exactly."""
    value = float(token)
    if not math.isfinite(value) or value == 0 or ("." not in token and "e" not in token):
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - (PRECISION - 1))


def whole(text: str) -> tuple[np.ndarray, np.ndarray]:
    value, half, end = literal(text)
    if end != len(text):
        raise ValueError(f"more after the number: {text!r}")
    return value, half


OPERATIONS = {
    "product": (re.compile(r"^\((.+)\)\((.+)\)$"), np.multiply),
    "sum": (re.compile(r"^sum\((.+) × (.+)\)$"), lambda a, b: np.sum(np.multiply(a, b))),
    "outer": (re.compile(r"^outer\((.+), (\[.+)\)$"), np.outer),
    "matmul": (re.compile(r"^(.+) @ (.+)$"), np.matmul),
}


def arithmetic(segment: str):
    """(operation, A, half units of A, B, half units of B) if ``segment`` is one of the four forms, else None."""
    for name, (form, _) in OPERATIONS.items():
        m = form.match(segment)
        if m:
            try:
                (a, ha), (b, hb) = whole(m[1]), whole(m[2])
            except ValueError:
                continue
            return name, a, ha, b, hb
    return None


def check_line(line: str, downstream: list | float, output_gate: bool) -> str | None:
    """What is wrong with one line (None: nothing)."""
    segments = line.split(" = ")
    found = None
    for k in range(len(segments) - 1):
        parsed = arithmetic(segments[k])
        if parsed:
            found = (parsed, segments[k + 1])
    expected = np.asarray(downstream, dtype=float)
    if found is None:
        if not output_gate:
            return "writes no arithmetic"
        marks = [line.rfind(m) + len(m) for m in (" = ", "the local derivative ") if m in line]
        shown_at = max(marks, default=0)
        value, half, _ = literal(line, shown_at)
        return None if agree(value, expected, half) else f"shows {line[shown_at:]!r}, the gradient is {downstream}"
    (name, a, ha, b, hb), rest = found
    result, hr, _ = literal(rest)
    if not agree(result, expected, hr):
        return f"writes {rest!r}, the gradient is {downstream}"
    op = OPERATIONS[name][1]
    again = op(a, b)
    slack = op(np.abs(a), hb) + op(ha, np.abs(b)) + op(ha, hb)  # how far the rounding of A and B can move it
    if not agree(again, result, hr + slack):
        return f"{name} of the numbers written is {bv.fmt(np.asarray(again))}, not {rest!r}"
    return None


def agree(value: np.ndarray, target: np.ndarray, within: np.ndarray) -> bool:
    value, target = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    if value.shape != target.shape:
        return False
    both_nan = np.isnan(value) & np.isnan(target)
    with np.errstate(invalid="ignore"):
        close = np.abs(value - target) <= np.asarray(within) * (1 + 1e-9) + 1e-12 * np.abs(target)
    return bool(np.all(both_nan | close | (value == target)))


def lines_of(note: str) -> list[str]:
    """The lines of a frame's words as the student reads them: one per <div>, tags removed."""
    parts = re.findall(r"<div>(.*?)</div>", note) or [note]
    return [html.unescape(TAG.sub("", p)) for p in parts if "bv-warning-text" not in p]


def problems(name: str) -> list[str]:
    found = []
    for s in shown()[name]["steppers"]:
        for k, frame in enumerate(s["frames"]):
            if not frame["backward"]:
                continue
            lines = lines_of(frame["note"])
            if len(lines) != len(frame["downstream"]):
                found.append(f"{name}, {s['title']!r} step {k}: {len(lines)} lines for {len(frame['downstream'])}")
                continue
            for line, down in zip(lines, frame["downstream"], strict=True):
                wrong = check_line(line, down, frame["output_gate"])
                if wrong:
                    found.append(f"{name}, {s['title']!r} step {k}: {wrong}\n    {line}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_every_backward_step_writes_arithmetic_that_gives_its_gradient(name: str) -> None:
    assert not shown()[name]["errors"], shown()[name]["errors"]
    assert not problems(name), "\n".join(problems(name))


@pytest.mark.slow
def test_every_notebook_that_makes_a_stepper_was_seen_making_one() -> None:
    for name, made in shown().items():
        if "Stepper(" in made["code"]:
            assert made["steppers"], name


@pytest.mark.slow
def test_a_notebook_nbval_ran_is_read_from_that_run(request: pytest.FixtureRequest) -> None:
    """Under nbval (make test), shown() runs no notebook a second time: it reads nbval's run."""
    ran = {path.stem for path in checked_by_nbval(request.config)} & {path.stem for path in NOTEBOOKS}
    if not ran:
        pytest.skip("no notebook ran under nbval in this session")
    shown()
    assert ran <= set(FROM_NBVAL), sorted(ran - set(FROM_NBVAL))


@pytest.mark.parametrize(
    ("line", "downstream", "wrong"),
    [
        ("∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4", -4.0, False),
        ("∂f/∂x = ∂f/∂s · 2·x = (0.1667)([2, 4, 6]) = [0.3333, 0.6667, 1]", [1 / 3, 2 / 3, 1.0], False),
        ("∂f/∂x = 2·x = [0.3333, 0.6667, 1]", [1 / 3, 2 / 3, 1.0], False),  # the old words: no arithmetic
        ("∂C/∂w = ∂C/∂m · ∂m/∂w = ([-1.785, -0.9608])([0.9109, -0.1906]) = -1.443", -1.443, True),
        ("∂C/∂w = ∂C/∂m · ∂m/∂w = sum([-1.785, -0.9608] × [0.9109, -0.1906]) = -1.443", -1.4428, False),
        ("∂f/∂W = ∂f/∂q xᵀ = outer([0.44, 0.52], [0.2, 0.4]) = [[0.088, 0.176], [0.104, 0.208]]", None, False),
        ("∂f/∂x = Wᵀ ∂f/∂q = [[0.1, -0.3], [0.5, 0.8]] @ [0.44, 0.52] = [-0.112, 0.636]", [-0.112, 0.636], False),
        ("∂f/∂x = Wᵀ ∂f/∂q = [[0.1, -0.3], [0.5, 0.8]] @ [0.44, 0.52] = [-0.113, 0.636]", [-0.113, 0.636], True),
    ],
)
def test_the_check_reads_each_form(line: str, downstream, wrong: bool) -> None:
    if downstream is None:
        downstream = [[0.088, 0.176], [0.104, 0.208]]
    output_gate = line.startswith("∂f/∂x = 2·x")
    if output_gate:
        assert check_line(line, downstream, output_gate=True) is None
        assert check_line(line, downstream, output_gate=False) == "writes no arithmetic"
        return
    assert (check_line(line, downstream, output_gate=False) is not None) is wrong


def test_a_vector_step_keeps_its_upstream_factor() -> None:
    """The issue's example: f = sumsq(x) / 6 at x = [1, 2, 3] gives [1/3, 2/3, 1], and the words say why."""
    g = bv.expr("f = sumsq(x) / 6", x=np.array([1.0, 2.0, 3.0]))
    (line,) = g.steps[-1].lines
    assert line == "∂f/∂x = ∂f/∂sumsq1 · 2·x = (0.1667)([2, 4, 6]) = [0.3333, 0.6667, 1]"
    assert check_line(line, g.grad("x").tolist(), output_gate=False) is None
    assert math.isclose(g.grad("x")[0], 1 / 3)
