"""A neuron-level picture of a small network: forward layer by layer, then the deltas backward layer by layer.

    view = NetworkView(net)      # net from backprop_viz.networks.network(...)
    view                         # displays: play, step slider, the network drawn by Graphviz, the explanation

One circle per neuron, labelled with its value once the forward pass reaches it
and with its delta, δ = ∂E/∂z (the error signal at its weighted sum z), once the
backward pass reaches it. Each edge carries its weight; once the delta at its
head is known it also carries ∂E/∂w = δ · (the value at its tail). Edge thickness
grows with |w|; positive weights are blue and solid, negative ones orange and
dashed (colour-blind safe, and the sign is readable without colour). Biases are
edges from a "+1" node. A network with more than ``LABELLED_EDGES`` weights (the 4-5-4
has 49) would bury its edges under their labels: its edges are drawn unlabelled, and
the weights and their gradients stand in a table beside the explanation, one row per
neuron (the weights into it), highlighted with the neurons of the step.

Frames: 0 the inputs; then one per layer forward; then the error E; then one per
layer backward, output layer first. Every number comes from the network's graph.
Graphviz lays the picture out once (``dot``, with fixed-size circles and
placeholder texts wide enough for every frame); the frames are that SVG with the
texts and colours filled in, so nothing moves from frame to frame and no frame
needs Graphviz again. In a notebook the step slider and the play button are
linked to the frames in the browser: stepping never waits for the kernel.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import pairwise

from .figures import compact_png
from .layout import FONT, dot_program, run_dot
from .networks import Network
from .notation import HTML_MATH
from .notebook import made_here
from .numbers import fmt, fmt_paren
from .player import FrameContent, Player, close_widget, encode, widget_bundle
from .skeleton import DIM, skeleton, state_css
from .stepper import MIN_TEXT_PX, OPEN_TEXT_PX, with_picture

FUTURE, KNOWN, CURRENT = 0, 1, 2

POSITIVE, NEGATIVE = "#0072b2", "#e69f00"  # Okabe-Ito blue and orange; negative edges are also dashed
PALE = {POSITIVE: "#b3d4e8", NEGATIVE: "#f6dca0"}  # the same hues, faded: edges not used in this frame
TEXT, MUTED, GRAD = "#000000", "#a0a0a0", "#b84d00"  # gradients and deltas in vermillion, as in the stepper
FILL = {FUTURE: "#f4f4f4", KNOWN: "#ffffff", CURRENT: "#f0e442"}
LINE = {FUTURE: "#b0b0b0", KNOWN: "#404040", CURRENT: "#000000"}
FRAME_CSS = ".bv-current>ellipse,.bv-current>polygon{stroke-width:3px}"
# The browser paints neurons by state (FUTURE, KNOWN, CURRENT) and fades the weights this step does not use.
_NODE_COLOURS = {
    "fill": (FILL[FUTURE], FILL[KNOWN], FILL[CURRENT], FILL[KNOWN]),
    "line": (LINE[FUTURE], LINE[KNOWN], LINE[CURRENT], LINE[KNOWN]),
    "text": (MUTED, TEXT, TEXT, TEXT),
}
_EDGE_CSS = ".bv-network .bv-dim>path,.bv-network .bv-dim>polygon{stroke-opacity:.35;fill-opacity:.35}"

LABELLED_EDGES = 20  # more weights than this: no labels on the edges, a table of weights instead

_TOKEN = re.compile(r"@(\d+)@0*|#fe([0-9a-f]{4})")


@dataclass(frozen=True)
class NetworkFrame:
    """What one frame shows. Texts are keyed by node (neuron name, "E", "bias1") and by edge (weight name)."""

    index: int
    phase: str  # "start", "forward" or "backward"
    title: str
    lines: tuple[str, ...]  # the explanation, one line per neuron or weight of this step
    node_value: dict[str, str]  # "" while unknown
    node_delta: dict[str, str]
    edge_weight: dict[str, str]
    edge_grad: dict[str, str]
    node_state: dict[str, int]
    edge_state: dict[str, int]


class NetworkView:
    """Step through a network neuron by neuron: values forward, deltas backward (see the module docstring)."""

    def __init__(
        self, net: Network, *, scale: float = 0.75, step: int = 0, title: str | None = None, interval: int = 1200
    ) -> None:
        from .errors import number_from, text_or_none, whole_number
        from .stepper import MAX_INTERVAL, MIN_INTERVAL

        scale = number_from(scale, "scale", 0.25, 4, "times the natural size")
        step, title = whole_number(step, "step"), text_or_none(title, "title")
        interval = round(number_from(interval, "interval", MIN_INTERVAL, MAX_INTERVAL, "milliseconds between frames"))
        dot_program()  # a clear message now if Graphviz is missing
        self.net, self.scale = net, scale
        self.title = title or f"{'-'.join(map(str, net.sizes))} network, E = {fmt(net.error)}"
        self.frames = network_frames(net)
        self._template = _Template(net, self.frames, scale)
        self._svg = [self._template.fill(f) for f in self.frames]
        last = len(self.frames) - 1
        self.widget = Player(
            view=self._view(),
            **dict(zip(("walk", "frames"), encode([self._content(k) for k in range(len(self.frames))]), strict=True)),
            step=min(max(step, 0), last),
            options={
                "title": self.title,
                "interval": interval,
                "min_text": MIN_TEXT_PX,
                "open_text": OPEN_TEXT_PX,
            },
        )
        self.widget.add_class("bv-network-view")
        made_here(self)  # a notebook cell run again closes what it made before
        self._closed = False
        self._picture: bytes | None = None

    def _view(self) -> dict:
        sk = self._template.skeleton
        width, height = sk.size
        return {
            "kind": "network",
            "theme": "light",
            "svg": sk.svg,
            "table": self._template.table(len(sk.slots), len(sk.elements)),
            "legend": LEGEND,
            "css": state_css("bv-network", _NODE_COLOURS) + _EDGE_CSS,
            "width": round(width, 1),
            "height": round(height, 1),
            "font": 12 * 4 / 3 * self.scale,
        }

    def frame(self, k: int | None = None) -> FrameContent:
        """What frame ``k`` (default: the one shown) shows: its texts, states, title and explanation."""
        return self._content(self.step if k is None else k)

    def _content(self, k: int) -> FrameContent:
        f = self.frames[k]
        current = [n for n, state in f.node_state.items() if state == CURRENT]
        t = self._template
        return FrameContent(
            t.slot_texts(f) + t.table_texts(f),
            t.element_states(f) + t.table_states(f),
            f.phase,
            f"Step {k} of {len(self.frames) - 1}: {f.title}",
            "".join(f"<div>{_math_html(line)}</div>" for line in f.lines),
            current[0] if current else "",
            self._template.element_of(current[0]) if current else -1,
        )

    def svg(self, k: int) -> str:
        """The SVG text of frame ``k``, every colour written out."""
        return self._svg[k]

    def close(self) -> None:
        """Close this view's widget (it cannot be shown again)."""
        close_widget(self.widget)
        self._closed = True

    @property
    def step(self) -> int:
        return self.widget.step

    @step.setter
    def step(self, k: int) -> None:
        from .errors import whole_number

        k = whole_number(k, "step")
        if not 0 <= k < len(self.frames):
            raise IndexError(f"step {k} is out of range: 0 to {len(self.frames) - 1}")
        self.widget.step = k

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"NetworkView({'-'.join(map(str, self.net.sizes))} network: {len(self.frames)} frames)"

    def picture(self) -> bytes:
        """The last frame (every value and delta) as a PNG, for where widgets cannot run."""
        if self._picture is None:
            self._picture = compact_png(self._template.png(self.frames[-1], self.scale), colours=16)
        return self._picture

    def _repr_mimebundle_(self, **kwargs) -> dict | tuple[dict, dict]:
        if self._closed:
            return {"text/plain": repr(self) + " (closed: make a new one to show it again)"}
        bundle, metadata = widget_bundle(self.widget, **kwargs)
        bundle["text/plain"] = repr(self)
        bundle = with_picture(bundle, self.picture)
        return (bundle, metadata) if metadata else bundle  # Colab: the metadata names its widget manager


