"""The neuron-level network view (backprop_viz/frontend/network_view.py): frames, texts, fixed positions, widget."""

import math
import re

import pytest

import backprop_viz as bv
from backprop_viz.drawing import layout
from backprop_viz.drawing.network_states import network_states
from backprop_viz.drawing.wire import CURRENT
from backprop_viz.engine.networks import network
from backprop_viz.engine.numbers import fmt
from backprop_viz.frontend.network_view import NetworkView


def c2():
    return network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])


def c3():
    return network(
        [3, 2, 2],
        weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1],
        biases=[0.5] * 4,
        inputs=[1, 4, 5],
        targets=[0.1, 0.05],
    )


def test_frames_go_forward_layer_by_layer_then_back() -> None:
    frames = network_states(c3())
    assert [f.title for f in frames] == [
        "the inputs",
        "forward, hidden layer",
        "forward, output layer",
        "the error",
        "backward, the deltas of the output layer",
        "backward, the deltas of the hidden layer",
    ]
    assert [f.phase for f in frames] == ["start", "forward", "forward", "forward", "backward", "backward"]
    deep = network_states(network([2, 3, 2, 1], seed=3, inputs=[0.5, -1], targets=[1.0]))
    assert len(deep) == 2 * 3 + 2 and deep[1].title == "forward, hidden layer 1"
    assert deep[-1].title == "backward, the deltas of the hidden layer 1"


def test_values_appear_forward_and_deltas_backward() -> None:
    net = c3()
    g, frames = net.graph, network_states(net)
    hidden, outputs = ["h_a", "h_b"], ["y1", "y2"]
    assert frames[0].node_value == {"x1": "1", "x2": "4", "x3": "5", "h_a": "", "h_b": "", "y1": "", "y2": "", "E": ""}
    assert all(frames[1].node_value[n] == fmt(g.node(n).value) for n in hidden)
    assert all(frames[1].node_value[n] == "" for n in outputs)
    assert frames[2].node_value["y1"] == "0.8896" and frames[3].node_value["E"] == "0.5932"
    assert all(d == "" for f in frames[:4] for d in f.node_delta.values())
    for n, z in (("y1", "z_c"), ("y2", "z_d")):
        assert frames[4].node_delta[n] == f"δ {fmt(g.grad(z))}"
    assert frames[4].node_delta["h_a"] == ""
    assert frames[5].node_delta["h_a"] == f"δ {fmt(g.grad('z_a'))}" == "δ 0.001984"
    assert {n for n, s in frames[5].node_state.items() if s == CURRENT} == set(hidden)


def test_edges_carry_weights_and_then_their_gradients() -> None:
    net = c3()
    frames = network_states(net)
    names = [f"w{i}" for i in range(1, 11)] + ["b1", "b2", "b3", "b4"]
    for f in frames:
        assert sorted(f.edge_weight) == sorted(names)
        assert f.edge_weight["w7"] == "w7 = 0.7" and f.edge_weight["b2"] == "b2 = 0.5"
    assert all(text == "" for f in frames[:4] for text in f.edge_grad.values())
    assert frames[4].edge_grad["w7"] == f"∂E/∂w7 = {fmt(net.graph.grad('w7'))}" == "∂E/∂w7 = 0.07654"
    assert frames[4].edge_grad["w1"] == "" and frames[5].edge_grad["w1"] == "∂E/∂w1 = 0.001984"
    assert frames[5].edge_grad["b4"] == "∂E/∂b4 = 0.1199"
    # The lines under the picture say the same, with the deck's formula.
    assert "δ_a = ∂E/∂z_a = (w7·δ_c + w8·δ_d) · h_a(1 − h_a)" in frames[5].lines[0]
    assert frames[2].lines[0].startswith("z_c = h_a·w7 + h_b·w9 + b3 = 0.9866·0.7 + 0.995·0.9 + 0.5 = 2.086")


