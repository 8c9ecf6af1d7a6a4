"""A diagram drawn once by Graphviz, turned into what the browser fills in for every frame.

The drawing code marks what changes from frame to frame with tokens: a number ``k`` between two
marks for a text (or, inside a ``class`` attribute, for an element's state; ``template.py`` names
the marks) and ``#feKKKK`` for a colour. :func:`skeleton` turns them into plain SVG the browser
keeps: each changing text becomes an empty ``<text data-s="slot">``, each element whose state
changes gets ``data-e="element"``, and each colour becomes a class (:func:`colour_class`) that
:func:`state_css` paints by the state of the element around it (``bv-gf-f``: the gate's fill
colour as fill). A frame is then only its texts and states: no picture is sent twice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .wire import KNOWN, STATE_CLASSES  # the element states, as the protocol declares them

_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"')
_VIEW_BOX = re.compile(r'<svg[^>]*?viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')
_FONT_SIZE = re.compile(r'<text\b[^>]*? font-size="([\d.]+)"')
_COLOUR = re.compile(r'\s(fill|stroke)="#fe([0-9a-f]{4})"')


@dataclass(frozen=True)
class Skeleton:
    """The browser's copy of a diagram, and what its slots and elements stand for."""

    svg: str
    slots: tuple[int, ...]  # for each text slot: the token it replaced
    elements: tuple[int, ...]  # for each state element: the token that marked it

    @property
    def size(self) -> tuple[float, float]:
        """The drawing's natural width and height in CSS pixels (Graphviz gives points)."""
        width, height = _SIZE.search(self.svg).groups()
        return float(width) * 4 / 3, float(height) * 4 / 3

    @property
    def smallest_text(self) -> float | None:
        """The drawing's smallest text at its natural size (to 0.1 px, as the views send it), in CSS pixels:
        a gate's small caption as much as a wire's value. Rounded down to 0.01 px, so a zoom that makes it
        18 px makes it no less; None when it has no text."""
        sizes = [float(size) for size in _FONT_SIZE.findall(self.svg)]
        if not sizes:
            return None
        box = _VIEW_BOX.search(self.svg).groups()
        scale = min(round(side, 1) / float(of) for side, of in zip(self.size, box, strict=True))  # as drawn: "meet"
        return math.floor(min(sizes) * scale * 100) / 100


def skeleton(
    svg: str,
    colour_kind: Callable[[int], str],
    is_state_token: Callable[[int], bool],
    marks: tuple[str, str] = ("@", "@"),
) -> Skeleton:
    """Turn a token-marked SVG into a :class:`Skeleton`.

    ``colour_kind(k)`` names what colour token ``k`` paints (a key of the colour table
    given to :func:`state_css`); ``is_state_token(k)`` tells an element's state token
    from a text token; ``marks`` are the characters around a token's number (a text
    token may be padded with zeros after its closing mark).
    """
    number = re.escape(marks[0]) + r"(\d+)" + re.escape(marks[1])
    text_token = re.compile(r"(<text\b[^>]*)>" + number + r"0*</text>")
    marked_tag = re.compile(r"<[a-z]+\b[^>]*(?:" + number + r"|#fe[0-9a-f]{4})[^>]*>")
    class_token = re.compile(number)
    slots: list[int] = []
    elements: list[int] = []

    def text(m: re.Match) -> str:
        slots.append(int(m[2]))
        return f'{m[1]} data-s="{len(slots) - 1}"></text>'

    def tag(m: re.Match) -> str:
        source = m[0]
        classes = [colour_class(colour_kind(int(c, 16)), attr) for attr, c in _COLOUR.findall(source)]
        source = _COLOUR.sub("", source)
        states = [int(k) for k in class_token.findall(source) if is_state_token(int(k))]
        source = class_token.sub("", source)
        if states:
            elements.append(states[0])
            source = source.replace(" class=", f' data-e="{len(elements) - 1}" class=', 1)
        if classes:
            if ' class="' in source:
                source = source.replace(' class="', f' class="{" ".join(classes)} ', 1)
            else:
                source = source.replace(" ", f' class="{" ".join(classes)}" ', 1)
        return source.replace(' "', '"').replace(" >", ">").replace(" />", "/>")

    svg = text_token.sub(text, svg)
    svg = marked_tag.sub(tag, svg)
    return Skeleton(trimmed(svg), tuple(slots), tuple(elements))


