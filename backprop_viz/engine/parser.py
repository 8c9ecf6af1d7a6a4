"""Expression strings, as students type them, to graphs: parsed with ``ast``, never evaluated.

    expr("(x + y) * z", x=-2, y=5, z=-4)
    expr("q = x + y; f = q * z", x=-2, y=5, z=-4)    # names the intermediate q

Only numbers, names, ``+ - * / ** @``, unary minus and calls of the functions in
:data:`backprop_viz.engine.ops.FUNCTIONS` are accepted; everything else (attributes,
subscripts, lambdas, comprehensions, keywords, underscores, non-ASCII look-alikes)
is refused with an :class:`ExpressionError` that points at the place.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import keyword
import math
import operator
import re
from collections.abc import Callable, Mapping

import numpy as np

from . import ops
from .errors import ExpressionError
from .graph import Graph
from .names import check_name
from .numbers import as_value, fmt, is_finite
from .var import Var, apply, trace

MAX_SOURCE = 10_000  # characters; a lecture expression is a few dozen
MAX_NODES = 5_000  # syntax-tree nodes

CONSTANTS = {"pi": math.pi, "e": math.e}

TOO_DEEP = (
    "the expression is too long or too deeply nested to read as one line; split it into named "
    "steps, like 'q = x * y; f = q * z'"
)

_BINARY: dict[type, tuple[str, Callable]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
    ast.MatMult: ("@", operator.matmul),
}
_CONSTANT_FOLD = {ast.Add: ops.ADD, ast.Sub: ops.SUB, ast.Mult: ops.MUL, ast.Div: ops.DIV, ast.Pow: ops.POW}

_REFUSED = {
    ast.Attribute: "attribute access (a '.') is not allowed",
    ast.Subscript: "subscripts like a[0] are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.NamedExpr: "the walrus operator := is not allowed",
    ast.Starred: "starred arguments (*args) are not allowed",
    ast.Compare: "comparisons are not supported; use max(a, b) or min(a, b)",
    ast.BoolOp: "'and' / 'or' are not supported",
    ast.IfExp: "'... if ... else ...' is not supported; use max, min or relu",
    ast.keyword: "keyword arguments are not allowed; pass arguments by position",
    ast.AugAssign: "augmented assignment like '+=' is not allowed; write 'q = q + x'",
}

_OPERATORS = {
    ast.BitXor: "^",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Not: "not",
    ast.Invert: "~",
}


def expr(
    source: str,
    /,
    inputs: Mapping[str, object] | None = None,
    *,
    expand: bool = False,
    output: str = "f",
    **kw_inputs: object,
) -> Graph:
    """Parse ``source`` into a Graph, evaluated forward and backward.

    Input values come as keywords (``x=-2``) or, for names that clash with the
    options, in the ``inputs`` mapping. ``expand=True`` draws each sigmoid as its
    four gates. ``output`` names the output when the last line is not an assignment.
    """
    check_name(output, "the output's name (output=...)")
    values = {**(inputs or {}), **kw_inputs}
    out = build(source, values, expand=expand)
    return trace(out, output_label=output)


def build(source: str, values: Mapping[str, object], *, expand: bool = False) -> Var:
    """Parse ``source`` and build its Vars; the last statement's result is returned."""
    tree = _parse(source)
    with np.errstate(all="ignore"):  # inf and nan become node warnings, not numpy warnings
        return _Builder(source, values, expand).run(tree)


def _parse(source: str) -> ast.Module:
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"the expression is too long ({len(source):,} characters; the limit is {MAX_SOURCE:,})")
    for i, ch in enumerate(source):
        if not (ch.isascii() and (ch.isprintable() or ch in "\n\t\r")):
            line = source.count("\n", 0, i) + 1
            column = i - (source.rfind("\n", 0, i) + 1) + 1
            what = f"the character {ch!r} (U+{ord(ch):04X})"
            instead = _LOOK_ALIKES.get(ch)
            advice = f"write {instead} instead" if instead else "use ASCII letters, digits and + - * / ** @ ( )"
            raise ExpressionError(f"{what} is not allowed: {advice}", _shown(source), line, column)
    if not source.strip():
        raise ExpressionError("the expression is empty")
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as e:
        digits = re.search(r"\d{4301,}", source) if "integer string conversion" in str(e.msg) else None
        if digits:  # Python's own message here suggests changing an interpreter limit
            line = source.count("\n", 0, digits.start()) + 1
            column = digits.start() - (source.rfind("\n", 0, digits.start()) + 1) + 1
            raise ExpressionError(
                f"this number has too many digits ({len(digits.group()):,}); a float goes up to about 1.8e308",
                _shown(source),
                line,
                column,
            ) from None
        message, line, column = _syntax_message(_shown(source), e)
        raise ExpressionError(message, _shown(source), line, column) from None
    except (RecursionError, MemoryError, ValueError):  # Python's parser gives up on very deep nesting
        raise ExpressionError(TOO_DEEP) from None
    if not tree.body:
        raise ExpressionError("the expression is empty (it has only comments)")
    _check(tree, _shown(source))
    return tree


