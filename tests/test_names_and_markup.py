"""Names reach Graphviz as plain text: checked where they are given, and drawn as words even if not.

Every way of naming something (``Var(name=)``, ``.named()``, ``variables(**)``, ``expr(output=)``,
``trace(output_label=)``, a group's label) refuses what is not an identifier of at most 40 characters
with an ExpressionError (a ValueError) that says why. Behind that check, the drawing layer itself
never lets a label become Graphviz markup: labels set after the check are drawn as plain text.
"""

from __future__ import annotations

import re

import pytest

import backprop_viz as bv
from backprop_viz.drawing import layout
from backprop_viz.drawing.painter import FramePainter
from backprop_viz.drawing.step_states import step_states
from backprop_viz.engine.names import MAX_NAME
from backprop_viz.engine.var import Group
from backprop_viz.frontend.picture import render

HREF_PAYLOAD = (
    '<<TABLE HREF=\'x"&gt;&lt;/a&gt;&lt;img src=x onerror="alert(document.domain)"&gt;&lt;a b="\'>'
    "<TR><TD>w</TD></TR></TABLE>>"
)
HOSTILE_NAMES = [
    HREF_PAYLOAD,
    "<b>x</b>",
    "<script>alert(1)</script>",
    "x\\",
    "\\N",
    "x" * 16_384,
    "@0@",
    "#fe0003",
    "\ue0000\ue001",
    "x y",
    "",
    "1x",
    "x\ny",
    'x"',
    "q;f",
    "x\u202e",  # right-to-left override
]
REFUSED = re.compile(r"must be a plain identifier|characters long")


def _entry_points(name: str) -> list:
    """Each way a user names something, as a function that should refuse ``name``."""
    x = bv.Var(1.0, name="x")
    return [
        lambda: bv.Var(1.0, name=name),
        lambda: (x * 2).named(name),
        lambda: bv.variables(**{name: 1.0}),
        lambda: bv.expr("x * 2", x=1.0, output=name),
        lambda: bv.trace(x * 2, output_label=name),
        lambda: Group(name),
    ]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_every_entry_point_refuses_a_name_that_is_not_an_identifier(name: str) -> None:
    for k, attempt in enumerate(_entry_points(name)):
        with pytest.raises(bv.ExpressionError, match=REFUSED) as info:
            attempt()
        assert isinstance(info.value, ValueError), k
        assert len(str(info.value)) < 400, k  # a 16 KB name is not repeated in the message


def test_a_name_set_on_the_attribute_is_checked_when_traced() -> None:
    x = bv.Var(1.0, name="x")
    x.name = "<b>x</b>"
    with pytest.raises(bv.ExpressionError, match="must be a plain identifier"):
        bv.trace(x * 2)


def test_a_name_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(bv.ExpressionError, match="must be a string, not int"):
        bv.Var(1.0, name=3)


@pytest.mark.parametrize("name", ["δ", "x_1", "W1", "σ_out", "h" * MAX_NAME])
def test_identifiers_in_any_alphabet_up_to_the_limit_are_names(name: str) -> None:
    x = bv.Var(2.0, name=name)
    g = bv.trace((x * 3).named("f"))
    assert g.grad(name) == 3.0
    assert name in render(g).source


def test_a_name_one_character_over_the_limit_is_refused() -> None:
    with pytest.raises(bv.ExpressionError, match=f"{MAX_NAME + 1} characters long"):
        bv.Var(1.0, name="h" * (MAX_NAME + 1))


CAPTION = re.compile(r'<[^<>&"]{1,6}<BR/><FONT POINT-SIZE="\d+">[a-z]+\d+</FONT>>')


def _poisoned(label: str) -> bv.Graph:
    """A graph whose labels are set to ``label`` after the names were checked (as a bug elsewhere might)."""
    g = bv.expr("f = sigmoid(w * x)", expand=True, w=2.0, x=-1.0)
    g.node("x").name = label
    g.output_label = label
    g.groups[0] = label
    return g


