"""Names of nodes, outputs and groups: checked once, so every drawing shows them as plain text.

A name is an identifier (letters, digits and ``_``, not starting with a digit; letters
of any alphabet, like δ) of at most ``MAX_NAME`` characters. Nothing else reaches
Graphviz: no markup (``<b>x</b>``), no backslash, nothing that looks like the
drawing's own tokens, no name so long that a diagram cannot hold it. A name's letters are of
one alphabet, or Latin with Greek as in mathematics (``δ_m``; ``pаypal`` with a Cyrillic ``а`` is
refused), and no two names of a graph are
drawn alike: Latin ``x`` and Cyrillic ``х``, or ``ｘ`` and ``x`` (the same after NFKC
normalization, as Python reads identifiers), are refused with a message that names both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

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
    if name.isascii():
        return name
    scripts = sorted({_script(c) for c in unicodedata.normalize("NFKC", name) if c.isalpha()})
    if len(scripts) > 1 and scripts != ["GREEK", "LATIN"]:  # δ_m, σ_out: Greek beside Latin, as in mathematics
        raise ExpressionError(
            f"{what} {_shown(name)} mixes letters of {' and '.join(s.title() for s in scripts)} ("
            + ", ".join(_described(c) for c in _odd_letters(name))
            + "), which are drawn alike: write it in one alphabet"
        )
    return name


# Letters of other alphabets drawn like Latin ones (after NFKC), by the Latin letter they look like.
_LOOK_ALIKE = str.maketrans(
    "асеорхуіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅοινκρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",  # noqa: RUF001 (these are the look-alikes)
    "aceopxyijsdhlqwABEKMHOPCTXYIJSoivkpuxABEZHIKMNOPTYX",
)


def look_alike(name: str) -> str:
    """What ``name`` looks like when drawn: NFKC normal, letters of other alphabets drawn like Latin ones as those."""
    return unicodedata.normalize("NFKC", name).translate(_LOOK_ALIKE)


def check_distinct(names: Iterable[str]) -> None:
    """An ExpressionError naming both if two different names would be drawn alike."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name if name.isascii() else look_alike(name), name)
        if other != name:
            odd = ", ".join(_described(c) for c in dict.fromkeys(c for c in other + name if not c.isascii()))
            raise ExpressionError(
                f"the names {other!r} and {name!r} are drawn alike ({odd}): give them names that look different"
            )


def _script(letter: str) -> str:
    """The alphabet of a letter, by its Unicode name: LATIN, GREEK, CYRILLIC, CJK (with kana and hangul)…"""
    first = unicodedata.name(letter, "UNKNOWN").split(" ")[0]
    return "CJK" if first in {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"} else first


def _odd_letters(name: str) -> list[str]:
    """The letters of ``name`` outside its most common alphabet."""
    letters = [c for c in unicodedata.normalize("NFKC", name) if c.isalpha()]
    scripts = [_script(c) for c in letters]
    main = max(set(scripts), key=scripts.count)
    return list(dict.fromkeys(c for c, s in zip(letters, scripts, strict=True) if s != main))


def _described(letter: str) -> str:
    return f"{letter} is U+{ord(letter):04X} {unicodedata.name(letter, 'an unnamed character')}"


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
