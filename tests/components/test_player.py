"""The player in a real browser, without Jupyter: keys, buttons, zoom, drag, predict, input sliders
under a dragging mouse, a shadow root, dispose, inf and nan, hostile strings, the live region, axe-core.
Each test renders a stepper's state (made by the package in this process) with a fake model."""

from __future__ import annotations

import html
import math
import re

import pytest

import backprop_viz as bv
from backprop_viz.engine.numbers import fmt
from components.component_page import mount, widget_state

A1 = "q = x + y; f = q * z"

FRAME_JS = """() => {
  const root = widget.el.querySelector('.bv-player'), f = root.querySelector('.bv-frame');
  return {
    step: Number(f.dataset.step), saved: widget.model.get('step'), node: f.dataset.node,
    title: root.querySelector('.bv-title').textContent,
    explanation: root.querySelector('.bv-explanation').textContent,
    live: root.querySelector('.bv-live').textContent,
    label: root.querySelector('.bv-viewport svg').getAttribute('aria-label'),
    texts: [...root.querySelectorAll('.bv-viewport text')].map(t => t.textContent),
    table: [...root.querySelectorAll('.bv-table tr')].map(r => [...r.cells].map(c => c.textContent)),
    play: root.querySelector('.bv-play').textContent,
    zoom: root.dataset.zoom, zoomed: root.classList.contains('bv-zoomed'),
  };
}"""


def stepper_state(source: str, **kwargs) -> tuple[dict, bv.Stepper]:
    s = bv.Stepper(source, **kwargs)
    return widget_state(s.widget), s


@pytest.fixture(scope="module")
def a1():
    state, s = stepper_state(A1, x=-2, y=5, z=-4, sliders={"x": (-5, 5, 0.1)})
    frames = [s.frame(k) for k in range(len(s))]
    s.close()
    return state, frames


def frame(page) -> dict:
    return page.evaluate(FRAME_JS)


def focus_player(page) -> None:
    page.locator(".bv-player").focus()


def test_the_first_frame_shows_its_diagram_words_and_table(page, a1) -> None:
    state, frames = a1
    mount(page, state)
    shown = frame(page)
    assert shown["step"] == 0 and shown["title"] == frames[0].title
    assert "-2" in shown["texts"] and shown["explanation"].startswith("The inputs")
    assert shown["table"][0] == ["node", "value", "∂f/∂node"] and shown["table"][1][:2] == ["x", "-2"]
    assert shown["label"].startswith("diagram, " + frames[0].title)