_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9])([A-Za-zδ])(?:_([A-Za-z0-9]+)|(\d+))(?![A-Za-z0-9_])")  # δ_c, w5
_FRACTION = re.compile(r"∂(\w+)/∂(\w+)")


def _math_html(line: str) -> str:
    """A line of the deck's notation as HTML: δ_c, z_a, w5 with subscripts, ∂E/∂z_c as a stacked fraction."""
    math = HTML_MATH
    text = _FRACTION.sub(lambda m: math.partial(math.name(m[1]), math.name(m[2])), html.escape(line, quote=False))
    parts = re.split(r"(<[^>]+>)", text)  # subscripts outside the tags just made
    return "".join(part if part.startswith("<") else _SUBSCRIPT.sub(lambda m: math.name(m[0]), part) for part in parts)


LEGEND = (
    # the strokes in the edges' colours, the words in the text's (orange words would be hard to read)
    f'<div class="bv-legend"><b style="color:{POSITIVE}">━</b> positive weight · '
    f'<b style="color:{NEGATIVE}">╍</b> negative weight (thicker: larger |w|) · '
    f'<span style="color:{GRAD}">δ = ∂E/∂z, ∂E/∂w in vermillion</span> · highlighted: this step</div>'
)


# -- what each frame says -------------------------------------------------------------------------