def _geometry(svg: str) -> list[str]:
    return re.findall(r'\b(?:cx|cy|rx|ry|points|d|x|y)="[^"]*"', svg)


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def test_svg_frames_show_the_texts_at_fixed_positions() -> None:
    view = NetworkView(c3())
    assert len(view) == 6
    first = _geometry(view.svg(0))
    for k, f in enumerate(view.frames):
        svg = view.svg(k)
        assert "@" not in svg and "#fe0" not in svg  # every token filled in
        assert _geometry(svg) == first  # nothing moves from frame to frame
        texts = _texts(svg)
        for name in f.edge_weight:
            assert f.edge_weight[name] in texts
            assert f'id="{name}"' in svg
            if f.edge_grad[name]:
                assert f.edge_grad[name] in texts
        for n in ("x1", "h_a", "y2", "E"):
            assert f'id="{n}"' in svg
            assert (f.node_value[n] or "?") in texts
    assert "δ 0.1199" in _texts(view.svg(4)) and "δ 0.1199" not in _texts(view.svg(3))
    current = re.findall(r'<g id="([^"]+)" class="node[^"]*bv-current', view.svg(5))
    assert sorted(current) == ["h_a", "h_b"]


def test_weights_drawn_by_size_and_sign() -> None:
    net = network([2, 1], weights=[0.5, -1.0], inputs=[1, 1], targets=[0])
    svg = NetworkView(net).svg(0)
    w1 = re.search(r'<g id="w1".*?</g>', svg, re.S)[0]
    w2 = re.search(r'<g id="w2".*?</g>', svg, re.S)[0]
    width = [float(re.search(r'stroke-width="([\d.]+)"', e)[1]) for e in (w1, w2)]
    assert width[1] > width[0]  # |w2| > |w1|
    assert "stroke-dasharray" in w2 and "stroke-dasharray" not in w1  # negative: dashed, not only another colour
    assert "#0072b2" in w1 and "#e69f00" in w2


def test_the_widget_steps_in_the_browser() -> None:
    view = NetworkView(c3())  # how fast: benchmarks/run.py, figure 7 (a timed assert here fails on a busy machine)
    assert repr(view) == "NetworkView(3-2-2 network: 6 frames)"
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == repr(view) and "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"]  # the last frame, where widgets cannot run
    walk, words = view.widget.data("walk"), view.widget.data("words")
    assert (
        len(walk["heads"]) == len(walk["notes"]) == len(words["numbers"]) == 6
    )  # every frame is in the page: it steps there
    assert view.widget.view["svg"].count("data-s=") == len(words["texts0"])
    view.step = 3
    assert view.widget.step == 3 and view.step == 3
    with pytest.raises(IndexError):
        view.step = 6
    assert view.frame(4).phase == "backward" and view.frame(4).title.startswith("Step 4 of 5")
    assert NetworkView(c3(), step=-1).step == 5 and NetworkView(c3(), step=99).step == 5


def test_a_clear_error_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout.shutil, "which", lambda name: None)
    with pytest.raises(bv.GraphvizMissing, match="install"):
        NetworkView(c2())


def test_closing_closes_every_widget_and_it_displays_as_text() -> None:
    view = NetworkView(c2())
    view.close()
    assert view.widget.comm is None and view.widget.layout.comm is None
    assert set(view._repr_mimebundle_()) == {"text/plain"} and "closed" in view._repr_mimebundle_()["text/plain"]
    view.close()  # twice is harmless


def test_explanations_show_subscripts_and_fractions() -> None:
    view = NetworkView(c2())
    backward = view.frame(len(view) - 2).note  # the output layer's delta
    assert "<i>δ</i><sub>c</sub> = " in backward
    assert '<span class="bv-frac"><span>∂<i>E</i></span><span>∂<i>z</i><sub>c</sub></span></span>' in backward
    assert "δ_c" not in backward and "&lt;" not in backward


