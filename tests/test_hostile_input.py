"""Hostile expression strings: each refused with an ExpressionError that says what and where, nothing run.

Expression strings come from students (and from whatever they paste). The parser reads them with
``ast`` and builds only gates; these tests throw code, look-alike characters, huge numbers and huge
or deeply nested input at it, and check four things for every string: the error is an
ExpressionError, its message says what is wrong (and where, when there is a place), no user code
ran (a canary: strings that would write a file or set a global, and an audit hook that records
what the interpreter does meanwhile), and the refusal is quick and small (< 1 s, < 50 MB).
"""

from __future__ import annotations

import builtins
import math
import re
import sys
import tracemalloc
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_viz as bv
from backprop_viz.engine import parser

# -- the corpus ------------------------------------------------------------------------------
# (id, source, a fragment of the message that says what is wrong). "CANARY" is replaced by the
# path of a file that must never be written.

ATTR = "attribute access (a '.') is not allowed"
BY_NAME = "only the built-in functions can be called, by name"
NOT_ALLOWED = "is not allowed: use numbers, names"
CHARACTER = "is not allowed: use ASCII letters, digits"
UNKNOWN = "unknown function"
TOO_DEEP = "too long or too deeply nested to read as one line; split it into named steps, like 'q = "

CORPUS: list[tuple[str, str, str]] = [
    # code execution and introspection
    ("import-os-system", "__import__('os').system('touch CANARY')", BY_NAME),
    ("import-call", "__import__('os')", "unknown function '__import__'"),
    ("import-statement", "import os", "Import " + NOT_ALLOWED),
    ("from-import", "from os import system", "ImportFrom " + NOT_ALLOWED),
    ("import-in-assign", "q = __import__('os'); f = q", "unknown function '__import__'"),
    ("class-bases", "().__class__.__bases__", ATTR),
    ("subclasses", "().__class__.__base__.__subclasses__()", BY_NAME),
    ("dunder-attribute", "x.__class__", ATTR),
    ("dunder-name", "__builtins__", "names starting with '_' are not allowed"),
    ("underscore-name", "_", "names starting with '_' are not allowed"),
    ("eval", "eval(\"open('CANARY', 'w')\")", "unknown function 'eval'"),
    ("exec", "exec(\"open('CANARY', 'w')\")", "unknown function 'exec'"),
    ("exec-assign", "f = exec('import builtins; builtins.BV_CANARY = 1')", "unknown function 'exec'"),
    ("open-write", "open('CANARY', 'w').write('pwned')", BY_NAME),
    ("open", "open('CANARY', 'w')", "unknown function 'open'"),
    ("compile", "compile('1', 'CANARY', 'exec')", "unknown function 'compile'"),
    ("globals", "globals()", "unknown function 'globals'"),
    ("globals-setitem", "globals().__setitem__('BV_CANARY', 1)", BY_NAME),
    ("locals", "locals()", "unknown function 'locals'"),
    ("vars", "vars()", "unknown function 'vars'"),
    ("getattr", "getattr(x, '__class__')", "unknown function 'getattr'"),
    ("setattr-builtins", "setattr(__import__('builtins'), 'BV_CANARY', 1)", "unknown function 'setattr'"),
    ("breakpoint", "breakpoint()", "unknown function 'breakpoint'"),
    ("input", "input()", "unknown function 'input'"),
    ("print", "print(x)", "unknown function 'print'"),
    ("system", "system(x)", UNKNOWN),
    # functions, comprehensions and friends
    ("lambda-called", "(lambda: open('CANARY', 'w'))()", BY_NAME),
    ("lambda-assign", "f = lambda x: x", "lambda is not allowed"),
    ("list-comprehension", "[open('CANARY', 'w') for i in (1,)]", "comprehensions are not allowed"),
    ("set-comprehension", "{x for x in (1, 2)}", "comprehensions are not allowed"),
    ("dict-comprehension", "{x: x for x in (1, 2)}", "comprehensions are not allowed"),
    ("generator", "sum(open('CANARY', 'w') for i in (1,))", "generator expressions are not allowed"),
    ("f-string", 'f\'{open("CANARY", "w")}\'', "f-strings are not allowed"),
    ("walrus", "(y := x) + y", "the walrus operator := is not allowed"),
    ("walrus-import", "(q := __import__('os'))", "the walrus operator := is not allowed"),
    ("starred", "exp(*x)", "starred arguments (*args) are not allowed"),
    ("double-star", "exp(**{'x': 1})", "keyword arguments are not allowed"),
    ("keyword-argument", "exp(x=1)", "keyword arguments are not allowed"),
    ("keyword-trick", "max(x, y, key=open)", "keyword arguments are not allowed"),
    ("subscript", "x[0]", "subscripts like a[0] are not allowed"),
    ("slice", "x[::-1]", "subscripts like a[0] are not allowed"),
    ("call-a-call", "exp(x)(1)", BY_NAME),
    ("call-a-number", "(1)(x)", '"(1)(": a number followed by a bracket; did you mean (1)*(...)?'),
    ("function-as-value", "exp + x", "'exp' is a function; call it"),
    # statements
    ("decorator", "@open\ndef f(): pass", "FunctionDef " + NOT_ALLOWED),
    ("def", "def f(x): return x", "FunctionDef " + NOT_ALLOWED),
    ("async-def", "async def f(): pass", "AsyncFunctionDef " + NOT_ALLOWED),
    ("class", "class A: pass", "ClassDef " + NOT_ALLOWED),
    ("for-loop", "for i in x: pass", "For " + NOT_ALLOWED),
    ("while-loop", "while 1: pass", "While " + NOT_ALLOWED),
    ("with", "with open('CANARY', 'w'): pass", "With " + NOT_ALLOWED),
    ("try", "try:\n    x\nexcept Exception:\n    pass", "Try " + NOT_ALLOWED),
    ("raise", "raise SystemExit", "Raise " + NOT_ALLOWED),
    ("assert", "assert x", "Assert " + NOT_ALLOWED),
    ("global", "global x", "Global " + NOT_ALLOWED),
    ("delete", "del x", "Delete " + NOT_ALLOWED),
    ("match", "match x:\n    case 1:\n        pass", "Match " + NOT_ALLOWED),
    ("yield", "yield x", "Yield " + NOT_ALLOWED),
    ("await", "await x", "Await " + NOT_ALLOWED),
    ("augmented-assign", "x += 1", "augmented assignment"),
    ("chained-assign", "a = b = x", "assign to one plain name"),
    ("tuple-assign", "a, b = x, y", "assign to one plain name"),
    ("attribute-assign", "x.real = 1", "assign to one plain name"),
    ("annotated-assign", "y: int = x", "AnnAssign " + NOT_ALLOWED),
    ("assign-builtin-function", "exp = x", "'exp' is a built-in name and cannot be assigned"),
    ("assign-constant", "pi = x", "'pi' is a built-in name and cannot be assigned"),
    # values that are not numbers, operators that are not gates
    ("string", "'rm -rf /'", "only numbers are allowed as constants"),
    ("bytes", "b'\\x00'", "only numbers are allowed as constants"),
    ("none", "None", "only numbers are allowed as constants"),
    ("bool", "True", "only numbers are allowed as constants"),
    ("ellipsis", "...", "only numbers are allowed as constants"),
    ("complex", "1j * x", "only numbers are allowed as constants"),
    ("percent-format", "'%s' % x", "the operator % is not allowed"),
    ("tuple", "x, y", "Tuple " + NOT_ALLOWED),
    ("list", "[x, y]", "List " + NOT_ALLOWED),
    ("dict", "{x: y}", "Dict " + NOT_ALLOWED),
    ("comparison", "x < y", "comparisons are not supported"),
    ("boolean-op", "x and y", "'and' / 'or' are not supported"),
    ("if-expression", "x if y else 1", "is not supported; use max, min or relu"),
    ("bitwise-xor", "x ^ y", "^ is not a power in Python: write x**y"),
    ("bitwise-or", "x | y", "the operator | is not allowed"),
    ("floor-division", "x // y", "the operator // is not allowed"),
    ("not", "not x", "the operator not is not allowed"),
    ("invert", "~x", "the operator ~ is not allowed"),
    # syntax
    ("syntax-error", "x +* y", "syntax error"),
    ("unclosed", "exp(x", "this '(' is never closed: add the closing bracket"),
    ("unmatched", "exp(x))", "this ')' closes nothing"),
    ("empty", "", "the expression is empty"),
    ("blank", "   \n\t ", "the expression is empty"),
    ("comment-only", "# just a comment", "the expression is empty"),
    ("line-continuation-junk", "x + y\\x00", "syntax error"),
    # characters: control, invisible, look-alike
    ("null-byte", "x\x00 + y", "'\\x00' (U+0000) " + CHARACTER),
    ("escape-sequence", "x\x1b[31m + y", "(U+001B) " + CHARACTER),
    ("form-feed", "x\x0c + y", "(U+000C) " + CHARACTER),
    ("fullwidth-x", "\uff58 + y", "(U+FF58) " + CHARACTER),
    ("cyrillic-a", "\u0430 + y", "(U+0430) " + CHARACTER),
    ("greek-omicron", "x + \u03bf", "(U+03BF) " + CHARACTER),
    ("combining-acute", "x\u0301 + y", "(U+0301) " + CHARACTER),
    ("bidi-override", "x\u202e + y", "(U+202E) " + CHARACTER),
    ("bidi-isolate", "x + \u2066y\u2069", "(U+2066) " + CHARACTER),
    ("zero-width-space", "x\u200b + y", "(U+200B) " + CHARACTER),
    ("non-breaking-space", "x\u00a0+ y", "(U+00A0) " + CHARACTER),
    ("unicode-minus", "x \u2212 y", "(U+2212) is not allowed: write - instead"),
    ("arabic-digit", "x * \u0661", "(U+0661) " + CHARACTER),
    ("lone-surrogate", "x + \ud800", "(U+D800) " + CHARACTER),
    # numbers too large for a float
    ("power-tower", "9**9**9**9", "this constant part evaluates to inf"),
    ("power-tower-on-input", "x ** 9**9**9", "this constant part evaluates to inf"),
    ("integer-400-digits", "x * 1" + "0" * 400, "is too large"),
    ("integer-400-digits-alone", "1" + "0" * 400, "is too large"),
    ("integer-4301-digits", "x * " + "7" * 4301, "too many digits"),
    ("float-literal-1e309", "x * 1e309", "is too large"),
    ("float-literal-1e309-alone", "1e309", "is too large"),
    ("float-literal-minus-1e309", "x - 1e309", "is too large"),
    ("zero-over-zero", "x * (0 / 0)", "this constant part evaluates to nan"),
    # size and depth
    ("one-megabyte", "x + " * 262_144 + "x", "the expression is too long"),
    ("one-megabyte-name", "x" * 1_000_000, "the expression is too long"),
    ("10000-parentheses", "(" * 10_000 + "x" + ")" * 10_000, "the expression is too long"),
    ("4999-parentheses", "(" * 4_999 + "x" + ")" * 4_999, "syntax error: too many nested parentheses"),
    ("10000-unary-minus", "-" * 10_000 + "x", "the expression is too long"),
    ("9999-unary-minus", "-" * 9_999 + "x", TOO_DEEP),
    ("4999-additions", "x" + "+x" * 4_999, TOO_DEEP),
    ("3300-powers", "x" + "**x" * 3_300, TOO_DEEP),
    ("4000-products", "*".join(["x"] * 4_000), TOO_DEEP),
    ("1999-nested-calls", "exp(" * 1_999 + "x" + ")" * 1_999, "syntax error: too many nested parentheses"),
    ("2000-statements", "\n".join(f"a{i} = x" for i in range(2_000)), "the expression is too long"),
]

