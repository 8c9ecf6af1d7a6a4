"""What goes over the wire: the kernel's HTML as trees from the protocol's tags only, numbers JSON can carry,
an explanation's numbers apart from its words, and trees written back as safe HTML for a static page."""

from __future__ import annotations

import json
import math

from backprop_viz.drawing.wire import PROTOCOL, holes, html_of, number, pieces, safe_html, tree
from backprop_viz.engine.notation import HTML_MATH

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script><a href='javascript:alert(3)'>link</a>"


def test_the_kernels_math_becomes_a_tree_of_the_protocols_tags() -> None:
    written = HTML_MATH.partial(HTML_MATH.name("f"), HTML_MATH.name("w1"))
    fraction = [
        "span",
        "bv-frac",
        ["span", "", "∂", ["i", "", "f"]],
        ["span", "", "∂", ["i", "", "w"], ["sub", "", "1"]],
    ]
    assert tree(f"<div>{written} = -4</div>") == [["div", "", fraction, " = -4"]]
    assert tree("a &lt;b&gt; &amp; c") == ["a <b> & c"] and tree("") == [] and tree("plain") == ["plain"]
    assert tree('<tr data-e="3"><td data-s="7"></td></tr>') == [["tr", {"data-e": "3"}, ["td", {"data-s": "7"}]]]
    assert tree('<b style="color:#0072b2">━</b>') == [["b", {"style": "color:#0072b2"}, "━"]]


def test_markup_outside_the_protocol_leaves_only_its_text() -> None:
    got = tree(HOSTILE + '<div onclick="x()" style="background:url(x)" class="c">words</div>')
    assert got == ["alert(2)link", ["div", "c", "words"]]
    assert not {"img", "script", "a"} & set(PROTOCOL["tags"])


def test_numbers_that_json_cannot_carry_travel_as_words() -> None:
    assert [number(x) for x in (1.5, math.inf, -math.inf, math.nan)] == [1.5, "inf", "-inf", "nan"]
    json.dumps([number(math.nan)], allow_nan=False)  # strict JSON


def test_an_explanations_numbers_travel_apart_from_its_words() -> None:
    a = tree("<div><i>q</i> = <i>x</i> + <i>y</i> = (-2) + 5 = 3, <i>w</i><sub>12</sub> = 1e-3 · inf</div>")
    b = tree("<div><i>q</i> = <i>x</i> + <i>y</i> = 1 + 5 = 6, <i>w</i><sub>12</sub> = 2.5 · nan</div>")
    (words_a, numbers_a), (words_b, numbers_b) = holes(a), holes(b)
    assert words_a == words_b  # an input change sends the numbers only
    assert numbers_a == ["(-2)", "5", "3", "1e-3", "inf"] and numbers_b == ["1", "5", "6", "2.5", "nan"]
    assert ["sub", "", "12"] in words_a[0]  # an index stays in the words


def test_trees_and_old_html_come_back_as_safe_html() -> None:
    assert html_of([["span", "bv-frac", "a<b"], " & ", ["img", {"src": "x"}, "alt"]]) == (
        '<span class="bv-frac">a&lt;b</span> &amp; alt'
    )
    page = safe_html(HOSTILE) + safe_html([["div", {"onclick": "x()"}, HOSTILE]])
    assert "<img" not in page and "<script" not in page and "<a " not in page and "onclick" not in page


def expanded(children: list, table: list) -> list:
    """Pieces put back in place, as the browser builds them."""
    out = []
    for child in children:
        if isinstance(child, int) and child < 0:
            out.append(expanded([table[-1 - child]], table)[0])
        elif isinstance(child, list):
            out.append([child[0], child[1], *expanded(child[2:], table)])
        else:
            out.append(child)
    return out


def test_repeated_parts_of_the_words_are_sent_once() -> None:
    fraction = HTML_MATH.partial(HTML_MATH.name("E"), HTML_MATH.name("w1"))
    notes = [holes(tree(f"<div>{fraction} = {x}</div><div>{fraction} again</div>"))[0] for x in (1, 2)]
    cut, table = pieces(notes)
    assert [expanded(n, table) for n in cut] == notes
    assert len(json.dumps(cut)) + len(json.dumps(table)) < 0.6 * len(json.dumps(notes))
    for k, piece in enumerate(table):  # a piece refers only to pieces before it
        refs = [
            c for c in json.dumps(piece).replace("[", ",").replace("]", ",").split(",") if c.strip().startswith("-")
        ]
        assert all(-1 - int(r) < k for r in refs), (k, piece)
