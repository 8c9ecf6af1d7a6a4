"""Reading a typed answer and judging it: the one set of rules that the quiz (here) and predict mode
(``static/player/answers.js``, the same rules in the browser) follow; ``tests/answer_cases.json``
holds the cases both are tested on.

What is read: ASCII digits with an optional sign (``-``, ``+`` or the typographic ``−``), a decimal
point or a decimal comma (``0.75``, ``0,75``), an exponent (``1e-3``), or a fraction of two such
numbers (``3/4``); spaces only around the sign and the ``/``. Nothing else is a number: not
``nan``, ``inf``, ``1_000`` nor digits of other scripts, and not ``1,000``, which could be a
thousand or one (a comma after one to three digits, not all zeros, followed by exactly three
digits is such a thousands separator, and is not guessed at).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_LENGTH = 100  # characters; longer text is not a number
RELATIVE = 0.01  # an answer within 1 % of the exact value is right, however many digits it has
MIN_DIGITS = 2  # significant digits a rounded answer needs (unless the exact value is an integer)

# Spaces as JavaScript's \s and trim() know them (Python's \s and strip() differ a little: \x1c, \ufeff).
_SPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_SIGNED = rf"([+\-\u2212]?){_SPACE}*([0-9]*)(?:([.,])([0-9]*))?(?:[eE]([+\-\u2212]?[0-9]+))?"
_NUMBER = re.compile(_SIGNED)
_FRACTION = re.compile(rf"({_SIGNED}){_SPACE}*/{_SPACE}*({_SIGNED})")
_ENDS = re.compile(rf"^{_SPACE}+|{_SPACE}+$")


@dataclass(frozen=True)
class Typed:
    """A number as typed: its value, and for a plain decimal its significant digits and the place of its last digit."""

    value: float
    digits: int  # significant digits typed: 2 for "0.20", 3 for "9.35e-14" (0 for a fraction)
    unit: float | None  # the place value of the last digit typed: 0.01 for "0.20"; None for a fraction


def read(text: str) -> Typed:
    """The number typed in ``text``, or ValueError("not a number: ...") saying why it is not read."""
    if not isinstance(text, str):
        raise TypeError(f"an answer is text, not {type(text).__name__}")
    text = _ENDS.sub("", text)
    if not text:
        raise ValueError("not a number: nothing typed")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"not a number: {len(text)} characters (at most {MAX_LENGTH} are read)")
    fraction = _FRACTION.fullmatch(text)
    if fraction:
        top, bottom = _decimal(fraction[1]), _decimal(fraction[7])
        if bottom.value == 0:
            raise ValueError("not a number: a fraction over 0")
        value = top.value / bottom.value
        if not math.isfinite(value):
            raise ValueError("not a number: too large for a float")
        return Typed(value, 0, None)
    return _decimal(text)


def parse_number(text: str) -> float:
    """The value of a typed number: '-0.39', '−0.39', '0,39', '3/4', '1e-3'. Never evaluated as code."""
    return read(text).value


def last_digit_unit(text: str) -> float | None:
    """The place value of the last digit typed: '0.39' → 0.01, '12' → 1, '1.267e-2' → 1e-5; None for a fraction."""
    return read(text).unit


def _decimal(text: str) -> Typed:
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ValueError(f"not a number: {text[:20]!r} is not read as one")
    sign, whole, separator, decimals, exponent = match.groups()
    decimals = decimals or ""
    if not (whole or decimals):
        raise ValueError(f"not a number: {text[:20]!r} has no digits")
    if separator == "," and len(decimals) == 3 and 1 <= len(whole) <= 3 and whole.strip("0"):
        raise ValueError(f"not a number: {text!r} could be a thousands separator or a decimal comma")
    power = int((exponent or "0").replace("\u2212", "-"))
    negative = sign in ("-", "\u2212")
    value = float(f"{'-' if negative else ''}{whole or '0'}.{decimals or '0'}e{power}")
    if not math.isfinite(value):
        raise ValueError("not a number: too large for a float")
    digits = len((whole + decimals).lstrip("0"))
    return Typed(value, digits, 10.0 ** (power - len(decimals)))


def is_right(answer: str | float, exact: float) -> bool:
    """Whether ``answer`` (typed text, or a number as written by ``repr``) is right for ``exact``.

    No absolute slack, so a small gradient is judged as carefully as a large one:

    - 0 is right only for 0, and 0 only has the answer 0.
    - Otherwise the sign must agree, and the answer is right when either
      (a) it is within 1 % of the exact value, or
      (b) it is the exact value rounded to the digits typed (|answer − exact| ≤ half a unit of the
          last digit typed), typed with at least two significant digits unless the exact value is
          an integer: one digit is a guess ("2" is not right for 2.5, nor "0.2" for 0.1966).

    So −0.39 and −0.393 are right for −0.3932, 0.0099 for 0.00992, 9.35e-14 for 9.348e-14;
    0.0063 is wrong for 0.00992. A fraction ("3/4") is judged by the 1 % rule alone.
    ValueError for text that is not a number (see :func:`read`).
    """
    typed = read(answer if isinstance(answer, str) else repr(float(answer)))
    value = typed.value
    if not math.isfinite(exact):
        return False
    if value == 0 or exact == 0:
        return value == 0 and exact == 0
    if (value > 0) != (exact > 0):
        return False
    error = abs(value - exact)
    if error <= RELATIVE * abs(exact):
        return True
    if typed.unit is None or (typed.digits < MIN_DIGITS and exact != round(exact)):
        return False
    if typed.unit > 10.0 ** math.floor(math.log10(abs(exact))) * (1 + 1e-9):
        return False
    return error <= 0.5 * typed.unit * (1 + 1e-9)  # 1e-9: the float form of a decimal is not exact