# Refusals about the input as a whole have no single place to point at.
WHOLE = ("the expression is too long", "the expression is empty", "too deeply nested", "too large (more than")


# -- the canary ------------------------------------------------------------------------------

_RECORDING: list[list[tuple]] = []  # the event lists being filled; empty: the hook does nothing
# What parsing and building legitimately do: ast.parse raises "compile", id() raises "builtins.id", and
# on a syntax error CPython opens its pseudo file name "<unknown>" for reading, to quote the bad line.
EXPECTED_EVENTS = {("compile",), ("builtins.id",), ("open", "<unknown>", "rb")}


def _audit(event: str, args: tuple) -> None:
    if _RECORDING:
        _RECORDING[-1].append((event, *args[:2]) if event == "open" else (event,))


_hook_installed = False


class Canary:
    """Records interpreter events while watching; knows what running any corpus string would have changed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def watch(self) -> list[tuple]:
        global _hook_installed
        if not _hook_installed:  # audit hooks cannot be removed: one for the whole session, idle when not watching
            sys.addaudithook(_audit)
            _hook_installed = True
        events: list[tuple] = []
        _RECORDING.append(events)
        return events

    def stop(self) -> None:
        _RECORDING.clear()

    def assert_untouched(self, events: list[tuple]) -> None:
        assert set(events) <= EXPECTED_EVENTS, f"unexpected interpreter events: {sorted(set(events))}"
        assert not self.path.exists(), "a corpus string wrote the canary file"
        assert not hasattr(builtins, "BV_CANARY") and "BV_CANARY" not in vars(parser)
        assert "BV_CANARY" not in globals()


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Canary:
    bv.expr("exp(x) * y", x=1.0, y=2.0)  # warm up: imports and caches do their first-time work now
    return Canary(tmp_path_factory.mktemp("canary") / "canary.txt")


def used_inputs(source: str) -> dict[str, float]:
    """Values for the input names the source mentions (a value for an unused name is itself an error)."""
    return {n: v for n, v in (("x", 1.5), ("y", 2.5)) if re.search(rf"(?<![A-Za-z0-9_]){n}(?![A-Za-z0-9_])", source)}


def assert_readable(message: str) -> None:
    """No control, format (bidi, zero-width) or surrogate characters: the message prints as it reads."""
    message.encode("utf-8")  # a lone surrogate would make this raise
    bad = [c for c in message if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs")]
    assert not bad, f"the message shows raw control characters {bad!r}"


# -- the tests -------------------------------------------------------------------------------


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 50
    assert len({name for name, _, _ in CORPUS}) == len(CORPUS)


@pytest.mark.timeout(30)  # a refusal that hangs (a huge power computed, say) fails; its speed is not measured here
@pytest.mark.parametrize(("source", "what"), [pytest.param(s, w, id=i) for i, s, w in CORPUS])
def test_hostile_input_is_refused_clearly_and_nothing_runs(source: str, what: str, canary: Canary) -> None:
    source = source.replace("CANARY", str(canary.path))
    inputs = used_inputs(source)
    tracemalloc.start()
    events = canary.watch()
    try:
        with pytest.raises(bv.ExpressionError) as info:
            bv.expr(source, **inputs)
    finally:
        canary.stop()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    err = info.value
    message = str(err)
    canary.assert_untouched(events)
    assert type(err) is bv.ExpressionError and isinstance(err, ValueError)
    assert what in err.reason, message
    assert_readable(message)
    if not any(w in err.reason for w in WHOLE):  # where: line and column, and a caret under the place
        assert err.line is not None and err.line >= 1 and err.column is not None and err.column >= 1, message
        shown, caret = message.splitlines()[1:3]
        assert caret.strip() == "^"
        assert shown.isascii() and shown.isprintable(), "the echoed line must show hostile characters safely"
        assert len(shown) <= 4 + 120 and len(caret) - 4 <= 120  # long lines are cut around the place
    assert peak < 50e6, f"refusal used {peak / 1e6:.1f} MB"


def test_a_very_long_flat_expression_is_refused_in_a_student_s_words() -> None:
    """Python's parser gives up on a product of 4000 terms; the message says what to do, not RecursionError."""
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr("*".join(["x"] * 4_000), x=1.0)
    message = str(info.value)
    assert "split it into named steps" in message and "q = " in message
    assert "RecursionError" not in message and "cannot be parsed" not in message


