"""Every quiz of the notebooks poses something not on screen above it: what is checked, and how a run is read.

A notebook is run with a recorder in its kernel: code run before the first cell records every ``Quiz``
made, one line run before each cell that calls ``quiz(`` says which cell that is, and after the last cell
the kernel reports the answers and the widgets' state. The answers never reach the page (they stay in
the kernel), so this is the one place to read them. Two runs use it: nbval's own run of each notebook
(``tests/nbval_runs.py``, in ``make test``), and ``execute`` below when
``tests/test_notebook_exercises.py`` runs without nbval.

Then every text a student has seen before the quiz is searched for each answer: the markdown cells, the
outputs (text, HTML, SVG) and the words of the widgets shown (a stepper's frames, an earlier quiz's
heading). An answer is on screen when a number there reads as the answer at 3 significant digits, or at
the digits the number itself shows (two at least): "0.64" and "0.6364" give away 0.6364, "0.6" does not.
Two kinds of answer are not searched for: one that equals a value the question gives (at a multiply
gate, ∂f/∂q = z: z is part of the question), and a one-digit whole number (0, ±1, ±2, ...), which every
text holds somewhere (step numbers, constants of the circuit). Instead a quiz's answers must not all be
the same number, so that swapping two boxes fails.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

QUIZ_CALL = re.compile(r"\b[Qq]uiz\(")  # bv.quiz(...), or a Quiz(...) made directly

# Run in the notebook's kernel before its first cell. Only two names join the notebook's namespace.
RECORD = '''\
def _bv_recorder():
    """Record each Quiz made, with the cell that made it; return that cell's box and the report."""
    import json
    import numpy as np
    from backprop_viz import Quiz
    made, cell = [], [None]
    init = Quiz.__init__
    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append((cell[0], self))
    Quiz.__init__ = recording_init
    def report():
        from ipywidgets import Widget
        quizzes = [
            {"cell": index,
             "answers": {name: [float(v) for v in np.ravel(value)] for name, value in q.answers.items()},
             "given": [float(v) for n in q.graph.inputs for v in np.ravel(n.value)],
             "hints": {name: " ".join(lines) for name, lines in q.hints.items()}}
            for index, q in made
        ]
        return json.dumps({"quizzes": quizzes, "widgets": Widget.get_manager_state()["state"]}, default=str)
    return cell, report
