"""How values are coerced and printed: one place, so every explanation agrees."""

from __future__ import annotations

import math

import numpy as np

Value = float | np.ndarray

PRECISION = 4  # significant digits shown in explanations and labels
SMALLEST_DECIMAL = -6  # numbers from 1e-6 are written with a decimal point (0.00008086); smaller ones 1.2e-7


def as_value(v: object, what: str = "value") -> Value:
    """Coerce a user-supplied number or array to a float or a float ndarray.

    TypeError for what is not a number or an array; ValueError for a number too large for
    a float or an array that is ragged or holds something other than real numbers.
    """
    if isinstance(v, bool | np.bool_):
        raise TypeError(f"{what} must be a number, not a bool ({v!r})")
    if isinstance(v, int | float | np.integer | np.floating):
        try:
            return float(v)
        except OverflowError:
            raise ValueError(
                f"{what} is too large for a float ({len(str(abs(v))):,} digits; a float goes up to about 1.8e308)"
            ) from None
    if isinstance(v, np.ma.MaskedArray):
        raise TypeError(f"{what} must not be a masked array: its hidden values would be used; pass v.filled(...)")
    if isinstance(v, np.ndarray | list | tuple):
        try:
            arr = np.asarray(v)
        except ValueError:
            raise ValueError(f"{what} must be a rectangular array of numbers (its rows differ in length)") from None
        if arr.dtype.kind not in "iufO":
            kind = {"b": "bool", "c": "complex", "U": "text", "S": "bytes"}.get(arr.dtype.kind, str(arr.dtype))
            raise ValueError(f"{what} must hold numbers, not {kind}")
        numbers = arr.dtype.kind != "O" or all(
            isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool) for x in arr.flat
        )
        try:
            arr = arr.astype(float) if numbers else None
        except OverflowError:
            arr = None
        if arr is None:
            raise ValueError(f"{what} must hold numbers only, each small enough for a float")
        return float(arr) if arr.ndim == 0 else arr
    raise TypeError(f"{what} must be a number or an array, not {type(v).__name__}")


def fmt(v: Value | None, digits: int = PRECISION) -> str:
    """Short human form of a value: -4, 0.7311, 0.00008086, 1.2e-7, nan, [0.1, 0.2], [[1, 0], [0, 1]].

    An array is written element by element by the same rules as a number (``digits``
    significant digits, whole numbers without a point, never -0), on one line; an axis
    longer than ``MAX_ITEMS`` shows its first and last three elements around "…".
    """
    if v is None:
        return "?"
    if isinstance(v, np.ndarray):
        return _fmt_array(v, digits)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    if v == round(v) and abs(v) < 1e9:
        return str(int(v))
    text = f"{v:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if SMALLEST_DECIMAL <= int(exponent) < 0:  # 0.00008086 beside 0.0004043, not 8.086e-5
            return f"{v:.{digits - 1 - int(exponent)}f}".rstrip("0")
        text = f"{mantissa}e{int(exponent)}"
    return text


MAX_ITEMS = 8  # elements of an axis written out; a longer axis is written "[a, b, c, …, x, y, z]"


def _fmt_array(v: np.ndarray, digits: int) -> str:
    """An array as nested brackets of numbers written by ``fmt``, never numpy's own form."""
    if v.ndim == 0:
        return fmt(float(v), digits)
    n = v.shape[0]
    shown = range(n) if n <= MAX_ITEMS else [0, 1, 2, None, n - 3, n - 2, n - 1]
    items = ["…" if i is None else _fmt_array(v[i], digits) if v.ndim > 1 else fmt(float(v[i]), digits) for i in shown]
    return "[" + ", ".join(items) + "]"


def fmt_paren(v: Value | None) -> str:
    """fmt(v) wrapped in parentheses when it starts with a minus sign."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def is_finite(v: Value) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return bool(np.all(np.isfinite(v)))
