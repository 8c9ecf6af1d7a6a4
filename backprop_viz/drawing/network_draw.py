"""A network drawn neuron by neuron: the DOT text of the picture, painted through the stepper's template.

One circle per neuron (its name, its value, its delta), a "+1" node for each layer's biases,
an edge per weight: thicker for a larger |w|, blue and solid when positive, orange and dashed
when negative (the sign readable without colour). A crowded network (more than
``LABELLED_EDGES`` weights) draws its edges unlabelled; the table of weights holds their words.

``dot`` lays the picture out once, with fixed-size circles and placeholder texts as wide as the
widest text each holds, so nothing moves from frame to frame. The texts and colours that change
are tokens, and :class:`~backprop_viz.drawing.template.Template` turns the drawing into the skeleton the
browser keeps and into each frame's SVG, as it does for the stepper; the colours are the
theme's (:func:`~backprop_viz.drawing.theme.colours`), by the protocol's states (wire.py).
"""

from __future__ import annotations

import html
import math
import re
from itertools import pairwise

from ..engine.errors import GraphTooLarge
from ..engine.networks import Network
from ..engine.numbers import fmt
from .layout import FONT, run_dot
from .network_states import NetworkState, bias_node, crowded, edges, weight_count
from .template import NETWORK_MARKS, Template, prepared
from .theme import colours, theme_of
from .wire import KNOWN, STATE_CLASSES

_OPEN, _CLOSE = NETWORK_MARKS  # around a text token: @k@
MAX_WEIGHTS = 600  # edges drawn: the largest view is ready in about a second (README, "Limits")
# Line widths by state, for the SVG saved alone (static/player.css says the same in the page).
NETWORK_CSS = ".bv-current>ellipse,.bv-current>polygon{stroke-width:3px}"


def check_network_size(net: Network) -> None:
    """GraphTooLarge, at once, for a network whose picture would take too long to lay out."""
    count = weight_count(net)
    if count > MAX_WEIGHTS:
        shape = "-".join(map(str, net.sizes))
        raise GraphTooLarge(
            f"this {shape} network has {count:,} weights and biases to draw, and a network view draws at most "
            f"{MAX_WEIGHTS:,} (a 23-25 network with biases has 600, a 4-5-4 one 49). Show a smaller network; "
            "its values and gradients (net.error, net.grads()) work at any size."
        )


