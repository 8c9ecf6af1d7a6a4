"""Every quiz of the notebooks poses something not on screen above it. Each notebook is run in a fresh
kernel (nbclient) with one cell put in front that records every ``Quiz`` made, a one-line cell before
each cell that calls ``quiz(`` saying which cell runs next, and a cell at the end that prints the
answers. The answers never reach the page (they stay in the kernel), so this is the one place to read
them. Then every text a student has seen before the quiz is searched for each answer: the markdown
cells, the outputs (text, HTML, SVG) and the words of the widgets shown (a stepper's frames, an earlier
quiz's heading). An answer is on screen when a number there reads as the answer at 3 significant digits,
or at the digits the number itself shows (two at least): "0.64" and "0.6364" give away 0.6364, "0.6"
does not.
Two kinds of answer are not searched for: one that equals a value the question gives (at a multiply
gate, ∂f/∂q = z: z is part of the question), and a one-digit whole number (0, ±1, ±2, ...), which every
text holds somewhere (step numbers, constants of the circuit). The second test asks instead that a
quiz's answers are not all the same number, so that swapping two boxes fails.
"""

from __future__ import annotations

import html
import json
import math
import re
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
QUIZ_CALL = re.compile(r"\bquiz\(")

RECORD = """\
import json as _bv_json
import sys as _bv_sys
import backprop_viz.frontend.quiz
_bv_quiz_module = _bv_sys.modules["backprop_viz.frontend.quiz"]
_bv_quizzes = []
_bv_init = _bv_quiz_module.Quiz.__init__
def _bv_recording_init(self, *args, **kwargs):
    _bv_init(self, *args, **kwargs)
    _bv_quizzes.append((_bv_cell[0], self))
_bv_cell = [None]
_bv_quiz_module.Quiz.__init__ = _bv_recording_init
"""

REPORT = """\
import numpy as _bv_np
print("BV-QUIZZES " + _bv_json.dumps([
    [count, {name: [float(v) for v in _bv_np.ravel(value)] for name, value in q.answers.items()},
     [float(v) for n in q.graph.inputs for v in _bv_np.ravel(n.value)],
     {name: " ".join(lines) for name, lines in q.hints.items()}]
    for count, q in _bv_quizzes
]))
"""

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-−+]?\d+)?")
TAG = re.compile(r"<[^>]*>")
STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S)


def run(path: Path) -> tuple[dict, list]:
    """The notebook executed with the recorder, and [(cell index, {name: answers})] per quiz made."""
    original = nbformat.read(path, as_version=4)
    nb = nbformat.v4.new_notebook(metadata=original.metadata)
    nb.cells.append(nbformat.v4.new_code_cell(RECORD))
    for cell in original.cells:  # each code cell first says which cell it is: a quiz made then is that cell's
        if cell.cell_type == "code" and QUIZ_CALL.search(cell.source):
            nb.cells.append(nbformat.v4.new_code_cell(f"_bv_cell[0] = {len(nb.cells) + 1}"))
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.store_widget_state = True
    client.execute()
    report = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    made = json.loads(report.split("BV-QUIZZES ", 1)[1])
    quizzes = [(index, answers, given, hints) for index, answers, given, hints in made]
    return nbformat.writes(nb), quizzes


@cache
def executed() -> dict[str, tuple[dict, list]]:
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = pool.map(run, NOTEBOOKS)
        return {
            path.name: (nbformat.reads(text, as_version=4), quizzes)
            for path, (text, quizzes) in zip(NOTEBOOKS, results, strict=True)
        }


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


