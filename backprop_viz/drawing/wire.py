"""What goes over the wire to the browser: the protocol both sides read, and words as small trees.

``static/player/protocol.json`` declares the protocol once (the element states in order, the
fields of the frames, the element tags and attributes the browser may build); the player's
script carries a copy of it (see :func:`backprop_viz.frontend.assets.bundle`), and this module reads it.

The kernel writes its words as HTML (:mod:`backprop_viz.engine.notation`, :mod:`backprop_viz.drawing.words`,
the network view, the quiz). The browser never parses markup from data: :func:`tree` turns that
HTML into a small tree, ``[tag, class, ...children]`` (a child is a string or a tree; instead of
the class, a dict of the few attributes the protocol allows), which the browser builds with
``createElement`` and ``textContent``. A tag or attribute outside the protocol is dropped, its
text kept. A stepper's explanations travel in parts: their numbers apart from their words
(:func:`holes`: an input change sends only the numbers), their repeated subtrees once (:func:`pieces`).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

PROTOCOL = json.loads(
    (Path(__file__).parents[1] / "frontend" / "static" / "player" / "protocol.json").read_text(encoding="utf-8")
)
STATE_CLASSES: tuple[str, ...] = tuple(PROTOCOL["states"])
# An element's state, by its number: the class the browser puts on it is STATE_CLASSES[state]. A CURRENT wire
# is one the step uses; HIDDEN a table row a large graph leaves out; DIM a weight the network's step does not use.
FUTURE, KNOWN, CURRENT, WARNING, HIDDEN, DIM = range(len(STATE_CLASSES))
TAGS = frozenset(PROTOCOL["tags"])
ATTRIBUTES = frozenset(PROTOCOL["attributes"])
_STYLE = re.compile(PROTOCOL["style"])
_VOID = {"br"}

Tree = list  # [tag, class or {attribute: value}, *children]; a child is a str or a Tree
Fragment = list  # children: str or Tree


def number(x: float) -> float | str:
    """A number as JSON can carry it: inf, -inf and nan as the strings "inf", "-inf", "nan"."""
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else "inf" if x > 0 else "-inf"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Fragment = []
        self.open: list[tuple[str, Fragment]] = [("", self.root)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.open.append((tag, self.open[-1][1]))  # its children go to its parent
            return
        kept = {k: v or "" for k, v in attrs if k in ATTRIBUTES and (k != "style" or _STYLE.match(v or ""))}
        head = kept.pop("class", "") if set(kept) <= {"class"} else kept
        node: Tree = [tag, head]
        self.open[-1][1].append(node)
        if tag in _VOID:
            return
        self.open.append((tag, node))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for k in range(len(self.open) - 1, 0, -1):
            if self.open[k][0] == tag:
                del self.open[k:]
                return

    def handle_data(self, data: str) -> None:
        children = self.open[-1][1]
        if children and isinstance(children[-1], str) and (children is self.root or len(children) > 2):
            children[-1] += data
        else:
            children.append(data)


def tree(markup: str) -> Fragment:
    """The kernel's own (already escaped) HTML as a list of children for the browser to build."""
    if "<" not in markup and "&" not in markup:
        return [markup] if markup else []
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


_NUMERAL = r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf\b|\bnan\b"
_NUMBER = re.compile(rf"\((?:{_NUMERAL})\)|{_NUMERAL}")  # (-2) with its brackets: 1 has none, same words
_NO_HOLES = {"sub", "sup"}  # an index (w1, add7) is part of a name, not a number that changes


def holes(fragment: Fragment) -> tuple[Fragment, list[str]]:
    """``fragment`` with each number of its text replaced by its position in a list of those numbers (an int
    child), and that list: an input change alters the numbers, seldom the words around them."""
    numbers: list[str] = []

    def cut(children: list, inside: str) -> list:
        out: list = []
        for child in children:
            if isinstance(child, list):
                out.append([child[0], child[1], *cut(child[2:], child[0])])
            elif inside in _NO_HOLES:
                out.append(child)
            else:
                at = 0
                for m in _NUMBER.finditer(child):
                    if m.start() > at:
                        out.append(child[at : m.start()])
                    out.append(len(numbers))
                    numbers.append(m[0])
                    at = m.end()
                if at < len(child):
                    out.append(child[at:])
        return out

    return cut(fragment, ""), numbers


def pieces(fragments: list[Fragment]) -> tuple[list[Fragment], list[Tree]]:
    """``fragments`` with every subtree that occurs more than once replaced by a reference to one copy of it
    in a table of pieces: ``-1 - k`` stands for ``pieces[k]`` (a number n >= 0 stays a hole, see
    :func:`holes`). A piece refers only to pieces before it. A stepper's words repeat the same few
    fractions and names (∂E/∂w₁ in a dozen steps): sent once, they stay small in a saved notebook, whose
    JSON is written one value per line."""
    key = partial(json.dumps, ensure_ascii=False)
    seen: Counter[str] = Counter()

    def count(children: list) -> None:
        for child in children:
            if isinstance(child, list):
                seen[key(child)] += 1
                count(child[2:])

    for fragment in fragments:
        count(fragment)
    table: list[Tree] = []
    where: dict[str, int] = {}

    def cut(child: object) -> object:
        if not isinstance(child, list):
            return child
        inner = [child[0], child[1], *(cut(c) for c in child[2:])]
        if seen[key(child)] < 2:
            return inner
        k = where.setdefault(key(inner), len(table))
        if k == len(table):
            table.append(inner)
        return -1 - k

    return [[cut(c) for c in fragment] for fragment in fragments], table


def html_of(fragment: Fragment | str) -> str:
    """A tree back as escaped HTML (for a static page written by Python); a plain string is escaped."""
    if isinstance(fragment, str):
        return html.escape(fragment)
    out = []
    for child in fragment:
        if isinstance(child, str):
            out.append(html.escape(child, quote=False))
            continue
        tag, head, *children = child
        if tag not in TAGS:
            out.append(html_of(children))
            continue
        attrs = {"class": head} if isinstance(head, str) else head
        written = "".join(f' {k}="{html.escape(str(v))}"' for k, v in attrs.items() if v != "" and k in ATTRIBUTES)
        out.append(f"<{tag}{written}>" + ("" if tag in _VOID else f"{html_of(children)}</{tag}>"))
    return "".join(out)


def safe_html(value: Fragment | str) -> str:
    """Saved words as HTML for a static page: a tree, or HTML an older version saved, either way rebuilt
    from the protocol's tags (what a hostile notebook put in its saved state comes out as text)."""
    return html_of(tree(value) if isinstance(value, str) else value)
