"""The quiz checks of ``tests/notebook_exercises.py`` on nbval's own run of each notebook (a pytest plugin).

``make test`` runs every notebook once, with nbval. Around that run this plugin puts the recorder into
nbval's kernel before the notebook's first cell and marks each cell that calls ``quiz(`` before it runs;
after the notebook's last cell an item of its own, ``<notebook>::quizzes give nothing away``, reads the
kernel's report and searches the outputs nbval received. ``tests/test_notebook_exercises.py`` then skips
each notebook checked here (run alone, it runs the notebooks itself).

Loaded by the root ``conftest.py``; ``-p nbval_quizzes`` loads it anywhere ``tests/`` is on the path.
"""

from __future__ import annotations

import ast
from pathlib import Path
from queue import Empty

import notebook_exercises as exercises
import pytest

CHECKED = pytest.StashKey[set[Path]]()  # the notebooks checked here in this session
CELLS = pytest.StashKey[list]()  # a notebook's cell items, in order
RECORDING = pytest.StashKey[str]()  # "" once the recorder is in the notebook's kernel, else why not
TIMEOUT = 120  # seconds for the recorder's lines and the report


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
        if not notebook.kernel.is_alive():
            pytest.fail("the notebook's kernel stopped (a cell failed or timed out): no quiz was read", pytrace=False)
        quizzes, widgets = exercises.read_report(ast.literal_eval(run_quietly(notebook.kernel, "", exercises.REPORT)))
        shown = [dict(cell) for cell in notebook.nb.cells]
        for cell in cells:
            if cell.test_outputs is not None:  # what this run showed (a skipped cell: what is committed)
                shown[cell_index(cell)]["outputs"] = cell.test_outputs
        found = exercises.problems(exercises.Run(shown, widgets, quizzes))
        if found:
            pytest.fail("\n".join(found), pytrace=False)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"


def run_quietly(kernel, code: str, expression: str | None = None) -> str | None:
    """Run ``code`` in nbval's kernel outside the notebook's history (no output, no execution count);
    the text of ``expression`` evaluated after it."""
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
    return value["data"]["text/plain"]


def cell_index(item) -> int:
    """The index among all the notebook's cells (markdown too) of nbval's cell item."""
    return next(i for i, cell in enumerate(item.parent.nb.cells) if cell is item.cell)


def is_notebook_cell(item: pytest.Item) -> bool:
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return False
    return isinstance(item, IPyNbCell)


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to the items added here too
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ordered = []
    for i, item in enumerate(items):
        ordered.append(item)
        if not is_notebook_cell(item):
            continue
        notebook = item.parent
        notebook.stash.setdefault(CELLS, []).append(item)
        last = i + 1 == len(items) or items[i + 1].parent is not notebook
        if last:
            ordered.append(QuizCheck.from_parent(notebook, name="quizzes give nothing away"))
            config.stash.setdefault(CHECKED, set()).add(Path(notebook.path).resolve())
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
            run_quietly(notebook.kernel, exercises.RECORD)
        if not notebook.stash[RECORDING] and exercises.QUIZ_CALL.search(item.cell.source):
            run_quietly(notebook.kernel, exercises.mark(cell_index(item)))
    except RuntimeError as error:
        notebook.stash[RECORDING] = str(error)
    return result
