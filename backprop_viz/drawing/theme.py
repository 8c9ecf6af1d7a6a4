"""The colours of a drawing: two themes (light, dark), and what each drawn thing is coloured in each state.

A drawing never writes a colour itself: it names the kind of thing (a gate's fill, a wire, a gradient)
and the element whose state chooses the colour; :func:`colours` is the table from kind and state to
colour, which the browser gets as CSS (:func:`~backprop_viz.drawing.skeleton.state_css`) and pictures
made in the kernel get written out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .wire import KNOWN, STATE_CLASSES


@dataclass(frozen=True)
class Theme:
    """Colours of a diagram. Values and gradients differ by position and prefix (∂), not only by hue."""

    name: str
    text: str
    muted: str
    wire: str
    future: str
    active: str
    value: str
    grad: str
    gate_fill: str
    current_fill: str
    cluster: str
    warning: str
    warning_fill: str
    future_fill: str  # a network's neuron not reached yet ...
    current_neuron_fill: str  # ... and highlighted (its delta is written on it)
    positive: str  # a network's weights by sign (negative ones are also dashed) ...
    negative: str
    pale_positive: str  # ... and faded, where the step does not use them
    pale_negative: str
    background: str = "#ffffff"  # what render() paints behind a drawing (static/player.css does it for the stepper)


# Okabe-Ito colours: distinguishable with every common colour vision deficiency.
LIGHT = Theme(
    "light",
    text="#000000",
    muted="#b0b0b0",
    wire="#404040",
    future="#c8c8c8",
    active="#e69f00",
    value="#0072b2",
    grad="#b84d00",  # vermillion, dark enough for 4.5:1 on white
    gate_fill="#ffffff",
    current_fill="#f0e442",
    cluster="#999999",
    warning="#cc0000",
    warning_fill="#ffd6d6",
    future_fill="#f4f4f4",
    current_neuron_fill="#f0e442",
    positive="#0072b2",
    negative="#e69f00",
    pale_positive="#b3d4e8",
    pale_negative="#f6dca0",
)
DARK = Theme(
    "dark",
    text="#eeeeee",
    muted="#5a5a5a",
    wire="#c0c0c0",
    future="#505050",
    active="#f0e442",
    value="#56b4e9",
    grad="#ff9a5c",
    gate_fill="#2b2b2b",
    current_fill="#7a6a00",
    cluster="#777777",
    warning="#ff6b6b",
    warning_fill="#5a1a1a",
    future_fill="#242424",
    current_neuron_fill="#4d4300",  # darker than a gate's: the delta on it reads at 4.7:1, the value at 8.5:1
    positive="#56b4e9",
    negative="#e69f00",
    pale_positive="#345a6f",  # 40 % of the colour on the background (the light theme: 30 %)
    pale_negative="#6e5212",
    background="#1e1e1e",
)
THEMES = {"light": LIGHT, "dark": DARK}


THEME_CHOICES = ("auto", "light", "dark")  # "auto": the browser follows the host's theme


def theme_choice(theme: object) -> str:
    """A widget's ``theme`` argument checked: "auto", "light" or "dark"."""
    if not isinstance(theme, str):
        raise TypeError(f"theme must be 'auto', 'light' or 'dark', not {theme!r}")
    if theme not in THEME_CHOICES:
        raise ValueError(f"unknown theme {theme!r}: use 'auto', 'light' or 'dark'")
    return theme


def drawn_theme(choice: str) -> Theme:
    """The theme a picture made in the kernel (PNG, GIF, PDF, the still picture) is painted in: "auto" is light."""
    return LIGHT if choice == "auto" else theme_of(choice)


def themes_shown(choice: str) -> tuple[Theme, ...]:
    """The themes whose colours the browser is sent: both for "auto" (it picks by the host's), else the one."""
    return (LIGHT, DARK) if choice == "auto" else (theme_of(choice),)


def theme_of(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: use 'light' or 'dark'")
    return THEMES[theme]


def gate_colours(t: Theme) -> dict[str, tuple[str, ...]]:
    """What each drawn thing of a stepper's diagram is coloured, by its state (FUTURE, KNOWN, CURRENT, WARNING)."""
    return {
        "node_text": (t.muted, t.text, t.text, t.warning),
        "gate_line": (t.future, t.wire, t.text, t.warning),
        "gate_fill": (t.gate_fill, t.gate_fill, t.current_fill, t.warning_fill),
        "wire": (t.future, t.wire, t.active, t.wire),
        "value": (t.value, t.value, t.value, t.value),
        "grad": (t.grad, t.grad, t.grad, t.grad),
        "static_text": (t.text, t.text, t.text, t.text),
        "cluster": (t.cluster, t.cluster, t.cluster, t.cluster),
    }


def colours(t: Theme) -> dict[str, tuple[str, ...]]:
    """Every drawn thing's colour for each of the protocol's states (wire.py): the stepper's, and what a network
    view draws besides (its weights faded when DIM: where the step does not use them). A colour given
    for fewer states is its KNOWN one in the others."""
    table = gate_colours(t) | {
        "muted": (t.muted,) * 4,
        "neuron_fill": (t.future_fill, t.gate_fill, t.current_neuron_fill, t.gate_fill),
        "neuron_line": (t.muted, t.wire, t.text, t.wire),
        "weight_positive": (t.positive,) * 5 + (t.pale_positive,),
        "weight_negative": (t.negative,) * 5 + (t.pale_negative,),
    }
    return {kind: (*c, *(c[KNOWN],) * (len(STATE_CLASSES) - len(c))) for kind, c in table.items()}
