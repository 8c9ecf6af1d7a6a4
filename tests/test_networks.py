"""Small sigmoid networks (backprop_viz/engine/networks.py): deck 002's C2 and C3 through the Network API."""

import math
from itertools import pairwise

import numpy as np
import pytest
from test_decks import C3_FORWARD_PRINTED, C3_OUTPUT_LAYER, C3_PRINTED

from backprop_viz.course.deck import agrees
from backprop_viz.engine.networks import network

C2_WEIGHTS = [0.1, 0.5, 0.4, 0.3, 0.2, 0.6]
C3_WEIGHTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1]


def c2():
    return network([2, 2, 1], weights=C2_WEIGHTS, inputs=[0.23, 0.82], targets=[1.0])


def c3():
    return network([3, 2, 2], weights=C3_WEIGHTS, biases=[0.5] * 4, inputs=[1, 4, 5], targets=[0.1, 0.05])


def test_names_follow_the_deck() -> None:
    net = c3()
    assert [layer.neurons for layer in net.layers] == [["x1", "x2", "x3"], ["h_a", "h_b"], ["y1", "y2"]]
    assert [layer.sums for layer in net.layers] == [[], ["z_a", "z_b"], ["z_c", "z_d"]]
    # w1: x1 -> a, w2: x1 -> b, w3: x2 -> a, ... (deck 002: z_a = x1 w1 + x2 w3 + x3 w5 + b1)
    assert net.layers[1].weights == [["w1", "w3", "w5"], ["w2", "w4", "w6"]]
    assert net.layers[2].weights == [["w7", "w9"], ["w8", "w10"]]
    assert [layer.biases for layer in net.layers] == [[], ["b1", "b2"], ["b3", "b4"]]
    assert net.targets == ["y_t1", "y_t2"]
    assert list(net.params()) == [f"w{i}" for i in range(1, 11)] + ["b1", "b2", "b3", "b4"]
    assert c2().targets == ["y_t"] and c2().layers[-1].neurons == ["y"]
    assert c2().layers[1].biases == [] and list(c2().params()) == [f"w{i}" for i in range(1, 7)]
    np.testing.assert_array_equal(net.weight_matrix(1), [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    np.testing.assert_array_equal(net.bias_vector(2), [0.5, 0.5])
    assert repr(c2()) == "Network(2-2-1: 6 weights, 0 biases, E = 0.07388)"


def test_c2_forward_gradients_update_and_error_down() -> None:
    net = c2()
    printed = {
        "z_a": "0.351",
        "h_a": "0.5868",
        "z_b": "0.361",
        "h_b": "0.5892",
        "z_c": "0.4708",
        "y": "0.6155",
        "E": "0.0739",
    }
    for name, number in printed.items():
        assert agrees(number, net.graph.node(name).value), name
    grads = net.grads()
    for name, number in {
        "w5": "-0.0533",
        "w6": "-0.0535",
        "w1": "-0.0010",
        "w3": "-0.0036",
        "w2": "-0.0030",
        "w4": "-0.0108",
    }.items():
        assert agrees(number, grads[name]), name
    before = net.error
    after = net.sgd_step(0.7)
    new = net.params()
    for i, (old, number) in enumerate(
        zip(C2_WEIGHTS, ["0.1007", "0.5021", "0.4025", "0.3075", "0.2373", "0.6374"], strict=True), start=1
    ):
        assert new[f"w{i}"] == old - 0.7 * grads[f"w{i}"]
        assert agrees(number, new[f"w{i}"]), i
    assert after == net.error < before


def test_c3_forward_gradients_update_and_error_down() -> None:
    net = c3()
    for name, number in C3_FORWARD_PRINTED.items():
        assert agrees(number, net.graph.node(name).value), name
    assert net.error == pytest.approx(0.59324, abs=5e-6)
    grads = net.grads()
    # The output layer agrees with the deck; the deck's hidden-layer gradients (w1, b1, ...) are misprinted.
    for name in C3_OUTPUT_LAYER:
        assert agrees(C3_PRINTED[name], grads[name]), name
    assert not agrees("0.0012", grads["w1"]) and not agrees("0.0012", grads["b1"])
    after = net.sgd_step(0.01)
    for name, number in {
        "w7": "0.6992",
        "w8": "0.7988",
        "w9": "0.8992",
        "w10": "0.0988",
        "b3": "0.4992",
        "b4": "0.4988",
    }.items():
        assert agrees(number, net.params()[name]), name
    assert agrees("0.5924", after)


def test_gradients_match_central_differences() -> None:
    for net in (c2(), c3(), network([2, 3, 2, 1], seed=1, use_biases=True, inputs=[0.5, -1], targets=[1])):
        assert net.graph.check_gradients().ok(1e-6)
        for name, analytic in net.grads().items():  # the same through the public parameter API
            h, base = 1e-6, net.params()[name]
            up, down = net.graph.evaluate(**{name: base + h}), net.graph.evaluate(**{name: base - h})
            assert analytic == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-10), name


def test_deltas_layer_by_layer_match_the_engine() -> None:
    """Deck 003's recursion: delta_k = g'(a_k) sum_l w_kl delta_l, and dE/dw_jk = delta_k z_j."""
    net = c3()
    x, t = np.array([1.0, 4.0, 5.0]), np.array([0.1, 0.05])
    z = [x]
    for layer in (1, 2):
        z.append(1 / (1 + np.exp(-(net.weight_matrix(layer) @ z[-1] + net.bias_vector(layer)))))
    delta = {2: (z[2] - t) * z[2] * (1 - z[2])}
    delta[1] = (net.weight_matrix(2).T @ delta[2]) * z[1] * (1 - z[1])
    for layer in (1, 2):
        names = net.layers[layer].weights
        grads = np.array([[net.graph.grad(w) for w in row] for row in names])
        np.testing.assert_allclose(grads, np.outer(delta[layer], z[layer - 1]), rtol=1e-12)
        np.testing.assert_allclose([net.graph.grad(s) for s in net.layers[layer].sums], delta[layer], rtol=1e-12)


def test_training_lowers_the_error() -> None:
    net = c2()
    start = net.error
    errors = net.train(0.7, 200)
    assert len(errors) == 201 and errors[0] == pytest.approx(start)
    assert all(b < a for a, b in pairwise(errors))
    assert errors[-1] == pytest.approx(net.error) and errors[-1] < 0.01


def test_training_on_several_samples_and_predict() -> None:
    data = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [1.0])]  # OR
    net = network([2, 2, 1], seed=0, use_biases=True, inputs=[0.5, 0.5], targets=[0.0])
    keep = net.sample()
    errors = net.train(2.0, 300, data)
    assert errors[-1] < errors[0] / 10
    assert errors[-1] == pytest.approx(net.total_error(data))
    predictions = [net.predict(x)[0] for x, _ in data]
    assert predictions[0] < 0.3 and min(predictions[1:]) > 0.7
    inputs, targets = net.sample()
    assert (inputs, targets) == ([1.0, 1.0], [1.0])  # the last sample trained on
    net.set(*keep)
    assert net.sample() == keep
    assert net.total_error([keep]) == pytest.approx(net.error)
    assert math.isfinite(net.error)