def test_every_frame_shows_the_words_the_kernel_wrote(page) -> None:
    """Words, numbers and repeated pieces sent apart come together as the kernel's HTML reads."""
    state, s = stepper_state("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    notes = [html.unescape(re.sub(r"<[^>]+>", "", s.frame(k).note)) for k in range(len(s))]
    s.close()
    assert state["walk"]["pieces"], "this stepper's words repeat some parts"
    mount(page, state)
    for k, want in enumerate(notes):
        go_to(page, k)
        assert frame(page)["explanation"] == want, k


def test_arrow_page_home_end_keys_and_space_step_and_play(page, a1) -> None:
    state, frames = a1
    last = len(frames) - 1
    mount(page, {**state, "options": {**state["options"], "interval": 40}})
    focus_player(page)
    for key, want in [
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("ArrowLeft", 1),
        ("PageDown", 2),
        ("PageUp", 1),
        ("End", last),
        ("Home", 0),
    ]:
        page.keyboard.press(key)
        shown = frame(page)
        assert (shown["step"], shown["saved"], shown["title"]) == (want, want, frames[want].title), key
    page.keyboard.press(" ")
    page.wait_for_function(f"() => widget.model.get('step') === {last}")
    page.wait_for_function("() => widget.el.querySelector('.bv-play').textContent === '▶ play'")
    assert frame(page)["node"] == frames[last].node


def test_back_next_and_play_buttons(page, a1) -> None:
    state, frames = a1
    mount(page, {**state, "options": {**state["options"], "interval": 150}})
    back, nxt, play = page.locator(".bv-prev"), page.locator(".bv-next"), page.locator(".bv-play")
    assert back.is_disabled()
    nxt.click()
    nxt.click()
    back.click()
    assert frame(page)["step"] == 1
    play.click()
    assert frame(page)["play"] == "❚❚ pause"
    page.wait_for_function("() => widget.el.querySelector('.bv-play').textContent === '▶ play'")
    assert nxt.is_disabled() and frame(page)["step"] == len(frames) - 1
    play.click()  # at the end: starts again from the first step
    play.click()  # pause
    assert frame(page)["play"] == "▶ play" and frame(page)["step"] < len(frames) - 1


def test_zoom_buttons_fit_smaller_larger_natural(page, a1) -> None:
    state, _ = a1
    mount(page, state, width=300)
    fitted = float(frame(page)["zoom"])
    assert fitted < 1 and not frame(page)["zoomed"]
    page.locator(".bv-actual").click()
    assert frame(page)["zoom"] == "1.000" and frame(page)["zoomed"]
    page.locator(".bv-larger").click()
    assert frame(page)["zoom"] == "1.250"
    page.locator(".bv-smaller").click()
    page.locator(".bv-smaller").click()
    assert frame(page)["zoom"] == "0.800"
    page.locator(".bv-fit").click()
    assert float(frame(page)["zoom"]) == pytest.approx(fitted, abs=0.01) and not frame(page)["zoomed"]
    assert page.locator(".bv-fit").get_attribute("class").split()[-1] == "bv-on"


def test_a_zoomed_diagram_is_dragged_to_see_the_rest(page, a1) -> None:
    state, _ = a1
    mount(page, state, width=300)
    page.locator(".bv-actual").click()
    viewport = page.locator(".bv-viewport")
    viewport.evaluate("v => { v.scrollLeft = 0; }")
    box = viewport.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y, steps=5)
    page.mouse.up()
    assert viewport.evaluate("v => v.scrollLeft") == pytest.approx(60, abs=2)
    assert "bv-dragging" not in viewport.get_attribute("class")


# -- predict ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def predict():
    state, s = stepper_state(A1, x=-2, y=5, z=-4, predict=True)
    frames = [s.frame(k) for k in range(len(s))]
    s.close()
    return state, frames


def asked(frames) -> list[int]:
    return [k for k, f in enumerate(frames) if f.asks]


def go_to(page, k: int) -> None:
    page.evaluate(f"() => widget.model.change('step', {k})")


def test_predict_right_wrong_not_a_number_and_reveal(page, predict) -> None:
    state, frames = predict
    first, second = asked(frames)[:2]
    mount(page, state)
    go_to(page, first - 1)
    before = frame(page)
    go_to(page, first)
    boxes = page.locator(".bv-predict-answer")
    shown = frame(page)
    assert boxes.count() == len(frames[first].asks) and "Your turn" in shown["explanation"]
    # the step's numbers stay hidden: the diagram and the table read as they did a step before
    assert (shown["texts"], shown["table"]) == (before["texts"], before["table"])
    verdicts = page.locator(".bv-predict-verdict")
    boxes.nth(0).fill("123456")
    boxes.nth(0).press("Enter")
    assert verdicts.nth(0).text_content() == "✗ not quite: try again"
    boxes.nth(0).fill("__import__('os')")
    boxes.nth(0).press("Enter")
    assert verdicts.nth(0).text_content() == "✗ that is not a number"
    for n, (_, exact) in enumerate(frames[first].asks):
        boxes.nth(n).fill(repr(exact))
        boxes.nth(n).press("Enter")
    shown = frame(page)
    assert shown["explanation"].startswith("✓ right: you predicted this step.")
    assert shown["texts"] != before["texts"] and shown["table"] != before["table"]  # now they show
    assert page.locator(".bv-predict-answer").count() == 0
    go_to(page, second)
    assert page.locator(".bv-predict-answer").count() == len(frames[second].asks)
    page.locator(".bv-predict-reveal").click()
    shown = frame(page)
    assert page.locator(".bv-predict-answer").count() == 0 and not shown["explanation"].startswith("✓")
    assert shown["explanation"]


