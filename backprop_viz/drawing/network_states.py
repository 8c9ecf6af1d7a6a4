"""What each step of a network view leaves on its picture: forward layer by layer, the error, then the deltas backward.

Frames: 0 the inputs; then one per layer forward; then the error E; then one per layer
backward, output layer first. Each neuron shows its value once the forward pass reaches it
and its delta, δ = ∂E/∂z (the error signal at its weighted sum z), once the backward pass
does; each weight shows its value and, once the delta at its head is known, ∂E/∂w = δ ·
(the value at its tail). Every number comes from the network's graph. States are
the protocol's (wire.py): the step's neurons CURRENT, the weights it does not use DIM.
The words of a frame (its explanation, the table of weights) are ``network_words.py``'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine.networks import Network
from ..engine.notation import HTML_MATH
from ..engine.numbers import fmt, fmt_paren
from .wire import CURRENT, DIM, FUTURE, KNOWN

LABELLED_EDGES = 20  # more weights than this: no labels on the edges, a table of weights instead


@dataclass(frozen=True)
class NetworkState:
    """A network after some steps: what its picture shows. Texts are keyed by node (neuron name, "E",
    "bias1") and by edge (weight name)."""

    index: int
    phase: str  # "start", "forward" or "backward"
    title: str
    lines: tuple[str, ...]  # the explanation, one line per neuron or weight of this step
    node_value: dict[str, str]  # "" while unknown
    node_delta: dict[str, str]
    edge_weight: dict[str, str]
    edge_grad: dict[str, str]
    node_state: dict[str, int]
    edge_state: dict[str, int]  # CURRENT: used by this step; DIM: not used while others are
    asks: tuple[tuple[str, float], ...] = ()  # what a backward step computes: (label as HTML, value)


def bias_node(layer: int) -> str:
    return f"bias{layer}"


def edges(net: Network) -> list[tuple[str, str, str, int]]:
    """Every weighted edge: (weight or bias name, tail node, head neuron, layer of the head)."""
    out = []
    for depth in range(1, len(net.layers)):
        layer, below = net.layers[depth], net.layers[depth - 1]
        for j, row in enumerate(layer.weights):
            out += [(name, below.neurons[i], layer.neurons[j], depth) for i, name in enumerate(row)]
        out += [(b, bias_node(depth), layer.neurons[j], depth) for j, b in enumerate(layer.biases)]
    return out


def weight_count(net: Network) -> int:
    """How many weights and biases the picture draws as edges."""
    layers = net.layers[1:]
    return sum(len(row) for layer in layers for row in layer.weights) + sum(len(layer.biases) for layer in layers)


def crowded(net: Network) -> bool:
    """Too many weights to write on the edges: they go in the table of weights instead."""
    return weight_count(net) > LABELLED_EDGES


def network_states(net: Network) -> list[NetworkState]:
    """State 0 (the inputs), one state per layer forward, the error, one state per layer backward."""
    walk = _Walk(net)
    walk.inputs()
    for d in range(1, walk.depth + 1):
        walk.forward(d)
    walk.error()
    for d in range(walk.depth, 0, -1):
        walk.backward(d)
    return walk.states


class _Walk:
    """What the picture shows so far, a state taken after each step of the walk (forward, error, backward)."""

    def __init__(self, net: Network) -> None:
        g = net.graph
        self.net, self.g, self.layers, self.depth = net, g, net.layers, len(net.layers) - 1
        self.edges = edges(net)
        self.compact = crowded(net)
        self.value = {n: "" for layer in self.layers for n in layer.neurons} | {"E": ""}
        self.delta = dict.fromkeys(self.value, "")
        self.weight_text = {name: f"{name} = {fmt(g.node(name).value)}" for name, *_ in self.edges}
        self.grad_text = dict.fromkeys(self.weight_text, "")
        self.known = {n: FUTURE for n in self.value}
        for n in self.layers[0].neurons:
            self.value[n], self.known[n] = fmt(g.node(n).value), KNOWN
        self.states: list[NetworkState] = []

    def snapshot(
        self,
        phase: str,
        title: str,
        lines: list[str],
        current: list[str],
        active: set[str],
        asks: tuple[tuple[str, float], ...] = (),
    ) -> None:
        """A state of what is known now: ``current`` neurons highlighted, the ``active`` weights not faded."""
        state = dict(self.known) | {n: CURRENT for n in current}
        state |= {bias_node(d): KNOWN for d in range(1, len(self.layers)) if self.layers[d].biases}
        faded = DIM if active else KNOWN
        edge_state = {name: CURRENT if name in active else faded for name, *_ in self.edges}
        self.states.append(
            NetworkState(
                len(self.states),
                phase,
                title,
                tuple(lines),
                dict(self.value),
                dict(self.delta),
                dict(self.weight_text),
                dict(self.grad_text),
                state,
                edge_state,
                asks,
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
        self.snapshot("forward", f"forward, {layer_name(d, self.depth)}", lines, layer.neurons, active)

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
        title = f"backward, the deltas of the {layer_name(d, self.depth)}"
        self.snapshot("backward", title, lines, layer.neurons, active, self._asks(d))

    def _asks(self, d: int) -> tuple[tuple[str, float], ...]:
        """Predict mode: layer ``d``'s deltas, then the gradient of each weight into it."""
        g, layer, m = self.g, self.layers[d], HTML_MATH
        deltas = [(m.name(f"δ_{z[2:]}"), float(g.grad(z))) for z in layer.sums]
        weights = [
            (m.partial(m.name("E"), m.name(name)), float(g.grad(name))) for name, *_, at in self.edges if at == d
        ]
        return tuple((label, value) for label, value in deltas + weights if math.isfinite(value))  # inf, nan: shown

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


def layer_name(d: int, depth: int) -> str:
    if d == depth:
        return "output layer"
    return "hidden layer" if depth == 2 else f"hidden layer {d}"