_LOOK_ALIKES = {"×": "*", "·": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "²": "**2", "³": "**3"}

_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?|\.\d+)([A-Za-z_]\w*)")
_OPERAND_END = re.compile(r"(?:[\w.]+|\))$")
_OPERAND_START = re.compile(r"^(?:[\w.]+|\()")


def _syntax_message(source: str, e: SyntaxError) -> tuple[str, int | None, int | None]:
    """Python's syntax error said in plain words, for the typos students make, and where it is."""
    line, column = e.lineno, e.offset or None
    lines = source.splitlines() or [""]
    text = lines[line - 1] if line and line <= len(lines) else ""
    if "decimal literal" in e.msg:
        for match in _NUMBER_THEN_NAME.finditer(text):
            if not _is_number(match[0]):
                number, name = match.groups()
                return (
                    f'"{match[0]}": a number followed by a name; did you mean {number}*{name}?',
                    line,
                    match.start() + 1,
                )
    if e.msg == "invalid syntax" and column:
        before, after = text[: column - 1].rstrip(), text[column - 1 :]
        left, right = _OPERAND_END.search(before), _OPERAND_START.match(after)
        if left and right and before != text[: column - 1] and not keyword_like(left[0]):
            return (
                f'"{left[0]} {right[0]}": two things side by side with no operator between them; '
                f"did you mean {left[0]}*{right[0]}?",
                line,
                left.start() + 1,
            )
    if "was never closed" in e.msg:
        return f"this {e.msg.split()[0]} is never closed: add the closing bracket where it should end", line, column
    if e.msg.startswith("unmatched"):
        bracket = e.msg.split()[-1]
        return f"this {bracket} closes nothing: remove it, or add the bracket that opens it", line, column
    if "does not match opening parenthesis" in e.msg:
        return f"brackets that do not match: {e.msg}", line, column
    return f"syntax error: {e.msg}", line, column


def _is_number(text: str) -> bool:
    """Whether ``text`` is a Python number literal (1e5, 0x1f), read by ``ast``, never evaluated."""
    try:
        return isinstance(ast.parse(text, mode="eval").body, ast.Constant)
    except SyntaxError:
        return False


def keyword_like(word: str) -> bool:
    """Whether ``word`` is a Python keyword, which the side-by-side advice must not take for a value."""
    return keyword.iskeyword(word)


def _shown(source: str) -> str:
    """The source as an error message shows it: characters that would not print plainly become '?'.

    One character for one, so the caret stays under the place (a tab becomes a space).
    """
    return "".join(
        " " if ch == "\t" else ch if ch in "\n\r" or (ch.isascii() and ch.isprintable()) else "?" for ch in source
    )


def _check(tree: ast.Module, source: str) -> None:
    """Refuse, before anything is built, every construct outside the fixed set."""
    allowed = (
        ast.Module,
        ast.Assign,
        ast.Expr,
        ast.Name,
        ast.Load,
        ast.Store,
        ast.Constant,
        ast.BinOp,
        ast.UnaryOp,
        ast.Call,
        ast.USub,
        ast.UAdd,
        *_BINARY,
    )
    count = 0
    for node in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"the expression is too large (more than {MAX_NODES:,} parts)")
        where = (source, getattr(node, "lineno", None), _column(node))
        if type(node) in _REFUSED:
            raise ExpressionError(_REFUSED[type(node)], *where)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
            power = f"{_segment(source, node.left)}**{_segment(source, node.right)}"
            raise ExpressionError(f"^ is not a power in Python: write {power} (** is the power)", *where)
        if isinstance(node, ast.BinOp | ast.UnaryOp) and type(node.op) in _OPERATORS:
            raise ExpressionError(
                f"the operator {_OPERATORS[type(node.op)]} is not allowed: use + - * / ** @ and unary minus", *where
            )
        if not isinstance(node, allowed):
            what = type(node).__name__
            raise ExpressionError(
                f"{what} is not allowed: use numbers, names, + - * / ** @ and the functions "
                f"{', '.join(sorted(ops.FUNCTIONS))}",
                *where,
            )
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
            raise ExpressionError(f"only numbers are allowed as constants, not {node.value!r}", *where)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"names starting with '_' are not allowed ({node.id!r})", *where)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise ExpressionError(_not_callable(node.func, source), *where)
            name = node.func.id
            if name not in ops.FUNCTIONS:
                raise ExpressionError(_unknown_function(name), *where)
            if node.keywords:
                raise ExpressionError(_REFUSED[ast.keyword], *where)
            arity = ops.FUNCTIONS[name].arity
            if len(node.args) != arity:
                raise ExpressionError(f"{name} takes {arity} argument{'s' * (arity > 1)}, got {len(node.args)}", *where)
        if isinstance(node, ast.Assign) and (len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name)):
            raise ExpressionError("assign to one plain name, like 'q = x + y'", *where)


