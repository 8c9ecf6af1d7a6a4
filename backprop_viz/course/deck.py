"""Deck says / exact / agrees: the lectures' printed numbers beside the exact computation.

The decks round intermediate values and carry them on, so their later digits
drift. A printed number *agrees* with the exact one when they differ by at most
3 units of its last printed digit ("0.73" agrees with 0.7311, "0.5930" with
0.59324) and has the same sign; a printed 0 agrees only with what rounds to 0. Anything else is a
misprint in the deck, and the table says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

TOLERANCE_UNITS = 3


def last_digit_unit(printed: str) -> float:
    """The value of one unit in the last printed digit: "0.73" -> 0.01, "-12" -> 1, "2.5e-5" -> 1e-6."""
    text = printed.strip().lstrip("+-").lower()
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (int(exponent or 0) - decimals)


def agrees(printed: str, exact: float) -> bool:
    """Does the deck's ``printed`` number agree with ``exact``?

    Within 3 units of its last digit and of the same sign ("1" never agrees with -2); a printed 0
    agrees only with what rounds to 0 at the digits shown ("0" with 0.4, not 2.9; "0.00" with 0.004).
    """
    deck, unit = float(printed), last_digit_unit(printed) * (1 + 1e-9)
    if deck == 0:
        return abs(exact) <= 0.5 * unit
    if exact != 0 and (deck > 0) != (exact > 0):
        return False
    return abs(deck - exact) <= TOLERANCE_UNITS * unit


@dataclass(frozen=True)
class Row:
    quantity: str
    deck: str  # exactly as the deck prints it
    exact: float

    @property
    def agrees(self) -> bool:
        return agrees(self.deck, self.exact)


class DeckComparison:
    """A table of deck numbers against exact ones; shows as HTML in a notebook, as text elsewhere."""

    def __init__(self, rows: Iterable[tuple[str, str, float]], title: str = "") -> None:
        self.rows = [Row(q, _printed(d, q), float(e) + 0.0) for q, d, e in rows]  # + 0.0: -0.0 shows as 0
        self.title = title

    @property
    def all_agree(self) -> bool:
        return all(r.agrees for r in self.rows)

    @property
    def misprints(self) -> list[Row]:
        return [r for r in self.rows if not r.agrees]

    def __str__(self) -> str:
        width = max([len(r.quantity) for r in self.rows] + [8])
        lines = [self.title] if self.title else []
        lines.append(f"{'quantity':<{width}}  {'deck says':>10}  {'exact':>12}  agrees")
        for r in self.rows:
            verdict = "yes" if r.agrees else "NO: misprint in the deck"
            lines.append(f"{r.quantity:<{width}}  {r.deck:>10}  {r.exact:>12.6g}  {verdict}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        body = "".join(
            f"<tr><td>{html.escape(r.quantity)}</td><td>{html.escape(r.deck)}</td><td>{r.exact:.6g}</td>"
            f"<td>{'✔ yes' if r.agrees else '✘ no: misprint in the deck'}</td></tr>"
            for r in self.rows
        )
        return (
            f"<table>{caption}<thead><tr><th>quantity</th><th>deck says</th><th>exact</th>"
            f"<th>agrees</th></tr></thead><tbody>{body}</tbody></table>"
        )


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _printed(deck: object, quantity: str) -> str:
    """The deck's number as printed (a string like "0.73" or "2e-5"), or a ValueError that says what is wrong."""
    if not isinstance(deck, str) or not _NUMBER.fullmatch(deck.strip()):
        raise ValueError(
            f"the deck's number for {quantity!r} must be written as the deck prints it, as a string like "
            f"'0.73', '-12' or '2e-5', not {deck!r}: its last digit says how precise it is"
        )
    return deck


def compare(rows: Iterable[tuple[str, str, float]], title: str = "") -> DeckComparison:
    """``compare([("f", "-12", g.value), ("∂f/∂x", "-4", g.grad("x"))])``: the deck-vs-exact table."""
    return DeckComparison(rows, title)
