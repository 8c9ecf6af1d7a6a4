"""Small fully connected sigmoid networks as computational graphs, named the way deck 002 names them.

    net = network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])
    net.error              # E = 1/2 (y_t - y)^2 = 0.0739
    net.grads()["w5"]      # dE/dw5 = -0.0533
    net.sgd_step(0.7)      # w <- w - 0.7 dE/dw for every weight; returns the new error

Names (deck 002): inputs ``x1, x2, ...``; the neurons after the inputs are lettered ``a, b, c, ...``
layer after layer, each with its weighted sum ``z_a`` and its output ``h_a`` (hidden) or ``y``
(one output; ``y1, y2, ...`` for several); targets ``y_t`` (or ``y_t1, y_t2, ...``). Weights
``w1, w2, ...`` are numbered layer by layer, from each neuron of a layer to each neuron of the
next: ``w1: x1 -> a, w2: x1 -> b, w3: x2 -> a, ...``. Biases ``b1, b2, ...``: one per neuron, in
order. Every weight and bias is a named scalar input of the graph, so ``net.graph`` can be stepped
gate by gate and ``net.graph.grad("w1")`` is dE/dw1.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .graph import Graph
from .numbers import fmt
from .var import Var, trace

Sample = tuple[Sequence[float], Sequence[float]]  # (inputs, targets)


@dataclass(frozen=True)
class Layer:
    """The names in one layer. ``weights[j][i]`` is the weight from neuron i of the layer before to neuron j."""

    neurons: list[str]  # outputs: x1.. (inputs), h_a.. (hidden), y or y1.. (output)
    letters: list[str]  # a, b, ... ("" for inputs)
    sums: list[str]  # weighted sums z_a, ... (empty for the input layer)
    weights: list[list[str]]
    biases: list[str]  # empty when the network has no biases


class Network:
    """A fully connected sigmoid network, its error E = 1/2 sum (t - y)^2, and gradient descent on it."""

    def __init__(self, layers: list[Layer], targets: list[str], graph: Graph) -> None:
        self.layers = layers
        self.targets = targets
        self.graph = graph

    # -- reading ---------------------------------------------------------------------------
    @property
    def sizes(self) -> list[int]:
        return [len(layer.neurons) for layer in self.layers]

    @property
    def error(self) -> float:
        """E for the current sample."""
        return self.graph.value

    @property
    def outputs(self) -> list[float]:
        return [self.graph.node(n).value for n in self.layers[-1].neurons]

    def param_names(self) -> list[str]:
        """w1, w2, ... then b1, b2, ..."""
        weights = [w for layer in self.layers[1:] for row in layer.weights for w in row]
        return sorted(weights, key=lambda w: int(w[1:])) + [b for layer in self.layers[1:] for b in layer.biases]

    def params(self) -> dict[str, float]:
        """Every weight and bias by name."""
        return {name: self.graph.node(name).value for name in self.param_names()}

    def grads(self) -> dict[str, float]:
        """dE/d(parameter) for every weight and bias, from the backward pass."""
        return {name: self.graph.grad(name) for name in self.param_names()}

    def weight_matrix(self, layer: int) -> np.ndarray:
        """W of layer ``layer`` (1 = first after the inputs): W[j, i] is the weight from i to j."""
        return np.array([[self.graph.node(w).value for w in row] for row in self.layers[layer].weights])

    def bias_vector(self, layer: int) -> np.ndarray:
        """b of layer ``layer``, zeros when the network has no biases."""
        biases = self.layers[layer].biases
        if not biases:
            return np.zeros(len(self.layers[layer].neurons))
        return np.array([self.graph.node(b).value for b in biases])

    def __repr__(self) -> str:
        n_w = sum(len(row) for layer in self.layers[1:] for row in layer.weights)
        n_b = sum(len(layer.biases) for layer in self.layers)
        shape = "-".join(map(str, self.sizes))
        return f"Network({shape}: {n_w} weights, {n_b} biases, E = {fmt(self.error)})"

    # -- changing ---------------------------------------------------------------------------
    def set(
        self, inputs: Sequence[float] | None = None, targets: Sequence[float] | None = None, **params: float
    ) -> Network:
        """New inputs, targets or parameters; forward and backward run again."""
        values: dict[str, float] = dict(params)
        if inputs is not None:
            values.update(_named(self.layers[0].neurons, inputs, "inputs"))
        if targets is not None:
            values.update(_named(self.targets, targets, "targets"))
        self.graph.set(**values)
        return self

    def sgd_step(self, lr: float) -> float:
        """One step of gradient descent, w <- w - lr dE/dw for every parameter; returns the new error."""
        grads = self.grads()
        self.graph.set(**{name: value - lr * grads[name] for name, value in self.params().items()})
        return self.error

    def sample(self) -> Sample:
        """The current (inputs, targets)."""
        return (
            [self.graph.node(n).value for n in self.layers[0].neurons],
            [self.graph.node(t).value for t in self.targets],
        )

    def predict(self, inputs: Sequence[float]) -> list[float]:
        """The outputs for other inputs; the network keeps its current sample."""
        keep = self.sample()[0]
        self.set(inputs=inputs)
        outputs = self.outputs
        self.set(inputs=keep)
        return outputs

    def total_error(self, data: Sequence[Sample]) -> float:
        """The sum of E over the samples of ``data`` (forward passes only; the network keeps its sample)."""
        names = self.layers[0].neurons, self.targets
        return sum(
            self.graph.evaluate(**_named(names[0], x, "inputs"), **_named(names[1], t, "targets")) for x, t in data
        )

    def train(self, lr: float, epochs: int, data: Sequence[Sample] | None = None) -> list[float]:
        """Stochastic gradient descent: each epoch takes one ``sgd_step`` per sample of ``data``, in order.

        ``data`` defaults to the current sample alone. Returns the total error over ``data``
        before training and after each epoch (``epochs + 1`` numbers).
        """
        data = [self.sample()] if data is None else list(data)
        errors = [self.total_error(data)]
        for _ in range(epochs):
            for x, t in data:
                self.set(inputs=x, targets=t)  # forward and backward for this sample
                self.sgd_step(lr)
            errors.append(self.total_error(data))
        return errors


def network(
    layers: Sequence[int],
    weights: Sequence[float] | None = None,
    biases: Sequence[float] | None = None,
    inputs: Sequence[float] | None = None,
    targets: Sequence[float] | None = None,
    *,
    seed: int | None = None,
    use_biases: bool | None = None,
) -> Network:
    """A fully connected sigmoid network with ``layers`` neurons per layer (inputs first).

    ``weights`` and ``biases`` are flat lists in the deck's numbering (w1, w2, ...; b1, b2, ...).
    Without ``weights``, they are drawn from a normal distribution with ``seed`` (biases then
    start at 0 when ``use_biases``). Without ``biases`` (and ``use_biases`` not True) there are none.
    ``inputs`` and ``targets`` default to zeros.
    """
    sizes = list(_numbers(layers, "layers"))
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"layers must be at least two positive sizes, got {sizes}")
    weights, biases, inputs, targets = (
        None if values is None else _numbers(values, what)
        for values, what in ((weights, "weights"), (biases, "biases"), (inputs, "inputs"), (targets, "targets"))
    )
    weights, biases = _parameters(sizes, weights, biases, seed, use_biases)
    input_names = [f"x{i}" for i in range(1, sizes[0] + 1)]
    target_names = ["y_t"] if sizes[-1] == 1 else [f"y_t{k}" for k in range(1, sizes[-1] + 1)]
    inputs_named = _named(input_names, [0.0] * sizes[0] if inputs is None else inputs, "inputs")
    targets_named = _named(target_names, [0.0] * sizes[-1] if targets is None else targets, "targets")

    below = [Var(v, name=n) for n, v in inputs_named.items()]
    net_layers = [Layer(input_names, [""] * sizes[0], [], [], [])]
    letters = iter(string.ascii_lowercase)
    numbered = (0, 0)  # weights and biases of the layers so far
    for depth, size in enumerate(sizes[1:], start=1):
        names = [next(letters) for _ in range(size)]
        layer, below = _layer(below, names, weights, biases, numbered, is_output=depth == len(sizes) - 1)
        net_layers.append(layer)
        numbered = (numbered[0] + sizes[depth - 1] * size, numbered[1] + size)
    t_vars = [Var(v, name=n) for n, v in targets_named.items()]
    squares = [(t - y) ** 2 for t, y in zip(t_vars, below, strict=True)]
    total = squares[0]
    for s in squares[1:]:
        total = total + s
    error = (0.5 * total).named("E")
    return Network(net_layers, target_names, trace(error, "E"))


def _parameters(
    sizes: list[int],
    weights: list[float] | None,
    biases: list[float] | None,
    seed: int | None,
    use_biases: bool | None,
) -> tuple[list[float], list[float] | None]:
    """The weights and biases (None: no biases), given or drawn with ``seed``, checked against ``sizes``."""
    n_weights = sum(a * b for a, b in pairwise(sizes))
    n_neurons = sum(sizes[1:])
    if n_neurons > len(string.ascii_lowercase):
        raise ValueError(f"at most 26 neurons after the inputs can be lettered a..z, got {n_neurons}")
    with_biases = biases is not None if use_biases is None else use_biases
    if weights is None:
        rng = np.random.default_rng(seed)
        weights = rng.normal(0.0, 1.0, n_weights).round(2).tolist()
        if with_biases and biases is None:
            biases = [0.0] * n_neurons
    elif seed is not None:
        raise ValueError("give either weights or a seed to draw them, not both")
    shape = "-".join(map(str, sizes))
    if len(weights) != n_weights:
        raise ValueError(f"a {shape} network has {n_weights} weights, got {len(weights)}")
    if with_biases and (biases is None or len(biases) != n_neurons):
        raise ValueError(f"a {shape} network has {n_neurons} biases, got {0 if biases is None else len(biases)}")
    return weights, biases if with_biases else None


def _layer(
    below: list[Var],
    letters: list[str],
    weights: list[float],
    biases: list[float] | None,
    numbered: tuple[int, int],
    *,
    is_output: bool,
) -> tuple[Layer, list[Var]]:
    """One layer of sigmoid neurons on the outputs ``below``: its names and its outputs.

    Weights are numbered from each neuron below to each neuron of this layer, ``w[i][j]``,
    going on from the ``numbered`` weights and biases of the layers before.
    """
    size, (w_count, b_count) = len(letters), numbered
    w_vars = [
        [Var(weights[w_count + i * size + j], name=f"w{w_count + i * size + j + 1}") for j in range(size)]
        for i in range(len(below))
    ]
    b_vars = [Var(biases[b_count + j], name=f"b{b_count + j + 1}") for j in range(size)] if biases else []
    outputs = []
    for j, letter in enumerate(letters):
        z = below[0] * w_vars[0][j]
        for i in range(1, len(below)):
            z = z + below[i] * w_vars[i][j]
        if b_vars:
            z = z + b_vars[j]
        z.named(f"z_{letter}")
        name = ("y" if size == 1 else f"y{j + 1}") if is_output else f"h_{letter}"
        outputs.append(z.sigmoid().named(name))
    layer = Layer(
        [v.name for v in outputs],
        letters,
        [f"z_{c}" for c in letters],
        [[w_vars[i][j].name for i in range(len(below))] for j in range(size)],
        [b.name for b in b_vars],
    )
    return layer, outputs


def _numbers(values: object, what: str) -> list[float]:
    """``values`` as a list of real numbers, or a TypeError that says which one is not a number."""
    if isinstance(values, str | bytes | np.ma.MaskedArray) or not isinstance(values, Sequence | np.ndarray):
        kind = "a masked array" if isinstance(values, np.ma.MaskedArray) else type(values).__name__
        raise TypeError(f"{what} must be a list of numbers, not {kind}")
    out = []
    for k, v in enumerate(values):
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating):
            raise TypeError(f"{what}[{k}] must be a number, not {type(v).__name__} ({v!r})")
        out.append(v)
    return out


def _named(names: list[str], values: Sequence[float], what: str) -> dict[str, float]:
    values = _numbers(values, what)
    if len(values) != len(names):
        raise ValueError(f"expected {len(names)} {what} ({', '.join(names)}), got {len(values)}")
    return {n: float(v) for n, v in zip(names, values, strict=True)}
