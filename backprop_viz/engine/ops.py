"""The gates: each knows its forward rule, its local derivatives and how to draw itself.

An elementwise gate gives ``local(args, out)``, one local derivative per input, and
the backward pass multiplies: downstream = upstream x local. A vector gate
(matmul, sum) has no single local number; it gives ``vjp(upstream, args, out)``,
the downstream gradients directly, and ``rules`` says in words what it does.

Conventions at kinks (stated, tested, drawn): max/min give the whole gradient to
the first input on a tie; relu, abs and hardtanh have derivative 0 at their kinks.

At the edges, as PyTorch does: where relu, max, min or hardtanh has local derivative 0, the
downstream is 0 even if the upstream is inf or nan (0 × ∞ is masked, not nan); x ** y has
∂/∂x = 0 where y = 0 and ∂/∂y = 0 where x = 0 and y ≥ 0; log and sqrt of a negative number
have value nan and local derivative nan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .errors import ExpressionError
from .numbers import Value, fmt, fmt_paren

Args = tuple[Value, ...]
# How a vector gate's backward step is written for one input: (chain, operation, left, right). The
# downstream gradient is operation(left, right), None standing for the upstream gradient; operation is
# "product" (numbers, or element by element), "outer" or "matmul". ``chain`` says it with names:
# "{u}" is the upstream gradient, "{0}", "{1}" the gate's inputs; "" is the usual ∂f/∂q · ∂q/∂x.
Terms = tuple[str, str, Value | None, Value | None]


@dataclass(frozen=True, eq=False)
class Op:
    """A gate kind. ``symbol`` is drawn in the gate, ``formula`` writes the forward rule."""

    name: str
    symbol: str
    arity: int
    forward: Callable[..., Value]
    local: Callable[[Args, Value], Args] | None = None
    vjp: Callable[[Value, Args, Value], Args] | None = None
    formula: str = ""  # "{0} + {1}": how the forward rule reads with inputs filled in
    rules: tuple[str, ...] = ()  # local derivative per input, in words: ("1", "1")
    lecture: str | None = None  # the decks' name for the gate's backward pattern
    domain: str | None = None  # what makes the forward result inf/nan, in words
    # Whether finite inputs are inside the domain, so that an inf from them is a float overflow (the
    # true result is just too large). None: never (exp's domain is its overflow; log(0) is the domain).
    in_domain: Callable[[Args], bool] | None = None
    # True: a local derivative of 0 stops the gradient, even an inf or nan upstream. Or, where only some
    # zeros stop it (x ** y, as PyTorch), a function of the inputs giving, per input, where it stops.
    masks: bool | Callable[[Args], tuple] = False
    ties_to_first: bool = False  # on equal inputs the whole gradient goes to the first one (max, min)
    stem: str = ""  # an unnamed gate's name is this and a number (sig1); "" means ``name``
    terms: Callable[[int, Args], Terms] | None = None  # a vector gate: how its vjp is written (see Terms)

    @property
    def short_name(self) -> str:
        """The stem of an unnamed gate's name: ``mul`` gives mul1, mul2."""
        return self.stem or self.name

    def describe(self, args: list[str]) -> str:
        """The forward rule with ``args`` (names or numbers) filled in."""
        wrapped = []
        for i, a in enumerate(args):
            bare = f"({{{i}}})" in self.formula or f"({{{i}}}," in self.formula or f", {{{i}}})" in self.formula
            wrapped.append(f"({a})" if a.startswith("-") and not bare else a)
        return self.formula.format(*wrapped)


def _nonzero(v: Value) -> bool:
    return bool(np.all(np.asarray(v) != 0))


def _positive(v: Value) -> bool:
    return bool(np.all(np.asarray(v) > 0))