@pytest.mark.parametrize(
    ("source", "name", "shown"), [("e * x", "e", "2.71828"), ("q = x + 1; f = q * pi", "pi", "3.14159")]
)
def test_an_input_named_like_a_constant_is_refused_clearly(source: str, name: str, shown: str) -> None:
    """e and pi are constants: an input of that name would be hidden, so it is refused, at the place."""
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr(source, x=1.0, **{name: 2.0})
    err = info.value
    assert err.reason == f"{name!r} is the constant {shown}…; give your input another name, like {name}1"
    assert "does not use" not in str(err)
    assert err.column == source.index(name) + 1
    assert bv.expr(source, x=1.0).value > 0  # without the value, the constant is used as before


def test_the_caret_stays_under_the_bad_character() -> None:
    with pytest.raises(bv.ExpressionError) as info:
        bv.expr("q = x + y\nf = q * \u0430", x=1, y=2)
    err = info.value
    assert (err.line, err.column) == (2, 9)
    assert str(err).splitlines()[1:] == ["    f = q * ?", "            ^"]


def test_the_caret_on_a_very_long_line_is_cut_around_the_place() -> None:
    source = "x + " * 2000 + "y[0]"
    with pytest.raises(bv.ExpressionError, match="subscripts") as info:
        bv.expr(source, x=1, y=2)
    shown, caret = str(info.value).splitlines()[1:3]
    assert len(shown) <= 124
    assert shown[len(caret) - 1] == "y"  # the caret points at the subscript


