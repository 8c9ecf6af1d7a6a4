"""Words a room reads have a contrast of at least 4.5:1 (WCAG AA) with their background, in both themes:
the diagram's values and gradients, the legend, the table, the phase badge."""

import re
from pathlib import Path

import pytest

from backprop_viz.drawing import network_words
from backprop_viz.drawing.theme import DARK, LIGHT

CSS = (Path(network_words.__file__).parents[1] / "frontend" / "static" / "player.css").read_text(encoding="utf-8")


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits  # #fff is #ffffff
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_variable(name: str, theme: str) -> str:
    """A colour variable of player.css: the dark theme's where it sets one, else the light one."""
    rule = r"\.bv-player\.bv-theme-dark\{[^}]*" if theme == "dark" else r"\.bv-player\{[^}]*"
    m = re.search(rule + rf"{name}:(#[0-9a-f]{{6}})", CSS)
    return m[1] if m else css_variable(name, "light")


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_diagram_and_the_words_under_it_read_at_4_5_to_1(theme) -> None:
    background = theme.background if theme.background.startswith("#") else "#ffffff"
    for name in ("text", "value", "grad", "warning"):
        assert contrast(getattr(theme, name), background) >= 4.5, (theme.name, name)
    page = "#1e1e1e" if theme is DARK else "#ffffff"  # the player's background (dark: its own)
    for variable in ("--bv-value", "--bv-grad"):  # the legend's and the table's coloured words
        assert contrast(css_variable(variable, theme.name), page) >= 4.5, (theme.name, variable)


def test_the_legend_is_not_faded_and_the_badges_read() -> None:
    legend = re.search(r"\.bv-legend\{([^}]*)\}", CSS)[1]
    assert "opacity" not in legend
    for phase in ("forward", "backward"):
        badge = re.search(rf"\.bv-phase-{phase}\{{background:(#[0-9a-f]{{6}});color:(#[0-9a-f]{{3,6}})", CSS)
        assert contrast(badge[1], badge[2]) >= 4.5, phase


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_network_legend_writes_its_words_in_the_text_colour(theme) -> None:
    legend = network_words.legend(theme.positive, theme.negative)
    words = re.sub(r"<b [^>]*>[^<]*</b>", "", legend)  # the coloured strokes aside
    assert "positive weight" in words and "negative weight" in words
    assert (
        "style=" not in words
    )  # the page's text colour, or the theme's gradient colour (bv-legend-grad, tested above)
    assert 'class="bv-legend-grad"' in words


def test_a_networks_values_and_deltas_read_on_every_neuron_in_the_dark_theme() -> None:
    """Inside a neuron, reached or highlighted: its value in the text colour, its delta in the gradient colour.
    (The light theme keeps the look its notebooks have: the delta on the yellow highlight reads at 3.9:1.)"""
    for fill in (DARK.future_fill, DARK.gate_fill, DARK.current_neuron_fill):
        assert contrast(DARK.text, fill) >= 4.5, fill
        assert contrast(DARK.grad, fill) >= 4.5, fill
    for fill in (LIGHT.future_fill, LIGHT.gate_fill, LIGHT.current_neuron_fill):
        assert contrast(LIGHT.text, fill) >= 4.5, fill
