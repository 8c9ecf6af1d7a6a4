"""Every quiz of the notebooks poses something not on screen above it (the checks: ``notebook_exercises.py``).

Under nbval (``make test``) the checks run on nbval's own run of each notebook (``nbval_runs.py``) and
the tests here skip that notebook; run without nbval, they run the notebooks themselves (nbclient, four
at a time). The planted give-aways below prove the checks find what they look for.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from nbval_runs import checked_by_nbval
from notebook_exercises import (
    CHECKS,
    QUIZ_CALL,
    Quizzed,
    Run,
    execute,
    hint_leaks,
    leaks,
    one_answer_for_every_box,
    unrecorded,
)

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="session")
def runs(request: pytest.FixtureRequest) -> dict[str, Run]:
    """Each notebook not checked on nbval's run in this session, run with the recorder."""
    wanted = [path for path in NOTEBOOKS if path.resolve() not in checked_by_nbval(request.config)]
    with ProcessPoolExecutor(max_workers=4) as pool:
        return {path.name: run for path, run in zip(wanted, pool.map(execute, wanted), strict=True)}


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_quizzes_give_nothing_away(path: Path, check, request: pytest.FixtureRequest) -> None:
    """unrecorded: the recorder saw each cell calling quiz(...), so every answer was searched for; leaks: no
    answer is on screen above its quiz; one_answer_for_every_box: swapping two boxes fails; hint_leaks: "show
    the step" for one box never writes out another asked box's step."""
    if path.resolve() in checked_by_nbval(request.config):
        pytest.skip(f"checked on nbval's run: notebooks/{path.name}::quizzes give nothing away")
    found = check(request.getfixturevalue("runs")[path.name])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_a_quiz(path: Path) -> None:
    cells = nbformat.read(path, as_version=4).cells
    assert any(c.cell_type == "code" and QUIZ_CALL.search(c.source) for c in cells)


# The checks catch what they look for: give-aways planted in a notebook made up here.


def made_up_run(markdown: str = "", printed: str = "", widget_text: str = "") -> Run:
    """Markdown, a printed output and a widget above a quiz in cell 3 asking ∂f/∂x = 0.6364, ∂f/∂y = -2.5."""
    widget = {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}}
    cells = [
        {"cell_type": "markdown", "source": markdown},
        {"cell_type": "code", "source": "print(...)", "outputs": [{"output_type": "stream", "text": printed}]},
        {"cell_type": "code", "source": "bv.Stepper(g)", "outputs": [widget]},
        {"cell_type": "code", "source": "bv.quiz(g, ask=['x', 'y'])", "outputs": []},
    ]
    widgets = {"m": {"state": {"frames": [{"caption": widget_text}], "_css": "width: 0.6364em"}}}
    quiz = Quizzed(3, {"x": [0.6364], "y": [-2.5]}, given=[1.5, 0.25], hints={"x": "", "y": ""})
    return Run(cells, widgets, [quiz])


def test_nothing_planted_nothing_found() -> None:
    run = made_up_run("The chain rule multiplies 0.6 by 2.", "f = 3.75", "step 2 of 9")
    assert [check(run) for check in CHECKS] == [[], [], [], []]


@pytest.mark.parametrize(
    ("planted", "where"),
    [
        ({"markdown": "so ∂f/∂x is 0.636"}, "cell 0 (markdown)"),
        ({"markdown": "about 0.64"}, "cell 0 (markdown)"),
        ({"printed": "grad: 0.6364"}, "cell 1 (printed)"),
        ({"widget_text": "∂f/∂y = −2.50"}, "cell 2 (widget)"),
    ],
)
def test_a_planted_answer_is_found(planted: dict, where: str) -> None:
    found = leaks(made_up_run(**planted))
    assert len(found) == 1 and where in found[0], found


def test_other_checks_find_what_is_planted() -> None:
    run = made_up_run()
    run.quizzes[0].hints["x"] = "into y: −2.5 × 1"
    run.cells[1]["source"] = "bv.quiz(g, ask='z')"  # a quiz call the recorder did not see
    assert hint_leaks(run) == ["quiz in cell 3: the hint for x shows ['y']"]
    assert unrecorded(run) == ["cell 1 calls quiz( but made no Quiz the recorder saw"]
    run.quizzes[0].answers = {"x": [0.5], "y": [0.5]}
    assert one_answer_for_every_box(run) == ["quiz in cell 3: every answer is 0.5"]


GIVE_AWAY = "At x = 2.5 and y = 3.5, ∂f/∂y = **−0.204**. Now you:"  # f = x / y: ∂f/∂y = −x/y² = −0.2041


def write_notebook(folder: Path, markdown: str) -> Path:
    """``markdown`` above a quiz asking ∂f/∂x and ∂f/∂y of f = x / y."""
    cells = [
        nbformat.v4.new_markdown_cell(markdown),
        nbformat.v4.new_code_cell("import backprop_viz as bv"),
        nbformat.v4.new_code_cell("bv.quiz(bv.expr('f = x / y', x=2.5, y=3.5), ask=['x', 'y'])"),
    ]
    path = folder / "give-away.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.mark.slow
def test_a_planted_answer_is_found_when_run_alone(tmp_path: Path) -> None:
    found = leaks(execute(write_notebook(tmp_path, GIVE_AWAY)))
    assert len(found) == 1 and "∂/∂y = -0.204082 shown in cell 0 (markdown)" in found[0], found


@pytest.mark.slow
def test_a_planted_answer_fails_the_nbval_run(pytester: pytest.Pytester) -> None:
    """The notebook under nbval: its two cells pass (no outputs to compare), its quiz check fails. (The
    committed notebooks, whose checks pass, show that the check passes a notebook giving nothing away.)"""
    path = write_notebook(pytester.path, GIVE_AWAY)
    result = pytester.runpytest(path, "--nbval-lax", "--nbval-current-env", "-p", "nbval_runs")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ give-away.ipynb::quizzes give nothing away _*",
            "quiz in cell 2: ∂/∂y = -0.204082 shown in cell 0 (markdown) as '−0.204'",
            "*FAILED give-away.ipynb::quizzes give nothing away*",
        ]
    )


@pytest.mark.slow
def test_the_nbval_check_fails_when_the_cells_did_not_run(pytester: pytest.Pytester) -> None:
    """Its cells deselected, the notebook's quiz check has nothing to read: it fails, and says why."""
    path = write_notebook(pytester.path, GIVE_AWAY)
    result = pytester.runpytest(path, "--nbval-lax", "--nbval-current-env", "-p", "nbval_runs", "-k", "quizzes")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["Cell 0, Cell 1 did not run in this session: the quizzes are checked on a run*"])
