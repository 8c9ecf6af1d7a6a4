"""The one error a student sees for bad input: what is wrong, and where."""

from __future__ import annotations

from types import CodeType, TracebackType

MAX_SHOWN_LINES = 12  # what a notebook shows of an ExpressionError, at most


class ExpressionError(ValueError):
    """Bad input: an expression that cannot be parsed or a value that does not fit.

    When the problem is at a place in the source, ``line`` and ``column`` (1-based)
    say where, and the message shows the line with a caret under it. In IPython and
    Jupyter the error shows as that message alone, headed by the call the student
    made (``bv.Stepper(...)``), not as a traceback through the package.
    """

    def __init__(
        self,
        message: str,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        where: str | None = None,
    ) -> None:
        self.reason, self.source, self.line, self.column = message, source, line, column
        self.where = where  # the call to name in the heading; found from the traceback when None
        super().__init__(self._format())

    def _format(self) -> str:
        if self.source is None or self.line is None or self.column is None:
            return self.reason
        lines = self.source.splitlines() or [""]
        text = lines[min(self.line, len(lines)) - 1]
        if len(text) > 120:  # keep the caret readable on very long input
            start = max(0, self.column - 60)
            text, col = text[start : start + 120], self.column - start
        else:
            col = self.column
        where = f"line {self.line}, column {self.column}" if len(lines) > 1 else f"column {self.column}"
        return f"{self.reason} ({where})\n    {text}\n    {' ' * (col - 1)}^"

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this error: the call, the message, the line and its caret; no traceback."""
        call = self.where or entry_point(self.__traceback__)
        heading = f"ExpressionError in {call}:" if call else "ExpressionError:"
        body = str(self).splitlines()
        if len(body) > MAX_SHOWN_LINES - 1:
            body = [*body[: MAX_SHOWN_LINES - 2], "…"]
        return [heading, *body]


def entry_point(tb: TracebackType | None) -> str | None:
    """The package's function the user's code called, as the user wrote it: ``bv.Stepper(...)``.

    That is the first frame of the traceback that runs the package's code.
    """
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).partition(".")[0] == "backprop_viz":
            return _as_called(tb.tb_frame.f_code)
        tb = tb.tb_next
    return None


def _as_called(code: CodeType) -> str:
    """``Stepper.__init__`` as ``bv.Stepper(...)``, ``expr`` as ``bv.expr(...)``, ``Graph.set`` as is."""
    parts = code.co_qualname.split(".<locals>.")[0].split(".")
    if len(parts) == 1:
        return f"bv.{parts[0]}(...)"
    cls, method = parts[0], parts[-1]
    if method == "__init__":
        return f"bv.{cls}(...)"
    if method.startswith("__"):
        return f"an operation on a {cls}"
    return f"{cls}.{method}(...)"


class GraphTooLarge(ValueError):
    """A graph too large for what was asked of it: to step through, to draw, or to check numerically.

    Refused at once, before the slow work starts; the message says which limit, by how much,
    and what to do instead. Values and gradients (``g.value``, ``g.grads()``) work at any size.
    """


# -- the arguments of a Stepper or a NetworkView, checked at once with one short message -----------------


def whole_number(value: object, what: str) -> int:
    """``value`` as an int (a frame's index); TypeError naming ``what`` for anything else (1.5, "3", True)."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a whole number (a frame's index, like 3), not {value!r}")
    return int(value)


def number_from(value: object, what: str, low: float, high: float, unit: str = "") -> float:
    """``value`` as a float from ``low`` to ``high``: TypeError for what is not a number, ValueError outside."""
    import math
    import numbers

    kind = f"a number of {unit}" if unit else "a number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be {kind} from {low:,g} to {high:,g}, not {value!r}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{what} must be {kind} from {low:,g} to {high:,g}, not {value!r}")
    return float(value)


def text_or_none(value: object, what: str) -> str | None:
    """``value`` if it is text or None; TypeError naming ``what`` otherwise (title=123)."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{what} must be text (or None), not {type(value).__name__} ({value!r})")
    return value


def yes_or_no(value: object, what: str) -> bool:
    """``value`` if it is True or False; TypeError naming ``what`` otherwise."""
    import numpy as np

    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{what} must be True or False, not {value!r}")
    return bool(value)
