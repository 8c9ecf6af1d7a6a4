"""How values are coerced and printed: one place, so every explanation agrees."""

from __future__ import annotations

import math

import numpy as np

Value = float | np.ndarray

PRECISION = 4  # significant digits shown in explanations and labels


def as_value(v: object, what: str = "value") -> Value:
    """Coerce a user-supplied number or array to a float or a float ndarray."""
    if isinstance(v, bool):
        raise TypeError(f"{what} must be a number, not a bool ({v!r})")
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    if isinstance(v, np.ndarray | list | tuple):
        arr = np.asarray(v, dtype=float)
        return float(arr) if arr.ndim == 0 else arr
    raise TypeError(f"{what} must be a number or an array, not {type(v).__name__}")


def fmt(v: Value | None, digits: int = PRECISION) -> str:
    """Short human form of a value: -4, 0.7311, 1.2e-05, nan, [0.1, 0.2]."""
    if v is None:
        return "?"
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return fmt(float(v), digits)
        with np.printoptions(precision=digits, suppress=True, floatmode="maxprec"):
            return np.array2string(v, separator=", ")
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
        text = f"{mantissa}e{int(exponent)}"
    return text


def fmt_paren(v: Value | None) -> str:
    """fmt(v) wrapped in parentheses when it starts with a minus sign."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def is_finite(v: Value) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return bool(np.all(np.isfinite(v)))
