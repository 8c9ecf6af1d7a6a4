"""The words of a network view's frame: its explanation as HTML, the legend and, for a network with more
weights than ``LABELLED_EDGES``, the table of weights that stands in for the edges' labels.
"""

from __future__ import annotations

import html
import re

from ..engine.networks import Network
from ..engine.notation import HTML_MATH
from .network_draw import subscripted
from .network_states import NetworkState, crowded, layer_name
from .wire import CURRENT, KNOWN

_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9])([A-Za-zδ])(?:_([A-Za-z0-9]+)|(\d+))(?![A-Za-z0-9_])")  # δ_c, w5
_FRACTION = re.compile(r"∂(\w+)/∂(\w+)")


def explanation(frame: NetworkState) -> str:
    """The words under the picture: a line per neuron or weight of the step, as HTML."""
    return "".join(f"<div>{math_html(line)}</div>" for line in frame.lines)


def math_html(line: str) -> str:
    """A line of the deck's notation as HTML: δ_c, z_a, w5 with subscripts, ∂E/∂z_c as a stacked fraction."""
    math = HTML_MATH
    text = _FRACTION.sub(lambda m: math.partial(math.name(m[1]), math.name(m[2])), html.escape(line, quote=False))
    parts = re.split(r"(<[^>]+>)", text)  # subscripts outside the tags just made
    return "".join(part if part.startswith("<") else _SUBSCRIPT.sub(lambda m: math.name(m[0]), part) for part in parts)


def legend(positive: str | None, negative: str | None) -> str:
    """What the picture's colours say: the strokes in the weights' colours (None: the player's style sheet
    colours them by the theme it shows), the words in the text's."""
    colour = {"positive": positive, "negative": negative}
    stroke = {k: f' style="color:{c}"' if c else "" for k, c in colour.items()}
    return (
        f'<div class="bv-legend"><b class="bv-legend-positive"{stroke["positive"]}>━</b> positive weight · '
        f'<b class="bv-legend-negative"{stroke["negative"]}>╍</b> negative weight (thicker: larger |w|) · '
        '<span class="bv-legend-grad">δ = ∂E/∂z, ∂E/∂w in vermillion</span> · highlighted: this step</div>'
    )


def table_skeleton(net: Network, first_slot: int, first_element: int) -> str:
    """One table per layer, a row per neuron: the weights into it (name, value, and ∂E/∂w once known),
    with empty cells numbered from ``first_slot`` and one state element per row from ``first_element``
    ("" for a network whose edges carry their own labels)."""
    if not crowded(net):
        return ""
    slot, element, out = first_slot, first_element, []
    layers = net.layers
    for d in range(1, len(layers)):
        layer, below = layers[d], layers[d - 1]
        tails = [subscripted(n) for n in below.neurons] + (["+1"] if layer.biases else [])
        rows = [f"<tr><th>into ↓ from →</th>{''.join(f'<th>{t}</th>' for t in tails)}</tr>"]
        for j, n in enumerate(layer.neurons):
            cells = []
            for name in [*layer.weights[j], *layer.biases[j : j + 1]]:
                cells.append(
                    f'<td><span class="bv-wname">{subscripted(name)}</span> <span data-s="{slot}"></span>'
                    f'<br/><span class="bv-wgrad" data-s="{slot + 1}"></span></td>'
                )
                slot += 2
            rows.append(f'<tr data-e="{element}"><th>{subscripted(n)}</th>{"".join(cells)}</tr>')
            element += 1
        out.append(
            f'<table class="bv-table bv-weights"><caption>weights into the {layer_name(d, len(layers) - 1)}'
            f"</caption>{''.join(rows)}</table>"
        )
    return "".join(out)


def table_texts(net: Network, frame: NetworkState) -> list[str]:
    """The table's cells in ``frame``: each weight's value, and its gradient once the delta at its head is known."""
    if not crowded(net):
        return []
    out = []
    for layer in net.layers[1:]:
        for j in range(len(layer.neurons)):
            for name in [*layer.weights[j], *layer.biases[j : j + 1]]:
                grad = frame.edge_grad[name]
                out += [frame.edge_weight[name].split(" = ", 1)[1], "∂ " + grad.split(" = ", 1)[1] if grad else ""]
    return out


def table_states(net: Network, frame: NetworkState) -> list[int]:
    """Each row's state in ``frame``: highlighted with its neuron."""
    if not crowded(net):
        return []
    return [CURRENT if frame.node_state[n] == CURRENT else KNOWN for layer in net.layers[1:] for n in layer.neurons]
