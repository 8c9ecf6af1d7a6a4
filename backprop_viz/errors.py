"""The one error a student sees for bad input: what is wrong, and where."""

from __future__ import annotations


class ExpressionError(ValueError):
    """Bad input: an expression that cannot be parsed or a value that does not fit.

    When the problem is at a place in the source, ``line`` and ``column`` (1-based)
    say where, and the message shows the line with a caret under it.
    """

    def __init__(
        self, message: str, source: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        self.reason, self.source, self.line, self.column = message, source, line, column
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


class GraphTooLarge(ValueError):
    """A graph too large for what was asked of it: to step through, to draw, or to check numerically.

    Refused at once, before the slow work starts; the message says which limit, by how much,
    and what to do instead. Values and gradients (``g.value``, ``g.grads()``) work at any size.
    """
