"""What the tests read from nbval's own run of each notebook, so that ``make test`` runs each one once
(a pytest plugin).

Around nbval's run of a notebook, this plugin puts two recorders into nbval's kernel before the first
cell (``notebook_exercises.RECORD``: every Quiz made and its answers; ``notebook_steppers``: every
Stepper and Quiz as plain data) and marks each cell that calls ``quiz(`` before it runs. Both run
silently and outside the notebook's history: no output, no execution count, nothing for nbval to see.
After the last cell it reads the kernel's reports. Then:

- an item of its own after the notebook's cells, ``<notebook>::quizzes give nothing away``, runs the
  checks of ``notebook_exercises`` on the report and the outputs nbval received, and
  ``tests/test_notebook_exercises.py`` skips that notebook;
- ``notebook_steppers.shown()`` reads the notebook from here instead of running it again, and the tests
  that read it run after the notebooks.

Run without nbval, those tests run the notebooks themselves. Loaded by ``tests/conftest.py``, so in
every run that names ``tests`` or a file in it (``make test`` does); ``-p nbval_runs`` loads it anywhere
``tests/`` is on the path.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from queue import Empty

import notebook_exercises as exercises
import notebook_steppers as steppers
import pytest

CHECKED = pytest.StashKey[set[Path]]()  # the notebooks checked here in this session
CELLS = pytest.StashKey[list]()  # a notebook's cell items, in order
RECORDING = pytest.StashKey[str]()  # "" once the recorders are in the notebook's kernel, else why not
QUIZ_REPORT = pytest.StashKey[str]()  # the quiz recorder's report, after the last cell
TIMEOUT = 120  # seconds for the recorders' lines and their reports

RECORD_STEPPERS = f"""\
import sys as _bv_sys
_bv_sys.path.append({str(Path(steppers.__file__).parent)!r})
import notebook_steppers as _bv_steppers
_bv_made = _bv_steppers.start_recording()
del _bv_sys
"""
STEPPERS_REPORT = "__import__('json').dumps(_bv_steppers.recorded(*_bv_made))"


def checked_by_nbval(config: pytest.Config) -> set[Path]:
    """The notebooks (resolved paths) this session checks on nbval's run."""
    return config.stash.get(CHECKED, set())


class QuizCheck(pytest.Item):
    """The checks of ``tests/notebook_exercises.py`` on the run nbval has just made of the notebook."""

    def runtest(self) -> None:
        notebook = self.parent
        cells = notebook.stash[CELLS]
        missing = [cell.name for cell in cells if cell.test_outputs is None and not cell.options["skip"]]
        if missing or RECORDING not in notebook.stash:
            pytest.fail(
                f"{', '.join(missing) or 'the first cell'} did not run in this session: the quizzes are checked "
                "on a run of every cell (or run tests/test_notebook_exercises.py alone)",
                pytrace=False,
            )
        if notebook.stash[RECORDING]:
            pytest.fail(
                f"the recorder could not run in the notebook's kernel: {notebook.stash[RECORDING]}", pytrace=False
            )
        report = notebook.stash.get(QUIZ_REPORT, "the notebook's kernel stopped before its last cell ended")
        if not report.startswith("{"):
            pytest.fail(f"no quiz was read: {report}", pytrace=False)
        quizzes, widgets = exercises.read_report(report)
        shown = [dict(cell) for cell in notebook.nb.cells]
        for cell in cells:
            if cell.test_outputs is not None:  # what this run showed (a skipped cell: what is committed)
                shown[cell_index(cell)]["outputs"] = cell.test_outputs
        found = exercises.problems(exercises.Run(shown, widgets, quizzes))
        if found:  # in a notebook's cells counted from 0, markdown too (nbval's "Cell k" counts code cells)
            pytest.fail("\n".join(found), pytrace=False)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"