@pytest.mark.parametrize(
    ("source", "values"),
    [("f = log(x) * y", {"x": 0.0, "y": 3.0}), ("f = sqrt(x) * y", {"x": -1.0, "y": 3.0})],
)
def test_predict_has_nothing_to_type_where_the_gradient_is_not_finite(page, source, values) -> None:
    state, s = stepper_state(source, predict=True, **values)  # widget_state: strict JSON, no Infinity or NaN
    frames = [s.frame(k) for k in range(len(s))]
    s.close()
    infinite = [k for k, f in enumerate(frames) if f.asks and not any(math.isfinite(v) for _, v in f.asks)]
    assert infinite, "this stepper has a step whose gradient is not finite"
    words = {"inf", "-inf", "nan"}  # as numbers.fmt writes them, in the diagram and the table too
    mount(page, state)
    for k in infinite:
        go_to(page, k)
        shown = frame(page)
        assert page.locator(".bv-predict-answer").count() == 0
        assert shown["explanation"].startswith("Nothing to predict in this step")
        assert shown["step"] == k
    focus_player(page)
    page.keyboard.press("End")
    assert frame(page)["step"] == len(frames) - 1
    sent = [v for ask in state["words"]["asks"] for _, v in ask]
    assert {v for v in sent if isinstance(v, str)} <= set(words)
    shown = frame(page)
    assert any("inf" in t or "nan" in t for t in shown["texts"]), "the diagram shows the non-finite values"
    assert any("inf" in c or "nan" in c for row in shown["table"] for c in row), "and so does the table"
    mixed = [k for k, f in enumerate(frames) if f.asks and 0 < sum(math.isfinite(v) for _, v in f.asks) < len(f.asks)]
    assert mixed, "this stepper has a step with one finite share and one not"
    for k in mixed:  # a box for the finite share; the other is written out, as the diagram writes it
        go_to(page, k)
        labels = page.locator(".bv-predict-label").all_inner_texts()
        written = [fmt(v) for _, v in frames[k].asks if not math.isfinite(v)]
        assert page.locator(".bv-predict-answer").count() == len(labels) - len(written)
        assert all(any(label.endswith("= " + w) for label in labels) for w in written), (labels, written)


# -- input sliders -----------------------------------------------------------------------------------

FAKE_KERNEL_JS = """([answers, delay]) => {
  const model = widget.model;
  window.inputEvents = 0;
  widget.el.querySelector('.bv-inputs input[data-name=x]').addEventListener('input', () => window.inputEvents++);
  window.answered = 0;
  model.kernel = (content) => setTimeout(() => {
    const value = content.set.x;
    model.change('words', answers[window.answered % answers.length]);
    const specs = model.get('inputs').map(s => s.name === 'x' ? {...s, value, text: String(value)} : s);
    model.change('inputs', specs);
    window.answered++;
    model.message({done: true});
  }, delay);
}"""


def test_a_mouse_drag_of_an_input_slider_reaches_the_end_while_the_kernel_answers(page, a1) -> None:
    state, _ = a1
    answers = []
    for x in (1.5, -3.0):
        s = bv.Stepper(A1, x=x, y=5, z=-4, sliders={"x": (-5, 5, 0.1)})
        answers.append(widget_state(s.widget)["words"])
        s.close()
    mount(page, state)
    page.evaluate(FAKE_KERNEL_JS, [answers, 100])  # the kernel takes 100 ms to answer
    page.evaluate("() => { window.slider = widget.el.querySelector('.bv-inputs input[data-name=x]'); }")
    box = page.locator(".bv-inputs input[data-name=x]").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, y)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(box["x"] + 1 + (box["width"] + 20) * k / 20, y)
    page.mouse.up()
    page.wait_for_function("() => widget.model.sent.length === window.answered", timeout=5000)
    page.wait_for_timeout(100)
    result = page.evaluate(
        """() => ({same: window.slider === widget.el.querySelector('.bv-inputs input[data-name=x]'),
                   value: window.slider.value, readout: window.slider.nextElementSibling.textContent,
                   sent: widget.model.sent,
                   events: window.inputEvents})"""
    )
    assert result["same"], "the slider under the pointer was rebuilt"
    assert result["value"] == "5" and result["readout"] == "5"
    sent = result["sent"]
    assert sent[-1] == {"set": {"x": 5}}
    assert 1 < len(sent) < result["events"], f"{len(sent)} messages for {result['events']} moves: not coalesced"