class NetworkPainter:
    """The frames of one network view as SVG, from one drawing with tokens (``dot`` in the kernel, or
    ``defer``: the caller has :attr:`source` drawn by the browser's Graphviz and calls :meth:`finish`)."""

    def __init__(
        self,
        net: Network,
        frames: list[NetworkState],
        theme: str = "light",
        scale: float = 0.75,
        *,
        defer: bool = False,
    ) -> None:
        check_network_size(net)
        self.net, self.theme, self.scale = net, theme_of(theme), scale
        self.edges = edges(net)
        self.compact = crowded(net)
        self.text_specs: list[tuple[str, str]] = []  # (kind, key): "value", "delta", "weight", "grad", "class"
        self.colour_specs: list[tuple[str, int]] = []  # (colour kind, element)
        self.element: dict[str, int] = {"": 0}  # node or weight name -> element index ("": what has no state)
        self.source = self._dot_source(_text_widths(frames))
        self.skeleton = None
        if not defer:
            self.finish(run_dot(self.source, "svg").decode("utf-8"))

    def finish(self, svg: str) -> None:
        """Turn the drawn picture (``dot -Tsvg`` of :attr:`source`) into the skeleton and the frames' template."""
        svg = prepared(svg, f"bv-diagram bv-network bv-{self.theme.name}", self.scale, NETWORK_CSS)
        svg = _centred_node_texts(svg)
        self._template = Template(
            svg,
            self.theme,
            self.colour_specs,
            lambda k: self.text_specs[k][0] == "class",
            NETWORK_MARKS,
            len(self.text_specs),
        )
        self.skeleton = self._template.skeleton
        self._elements = [self.text_specs[k][1] for k in self.skeleton.elements]

    # -- the DOT text, with a token for every text and colour that changes from frame to frame ---------

    def _token(self, kind: str, key: str, pad: int = 0) -> str:
        """A text slot ``@k@`` (``NETWORK_MARKS`` around k), padded with zeros to the widest text it will hold
        (kind "class": a state)."""
        self.text_specs.append((kind, key))
        self.element.setdefault(key, len(self.element))
        text = f"{_OPEN}{len(self.text_specs) - 1}{_CLOSE}"
        return text + "0" * max(0, pad - len(text))

    def _colour(self, kind: str, key: str) -> str:
        """A colour ``#feKKKK`` of ``kind`` (a key of theme.colours), chosen by the state of element ``key``."""
        self.colour_specs.append((kind, self.element.setdefault(key, len(self.element))))
        return f"#fe{len(self.colour_specs) - 1:04x}"

    def _dot_source(self, width: dict[tuple[str, str], int]) -> str:
        text, muted = self._colour("static_text", ""), self._colour("muted", "")
        lines = [
            "digraph network {",
            f'  graph [rankdir=LR, nodesep=0.2, ranksep={1.4 if self.compact else 0.5}, fontname="{FONT}", '
            'bgcolor="transparent"];',
            f'  node [fontname="{FONT}", fontsize=14, fontcolor="{text}"];',
            # an edge's fontcolor is the line under its words; the words have their own colours
            f'  edge [fontname="{FONT}", fontsize=12, arrowsize=0.6, fontcolor="{muted}"];',
        ]
        for d in range(len(self.net.layers)):
            lines += self._layer_lines(d)
        token, colour = self._token, self._colour
        lines.append(
            '  "E" [shape=box, style="rounded,filled", fixedsize=true, width=1.3, height=0.8, id="E", '
            f'class="bv-error {token("class", "E")}", fillcolor="{colour("neuron_fill", "E")}", '
            f'color="{colour("neuron_line", "E")}", label=<<b>E</b><br/><font color="{colour("node_text", "E")}">'
            f"{token('value', 'E')}</font>>];"
        )
        lines += self._edge_lines(width)
        g, wire = self.net.graph, self._colour("wire", "")
        for y, t in zip(self.net.layers[-1].neurons, self.net.targets, strict=True):
            target = f"{t} = {fmt(g.node(t).value)}"
            lines.append(f'  "{y}" -> "E" [id="to_E_{y}", color="{wire}", fontcolor="{text}", label="{target}"];')
        lines.append("}")
        return "\n".join(lines)

    def _layer_lines(self, d: int) -> list[str]:
        """Layer ``d``'s neurons in one rank, in order, and the "+1" of the biases into the next layer."""
        layers, token, colour = self.net.layers, self._token, self._colour
        layer = layers[d]
        names = list(layer.neurons) + ([bias_node(d + 1)] if d + 1 < len(layers) and layers[d + 1].biases else [])
        lines = ["  { rank=same; " + " ".join(f'"{n}";' for n in names) + " }"]
        # Keep the neurons of a layer in order, top to bottom (flat invisible edges).
        lines += [f'  "{a}" -> "{b}" [style=invis];' for a, b in pairwise(names)]
        output = d == len(layers) - 1
        for n, letter in zip(layer.neurons, layer.letters, strict=True):
            # An output neuron is named y but lettered like the others: its sum is z_f, its delta δ_f.
            name = f"{subscripted(n)}&#160;({letter})" if output else subscripted(n)
            label = (
                f'<<table border="0" cellspacing="0" cellpadding="2"><tr><td>{name}</td></tr>'
                f'<tr><td><font color="{colour("node_text", n)}">{token("value", n)}</font></td></tr>'
                f'<tr><td><font color="{colour("grad", n)}">{token("delta", n)}</font></td></tr></table>>'
            )
            lines.append(
                f'  "{n}" [shape=circle, fixedsize=true, width=1.45, style=filled, id="{n}", '
                f'class="bv-neuron {token("class", n)}", fillcolor="{colour("neuron_fill", n)}", '
                f'color="{colour("neuron_line", n)}", label={label}];'
            )
        if names[-1].startswith("bias"):
            lines.append(
                f'  "{names[-1]}" [shape=circle, fixedsize=true, width=0.5, label="+1", id="{names[-1]}", '
                f'class="bv-bias", color="{colour("wire", "")}"];'
            )
        return lines

    def _edge_lines(self, width: dict[tuple[str, str], int]) -> list[str]:
        """One edge per weight: thickness by |w|, colour and dash by sign, and (unless crowded) its words."""
        g, token, text = self.net.graph, self._token, self._colour("static_text", "")
        finite = [abs(g.node(name).value) for name, *_ in self.edges if math.isfinite(g.node(name).value)]
        max_abs = max(finite, default=1.0) or 1.0
        lines = []
        for name, tail, head, _ in self.edges:
            v = g.node(name).value
            pen = 0.8 + 4.2 * min(abs(v) / max_abs, 1.0) if not math.isnan(v) else 0.8  # inf: the thickest
            label = (
                ""
                if self.compact
                else (
                    f', decorate=true, label=<<font color="{text}">{token("weight", name, width["weight", name])}'
                    "</font><br/>"
                    f'<font color="{self._colour("grad", name)}">{token("grad", name, width["grad", name])}</font>>'
                )
            )
            lines.append(
                f'  "{tail}" -> "{head}" [id="{name}", class="bv-weight {token("class", name)}", '
                f'color="{self._colour("weight_negative" if v < 0 else "weight_positive", name)}", '
                f"penwidth={pen:.2f}, style={'dashed' if v < 0 else 'solid'}{label}];"
            )
        return lines

    # -- a frame -------------------------------------------------------------------------------------

    def _text(self, frame: NetworkState, kind: str, key: str) -> str:
        """The words of a text slot in ``frame``, as they read (not escaped)."""
        if kind == "class":
            return STATE_CLASSES[self._state(frame, key)]
        if kind in ("value", "delta"):
            text = (frame.node_value if kind == "value" else frame.node_delta)[key]
            return text or ("?" if kind == "value" else " ")
        return (frame.edge_weight if kind == "weight" else frame.edge_grad)[key] or " "

    @staticmethod
    def _state(frame: NetworkState, key: str) -> int:
        return frame.node_state.get(key, frame.edge_state.get(key, KNOWN))

    def slot_texts(self, frame: NetworkState) -> list[str]:
        """The text of each of the skeleton's slots in ``frame`` (not escaped: the browser sets it as text)."""
        return [self._text(frame, *self.text_specs[k]) for k in self.skeleton.slots]

    def element_states(self, frame: NetworkState) -> list[int]:
        """The state of each of the skeleton's elements in ``frame``."""
        return [self._state(frame, key) for key in self._elements]

    def element_of(self, key: str) -> int:
        """The skeleton's element index of a neuron or weight (-1: none)."""
        return self._elements.index(key) if key in self._elements else -1

    def svg(self, frame: NetworkState) -> str:
        """The SVG of ``frame``, every colour written out."""
        states = [KNOWN] * len(self.element)
        for key, el in self.element.items():
            states[el] = self._state(frame, key)
        return self._template.fill([self._text(frame, *spec) for spec in self.text_specs], states)

    def png(self, frame: NetworkState, scale: float) -> bytes:
        """``frame`` drawn by ``dot`` as a PNG, on the theme's background."""
        table = colours(self.theme)
        by_key = {el: key for key, el in self.element.items()}

        def value(m: re.Match) -> str:
            if m[1] is not None:
                return _xml(self._text(frame, *self.text_specs[int(m[1])]))
            kind, el = self.colour_specs[int(m[2], 16)]
            return table[kind][self._state(frame, by_key[el])]

        source = _TOKEN.sub(value, self.source).replace('bgcolor="transparent"', f'bgcolor="{self.theme.background}"')
        return run_dot(source, "png", f"-Gdpi={96 * scale:g}")


