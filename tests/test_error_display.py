"""A typo shows as its message and a caret, headed by the call the student made: no traceback."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import backprop_viz as bv
from backprop_viz.engine.errors import MAX_SHOWN_LINES


def shown(cell: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What a notebook shows when ``cell`` runs in IPython, line by line."""
    shell = InteractiveShell.instance()
    shell.run_cell("import backprop_viz as bv")
    capsys.readouterr()
    result = shell.run_cell(cell)
    assert isinstance(result.error_in_exec, bv.ExpressionError)
    return capsys.readouterr().out.strip("\n").splitlines()


@pytest.mark.parametrize(
    ("cell", "call"),
    [
        ('bv.Stepper("f = 2a + b", a=1, b=2)', "bv.Stepper(...)"),
        ('bv.expr("f = 2a + b", a=1, b=2)', "bv.expr(...)"),
        ('g = bv.expr("f = a * b", a=1, b=2)\ng.set(c=3)', "Graph.set(...)"),
    ],
)
def test_a_typo_shows_in_a_dozen_lines_at_most(cell: str, call: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = shown(cell, capsys)
    assert 2 <= len(lines) <= MAX_SHOWN_LINES, lines
    assert lines[0] == f"ExpressionError in {call}:"
    assert not any("Traceback" in line or "stepper.py" in line or "parser.py" in line for line in lines)


def test_the_typo_is_said_in_plain_words_with_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    lines = shown('bv.Stepper("f = 2a + b", a=1, b=2)', capsys)
    assert lines[1] == '"2a": a number followed by a name; did you mean 2*a? (column 5)'
    assert lines[2:] == ["    f = 2a + b", "        ^"]


def test_a_long_message_is_cut_to_a_dozen_lines() -> None:
    error = bv.ExpressionError("\n".join(f"line {k}" for k in range(40)))
    lines = error._render_traceback_()
    assert len(lines) == MAX_SHOWN_LINES and lines[-1] == "…" and lines[0] == "ExpressionError:"


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("f = 2a + b", '"2a": a number followed by a name; did you mean 2*a?', 5),
        ("f = 1.5x", '"1.5x": a number followed by a name; did you mean 1.5*x?', 5),
        ("f = a b", '"a b": two things side by side with no operator between them; did you mean a*b?', 5),
        ("f = 2(a + 1)", '"2(": a number followed by a bracket; did you mean 2*(...)?', 5),
        ("f = (a + 1)(b)", '"(a + 1)(": a bracket right after a value; to multiply, write (a + 1)*(...)', 5),
        ("f = a^2", "^ is not a power in Python: write a**2 (** is the power)", 5),
        ("f = (a + b", "this '(' is never closed: add the closing bracket where it should end", 5),
        ("f = a + b)", "this ')' closes nothing: remove it, or add the bracket that opens it", 10),
        ("f = sigmod(a)", "unknown function 'sigmod' (did you mean sigmoid?)", 5),
        ("f = a(b + 1)", "unknown function 'a' (to multiply by a, write a*(...))", 5),
        ("f = a × b", "the character '×' (U+00D7) is not allowed: write * instead", 7),
        ("f = a + bb", "no value for 'bb'; did you mean b?", 9),
    ],
)
def test_common_typos_get_plain_advice(source: str, message: str, column: int) -> None:
    with pytest.raises(bv.ExpressionError) as caught:
        bv.expr(source, a=1.0, b=2.0)
    assert caught.value.reason.startswith(message) and caught.value.column == column
    lines = caught.value._render_traceback_()
    assert len(lines) <= MAX_SHOWN_LINES and lines[-1].strip() == "^"