def _not_callable(func: ast.expr, source: str) -> str:
    """Why ``2(x + 1)`` or ``(a + b)(c)`` is refused: a bracket right after a value is no multiplication."""
    if not isinstance(func, ast.Constant | ast.BinOp | ast.UnaryOp):
        return "only the built-in functions can be called, by name"
    value = _segment(source, func)
    if isinstance(func, ast.Constant):
        return f'"{value}(": a number followed by a bracket; did you mean {value}*(...)?'
    return f'"{value}(": a bracket right after a value; to multiply, write {value}*(...)'


def _unknown_function(name: str) -> str:
    """An unknown function's name, with the known one it most looks like, or the advice to multiply."""
    known = ", ".join(sorted(ops.FUNCTIONS))
    close = difflib.get_close_matches(name.lower(), ops.FUNCTIONS, n=1, cutoff=0.6)
    if close:
        hint = f" (did you mean {close[0]}?)"
    elif name.startswith("_") or hasattr(builtins, name):
        hint = ""
    else:
        hint = f" (to multiply by {name}, write {name}*(...))"
    return f"unknown function {name!r}{hint}; known functions: {known}"


def _segment(source: str, node: ast.AST) -> str:
    """The source text of ``node`` with the brackets around it, if any, cut when long."""
    text = ast.get_source_segment(source, node) or "..."
    line = source.splitlines()[node.lineno - 1] if node.lineno == node.end_lineno else ""
    if (
        0 < node.col_offset
        and line[node.col_offset - 1 : node.col_offset] == "("
        and line[node.end_col_offset :][:1] == ")"
    ):
        text = f"({text})"
    return text if len(text) <= 20 else f"{text[:17]}..."