def _bias_node(layer: int) -> str:
    return f"bias{layer}"


def _edges(net: Network) -> list[tuple[str, str, str, int]]:
    """Every weighted edge: (weight or bias name, tail node, head neuron, layer of the head)."""
    edges = []
    for depth in range(1, len(net.layers)):
        layer, below = net.layers[depth], net.layers[depth - 1]
        for j, row in enumerate(layer.weights):
            edges += [(name, below.neurons[i], layer.neurons[j], depth) for i, name in enumerate(row)]
        edges += [(b, _bias_node(depth), layer.neurons[j], depth) for j, b in enumerate(layer.biases)]
    return edges


def _crowded(edges: list[tuple[str, str, str, int]]) -> bool:
    """Too many weights to write on the edges: they go in the table of weights instead."""
    return len(edges) > LABELLED_EDGES


def network_frames(net: Network) -> list[NetworkFrame]:
    """Frame 0 (the inputs), one frame per layer forward, the error, one frame per layer backward."""
    walk = _Walk(net)
    walk.inputs()
    for d in range(1, walk.depth + 1):
        walk.forward(d)
    walk.error()
    for d in range(walk.depth, 0, -1):
        walk.backward(d)
    return walk.frames


class _Walk:
    """What the picture shows so far, a frame taken after each step of the walk (forward, error, backward)."""

    def __init__(self, net: Network) -> None:
        g = net.graph
        self.net, self.g, self.layers, self.depth = net, g, net.layers, len(net.layers) - 1
        self.edges = _edges(net)
        self.compact = _crowded(self.edges)
        self.value = {n: "" for layer in self.layers for n in layer.neurons} | {"E": ""}
        self.delta = dict.fromkeys(self.value, "")
        self.weight_text = {name: f"{name} = {fmt(g.node(name).value)}" for name, *_ in self.edges}
        self.grad_text = dict.fromkeys(self.weight_text, "")
        self.known = {n: FUTURE for n in self.value}
        for n in self.layers[0].neurons:
            self.value[n], self.known[n] = fmt(g.node(n).value), KNOWN
        self.frames: list[NetworkFrame] = []

    def snapshot(self, phase: str, title: str, lines: list[str], current: list[str], active: set[str]) -> None:
        """A frame of what is known now: ``current`` neurons highlighted, the ``active`` weights not faded."""
        state = dict(self.known) | {n: CURRENT for n in current}
        state |= {_bias_node(d): KNOWN for d in range(1, len(self.layers)) if self.layers[d].biases}
        edge_state = {name: CURRENT if name in active else KNOWN for name, *_ in self.edges}
        self.frames.append(
            NetworkFrame(
                len(self.frames),
                phase,
                title,
                tuple(lines),
                dict(self.value),
                dict(self.delta),
                dict(self.weight_text),
                dict(self.grad_text),
                state,
                edge_state,
            )
        )

    def inputs(self) -> None:
        g, first = self.g, self.layers[0].neurons
        inputs = ", ".join(f"{n} = {fmt(g.node(n).value)}" for n in first)
        targets = ", ".join(f"{t} = {fmt(g.node(t).value)}" for t in self.net.targets)
        lines = [
            f"Inputs {inputs}; targets {targets}.",
            "Step forward layer by layer, then backward to get every delta.",
        ]
        self.snapshot("start", "the inputs", lines, first, set())

    def forward(self, d: int) -> None:
        """Layer ``d``'s weighted sums and outputs."""
        g, layer, below = self.g, self.layers[d], self.layers[d - 1]
        lines = []
        for j, (n, z) in enumerate(zip(layer.neurons, layer.sums, strict=True)):
            names = [f"{below.neurons[i]}·{wn}" for i, wn in enumerate(layer.weights[j])]
            nums = [
                f"{fmt_paren(g.node(below.neurons[i]).value)}·{fmt_paren(g.node(wn).value)}"
                for i, wn in enumerate(layer.weights[j])
            ]
            if layer.biases:
                names.append(layer.biases[j])
                nums.append(fmt_paren(g.node(layer.biases[j]).value))
            lines.append(
                f"{z} = {' + '.join(names)} = {' + '.join(nums)} = {fmt(g.node(z).value)};  "
                f"{n} = σ({z}) = σ({fmt(g.node(z).value)}) = {fmt(g.node(n).value)}"
            )
            self.value[n], self.known[n] = fmt(g.node(n).value), KNOWN
        active = {name for name, _, _, at in self.edges if at == d}
        self.snapshot("forward", f"forward, {_layer_name(d, self.depth)}", lines, layer.neurons, active)

    def error(self) -> None:
        g, targets, outputs = self.g, self.net.targets, self.layers[-1].neurons
        self.value["E"], self.known["E"] = fmt(g.value), KNOWN
        terms = " + ".join(f"({t} − {y})²" for t, y in zip(targets, outputs, strict=True))
        nums = " + ".join(
            f"({fmt(g.node(t).value)} − {fmt(g.node(y).value)})²" for t, y in zip(targets, outputs, strict=True)
        )
        self.snapshot("forward", "the error", [f"E = ½ [{terms}] = ½ [{nums}] = {fmt(g.value)}"], ["E"], set())

    def backward(self, d: int) -> None:
        """Layer ``d``'s deltas, then the gradients of the weights into it."""
        layer = self.layers[d]
        lines = [self._delta_line(d, j) for j in range(len(layer.neurons))]
        lines += self._weight_lines(d)
        # The deltas of layer d travel back along the edges into layer d + 1, with the same weights as forward.
        active = {name for name, _, _, at in self.edges if at == d + 1} if d < self.depth else set()
        title = f"backward, the deltas of the {_layer_name(d, self.depth)}"
        self.snapshot("backward", title, lines, layer.neurons, active)

    def _delta_line(self, d: int, j: int) -> str:
        """δ of neuron ``j`` of layer ``d``: from the error at the output, from the layer above elsewhere."""
        g, layer = self.g, self.layers[d]
        n, z = layer.neurons[j], layer.sums[j]
        h = g.node(n).value
        slope = f"{n}(1 − {n})"
        slope_num = f"{fmt_paren(h)}(1 − {fmt_paren(h)})"
        if d == self.depth:
            t = self.net.targets[j]
            why = f"({n} − {t}) · {slope} = ({fmt(h)} − {fmt(g.node(t).value)}) · {slope_num}"
        else:
            above = self.layers[d + 1]
            terms = [(above.weights[k][j], above.sums[k]) for k in range(len(above.neurons))]
            sym = " + ".join(f"{wn}·δ_{s[2:]}" for wn, s in terms)
            num = " + ".join(f"{fmt_paren(g.node(wn).value)}·{fmt_paren(g.grad(s))}" for wn, s in terms)
            why = f"({sym}) · {slope} = ({num}) · {slope_num}"
        self.delta[n], self.known[n] = f"δ {fmt(g.grad(z))}", KNOWN
        return f"δ_{z[2:]} = ∂E/∂{z} = {why} = {fmt(g.grad(z))}"

    def _weight_lines(self, d: int) -> list[str]:
        """∂E/∂w = δ at the head × the value at the tail, for every weight into layer ``d`` (in a crowded
        network one worked line; the table of weights shows them all)."""
        g, layer = self.g, self.layers[d]
        into = [e for e in self.edges if e[3] == d]
        lines = []
        for k, (name, tail, head, _) in enumerate(into):
            z = layer.sums[layer.neurons.index(head)]
            tail_value = 1.0 if tail.startswith("bias") else g.node(tail).value
            by = "1" if tail.startswith("bias") else tail
            self.grad_text[name] = f"∂E/∂{name} = {fmt(g.grad(name))}"
            if self.compact and k > 0:
                continue
            lines.append(
                f"∂E/∂{name} = δ_{z[2:]} · {by} = {fmt_paren(g.grad(z))}·{fmt_paren(tail_value)} = {fmt(g.grad(name))}"
            )
        if self.compact:
            lines.append(
                f"The other {len(into) - 1} weights into this layer alike: the delta at the edge's head times the "
                "value at its tail. Each one stands in the table of weights, under the weight."
            )
        return lines