def test_a_non_string_is_refused() -> None:
    for value in (None, 42, b"x + y", ["x"], bv.Var(1.0, name="x")):
        with pytest.raises(bv.ExpressionError, match="an expression must be a string"):
            bv.expr(value)


def test_keyword_values_cannot_smuggle_code() -> None:
    """Input values are numbers or arrays; strings, callables and objects are refused, never called."""
    called = []

    class Sneaky:
        def __float__(self) -> float:
            called.append("float")
            return 1.0

        def __array__(self, *args, **kwargs):
            called.append("array")
            return np.ones(2)

    for value in ("__import__('os')", lambda: 1, Sneaky(), open, {"x": 1}, 1 + 2j):
        with pytest.raises(bv.ExpressionError, match="input 'x' must be a number"):
            bv.expr("x + 1", x=value)
    assert called == []


def test_names_are_looked_up_only_among_the_given_inputs() -> None:
    """Python's own names (builtins, module globals) are unknown names, not values."""
    for name in ("os", "sys", "np", "bv", "parser", "ast", "builtins", "self", "open", "eval", "True1"):
        with pytest.raises(bv.ExpressionError, match=f"no value for '{name}'"):
            bv.expr(f"{name} + 1")


# -- fuzz: grammar fragments and random characters --------------------------------------------