def run_quietly(kernel, code: str, expression: str | None = None) -> str | None:
    """Run ``code`` in nbval's kernel outside the notebook's history (no output, no execution count);
    the value of ``expression``, a string, evaluated after it."""
    expressions = {"value": expression} if expression else {}
    msg_id = kernel.kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
    while True:
        try:
            reply = kernel.kc.get_shell_msg(timeout=TIMEOUT)
        except Empty:
            raise RuntimeError(f"the kernel did not answer within {TIMEOUT} s") from None
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
    if expression is None:
        return None
    value = content["user_expressions"]["value"]
    if value["status"] != "ok":
        raise RuntimeError(f"{value.get('ename')}: {value.get('evalue')}")
    return ast.literal_eval(value["data"]["text/plain"])  # the string's repr


def cell_index(item) -> int:
    """The index among all the notebook's cells (markdown too) of nbval's cell item."""
    return next(i for i, cell in enumerate(item.parent.nb.cells) if cell is item.cell)


def is_notebook_cell(item: pytest.Item) -> bool:
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return False
    return isinstance(item, IPyNbCell)


def reads_the_notebooks(item: pytest.Item) -> bool:
    """A test of a module reading ``notebook_steppers.shown()``: under nbval, it runs after the notebooks."""
    return getattr(getattr(item, "module", None), "shown", None) is steppers.shown


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to the items added here too
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ordered = []
    for i, item in enumerate(items):
        ordered.append(item)
        if not is_notebook_cell(item):
            continue
        notebook = item.parent
        notebook.stash.setdefault(CELLS, []).append(item)
        if i + 1 == len(items) or items[i + 1].parent is not notebook:
            ordered.append(QuizCheck.from_parent(notebook, name="quizzes give nothing away"))
            config.stash.setdefault(CHECKED, set()).add(Path(notebook.path).resolve())
    if CHECKED in config.stash:
        later = [item for item in ordered if reads_the_notebooks(item)]
        ordered = [item for item in ordered if not reads_the_notebooks(item)] + later
    items[:] = ordered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    result = yield  # the notebook's kernel has started before its first cell
    if not is_notebook_cell(item) or CELLS not in item.parent.stash or not item.parent.kernel.is_alive():
        return result
    notebook = item.parent  # a failure here is the quiz check's to report: the cell itself is not at fault
    try:
        if RECORDING not in notebook.stash:
            notebook.stash[RECORDING] = ""
            run_quietly(notebook.kernel, exercises.RECORD + RECORD_STEPPERS)
        if not notebook.stash[RECORDING] and exercises.QUIZ_CALL.search(item.cell.source):
            run_quietly(notebook.kernel, exercises.mark(cell_index(item)))
    except RuntimeError as error:
        notebook.stash[RECORDING] = str(error)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After the notebook's last cell, before nbval may stop its kernel: the reports."""
    notebook = item.parent
    if (
        is_notebook_cell(item)
        and notebook.stash.get(CELLS, [None])[-1] is item
        and notebook.stash.get(RECORDING, None) == ""
    ):
        read_reports(notebook)
    return (yield)


def read_reports(notebook) -> None:
    if not notebook.kernel.is_alive():
        return
    try:  # the quizzes first: reading the steppers' data answers the quizzes
        notebook.stash[QUIZ_REPORT] = run_quietly(notebook.kernel, "", exercises.REPORT)
        data = json.loads(run_quietly(notebook.kernel, "", STEPPERS_REPORT))
    except RuntimeError as error:
        notebook.stash.setdefault(QUIZ_REPORT, str(error))
        return  # notebook_steppers.shown() runs this notebook itself
    path = Path(notebook.path).resolve()
    if path in {p.resolve() for p in steppers.NOTEBOOKS}:
        cells = notebook.stash[CELLS]
        errors = [f"{o['ename']}: {o['evalue']}" for c in cells for o in c.test_outputs or [] if "ename" in o]
        steppers.FROM_NBVAL[path.stem] = {"errors": errors, "code": steppers.code_of(path), **data}