def test_seeded_weights_are_reproducible_and_sizes_are_checked() -> None:
    a = network([4, 3, 1], seed=7, use_biases=True)
    assert a.params() == network([4, 3, 1], seed=7, use_biases=True).params()
    assert [a.params()[f"b{i}"] for i in range(1, 5)] == [0.0] * 4
    with pytest.raises(ValueError, match="6 weights, got 5"):
        network([2, 2, 1], weights=[0.1] * 5)
    with pytest.raises(ValueError, match="4 biases, got 2"):
        network([3, 2, 2], weights=C3_WEIGHTS, biases=[0.5] * 2)
    with pytest.raises(ValueError, match="expected 2 inputs"):
        network([2, 2, 1], weights=C2_WEIGHTS, inputs=[1.0])
    with pytest.raises(ValueError, match="layers"):
        network([2])


def test_c1_four_pixel_numbers() -> None:
    """Deck 002's opening numbers (notebook 11): the weighted sums and the error table."""
    import backprop_viz as bv

    source = "s = p1*v1 + p2*v2 + p3*v3 + p4*v4; y = sigmoid(s)"
    grey = dict(p1=0.50, p2=0.0, p3=-0.75, p4=0.75)
    assert agrees(".50", bv.expr(source, **grey, v1=1.0, v2=1.0, v3=1.0, v4=1.0).node("s").value)
    assert agrees("-1.1", bv.expr(source, **grey, v1=-0.2, v2=0.6, v3=0.84, v4=-0.5).node("s").value)
    errors = np.abs(np.array([0, 0, 0, 1.0]) - np.array([0.5, 0.75, -0.25, -0.75]))
    assert [agrees(p, e) for p, e in zip([".5", ".75", ".25", "1.75"], errors, strict=True)] == [True] * 4
    assert agrees("3.25", errors.sum())


def test_c3_the_decks_slip_and_its_rounded_second_pass() -> None:
    """Notebook 13's claims: the deck's own factors give 0.00198, not its 0.0012; its z_b = 5.2989 uses cut weights."""
    net = c3()
    own_factors = 0.7895 * 0.0982 * 0.7 * 0.0132 * 1.0 + 0.7502 * 0.1598 * 0.8 * 0.0132 * 1.0
    assert agrees("0.0020", own_factors) and agrees("0.0020", net.grads()["w1"]) and not agrees("0.0012", own_factors)
    net.sgd_step(0.01)
    assert not agrees("5.2989", net.graph.node("z_b").value)
    assert agrees("5.2989", 1 * 0.1999 + 4 * 0.3999 + 5 * 0.5999 + 0.4999)
    assert agrees("0.5924", net.error) and net.error == pytest.approx(0.59264, abs=5e-6)