def four_five_four():
    return network([4, 5, 4], seed=2, use_biases=True, inputs=[1, 1, -1, -1], targets=[0, 0, 0, 1])


def test_a_crowded_network_moves_its_weights_into_a_table() -> None:
    net = four_five_four()
    view = NetworkView(net)
    table = view.widget.view["table"]
    assert table.count("<table") == 2 and "weights into the hidden layer" in table
    assert table.count('class="bv-wname"') == 49  # 4·5 + 5 biases, 5·4 + 4 biases
    svg = view.widget.view["svg"]
    n_svg, n_elements = svg.count(" data-s="), svg.count(" data-e=")
    start, last = view.frame(0), view.frame(len(view) - 1)
    assert n_svg == 2 * 13 + 1  # a value and a delta per neuron, E's value: the edges carry no labels
    cells = last.texts[n_svg:]
    assert len(cells) == 98
    g = net.graph
    # w1 is the first cell: its value, then its gradient once the hidden layer's deltas are known.
    assert cells[0] == fmt(g.node("w1").value) and cells[1] == f"∂ {fmt(g.grad('w1'))}"
    assert start.texts[n_svg + 1] == ""
    # The rows of the step's neurons are highlighted: the hidden layer in the last frame.
    rows = last.states[n_elements:]
    assert rows == [CURRENT] * 5 + [1] * 4
    # One worked line per layer for the weights; the table holds the rest.
    lines = view.frames[-1].lines
    assert sum(line.startswith("∂E/∂") for line in lines) == 1
    assert "The other 24 weights into this layer alike" in lines[-1]
    assert "&#x27;" not in last.note and "edge's head" in last.note


def test_small_networks_keep_their_labelled_edges() -> None:
    view = NetworkView(c3())
    assert view.widget.view["table"] == ""
    assert "∂E/∂w7 = 0.07654" in view.frame(len(view) - 2).texts
    assert sum(line.startswith("∂E/∂") for line in view.frames[-1].lines) == 8  # 6 weights, 2 biases


def test_output_neurons_show_their_letter() -> None:
    svg = NetworkView(c2()).widget.view["svg"]
    assert "(c)" in svg  # y is neuron c: its sum is z_c, its delta δ_c


def test_the_dark_theme_paints_the_network_in_its_colours() -> None:
    from backprop_viz.drawing.skeleton import short_hex
    from backprop_viz.drawing.theme import DARK, LIGHT

    dark, light = NetworkView(c3(), theme="dark"), NetworkView(c3())
    assert dark.widget.view["theme"] == "dark" and dark.widget.view["css"].startswith(".bv-theme-dark{")
    for colour in (DARK.positive, DARK.current_neuron_fill, DARK.text):
        assert short_hex(colour) in dark.widget.view["css"] and colour in dark.svg(5)
    assert LIGHT.current_fill not in dark.svg(5) and LIGHT.current_fill in light.svg(5)
    assert DARK.positive in dark.widget.view["legend"]
    # The same skeleton and frames: only the colours differ.
    assert dark.widget.view["svg"].replace("bv-dark", "bv-light") == light.widget.view["svg"]
    assert (dark.widget.walk, dark.widget.words) == (light.widget.walk, light.widget.words)
    with pytest.raises(ValueError, match="unknown theme"):
        NetworkView(c3(), theme="sepia")


def test_unused_weights_fade_by_the_one_list_of_states() -> None:
    from backprop_viz.drawing.wire import DIM, KNOWN

    view = NetworkView(c3())
    forward = view.frames[1]  # the hidden layer: the weights into it are used, the rest fade
    assert forward.edge_state["w1"] == CURRENT and forward.edge_state["w7"] == DIM
    assert set(view.frames[0].edge_state.values()) == {KNOWN}
    css = view.widget.view["css"]
    assert ".bv-dim{" in css and ".bv-wp-s{stroke:#b3d4e8}" in css.split(".bv-dim{", 1)[1]  # faded, as the SVG
    w7 = re.search(r'<g id="w7".*?</g>', view.svg(1), re.S)[0]
    assert "#b3d4e8" in w7 and "#0072b2" not in w7