def subscripted(name: str) -> str:
    """h_a -> h<sub>a</sub>, x1 -> x<sub>1</sub> (in a Graphviz HTML label and in the table of weights)."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\w*)", name)
    return f"{m[1]}<sub>{m[2]}</sub>" if m and m[2] else html.escape(name)


_TOKEN = re.compile(f"{re.escape(_OPEN)}(\\d+){re.escape(_CLOSE)}0*|#fe([0-9a-f]{{4}})")


def _text_widths(frames: list[NetworkState]) -> dict[tuple[str, str], int]:
    """The longest text each edge's weight and gradient slot holds over ``frames``."""
    width: dict[tuple[str, str], int] = {}
    for f in frames:
        for kind, texts in (("weight", f.edge_weight), ("grad", f.edge_grad)):
            for key, text in texts.items():
                width[kind, key] = max(width.get((kind, key), 0), len(text))
    return width


def _centred_node_texts(svg: str) -> str:
    """Centre each line of a node's label on the node (Graphviz starts HTML-label lines at the placeholder's left)."""

    def centre(m: re.Match) -> str:
        group = m[0]
        if (c := re.search(r'<ellipse[^>]* cx="([-\d.]+)"', group)) is not None:
            x = float(c[1])
        elif (p := re.search(r'<(?:polygon|path)[^>]* (?:points|d)="([^"]+)"', group)) is not None:
            xs = [float(x) for x in re.findall(r"([-\d.]+),[-\d.]+", p[1])]
            x = (min(xs) + max(xs)) / 2
        else:
            return group
        return _centre_tokens(group, x)

    def centre_on_underline(m: re.Match) -> str:
        group = m[0]
        line = re.search(r'<polyline[^>]* points="([-\d.]+),[-\d.]+ ([-\d.]+),', group)
        if line is None:
            return group
        return _centre_tokens(group, (float(line[1]) + float(line[2])) / 2)

    svg = re.sub(r'<g id="[^"]*" class="node[^"]*">.*?</g>', centre, svg, flags=re.S)
    return re.sub(r'<g id="[^"]*" class="edge[^"]*">.*?</g>', centre_on_underline, svg, flags=re.S)


def _centre_tokens(group: str, x: float) -> str:
    """Lines whose text is a token (filled in per frame) are centred at ``x``; fixed lines stay as drawn."""
    # (the browser's Graphviz writes xml:space="preserve" before the anchor; dot 2.43 does not)
    return re.sub(
        r'<text( xml:space="preserve")? text-anchor="start" x="[-\d.]+"([^>]*>' + re.escape(_OPEN) + ")",
        rf'<text\1 text-anchor="middle" x="{x:.2f}"\2',
        group,
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