def test_the_kernel_sets_a_slider_nobody_holds(page, a1) -> None:
    state, _ = a1
    mount(page, state)
    specs = [{**spec, "min": -10, "max": 10, "value": 7.5, "text": "7.5"} for spec in state["inputs"]]
    page.evaluate("specs => widget.model.change('inputs', specs)", specs)
    slider = page.locator(".bv-inputs input[data-name=y]")
    assert (slider.input_value(), slider.get_attribute("max")) == ("7.5", "10")
    assert page.locator(".bv-readout").nth(1).text_content() == "7.5"


# -- hosts ---------------------------------------------------------------------------------------------


def test_keys_reach_a_player_inside_a_shadow_root(page, a1) -> None:
    state, frames = a1
    mount(page, state, shadow=True)
    focus_player(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert page.evaluate("() => widget.model.get('step')") == 2
    page.keyboard.press("Home")
    assert page.evaluate("() => widget.model.get('step')") == 0


def test_keys_elsewhere_in_the_page_are_left_alone(page, a1) -> None:
    state, _ = a1
    mount(page, state)
    page.evaluate("() => { const b = document.createElement('input'); b.id = 'other'; document.body.append(b); }")
    page.locator("#other").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => widget.model.get('step')") == 0


def test_the_packed_module_styles_a_shadow_root_it_renders_into(page, server, a1) -> None:
    state, _ = a1
    page.evaluate(
        """async ([url, state]) => {
          const packed = (await import(url)).default;
          window.mount('player', state, { shadow: true, render: packed });
        }""",
        [server + "/__packed__.js", state],
    )
    styled = page.evaluate(
        """() => {
          const root = widget.el.getRootNode();
          const player = root.querySelector('.bv-player');
          return {inShadow: root instanceof ShadowRoot, style: [...root.querySelectorAll('style')].some(
                    s => s.textContent.includes('.bv-player{')),
                  zoom: getComputedStyle(player.querySelector('.bv-zoom')).marginLeft};
        }"""
    )
    assert styled["inShadow"] and styled["style"] and styled["zoom"] != "0px"


def test_dispose_removes_every_listener_it_added(page, a1) -> None:
    state, _ = a1
    before = page.evaluate("() => window.listenerCount")
    mount(page, state)
    during = page.evaluate("() => window.listenerCount")
    page.locator(".bv-present").click()  # presenting adds nothing lasting either
    page.keyboard.press("Escape")
    page.evaluate("() => widget.dispose()")
    after = page.evaluate("() => ({count: window.listenerCount, model: widget.model.listening()})")
    assert during > before and after == {"count": before, "model": 0}


def test_reduced_motion_play_still_steps_and_says_so(page, a1) -> None:
    state, frames = a1
    page.emulate_media(reduced_motion="reduce")
    mount(page, {**state, "options": {**state["options"], "interval": 40}})
    play = page.locator(".bv-play")
    assert play.text_content() == "▶ play (no animation)"
    play.click()
    page.wait_for_function(f"() => widget.model.get('step') === {len(frames) - 1}")
    page.wait_for_function("() => widget.el.querySelector('.bv-play').textContent === '▶ play (no animation)'")


def test_the_keyboards_focus_is_visible(page, a1) -> None:
    state, _ = a1
    mount(page, state)
    page.locator(".bv-player").focus()
    page.keyboard.press("Tab")  # to the play button, by the keyboard: :focus-visible
    outline = page.evaluate(
        "() => { const e = document.activeElement; return [e.className, getComputedStyle(e).outlineStyle]; }"
    )
    assert "bv-play" in outline[0] and outline[1] != "none"


# -- screen readers ------------------------------------------------------------------------------------


def test_the_live_region_says_each_new_step_once(page, a1) -> None:
    state, frames = a1
    mount(page, state)
    page.evaluate(
        """() => { window.said = 0; new MutationObserver(() => window.said++).observe(
             widget.el.querySelector('.bv-live'), {childList: true, characterData: true, subtree: true}); }"""
    )
    live = page.locator(".bv-live")
    assert live.get_attribute("aria-live") == "polite"
    focus_player(page)
    page.keyboard.press("ArrowRight")
    shown = frame(page)
    assert shown["live"] == frames[1].title + ". " + shown["explanation"]
    page.evaluate("() => widget.model.change('words', widget.model.get('words'))")  # a repaint, same step
    page.wait_for_timeout(50)
    assert page.evaluate("() => window.said") == 1


AXE_JS = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(widget.el, {runOnly: {type: 'tag', values: tags}});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ': ' + v.nodes.map(n => n.html).join(' | '));
}"""


def test_no_serious_accessibility_violation(page, server, predict) -> None:
    state, frames = predict
    inputs = [{"name": "x", "min": -5, "max": 5, "step": 0.1, "value": -2, "text": "-2"}]
    mount(page, {**state, "inputs": inputs}, width=320)
    page.add_script_tag(url=server + "/__axe__.js")
    assert page.evaluate(AXE_JS) == []  # the first step, fitted
    go_to(page, asked(frames)[0])
    page.locator(".bv-actual").click()
    assert frame(page)["zoomed"]
    assert page.evaluate(AXE_JS) == []  # a prediction asked, the diagram zoomed in and scrollable


def test_a_network_views_table_of_weights_fills_in_as_it_steps(page) -> None:
    """A crowded network's weights stand in a table (a tree with slots and state elements), not on the edges."""
    from backprop_viz.engine.networks import network
    from backprop_viz.frontend.network_view import NetworkView

    view = NetworkView(network([4, 5, 2], seed=0))
    state = widget_state(view.widget)
    last = view.frame(len(view) - 1)
    view.close()
    mount(page, state)
    focus_player(page)
    page.keyboard.press("End")
    cells = page.evaluate(
        """() => {
          const all = (selector) => [...widget.el.querySelectorAll(selector)];
          return {texts: all('.bv-weights [data-s]').map(e => e.textContent),
                  rows: all('.bv-weights tr[data-e]').map(r => r.getAttribute('class'))};
        }"""
    )
    table_texts = last.texts[-len(cells["texts"]) :]
    assert cells["texts"] == table_texts and any(t.startswith("∂ ") for t in table_texts)
    assert all(c and c.startswith("bv-") for c in cells["rows"])


def test_the_words_keep_one_height_from_the_first_step_to_the_last(page) -> None:
    """The page below a stepper does not jump while one steps: the explanation is as tall as the tallest
    frame's from the first step on (15's grew by 30 px at step 9 and 72 px at step 13)."""
    state, s = stepper_state("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    count = len(s)
    s.close()
    mount(page, state, width=520)
    heights, own = [], []
    for k in range(count):
        go_to(page, k)
        heights.append(page.evaluate("() => widget.el.querySelector('.bv-body').offsetHeight"))
        own.append(  # the words' own height this step, without the height kept for them
            page.evaluate(
                """() => { const e = widget.el.querySelector('.bv-explanation'), kept = e.style.minHeight;
                e.style.minHeight = ''; const h = e.offsetHeight; e.style.minHeight = kept; return h; }"""
            )
        )
    assert len(set(own)) > 1, own  # the frames' words differ in height ...
    assert len(set(heights)) == 1, heights  # ... and the page below never moves
    assert page.evaluate("() => widget.el.querySelectorAll('.bv-explanation').length") == 1  # the probe is gone