def _column(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


class _Builder:
    """Builds Vars from a checked syntax tree, iteratively (no recursion on deep input)."""

    def __init__(self, source: str, values: Mapping[str, object], expand: bool) -> None:
        self.source, self.values, self.expand = _shown(source), dict(values), expand
        self.env: dict[str, Var | float] = {}  # assigned names
        self.assigned: dict[str, ast.stmt] = {}  # where each name was assigned
        self.used: set[str] = set()  # assigned names read by a later line
        self.inputs: dict[str, Var] = {}

    def error(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self.source, getattr(node, "lineno", None), _column(node))

    def run(self, tree: ast.Module) -> Var:
        result: Var | float | None = None
        for k, stmt in enumerate(tree.body):
            last = k == len(tree.body) - 1
            if isinstance(stmt, ast.Expr):
                if not last:
                    raise self.error("this line computes a value that is never used; assign it, like 'q = ...'", stmt)
                result = self.evaluate(stmt.value)
            else:
                name = stmt.targets[0].id
                if name in self.env or name in self.inputs:
                    raise self.error(f"{name!r} already has a value; each name is assigned once", stmt)
                if name in ops.FUNCTIONS or name in CONSTANTS:
                    raise self.error(f"{name!r} is a built-in name and cannot be assigned", stmt)
                self.check_name(name, stmt)
                value = self.evaluate(stmt.value)
                if isinstance(value, Var) and value.name is None:
                    value.named(name)
                self.env[name] = value
                self.assigned[name] = stmt
                result = value
        self.refuse_unused_lines(tree.body[-1], result)
        unused = sorted(set(self.values) - set(self.inputs))
        if unused:
            raise ExpressionError(
                f"value given for {', '.join(map(repr, unused))}, which the expression "
                f"does not use; its inputs are {', '.join(self.inputs) or 'none'}"
            )
        if not isinstance(result, Var):
            return Var(result, const=True)
        return result

    def check_name(self, name: str, node: ast.AST) -> None:
        """An ExpressionError at ``node`` for a name too long to draw (the parser allows only identifiers)."""
        try:
            check_name(name, "this name")
        except ExpressionError as e:
            raise self.error(e.reason, node) from None

    def refuse_unused_lines(self, last: ast.stmt, result: Var | float | None) -> None:
        """An ExpressionError for names assigned and never read: the output would silently not depend on them."""
        last_name = last.targets[0].id if isinstance(last, ast.Assign) else None
        unused = [name for name in self.assigned if name not in self.used and name != last_name]
        if not unused:
            return
        reached = _ancestors(result) if isinstance(result, Var) else set()
        lost = [name for name, var in self.inputs.items() if var not in reached]
        names = " and ".join(map(repr, unused))
        it = "it" if len(unused) == 1 else "them"
        also = f" (nor on the input{'s' * (len(lost) > 1)} {', '.join(lost)})" if lost else ""
        raise self.error(
            f"{names} {'is' if len(unused) == 1 else 'are'} assigned but never used, so the output does not "
            f"depend on {it}{also}: use {it} in a later line, or remove the line",
            self.assigned[unused[0]],
        )

    def evaluate(self, root: ast.expr) -> Var | float:
        done: dict[int, Var | float] = {}
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            children = _children(node)
            if not ready:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(children))
                continue
            args = [done.pop(id(c)) for c in children]
            done[id(node)] = self.combine(node, args)
        return done[id(root)]

    def combine(self, node: ast.expr, args: list[Var | float]) -> Var | float:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.lookup(node)
        if isinstance(node, ast.UnaryOp):
            (a,) = args
            return a if isinstance(node.op, ast.UAdd) else -a
        if isinstance(node, ast.BinOp):
            a, b = args
            symbol, fn = _BINARY[type(node.op)]
            if isinstance(a, float) and isinstance(b, float):
                if type(node.op) not in _CONSTANT_FOLD:
                    raise self.error(f"{symbol} needs arrays, not numbers", node)
                return self.folded(_CONSTANT_FOLD[type(node.op)].forward(a, b), node)
            try:
                return fn(a, b)
            except ExpressionError as e:  # shapes that do not fit, said by the gate
                raise self.error(e.reason, node) from None
            except ValueError as e:
                raise self.error(f"{symbol} cannot combine these values: {e}", node) from None
        if isinstance(node, ast.Call):
            op = ops.FUNCTIONS[node.func.id]
            if all(isinstance(a, float) for a in args):
                return self.folded(op.forward(*args), node)
            if op is ops.SIGMOID and self.expand:
                return _as_var(args[0]).sigmoid(expand=True)
            try:
                return apply(op, *args)
            except ExpressionError as e:
                raise self.error(e.reason, node) from None
            except ValueError as e:
                raise self.error(f"{node.func.id} cannot take these values: {e}", node) from None
        raise self.error(f"{type(node).__name__} is not allowed", node)  # unreachable after _check

    def number(self, node: ast.Constant) -> float:
        """A number literal as a float; refused when it is too large for one (1e309, 400 digits)."""
        try:
            value = float(node.value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            text = ast.get_source_segment(self.source, node) or str(node.value)
            if len(text) > 24:
                text = f"{text[:12]}... ({len(text):,} characters)"
            raise self.error(f"the number {text} is too large: a float goes up to about 1.8e308", node)
        return value

    def folded(self, value: object, node: ast.expr) -> float:
        value = float(value)
        if not is_finite(value):
            raise self.error(f"this constant part evaluates to {fmt(value)}", node)
        return value

    def lookup(self, node: ast.Name) -> Var | float:
        name = node.id
        if name in self.env:
            self.used.add(name)
            return self.env[name]
        if name in self.inputs:
            return self.inputs[name]
        if name in CONSTANTS:
            if name in self.values:  # the constant would hide the input, and the value go unused
                raise self.error(
                    f"{name!r} is the constant {CONSTANTS[name]:.6g}…; give your input another name, like {name}1", node
                )
            return CONSTANTS[name]
        if name in ops.FUNCTIONS:
            raise self.error(f"{name!r} is a function; call it, like {name}(x)", node)
        self.check_name(name, node)
        if name not in self.values:
            known = sorted({*self.values, *self.env, *CONSTANTS})
            close = difflib.get_close_matches(name, sorted({*self.values, *self.env}), n=1, cutoff=0.6)
            meant = f"did you mean {close[0]}? " if close else ""
            names = ", ".join(known) or "none"
            raise self.error(f"no value for {name!r}; {meant}known names: {names} (give it a value, {name}=...)", node)
        try:
            var = Var(as_value(self.values[name], f"input {name!r}"), name=name)
        except (TypeError, ValueError) as e:
            raise self.error(str(e), node) from None
        self.inputs[name] = var
        return var


def _children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _ancestors(out: Var) -> set[Var]:
    """Every Var ``out`` was computed from, and ``out`` itself (iterative)."""
    seen: set[Var] = set()
    stack = [out]
    while stack:
        var = stack.pop()
        if var not in seen:
            seen.add(var)
            stack.extend(var.args)
    return seen


def _as_var(x: Var | float) -> Var:
    return x if isinstance(x, Var) else Var(x, const=True)