@pytest.mark.parametrize("label", [HREF_PAYLOAD, "<b>x</b>", "x\\", "@0@ #fe0003"])
def test_labels_reach_graphviz_as_plain_text_even_past_the_check(label: str) -> None:
    g = _poisoned(label)
    source = render(g).source
    # The only HTML-like labels are the gates' own captions (symbol over mul1), never words a student gave.
    html_labels = re.findall(r"label=(<.*?>>)", source)
    assert all(CAPTION.fullmatch(h) for h in html_labels), html_labels
    assert label not in "".join(html_labels) and "xlabel=<" not in source
    if label.startswith("<"):
        assert 'label="<' in source  # quoted: a string, not markup
    svg = render(g).pipe(format="svg", encoding="utf-8")  # dot accepts it: no CalledProcessError
    for svg_text in (svg, FramePainter(g).svg(step_states(g)[-1])):
        assert "<table" not in svg_text.lower() and "<img" not in svg_text and "<script" not in svg_text
        assert "<a " not in svg_text and "onerror" not in svg_text.replace("onerror=&quot;", "")
    assert 'label="' + label.replace("\\", "\\\\").replace('"', '\\"') + '"' in layout.dot_source(g)


def test_text_that_looks_like_a_template_token_is_drawn_as_it_is() -> None:
    g = _poisoned("@0@ #fe0003")
    last = FramePainter(g).svg(step_states(g)[-1])
    assert last.count("@0@ #fe0003") == 3  # the input, the group's box and the output, untouched


def test_a_name_like_a_colour_token_keeps_its_letters() -> None:
    g = bv.expr("f = fe0003 * x", fe0003=2.0, x=3.0)
    svg = FramePainter(g).svg(step_states(g)[-1])
    assert ">fe0003<" in svg


@pytest.mark.parametrize("source", ["LONG * 2", "LONG = x * 2", "y * LONG"])
def test_a_name_too_long_in_an_expression_is_refused_where_it_is(source: str) -> None:
    long = "h" * (MAX_NAME + 1)
    with pytest.raises(bv.ExpressionError, match=f"this name is {MAX_NAME + 1} characters long") as info:
        bv.expr(source.replace("LONG", long), **{long: 1.0, "x": 1.0, "y": 1.0})
    assert info.value.column == source.index("LONG") + 1


# -- names drawn alike ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "both"),
    [
        (("x", "х"), ("'x'", "'х'", "U+0445 CYRILLIC SMALL LETTER HA")),  # Latin x, Cyrillic ha
        (("x", "ｘ"), ("'x'", "'ｘ'", "FULLWIDTH LATIN SMALL LETTER X")),  # the same after NFKC
        (("fi", "ﬁ"), ("'fi'", "'ﬁ'", "LATIN SMALL LIGATURE FI")),
        (("p", "ρ"), ("'p'", "'ρ'", "GREEK SMALL LETTER RHO")),
        (("Bo", "Βο"), ("'Bo'", "'Βο'", "GREEK CAPITAL LETTER BETA")),
    ],
)
def test_two_names_drawn_alike_are_refused_naming_both(names: tuple[str, str], both: tuple[str, ...]) -> None:
    a, b = bv.variables(**dict.fromkeys(names, 1.0))
    with pytest.raises(bv.ExpressionError) as error:
        bv.trace((a * b).named("f"))
    assert all(part in str(error.value) for part in both) and "drawn alike" in str(error.value)


def test_an_output_or_gate_name_drawn_like_an_input_is_refused_too() -> None:
    (x,) = bv.variables(x=1.0)
    with pytest.raises(bv.ExpressionError, match="'x' and 'х' are drawn alike"):
        bv.trace((x * 2).named("х"))


@pytest.mark.parametrize("name", ["pаypal", "хy", "wѕ", "a変数"])
def test_a_name_mixing_alphabets_is_refused(name: str) -> None:
    with pytest.raises(bv.ExpressionError, match="mixes letters of .* and .*: write it in one alphabet"):
        bv.Var(1.0, name=name)


@pytest.mark.parametrize("names", [("x", "δ"), ("δ_m", "σ_out"), ("変数", "か"), ("x", "X"), ("v", "w"), ("x1", "xl")])
def test_names_that_look_different_are_fine(names: tuple[str, str]) -> None:
    a, b = bv.variables(**dict.fromkeys(names, 2.0))
    assert bv.trace((a * b).named("f")).value == 4.0
