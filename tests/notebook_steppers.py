"""The steppers and quizzes the notebooks make, rebuilt by running the notebooks' code cells.

Each notebook runs in a process of its own (an IPython shell, so its shell lines parse; they
run only in Colab), with ``Stepper`` and ``Quiz`` recording every one made. What the tests
read comes back as plain data: the outputs saved in the notebooks are those of the last run,
and the tests must see what the code makes now. Under nbval (``make test``) the same recorder runs in
nbval's kernel (``nbval_runs.py``) and ``shown()`` reads that run instead of running the notebook again.
"""

from __future__ import annotations

import contextlib
import io
import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def start_recording() -> tuple[list, list, list]:
    """From now on, every Stepper, Quiz and NetworkView made in this process is kept: (steppers, quizzes, views)."""
    import backprop_viz as bv  # the classes, wherever their modules live

    steppers, quizzes, views = [], [], []
    make_stepper, make_quiz, make_view = bv.Stepper.__init__, bv.Quiz.__init__, bv.NetworkView.__init__

    def record_view(self, *args, **kwargs):
        make_view(self, *args, **kwargs)
        views.append(self)

    def record_stepper(self, *args, **kwargs):
        make_stepper(self, *args, **kwargs)
        steppers.append(self)

    def record_quiz(self, *args, **kwargs):
        make_quiz(self, *args, **kwargs)
        quizzes.append(self)

    bv.Stepper.__init__, bv.Quiz.__init__, bv.NetworkView.__init__ = record_stepper, record_quiz, record_view
    return steppers, quizzes, views


def recorded(steppers: list, quizzes: list, views: list) -> dict:
    """What the steppers and quizzes show, as plain data (a quiz is answered on the way: read it last), and
    what every player (steppers and network views) sends."""
    return {
        "steppers": [_stepper(s) for s in steppers],
        "quizzes": [_quiz(q) for q in quizzes],
        "players": [_sent(p) for p in steppers + views],
    }


def code_of(path: Path) -> str:
    import nbformat

    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def _run(path: Path) -> dict:
    """Run the code cells of ``path``; what its steppers and quizzes show, frame by frame and row by row."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    made = start_recording()
    nb = nbformat.read(path, as_version=4)
    shell = InteractiveShell.instance()
    os.chdir(path.parent)
    errors = []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                result = shell.run_cell(cell.source, silent=True)
                if result.error_in_exec is not None:
                    errors.append(repr(result.error_in_exec))
    return {"errors": errors, "code": code_of(path), **recorded(*made)}


def _stepper(s) -> dict:
    frames = []
    for k, frame in enumerate(s.frames):
        step = frame.step
        content = s.frame(k)
        frames.append(
            {
                "title": content.title,
                "note": content.note,
                "phase": frame.phase,
                "backward": step is not None and step.phase == "backward" and not step.is_seed,
                "output_gate": step is not None and step.node.is_output,
                "downstream": [_plain(c.downstream) for c in step.contributions] if step is not None
                and step.phase == "backward" else [],
            }
        )  # fmt: skip
    from wire_labels import at_dot, crossings

    return {
        "title": s.title,
        "show": s.show,
        "frames": frames,
        "crossings": crossings(s.graph),  # a wire through its own words
        "crossings_at_dot": crossings(s.graph, places=at_dot),  # the same with the words where dot put them
    }


def _quiz(q) -> dict:
    """The quiz's rows, answers and given numbers, and every hint a student can bring up while answering
    the rows in the order asked: before each answer, each row's help shown once and then again."""
    walk = []
    for name in [*q.ask, None]:  # None: after the last answer
        for row in q.ask:
            for _ in range(2):
                walk.append({"row": row, "html": q.show_step(row, True), "solved": sorted(q.solved)})
                q.show_step(row, False)
        if name is not None:
            q.check(name, repr(float(q.answers[name])) if isinstance(q.answers[name], float) else "0")
    for row in q.ask:  # leave it as the notebook shows it
        q.show_step(row, False)
    return {
        "ask": list(q.ask),
        "answers": {n: _plain(v) for n, v in q.answers.items()},
        "given": [float(v) for n in q.graph.inputs for v in _flat(n.value)],
        "walk": walk,
    }


def _sent(player) -> dict:
    """A stepper's or network view's widget state as the kernel sends it (through JSON): to render it."""
    import json

    names = [n for n in player.keys if not n.startswith("_") and n not in ("layout", "tabbable", "tooltip")]
    return json.loads(json.dumps(player.get_state(names), allow_nan=False))


def _flat(v):
    import numpy as np

    return np.ravel(v).tolist()


def _plain(v):
    import numpy as np

    return np.asarray(v, dtype=float).tolist()


FROM_NBVAL: dict[str, dict] = {}  # by notebook name, what nbval's run of it recorded (tests/nbval_runs.py)


@cache
def shown() -> dict[str, dict]:
    """By notebook name: its steppers and quizzes as the code makes them now. A notebook nbval has run in
    this session is read from that run; the others run here."""
    missing = [p for p in NOTEBOOKS if p.stem not in FROM_NBVAL]
    with ProcessPoolExecutor(max_workers=2) as pool:
        ran = {p.stem: r for p, r in zip(missing, pool.map(_run, missing), strict=True)}
    return {p.stem: FROM_NBVAL.get(p.stem) or ran[p.stem] for p in NOTEBOOKS}
