"""Names of nodes, outputs and groups: checked once, so every drawing shows them as plain text.

A name is an identifier (letters, digits and ``_``, not starting with a digit; letters
of any alphabet, like δ) of at most ``MAX_NAME`` characters. Nothing else reaches
Graphviz: no markup (``<b>x</b>``), no backslash, nothing that looks like the
drawing's own tokens, no name so long that a diagram cannot hold it.
"""

from __future__ import annotations

from .errors import ExpressionError

MAX_NAME = 40  # characters: "w_hidden_to_output_3" is 20


def check_name(name: object, what: str = "a name") -> str:
    """``name`` if it is a valid name; otherwise an ExpressionError that says why and what to do."""
    if not isinstance(name, str):
        raise ExpressionError(f"{what} must be a string, not {type(name).__name__}")
    if len(name) > MAX_NAME:
        raise ExpressionError(
            f"{what} is {len(name):,} characters long ({_shown(name)}); use at most {MAX_NAME}, like 'w1' or 'h_a'"
        )
    if not name.isidentifier():
        raise ExpressionError(
            f"{what} must be a plain identifier (letters, digits and _, not starting with a digit), "
            f"not {_shown(name)}; use a name like 'x', 'w1', 'h_a' or 'δ'"
        )
    return name


def _shown(name: str) -> str:
    """The name as an error message shows it: quoted, cut when long."""
    return repr(name) if len(name) <= 60 else f"{name[:40]!r}…"


def gate_names(stems: list[str], taken: set[str]) -> list[str]:
    """A short unique name for each unnamed gate, by kind and order: ``mul1``, ``mul2``, ``add1``.

    ``stems`` are the gates' stems (``Op.short_name``: a gate with a constant folded in is named like
    its plain kind, "+1" an add) in graph order; a name in ``taken`` (the
    user's own names) is skipped, so ``mul1`` given by the user makes the first unnamed
    multiplication ``mul2``.
    """
    counts: dict[str, int] = {}
    used = set(taken)
    names = []
    for stem in stems:
        k = counts.get(stem, 0) + 1
        while f"{stem}{k}" in used:
            k += 1
        counts[stem] = k
        used.add(f"{stem}{k}")
        names.append(f"{stem}{k}")
    return names