def widget_texts(nb, model_id: str) -> list[str]:
    """What a student can read in a widget: its strings, not its style sheet, script or layout."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    model = state.get(model_id)
    if model is None:
        return []
    skip = {"_esm", "_css", "view", "layout", "options"}
    texts = []
    for key, value in model["state"].items():
        if key in skip or key.startswith("_"):
            continue
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            texts += widget_texts(nb, value.removeprefix("IPY_MODEL_"))
        else:
            texts += [s for s in strings(value) if not s.startswith("IPY_MODEL_")]
    return texts


def visible(text: str) -> str:
    return html.unescape(TAG.sub(" ", STYLE.sub(" ", text)))


def shown_before(nb, index: int) -> list[tuple[str, str]]:
    """(where, text) of everything a student sees above cell ``index``."""
    seen = []
    for i, cell in enumerate(nb.cells[:index]):
        if cell.cell_type == "markdown":
            seen.append((f"cell {i} (markdown)", cell.source))
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                seen.append((f"cell {i} (printed)", out.text))
            data = out.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown", "image/svg+xml", "text/latex"):
                if mime in data and not ("application/vnd.jupyter.widget-view+json" in data and mime == "text/plain"):
                    seen.append((f"cell {i} ({mime})", visible(data[mime])))
            view = data.get("application/vnd.jupyter.widget-view+json")
            if view:
                seen += [(f"cell {i} (widget)", visible(s)) for s in widget_texts(nb, view["model_id"])]
    return seen


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


def original_index(nb, index: int) -> int:
    """The index in the notebook as committed of the executed notebook's cell ``index``."""
    return index - 1 - sum(1 for c in nb.cells[:index] if c.source.startswith("_bv_cell[0] ="))


def is_small_whole(value: float) -> bool:
    return float(value).is_integer() and abs(value) < 10


def leaks(name: str) -> list[str]:
    nb, quizzes = executed()[name]
    found = []
    for index, answers, given, _ in quizzes:
        seen = shown_before(nb, index)
        for node, values in answers.items():
            for value in values:
                if not math.isfinite(value) or is_small_whole(value):
                    continue
                if any(rounded(value, 3) == rounded(v, 3) for v in given):
                    continue
                for where, text in seen:
                    hits = [t for t in NUMBER.findall(text) if gives_away(t, value)]
                    if hits:
                        at = f"quiz in cell {original_index(nb, index)}"
                        found.append(f"{at}: ∂/∂{node} = {value:.6g} shown in {where} as {hits[0]!r}")
                        break
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_quiz_answer_is_on_screen_before_its_quiz(path: Path) -> None:
    assert not leaks(path.name), "\n".join(leaks(path.name))


@pytest.mark.slow
def test_every_quiz_cell_was_recorded() -> None:
    """The recorder saw each cell that calls quiz(...), so the test above searched for every answer."""
    for path in NOTEBOOKS:
        nb, quizzes = executed()[path.name]
        calls = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and QUIZ_CALL.search(c.source)}
        assert calls, f"{path.name} has no quiz"
        assert calls == {q[0] for q in quizzes}, path.name


@pytest.mark.slow
def test_no_quiz_has_one_answer_for_every_box() -> None:
    """Answers that are all equal pass whichever box the student types them in."""
    for path in NOTEBOOKS:
        nb, quizzes = executed()[path.name]
        for index, answers, _, _ in quizzes:
            values = [rounded(v, 3) for vs in answers.values() for v in vs]
            assert len(values) < 2 or len(set(values)) > 1, (
                f"{path.name}, cell {original_index(nb, index)}: every answer is {values[0]}"
            )


def hint_leaks() -> list[str]:
    found = []
    for path in NOTEBOOKS:
        nb, quizzes = executed()[path.name]
        for index, answers, _, hints in quizzes:
            for name, hint in hints.items():
                others = [o for o in answers if o != name and re.search(rf"\binto {re.escape(o)}:", visible(hint))]
                if others:
                    found.append(f"{path.name}, cell {original_index(nb, index)}: the hint for {name} shows {others}")
    return found


@pytest.mark.slow
def test_a_hint_shows_no_other_asked_gradient() -> None:
    """ "show the step" for one box writes out that box's step, never the arithmetic of another asked box."""
    assert not hint_leaks(), "\n".join(hint_leaks())