def _layer_name(d: int, depth: int) -> str:
    if d == depth:
        return "output layer"
    return "hidden layer" if depth == 2 else f"hidden layer {d}"


# -- the picture: one Graphviz layout, filled in per frame ---------------------------------------------


def _text_widths(frames: list[NetworkFrame]) -> dict[tuple[str, str], int]:
    """The longest text each edge's weight and gradient slot holds over ``frames``."""
    width: dict[tuple[str, str], int] = {}
    for f in frames:
        for kind, texts in (("weight", f.edge_weight), ("grad", f.edge_grad)):
            for key, text in texts.items():
                width[kind, key] = max(width.get((kind, key), 0), len(text))
    return width


class _Template:
    """The SVG drawn once by ``dot`` with tokens for texts (``@k@``) and colours (``#feKKKK``)."""

    def __init__(self, net: Network, frames: list[NetworkFrame], scale: float) -> None:
        self.net, self.layers = net, net.layers
        self.slots: list[tuple[str, str]] = []  # (kind, key)
        self.edges = _edges(net)
        self.compact = _crowded(self.edges)
        self._value_hue = {name: (NEGATIVE if net.graph.node(name).value < 0 else POSITIVE) for name, *_ in self.edges}
        self.source = self._dot_source(_text_widths(frames))
        svg = self._svg(scale)
        self.skeleton = skeleton(
            _TOKEN.sub(self._static_colour, svg), lambda c: self.slots[c][0], lambda k: self.slots[k][0] == "class"
        )
        pieces = _TOKEN.split(svg)
        self.parts = pieces[0::3]
        self.order = [int(t) if t is not None else int(c, 16) for t, c in zip(pieces[1::3], pieces[2::3], strict=True)]

    # -- the DOT text, with a token for every text and colour that changes from frame to frame ---------

    def _token(self, kind: str, key: str, pad: int = 0) -> str:
        """A text slot: ``@k@``, padded with zeros to the widest text it will hold."""
        self.slots.append((kind, key))
        text = f"@{len(self.slots) - 1}@"
        return text + "0" * max(0, pad - len(text))

    def _colour(self, kind: str, key: str) -> str:
        """A colour slot: ``#feKKKK``."""
        self.slots.append((kind, key))
        return f"#fe{len(self.slots) - 1:04x}"

    def _dot_source(self, width: dict[tuple[str, str], int]) -> str:
        lines = [
            "digraph network {",
            f'  graph [rankdir=LR, nodesep=0.2, ranksep={1.4 if self.compact else 0.5}, fontname="{FONT}", '
            'bgcolor="transparent"];',
            f'  node [fontname="{FONT}", fontsize=14];',
            f'  edge [fontname="{FONT}", fontsize=12, arrowsize=0.6];',
        ]
        for d in range(len(self.layers)):
            lines += self._layer_lines(d)
        token, colour = self._token, self._colour
        lines.append(
            '  "E" [shape=box, style="rounded,filled", fixedsize=true, width=1.3, height=0.8, id="E", '
            f'class="bv-error {token("class", "E")}", fillcolor="{colour("fill", "E")}", '
            f'color="{colour("line", "E")}", label=<<b>E</b><br/><font color="{colour("text", "E")}">'
            f"{token('value', 'E')}</font>>];"
        )
        lines += self._edge_lines(width)
        g = self.net.graph
        for y, t in zip(self.layers[-1].neurons, self.net.targets, strict=True):
            lines.append(
                f'  "{y}" -> "E" [id="to_E_{y}", color="{LINE[KNOWN]}", label="{t} = {fmt(g.node(t).value)}"];'
            )
        lines.append("}")
        return "\n".join(lines)

    def _layer_lines(self, d: int) -> list[str]:
        """Layer ``d``'s neurons in one rank, in order, and the "+1" of the biases into the next layer."""
        layers, token, colour = self.layers, self._token, self._colour
        layer = layers[d]
        names = list(layer.neurons) + ([_bias_node(d + 1)] if d + 1 < len(layers) and layers[d + 1].biases else [])
        lines = ["  { rank=same; " + " ".join(f'"{n}";' for n in names) + " }"]
        # Keep the neurons of a layer in order, top to bottom (flat invisible edges).
        lines += [f'  "{a}" -> "{b}" [style=invis];' for a, b in pairwise(names)]
        output = d == len(layers) - 1
        for n, letter in zip(layer.neurons, layer.letters, strict=True):
            # An output neuron is named y but lettered like the others: its sum is z_f, its delta δ_f.
            name = f"{_subscripted(n)}&#160;({letter})" if output else _subscripted(n)
            label = (
                f'<<table border="0" cellspacing="0" cellpadding="2"><tr><td>{name}</td></tr>'
                f'<tr><td><font color="{colour("text", n)}">{token("value", n)}</font></td></tr>'
                f'<tr><td><font color="{GRAD}">{token("delta", n)}</font></td></tr></table>>'
            )
            lines.append(
                f'  "{n}" [shape=circle, fixedsize=true, width=1.45, style=filled, id="{n}", '
                f'class="bv-neuron {token("class", n)}", fillcolor="{colour("fill", n)}", '
                f'color="{colour("line", n)}", label={label}];'
            )
        if names[-1].startswith("bias"):
            lines.append(
                f'  "{names[-1]}" [shape=circle, fixedsize=true, width=0.5, label="+1", id="{names[-1]}", '
                f'class="bv-bias", color="{LINE[KNOWN]}"];'
            )
        return lines

    def _edge_lines(self, width: dict[tuple[str, str], int]) -> list[str]:
        """One edge per weight: thickness by |w|, colour and dash by sign, and (unless crowded) its words."""
        g, token = self.net.graph, self._token
        max_abs = max((abs(g.node(name).value) for name, *_ in self.edges), default=1.0) or 1.0
        lines = []
        for name, tail, head, _ in self.edges:
            v = g.node(name).value
            pen = 0.8 + 4.2 * abs(v) / max_abs
            label = (
                ""
                if self.compact
                else (
                    f", decorate=true, label=<{token('weight', name, width['weight', name])}<br/>"
                    f'<font color="{GRAD}">{token("grad", name, width["grad", name])}</font>>'
                )
            )
            lines.append(
                f'  "{tail}" -> "{head}" [id="{name}", class="bv-weight {token("class", name)}", '
                f'color="{self._colour("edge", name)}", penwidth={pen:.2f}, '
                f"style={'dashed' if v < 0 else 'solid'}{label}];"
            )
        return lines

    def _svg(self, scale: float) -> str:
        """The DOT text laid out by Graphviz, as the SVG the frames fill in."""
        svg = run_dot(self.source, "svg").decode("utf-8")
        svg = svg[svg.index("<svg") :]
        svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
        svg = re.sub(r"<title>.*?</title>\n?", "", svg)
        svg = svg.replace("<svg ", '<svg class="bv-diagram bv-network" ', 1)
        svg = re.sub(r'(width|height)="([\d.]+)pt"', lambda m: f'{m[1]}="{float(m[2]) * scale:.0f}pt"', svg, count=2)
        svg = svg.replace(">", f"><style>{FRAME_CSS}</style>", 1)
        return _centred_node_texts(svg).replace(
            '<polyline fill="none" stroke="black"', f'<polyline fill="none" stroke="{MUTED}"'
        )

    def _static_colour(self, m: re.Match) -> str:
        """An edge's colour is its weight's sign, fixed; the browser fades it by state (DIM)."""
        if m[2] is not None and self.slots[int(m[2], 16)][0] == "edge":
            return self._value_hue[self.slots[int(m[2], 16)][1]]
        return m[0]

    def slot_texts(self, frame: NetworkFrame) -> list[str]:
        """The text of each of the skeleton's slots in ``frame`` (not escaped: the browser sets it as text)."""
        return [self._text(frame, *self.slots[k]) for k in self.skeleton.slots]

    def element_states(self, frame: NetworkFrame) -> list[int]:
        """The state of each of the skeleton's elements in ``frame``: weights not used this step are DIM."""
        busy = any(s == CURRENT for s in frame.edge_state.values())
        out = []
        for k in self.skeleton.elements:
            key = self.slots[k][1]
            if key in frame.edge_state:
                state = frame.edge_state[key]
                out.append(DIM if busy and state != CURRENT else state)
            else:
                out.append(frame.node_state.get(key, KNOWN))
        return out

    def element_of(self, key: str) -> int:
        """The skeleton's element index of a neuron or weight (-1: none)."""
        for e, k in enumerate(self.skeleton.elements):
            if self.slots[k][1] == key:
                return e
        return -1

    # -- the table of weights (compact drawings only) --------------------------------------------------

    def table(self, first_slot: int, first_element: int) -> str:
        """One table per layer, a row per neuron: the weights into it (name, value, and ∂E/∂w once known),
        with empty cells numbered from ``first_slot`` and one state element per row from ``first_element``."""
        if not self.compact:
            return ""
        slot, element, out = first_slot, first_element, []
        for d in range(1, len(self.layers)):
            layer, below = self.layers[d], self.layers[d - 1]
            tails = [_subscripted(n) for n in below.neurons] + (["+1"] if layer.biases else [])
            rows = [f"<tr><th>into ↓ from →</th>{''.join(f'<th>{t}</th>' for t in tails)}</tr>"]
            for j, n in enumerate(layer.neurons):
                cells = []
                for name in [*layer.weights[j], *layer.biases[j : j + 1]]:
                    cells.append(
                        f'<td><span class="bv-wname">{_subscripted(name)}</span> <span data-s="{slot}"></span>'
                        f'<br/><span class="bv-wgrad" data-s="{slot + 1}"></span></td>'
                    )
                    slot += 2
                rows.append(f'<tr data-e="{element}"><th>{_subscripted(n)}</th>{"".join(cells)}</tr>')
                element += 1
            out.append(
                f'<table class="bv-table bv-weights"><caption>weights into the {_layer_name(d, len(self.layers) - 1)}'
                f"</caption>{''.join(rows)}</table>"
            )
        return "".join(out)

    def table_texts(self, frame: NetworkFrame) -> list[str]:
        """The table's cells in ``frame``: each weight's value, and its gradient once the delta at its head is known."""
        if not self.compact:
            return []
        out = []
        for layer in self.layers[1:]:
            for j in range(len(layer.neurons)):
                for name in [*layer.weights[j], *layer.biases[j : j + 1]]:
                    grad = frame.edge_grad[name]
                    out += [frame.edge_weight[name].split(" = ", 1)[1], "∂ " + grad.split(" = ", 1)[1] if grad else ""]
        return out

    def table_states(self, frame: NetworkFrame) -> list[int]:
        """Each row's state in ``frame``: highlighted with its neuron."""
        if not self.compact:
            return []
        return [
            CURRENT if frame.node_state[n] == CURRENT else KNOWN for layer in self.layers[1:] for n in layer.neurons
        ]

    def png(self, frame: NetworkFrame, scale: float) -> bytes:
        """``frame`` drawn by Graphviz as a PNG."""
        source = _TOKEN.sub(lambda m: self._token_value(frame, m), self.source)
        return run_dot(source, "png", f"-Gdpi={96 * scale:g}")

    def _token_value(self, frame: NetworkFrame, m: re.Match) -> str:
        k = int(m[1]) if m[1] is not None else int(m[2], 16)
        return self._slot(frame, *self.slots[k])

    def fill(self, frame: NetworkFrame) -> str:
        """The SVG of ``frame``."""
        out = [self.parts[0]]
        for k, part in zip(self.order, self.parts[1:], strict=True):
            out.append(self._slot(frame, *self.slots[k]))
            out.append(part)
        return "".join(out)

    def _text(self, f: NetworkFrame, kind: str, key: str) -> str:
        """The words of a text slot in ``f``, as they read (not escaped)."""
        if kind in ("value", "delta"):
            text = (f.node_value if kind == "value" else f.node_delta)[key]
            return text or ("?" if kind == "value" else " ")
        return (f.edge_weight if kind == "weight" else f.edge_grad)[key] or " "

    def _slot(self, f: NetworkFrame, kind: str, key: str) -> str:
        if kind in ("value", "delta", "weight", "grad"):
            return _xml(self._text(f, kind, key))
        if kind == "class":
            state = f.node_state.get(key, f.edge_state.get(key, KNOWN))
            return {FUTURE: "bv-future", KNOWN: "bv-known", CURRENT: "bv-current"}[state]
        if kind == "edge":
            hue = self._value_hue[key]
            return (
                hue
                if f.edge_state[key] == CURRENT or not any(s == CURRENT for s in f.edge_state.values())
                else PALE[hue]
            )
        state = f.node_state[key]
        return {"fill": FILL, "line": LINE, "text": {FUTURE: MUTED, KNOWN: TEXT, CURRENT: TEXT}}[kind][state]


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
    return re.sub(
        r'<text text-anchor="start" x="[-\d.]+"([^>]*>@)', rf'<text text-anchor="middle" x="{x:.2f}"\1', group
    )


def _subscripted(name: str) -> str:
    """h_a -> h<sub>a</sub>, x1 -> x<sub>1</sub> (in a Graphviz HTML label and in the table of weights)."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\w*)", name)
    return f"{m[1]}<sub>{m[2]}</sub>" if m and m[2] else html.escape(name)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