def unbroadcast(grad: Value, like: Value) -> Value:
    """Sum a broadcast gradient back down to the shape of the input it belongs to."""
    if isinstance(like, float):
        return float(np.sum(grad)) if isinstance(grad, np.ndarray) else grad
    if not isinstance(grad, np.ndarray):
        return np.full(like.shape, grad)
    while grad.ndim > like.ndim:
        grad = grad.sum(axis=0)
    for axis, size in enumerate(like.shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _scalar(x: Value) -> Value:
    """numpy 0-d results back to plain floats, so scalars stay plain floats."""
    return float(x) if isinstance(x, np.floating | np.ndarray) and np.ndim(x) == 0 else x


def _np(fn: Callable[..., Value]) -> Callable[..., Value]:
    def call(*args: Value) -> Value:
        with np.errstate(all="ignore"):
            return _scalar(fn(*args))

    return call


def _exp(a: Value) -> Value:
    if isinstance(a, float):
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf
    with np.errstate(all="ignore"):
        return np.exp(a)


def _sigmoid(a: Value) -> Value:
    if isinstance(a, float):
        if a >= 0:
            return 1.0 / (1.0 + math.exp(-a))
        e = _exp(a)
        return e / (1.0 + e)
    with np.errstate(all="ignore"):
        return np.where(a >= 0, 1.0 / (1.0 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1.0 + np.exp(-np.abs(a))))


def _step(cond: Value) -> Value:
    """1.0 where cond holds, else 0.0, for floats and arrays alike."""
    return (1.0 if cond else 0.0) if isinstance(cond, bool | np.bool_) else np.asarray(cond, dtype=float)


def _div(a: Value, b: Value) -> Value:
    if isinstance(a, float) and isinstance(b, float) and b != 0.0:
        return a / b
    with np.errstate(all="ignore"):
        return _scalar(np.divide(a, b))


def _nan_if_nan(local: Value, *xs: Value) -> Value:
    """``local`` with nan wherever an input is nan: a gate has no slope at an undefined point."""
    if all(isinstance(x, float) for x in xs):
        return math.nan if any(x != x for x in xs) else local
    bad = np.isnan(xs[0])
    for x in xs[1:]:
        bad = bad | np.isnan(x)
    return np.where(bad, np.nan, local) if np.any(bad) else local


def _log_local(a: Value) -> Value:
    """1/x, and nan where x < 0: log has no slope where it has no value (as sqrt)."""
    if isinstance(a, float):
        return math.nan if a < 0 else _div(1.0, a)
    with np.errstate(all="ignore"):
        return np.where(a < 0, np.nan, np.divide(1.0, a))


def _pow_local(x: Args, o: Value) -> Args:
    """y·x^(y-1) and x^y·log(x), with PyTorch's zeros: ∂/∂x = 0 where y = 0, ∂/∂y = 0 where x = 0 and y ≥ 0."""
    a, b = x
    with np.errstate(all="ignore"):
        base = np.where(np.equal(b, 0), 0.0, b * np.power(a, b - 1))
        exponent = np.where(np.equal(a, 0) & np.greater_equal(b, 0), 0.0, o * np.log(a))
    return _scalar(base), _scalar(exponent)


def _max(a: Value, b: Value) -> Value:
    if isinstance(a, float) and isinstance(b, float):  # Python's max(1, nan) is 1; np.maximum's is nan
        return math.nan if a != a or b != b else a if a >= b else b
    return np.maximum(a, b)


def _min(a: Value, b: Value) -> Value:
    if isinstance(a, float) and isinstance(b, float):
        return math.nan if a != a or b != b else a if a <= b else b
    return np.minimum(a, b)


def _relu(a: Value) -> Value:
    if isinstance(a, float):
        return a if a > 0 or a != a else 0.0  # relu(nan) is nan, as np.maximum gives
    return np.maximum(a, 0.0)


def _hardtanh(a: Value) -> Value:
    if isinstance(a, float):
        return a if a != a else min(1.0, max(-1.0, a))
    return np.clip(a, -1.0, 1.0)


def _softsign(a: Value) -> Value:
    if isinstance(a, float):
        return math.copysign(1.0, a) if math.isinf(a) else a / (1.0 + abs(a))
    with np.errstate(all="ignore"):
        return np.where(np.isinf(a), np.sign(a), a / (1 + np.abs(a)))


def shape_error(op: Op, args: Args) -> ExpressionError | None:
    """A two-input gate's numpy shape error in plain words; None if the shapes are not the problem."""
    if op.arity != 2:
        return None
    symbol = {"sub": "-", "pow": "**"}.get(op.name, op.symbol)
    sa, sb = np.shape(args[0]), np.shape(args[1])
    if symbol == "@":
        if not sa or not sb:
            return ExpressionError(f"@ needs arrays (vectors or matrices), not a number: {sa} @ {sb}")
        return ExpressionError(f"@ needs matching inner sizes: {sa} @ {sb}")
    try:
        np.broadcast_shapes(sa, sb)
    except ValueError:
        return ExpressionError(f"{symbol} cannot combine shapes {sa} and {sb}")
    return None


MAX_ELEMENTS = 1_000_000  # numbers in the result of one gate on arrays (8 MB); a larger one is refused


def size_error(op: Op, args: Args) -> ExpressionError | None:
    """Why a broadcast or a matrix product of ``args`` is refused before it is computed: its result
    would hold more than ``MAX_ELEMENTS`` numbers (x + y of a 20,000×1 and a 1×20,000 array would
    fill 3.2 GB). None when it is within the bound, or when its shapes do not fit (``shape_error``)."""
    if op.arity != 2 or not any(isinstance(a, np.ndarray) for a in args):
        return None
    sa, sb = np.shape(args[0]), np.shape(args[1])
    try:
        shape = _matmul_shape(sa, sb) if op.name == "matmul" else np.broadcast_shapes(sa, sb)
    except ValueError:
        return None
    count = math.prod(shape)
    if count <= MAX_ELEMENTS:
        return None
    symbol = {"sub": "-", "pow": "**"}.get(op.name, op.symbol)
    size = "×".join(f"{n:,}" for n in shape)
    memory = f"{count * 8 / 1e9:.1f} GB" if count * 8 >= 1e9 else f"{count * 8 / 1e6:.0f} MB"
    return ExpressionError(
        f"{symbol} of shapes {sa} and {sb} would make a {size} array: {count:,} numbers ({memory}); "
        f"a gate's result may hold at most {MAX_ELEMENTS:,} numbers"
    )


def _matmul_shape(sa: tuple[int, ...], sb: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``a @ b`` (numpy's rules), or ValueError if they do not fit."""
    if not sa or not sb:
        raise ValueError("@ needs arrays")
    a = sa if len(sa) > 1 else (1, *sa)
    b = sb if len(sb) > 1 else (*sb, 1)
    if a[-1] != b[-2]:
        raise ValueError("inner sizes differ")
    shape = (*np.broadcast_shapes(a[:-2], b[:-2]), a[-2], b[-1])
    if len(sb) == 1:
        shape = shape[:-1]
    if len(sa) == 1:
        shape = (*shape[:-2], shape[-1]) if len(sb) > 1 else shape[:-1]
    return shape


def _matmul_vjp(g: Value, args: Args, out: Value) -> Args:
    a, b = np.asarray(args[0]), np.asarray(args[1])
    g = np.asarray(g)
    if a.ndim == 1 and b.ndim == 1:
        return g * b, g * a
    if b.ndim == 1:  # matrix @ vector
        return np.outer(g, b), a.T @ g
    if a.ndim == 1:  # vector @ matrix
        return b @ g, np.outer(a, g)
    return g @ b.T, a.T @ g


def _matmul_terms(position: int, args: Args) -> Terms:
    """What ``_matmul_vjp`` computes for one input, as an operation on the upstream gradient."""
    a, b = np.asarray(args[0]), np.asarray(args[1])
    if a.ndim == 1 and b.ndim == 1:  # a dot product: the number upstream times the other vector
        return ("", "product", None, args[1 - position])
    if b.ndim == 1:  # matrix @ vector: ∂W = ∂q xᵀ, ∂x = Wᵀ ∂q
        return ("{u} {1}ᵀ", "outer", None, b) if position == 0 else ("{0}ᵀ {u}", "matmul", a.T, None)
    if a.ndim == 1:  # vector @ matrix: ∂v = M ∂q, ∂M = v ∂qᵀ
        return ("{1} {u}", "matmul", b, None) if position == 0 else ("{0} {u}ᵀ", "outer", a, None)
    return ("{u} {1}ᵀ", "matmul", None, b.T) if position == 0 else ("{0}ᵀ {u}", "matmul", a.T, None)


# -- the fixed set of gates ---------------------------------------------------------------

ADD = Op(
    "add",
    "+",
    2,
    lambda a, b: a + b,
    lambda x, o: (1.0, 1.0),
    formula="{0} + {1}",
    rules=("1", "1"),
    lecture="gradient distributor",
)
SUB = Op("sub", "−", 2, lambda a, b: a - b, lambda x, o: (1.0, -1.0), formula="{0} − {1}", rules=("1", "-1"))
MUL = Op(
    "mul",
    "*",
    2,
    lambda a, b: a * b,
    lambda x, o: (x[1], x[0]),
    formula="{0} · {1}",
    rules=("{1}", "{0}"),
    lecture="gradient switcher",
)
DIV = Op(
    "div",
    "/",
    2,
    _div,
    lambda x, o: (_div(1.0, x[1]), _div(-o, x[1])),  # -(x/y)/y: y*y would underflow at y = 3e-162
    formula="{0} / {1}",
    rules=("1/{1}", "-{0}/{1}²"),
    domain="division by 0",
    in_domain=lambda x: _nonzero(x[1]),
)
NEG = Op("neg", "*-1", 1, lambda a: -a, lambda x, o: (-1.0,), formula="-1 · {0}", rules=("-1",))
EXP = Op(
    "exp",
    "exp",
    1,
    _exp,
    lambda x, o: (o,),
    formula="exp({0})",
    rules=("exp({0})",),
    domain="exp overflows above about 709",
)
LOG = Op(
    "log",
    "log",
    1,
    _np(np.log),
    lambda x, o: (_log_local(x[0]),),
    formula="log({0})",
    rules=("1/{0}",),
    domain="log needs a positive input",
)
SQRT = Op(
    "sqrt",
    "√",
    1,
    _np(np.sqrt),
    lambda x, o: (_div(0.5, o),),
    formula="sqrt({0})",
    rules=("1/(2 sqrt({0}))",),
    domain="sqrt needs a non-negative input",
)
ABS = Op(
    "abs",
    "|x|",
    1,
    lambda a: abs(a) if isinstance(a, float) else np.abs(a),
    lambda x, o: (_np(np.sign)(x[0]),),
    formula="|{0}|",
    rules=("sign({0})",),
)
RECIP = Op(
    "recip",
    "1/x",
    1,
    lambda a: _div(1.0, a),
    lambda x, o: (-(o * o),),  # (1/x)², not 1/x²: x*x underflows below 1.5e-154
    formula="1/{0}",
    rules=("-1/{0}²",),
    domain="division by 0",
    in_domain=lambda x: _nonzero(x[0]),
)
POW = Op(
    "pow",
    "^",
    2,
    _np(np.power),
    _pow_local,
    formula="{0}^{1}",
    rules=("{1}·{0}^({1}-1)", "{0}^{1}·log({0})"),
    domain="a power of a negative or zero base",
    in_domain=lambda x: _positive(x[0]),
    masks=lambda x: (np.equal(x[1], 0), np.equal(x[0], 0) & np.greater_equal(x[1], 0)),  # PyTorch's zeros
)
MAX = Op(
    "max",
    "max",
    2,
    _max,
    lambda x, o: (_nan_if_nan(_step(x[0] >= x[1]), *x), _nan_if_nan(_step(x[0] < x[1]), *x)),
    formula="max({0}, {1})",
    rules=("1 if {0} ≥ {1} else 0", "1 if {1} > {0} else 0"),
    lecture="gradient router",
    masks=True,
    ties_to_first=True,
)
MIN = Op(
    "min",
    "min",
    2,
    _min,
    lambda x, o: (_nan_if_nan(_step(x[0] <= x[1]), *x), _nan_if_nan(_step(x[0] > x[1]), *x)),
    formula="min({0}, {1})",
    rules=("1 if {0} ≤ {1} else 0", "1 if {1} < {0} else 0"),
    lecture="gradient router",
    masks=True,
    ties_to_first=True,
)
SIGMOID = Op(
    "sigmoid", "σ", 1, _sigmoid, lambda x, o: ((1.0 - o) * o,), formula="σ({0})", rules=("(1 − σ)σ",), stem="sig"
)
TANH = Op(
    "tanh",
    "tanh",
    1,
    lambda a: math.tanh(a) if isinstance(a, float) else np.tanh(a),
    lambda x, o: (1.0 - o * o,),
    formula="tanh({0})",
    rules=("1 − tanh²",),
)
RELU = Op(
    "relu",
    "ReLU",
    1,
    _relu,
    lambda x, o: (_nan_if_nan(_step(x[0] > 0), x[0]),),
    formula="ReLU({0})",
    rules=("1 if {0} > 0 else 0",),
    lecture="gradient gate: it passes where the input is positive",
    masks=True,
)
HARDTANH = Op(
    "hardtanh",
    "hardtanh",
    1,
    _hardtanh,
    lambda x, o: (
        _nan_if_nan(_step((x[0] > -1) & (x[0] < 1)) if not isinstance(x[0], float) else _step(-1 < x[0] < 1), x[0]),
    ),
    formula="hardtanh({0})",
    rules=("1 if -1 < {0} < 1 else 0",),
    masks=True,
    stem="htanh",
)
SOFTSIGN = Op(
    "softsign",
    "softsign",
    1,
    _softsign,  # 1/(1 + |x|)² is 0 at ±inf, nan at nan
    lambda x, o: (
        _div(1.0, (1.0 + abs(x[0])) * (1.0 + abs(x[0])))
        if isinstance(x[0], float)
        else _np(lambda a: 1 / (1 + np.abs(a)) ** 2)(x[0]),
    ),
    formula="softsign({0})",
    rules=("1/(1 + |{0}|)²",),
    stem="ssign",
)
MATMUL = Op(
    "matmul",
    "@",
    2,
    lambda a, b: _scalar(np.matmul(a, b)),
    vjp=_matmul_vjp,
    formula="{0} @ {1}",
    rules=("{1}ᵀ", "{0}ᵀ"),  # what the upstream gradient is multiplied by: ∂q xᵀ, Wᵀ ∂q
    terms=_matmul_terms,
)
SUM = Op(
    "sum",
    "Σ",
    1,
    lambda a: _scalar(np.sum(a)),
    vjp=lambda g, x, o: (np.ones_like(x[0]) * g,),
    formula="sum({0})",
    rules=("1 for every element",),
    terms=lambda position, x: ("", "product", None, np.ones_like(x[0])),
)
SUMSQ = Op(
    "sumsq",
    "Σx²",
    1,
    lambda a: _scalar(np.sum(np.square(a))),
    vjp=lambda g, x, o: (2.0 * np.asarray(x[0]) * g,),
    formula="sum({0}²)",
    rules=("2·{0}",),
    terms=lambda position, x: ("{u} · 2·{0}", "product", None, 2.0 * np.asarray(x[0])),
)

FUNCTIONS: dict[str, Op] = {
    op.name: op
    for op in (EXP, LOG, SQRT, ABS, RECIP, POW, MAX, MIN, SIGMOID, TANH, RELU, HARDTANH, SOFTSIGN, SUM, SUMSQ)
}
FUNCTIONS.update({"maximum": MAX, "minimum": MIN})


# -- gates with a constant folded in, drawn the lectures' way: "+1", "*-1", "1/x" ----------


@lru_cache(maxsize=1024)
def add_const(c: float) -> Op:
    sym = f"+{fmt(c)}" if c >= 0 else f"−{fmt(-c)}"
    return Op(
        "add_const",
        sym,
        1,
        lambda a: a + c,
        lambda x, o: (1.0,),
        formula=f"{{0}} {sym[0]} {fmt(abs(c))}",
        rules=("1",),
        lecture="gradient distributor",
        stem="add",
    )


@lru_cache(maxsize=1024)
def mul_const(c: float) -> Op:
    return Op(
        "mul_const",
        f"*{fmt(c)}",
        1,
        lambda a: a * c,
        lambda x, o: (c,),
        formula=f"{fmt(c)} · {{0}}",
        rules=(fmt(c),),
        lecture="gradient scaler",
        stem="mul",
    )


@lru_cache(maxsize=1024)
def div_const(c: float) -> Op:
    return Op(
        "div_const",
        f"/{fmt(c)}",
        1,
        lambda a: _div(a, c),
        lambda x, o: (_div(1.0, c),),
        formula=f"{{0}} / {fmt(c)}",
        rules=(f"1/{fmt(c)}",),
        domain="division by 0",
        in_domain=lambda x: c != 0,
        stem="div",
    )


@lru_cache(maxsize=1024)
def const_sub(c: float) -> Op:
    return Op(
        "const_sub",
        f"{fmt(c)}−x",
        1,
        lambda a: c - a,
        lambda x, o: (-1.0,),
        formula=f"{fmt(c)} − {{0}}",
        rules=("-1",),
        stem="sub",
    )


@lru_cache(maxsize=1024)
def const_div(c: float) -> Op:
    if c == 1.0:
        return RECIP
    return Op(
        "const_div",
        f"{fmt(c)}/x",
        1,
        lambda a: _div(c, a),
        lambda x, o: (_div(-o, x[0]),),  # -(c/x)/x: x*x would underflow
        formula=f"{fmt(c)} / {{0}}",
        rules=(f"-{fmt(c)}/{{0}}²",),
        domain="division by 0",
        in_domain=lambda x: _nonzero(x[0]),
        stem="div",
    )


@lru_cache(maxsize=1024)
def pow_const(c: float) -> Op:
    def local(x: Args, o: Value) -> Args:
        if c == 0:
            return (0.0 if isinstance(x[0], float) else np.zeros_like(x[0]),)
        return (_np(lambda a: c * np.power(a, c - 1))(x[0]),)

    return Op(
        "pow_const",
        f"^{fmt(c)}",
        1,
        _np(lambda a: np.power(a, c)),
        local,
        formula=f"{{0}}^{fmt(c)}",
        rules=(f"{fmt(c)}·{{0}}^{fmt(c - 1)}",),
        domain="a power of a negative or zero base",
        in_domain=lambda x: _positive(x[0]),
        masks=c == 0,  # x ** 0: 0 whatever comes from above, as PyTorch
        stem="pow",
    )


@lru_cache(maxsize=1024)
def const_pow(c: float) -> Op:
    base = fmt_paren(c)  # (-2)^x, not -2^x which reads as -(2^x)

    def local(x: Args, o: Value) -> Args:  # 0 ** x: ∂/∂x = 0 where x ≥ 0, as PyTorch
        with np.errstate(all="ignore"):
            slope = o * np.log(c) if c != 0 else np.where(np.greater_equal(x[0], 0), 0.0, o * -np.inf)
        return (_scalar(slope),)

    return Op(
        "const_pow",
        f"{base}^x",
        1,
        _np(lambda a: np.power(c, a)),
        local,
        formula=f"{base}^{{0}}",
        rules=(f"{base}^{{0}}·log({base})",),
        domain="a power of a negative or zero base",
        in_domain=lambda x: c > 0,
        masks=c == 0,  # 0 ** x: 0 where x ≥ 0 whatever comes from above, as PyTorch
        stem="pow",
    )


# The sigmoid expanded into the four gates the decks draw: *-1, exp, +1, 1/x.
SIGMOID_EXPANSION: tuple[Op, ...] = (NEG, EXP, add_const(1.0), RECIP)


def backward(op: Op, upstream: Value, args: Args, out: Value) -> tuple[Args | None, Args]:
    """Local derivatives (None for vector gates) and the downstream gradient of each input.

    Call inside ``np.errstate(all="ignore")``: a domain problem gives inf/nan, not a warning.
    """
    if op.vjp is not None:
        return None, tuple(_scalar(d) for d in op.vjp(upstream, args, out))
    locals_ = op.local(args, out)
    if type(upstream) is float and all(type(v) is float for v in locals_):  # numbers: the chain rule as written
        if op.masks:  # 0 × inf would be nan: a local derivative of 0 stops the gradient
            stops = op.masks(args) if callable(op.masks) else [v == 0 for v in locals_]
            return locals_, tuple(0.0 if s else upstream * v for s, v in zip(stops, locals_, strict=True))
        return locals_, tuple(upstream * v for v in locals_)
    locals_ = tuple(_scalar(v) for v in locals_)  # arrays: the same with numpy, summed back to each input's shape
    products = [np.multiply(upstream, v) for v in locals_]
    if op.masks:  # 0 where the gate stops the gradient, whatever came from above
        stops = op.masks(args) if callable(op.masks) else [np.equal(v, 0) for v in locals_]
        products = [np.where(s, 0.0, p) for s, p in zip(stops, products, strict=True)]
    downs = tuple(unbroadcast(p, a) for p, a in zip(products, args, strict=True))
    return locals_, tuple(_scalar(d) for d in downs)