def trimmed(svg: str) -> str:
    """What the browser's style sheet already says, taken out of the drawing (every stepper of a saved
    notebook keeps its skeleton): the font, centred text, element ids, the per-state line styles, the
    character references Graphviz writes for hyphens."""
    svg = re.sub(r"<style>.*?</style>", "", svg, count=1, flags=re.S)
    svg = svg.replace(' font-family="DejaVu Sans"', "").replace(' text-anchor="middle"', "")
    svg = re.sub(r' font-size="(\d+)\.00"', r' font-size="\1"', svg)
    svg = re.sub(r'<g id="(?:n|e|clust|a_)[^"]*"', "<g", svg)
    svg = _COORDINATES.sub(lambda m: m[1] + _NUMBER.sub(_one_decimal, m[2]) + '"', svg)
    svg = svg.replace("&#45;", "-")  # Graphviz writes every hyphen as a character reference; XML needs none
    return re.sub(r">\n<", "><", svg)


_COORDINATES = re.compile(r'(\s(?:d|points|x|y|cx|cy|rx|ry)=")([^"]*)"')
_NUMBER = re.compile(r"-?\d+\.\d{2,}")


def _one_decimal(m: re.Match) -> str:
    """A coordinate to a tenth of a point: finer than a screen shows at any zoom the stepper offers."""
    text = f"{float(m[0]):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def colour_class(kind: str, attr: str) -> str:
    """The class that paints ``attr`` ("fill" or "stroke") with the colours of ``kind``: short, as every
    element carries it ("node_text", "fill" -> "bv-nt-f")."""
    parts = kind.split("_")
    short = "".join(part[0] for part in parts) if len(parts) > 1 else kind[:2]
    return f"bv-{short}-{attr[0]}"


def state_css(scope: str, table: Mapping[str, Sequence[str]]) -> str:
    """CSS that paints every colour class by the state of the element around it.

    ``table[kind]`` lists the colour for each state: FUTURE, KNOWN, CURRENT, WARNING.
    An element with no state of its own (a cluster, the output's name) is KNOWN.
    The rules are nested in one ``.scope{...}`` block (CSS nesting): every saved widget carries them,
    and the scope written once instead of before each rule is two thirds of their bytes less (each state's
    rules nested under it too).
    """
    known, by_state = [], {state: [] for state in range(len(STATE_CLASSES)) if state != KNOWN}
    for kind, colours in table.items():
        for attr in ("fill", "stroke"):
            name = colour_class(kind, attr)
            known.append(f".{name}{{{attr}:{short_hex(colours[KNOWN])}}}")
            for state, colour in enumerate(colours):
                if state != KNOWN and colour != colours[KNOWN]:
                    by_state[state].append(f".{name}{{{attr}:{short_hex(colour)}}}")
    states = "".join(f".{STATE_CLASSES[state]}{{{''.join(rules)}}}" for state, rules in by_state.items() if rules)
    return f".{scope}{{{''.join(known)}{states}}}"


def short_hex(colour: str) -> str:
    """#rrggbb as #rgb where it can be (#000000 as #000)."""
    if len(colour) == 7 and colour[0] == "#" and colour[1::2].lower() == colour[2::2].lower():
        return "#" + colour[1::2]
    return colour


def changes(before: Sequence, after: Sequence) -> list:
    """What turns ``before`` into ``after``, as a flat list: position, new value, position, new value ..."""
    return [x for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b for x in (i, b)]