def test_predict_asks_each_delta_and_each_weights_gradient_before_showing_them() -> None:
    net = c3()
    view = NetworkView(net, predict=True)
    g = net.graph
    assert view.widget.options["predict"] is True
    assert all(view.frame(k).asks == () for k in range(4))  # forward steps and the error ask nothing
    asks = dict(view.frame(4).asks)  # the output layer: two deltas, then the 4 weights and 2 biases into it
    assert len(asks) == 2 + 6
    assert asks["<i>δ</i><sub>c</sub>"] == pytest.approx(g.grad("z_c"))
    w7 = '<span class="bv-frac"><span>∂<i>E</i></span><span>∂<i>w</i><sub>7</sub></span></span>'
    assert asks[w7] == pytest.approx(g.grad("w7")) == pytest.approx(0.07654, abs=1e-5)
    assert len(view.frame(5).asks) == 2 + 8  # the hidden layer: δ_a, δ_b, 6 weights, 2 biases
    words = view.widget.data("words")
    assert [len(a) for a in words["asks"]] == [0, 0, 0, 0, 8, 10]
    assert NetworkView(c3()).frame(4).asks == ()  # without predict, nothing is asked


def test_infinite_and_nan_weights_are_drawn_and_not_asked() -> None:
    for weights in ([float("inf"), 1.0], [float("nan"), -1.0]):
        view = NetworkView(network([2, 1], weights=weights, inputs=[1, 1], targets=[1]), predict=True)
        texts = view.frame(0).texts
        assert f"w1 = {fmt(weights[0])}" in texts
        assert all(math.isfinite(value) for _, value in view.frame(len(view) - 1).asks)
        assert "NaN" not in view.widget.words and "Infinity" not in view.widget.words  # JSON the browser parses
        assert view._repr_mimebundle_()["image/png"]


def test_scale_enlarges_the_picture_and_never_shrinks_the_words() -> None:
    small, large = NetworkView(c2(), scale=0.6), NetworkView(c2(), scale=1.5)
    assert large.widget.view["width"] == pytest.approx(small.widget.view["width"] * 2.5, rel=0.01)
    assert small.widget.options["scale"] == 1 and large.widget.options["scale"] == 1.5
    assert large.widget.view["font"] == pytest.approx(12 * 4 / 3 * 1.5)


def test_a_hostile_title_is_text() -> None:
    view = NetworkView(c2(), title="<img src=x onerror=alert(1)>")
    assert view.widget.options["title"] == "<img src=x onerror=alert(1)>"  # the player sets it as text
    assert "<img" not in view.widget.view["svg"] and "<img" not in view.widget.words


def test_element_of_finds_a_weight_or_neuron_among_a_frames_states() -> None:
    view = NetworkView(c3())
    w1, h_a = view.element_of("w1"), view.element_of("h_a")
    assert w1 >= 0 and h_a >= 0 and w1 != h_a and view.element_of("nothing") == -1
    assert view.frame(1).states[w1] == CURRENT  # the weight into the hidden layer, used at its step


def test_a_stepper_and_a_network_view_show_the_same_kind_of_frame() -> None:
    """One Frame type, the drawing's last stage, is what the front end reads from either."""
    from backprop_viz.drawing.frame import Frame

    view, s = NetworkView(c3(), predict=True), bv.Stepper("f = x * y", x=2, y=3, predict=True)
    frames = [view.frame(k) for k in range(len(view))] + [s.frame(k) for k in range(len(s))]
    assert {type(f) for f in frames} == {Frame}
    assert view.frame(4).asks and s.frame(len(s) - 1).asks  # predict mode asks in both