FRAGMENTS = [
    "x",
    "y",
    "z",
    "q",
    "f",
    "e",
    "pi",
    "0",
    "1",
    "2.5",
    "-3",
    "1e309",
    "1e-400",
    "9" * 400,
    "0x1f",
    "1_000",
    " + ",
    " - ",
    " * ",
    " / ",
    " ** ",
    " @ ",
    "-",
    "+",
    "(",
    ")",
    ", ",
    " = ",
    "; ",
    "\n",
    " ",
    "\t",
    "exp(",
    "log(",
    "sqrt(",
    "max(",
    "min(",
    "pow(",
    "sigmoid(",
    "tanh(",
    "relu(",
    "hardtanh(",
    "softsign(",
    "abs(",
    "recip(",
    "sum(",
    "sumsq(",
    "maximum(",
    "__import__",
    ".",
    "[",
    "]",
    "lambda",
    ":",
    ":=",
    "'",
    '"',
    "f'",
    "{",
    "}",
    "#",
    "\\",
    "*",
    "**",
    "if",
    "else",
    "for",
    "in",
    "not",
    "and",
    "import",
    "def",
    "\x00",
    "\u202e",
    "\uff58",
    "\u0430",
    "\u0301",
]
VALUES = [
    0.0,
    1.0,
    -2.0,
    0.5,
    1e308,
    -1e-320,
    math.inf,
    -math.inf,
    math.nan,
    3,
    np.float32(2.0),
    np.array([1.0, -2.0]),
    np.array([[1.0, 2.0], [3.0, 4.0]]),
]

sources = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=14).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources, values=st.fixed_dictionaries({n: st.sampled_from(VALUES) for n in "xyzq"}))
def test_fuzz_only_expression_errors_or_graphs(source: str, values: dict) -> None:
    inputs = {n: v for n, v in values.items() if re.search(rf"(?<![A-Za-z0-9_]){n}(?![A-Za-z0-9_])", source)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy warning escaping to the notebook counts as a failure
        try:
            g = bv.expr(source, **inputs)
        except bv.ExpressionError as err:
            assert err.reason
            assert_readable(str(err))
            return
        assert isinstance(g, bv.Graph)
        for step in g.steps:  # every explanation can be written, whatever the numbers
            assert step.explanation and step.latex is not None
        repr(g)


# -- a defect outside the parser, recorded here ----------------------------------------------


def test_a_quiz_answer_of_one_over_zero_is_just_wrong() -> None:
    q = bv.quiz(bv.expr("x * y", x=2, y=3), ask=["x"])
    assert q.check("x", "1/0") is False