_bv_cell, _bv_report = _bv_recorder()
del _bv_recorder
'''

REPORT = "_bv_report()"  # an expression: the JSON text ``read_report`` reads


def mark(index: int) -> str:
    """Run before the cell ``index`` (of all the notebook's cells) when it calls ``quiz(``."""
    return f"_bv_cell[0] = {index}"


@dataclass
class Quizzed:
    """A quiz the notebook made: where, the answers per asked name, the inputs it gives, the hints."""

    cell: int
    answers: dict[str, list[float]]
    given: list[float]
    hints: dict[str, str]


@dataclass
class Run:
    """A notebook after a run: its cells (code cells with the outputs of that run), the widgets' state
    by model id, and the quizzes made."""

    cells: list[dict]
    widgets: dict[str, dict]
    quizzes: list[Quizzed]


def read_report(text: str) -> tuple[list[Quizzed], dict[str, dict]]:
    report = json.loads(text)
    return [Quizzed(**q) for q in report["quizzes"]], report["widgets"]


def execute(path: Path) -> Run:
    """``path`` run with the recorder in a fresh kernel (nbclient), as nbval would run it."""
    import nbclient
    import nbformat

    original = nbformat.read(path, as_version=4)
    nb = nbformat.v4.new_notebook(metadata=original.metadata)
    nb.cells.append(nbformat.v4.new_code_cell(RECORD))
    positions = []
    for index, cell in enumerate(original.cells):
        if cell.cell_type == "code" and QUIZ_CALL.search(cell.source):
            nb.cells.append(nbformat.v4.new_code_cell(mark(index)))
        positions.append(len(nb.cells))
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_code_cell(f"print({REPORT})"))
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    quizzes, widgets = read_report(printed)
    return Run([nb.cells[p] for p in positions], widgets, quizzes)


# What a student reads.

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-−+]?\d+)?")
TAG = re.compile(r"<[^>]*>")
STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S)
SHOWN_MIMES = ("text/plain", "text/html", "text/markdown", "image/svg+xml", "text/latex")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strings(value: object) -> list[str]:
    """Every string inside a widget's state, JSON-encoded strings opened."""
    if isinstance(value, str):
        if value[:1] in "[{":
            try:
                return strings(json.loads(value))
            except ValueError:
                pass
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def widget_texts(widgets: dict[str, dict], model_id: str) -> list[str]:
    """What a student can read in a widget: its strings, not its style sheet, script or layout."""
    model = widgets.get(model_id)
    if model is None:
        return []
    skip = {"_esm", "_css", "view", "layout", "options"}
    texts = []
    for key, value in model["state"].items():
        if key in skip or key.startswith("_"):
            continue
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            texts += widget_texts(widgets, value.removeprefix("IPY_MODEL_"))
        else:
            texts += [s for s in strings(value) if not s.startswith("IPY_MODEL_")]
    return texts


def joined(text: str | list[str]) -> str:
    """A notebook file may keep a text as its lines."""
    return text if isinstance(text, str) else "".join(text)


def visible(text: str | list[str]) -> str:
    """The words of HTML or SVG."""
    return html.unescape(TAG.sub(" ", STYLE.sub(" ", joined(text))))


def shown_before(run: Run, index: int) -> list[tuple[str, str]]:
    """(where, text) of everything a student sees above cell ``index``."""
    seen = []
    for i, cell in enumerate(run.cells[:index]):
        if cell["cell_type"] == "markdown":
            seen.append((f"cell {i} (markdown)", joined(cell["source"])))
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                seen.append((f"cell {i} (printed)", joined(out["text"])))
            data = out.get("data", {})
            for mime in SHOWN_MIMES:
                if mime in data and not (WIDGET_VIEW in data and mime == "text/plain"):
                    seen.append((f"cell {i} ({mime})", visible(data[mime])))
            if WIDGET_VIEW in data:
                model_id = data[WIDGET_VIEW]["model_id"]
                seen += [(f"cell {i} (widget)", visible(s)) for s in widget_texts(run.widgets, model_id)]
    return seen


# Reading a number as an answer.


def significant(token: str) -> int:
    mantissa = token.lstrip("-−").split("e")[0].split("E")[0]
    if "." not in mantissa:
        mantissa = mantissa.rstrip("0") or "0"  # "20" shows one digit, not two
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def rounded(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def gives_away(token: str, answer: float) -> bool:
    number = float(token.replace("−", "-"))
    if number == rounded(answer, 3):
        return True
    digits = significant(token)  # "0.7864" reads as 0.786448 as surely as "0.786" does
    return digits >= 2 and number == rounded(answer, digits)


def is_small_whole(value: float) -> bool:
    return float(value).is_integer() and abs(value) < 10


# The checks: each returns what is wrong, one line per finding.


def leaks(run: Run) -> list[str]:
    """Each answer shown above its quiz."""
    found = []
    for q in run.quizzes:
        seen = shown_before(run, q.cell)
        for node, values in q.answers.items():
            for value in values:
                if not math.isfinite(value) or is_small_whole(value):
                    continue
                if any(rounded(value, 3) == rounded(v, 3) for v in q.given):
                    continue
                for where, text in seen:
                    hits = [t for t in NUMBER.findall(text) if gives_away(t, value)]
                    if hits:
                        found.append(f"quiz in cell {q.cell}: ∂/∂{node} = {value:.6g} shown in {where} as {hits[0]!r}")
                        break
    return found


def unrecorded(run: Run) -> list[str]:
    """Each cell calling quiz(...) that the recorder did not see (its answers were not searched for)."""
    calls = {i for i, c in enumerate(run.cells) if c["cell_type"] == "code" and QUIZ_CALL.search(joined(c["source"]))}
    made = {q.cell for q in run.quizzes}
    return [f"cell {i} calls quiz( but made no Quiz the recorder saw" for i in sorted(calls - made)] + [
        f"a Quiz was made in cell {i}, which does not call quiz(" for i in sorted(made - calls, key=str)
    ]


def one_answer_for_every_box(run: Run) -> list[str]:
    """Each quiz whose answers are all equal: they pass whichever box the student types them in."""
    found = []
    for q in run.quizzes:
        values = [rounded(v, 3) for vs in q.answers.values() for v in vs]
        if len(values) > 1 and len(set(values)) == 1:
            found.append(f"quiz in cell {q.cell}: every answer is {values[0]}")
    return found


def hint_leaks(run: Run) -> list[str]:
    """Each hint that writes out the step of another asked box ("show the step" shows its own only)."""
    found = []
    for q in run.quizzes:
        for name, hint in q.hints.items():
            others = [o for o in q.answers if o != name and re.search(rf"\binto {re.escape(o)}:", visible(hint))]
            if others:
                found.append(f"quiz in cell {q.cell}: the hint for {name} shows {others}")
    return found


CHECKS = (unrecorded, leaks, one_answer_for_every_box, hint_leaks)


def problems(run: Run) -> list[str]:
    """What every check finds."""
    return [found for check in CHECKS for found in check(run)]
