"""Present mode on a diagram too big to read when fitted, at a projector's 1024x768: the current step's
text is large and followed (all of it, the gates' small names too, at 18 px or more), and the key o (or the
whole-diagram button) shows the whole and back."""

from __future__ import annotations

import pytest
from notebook_steppers import NOTEBOOKS, shown

import backprop_viz as bv
from components.component_page import mount, widget_state

# A wide circuit: fitted to 1024 px, its text would be a few px.
WIDE = "; ".join(f"p{i} = w{i} * x{i}" for i in range(8)) + "; f = " + " + ".join(f"p{i}" for i in range(8))

# The smallest text of the diagram on screen, in px (any text: a gate's caption, a wire's value, a name; and
# of those in view), and where the highlight is against the viewport.
MEASURE_JS = """() => {
  const root = widget.el.querySelector('.bv-player'), svg = root.querySelector('.bv-viewport svg');
  const scale = svg.getScreenCTM().a;
  const v = root.querySelector('.bv-viewport').getBoundingClientRect();
  const seen = t => { const b = t.getBoundingClientRect();
                      return b.right > v.left && b.left < v.right && b.bottom > v.top && b.top < v.bottom; };
  const texts = [...svg.querySelectorAll('text')];
  const size = t => parseFloat(getComputedStyle(t).fontSize) * scale;
  const sizes = texts.map(size), shownSizes = texts.filter(t => t.textContent.trim() && seen(t)).map(size);
  const current = svg.querySelector('.bv-current');
  const c = current ? current.getBoundingClientRect() : null;
  const inView = c ? c.left >= v.left && c.right <= v.right && c.top >= v.top && c.bottom <= v.bottom : null;
  const s = svg.getBoundingClientRect();
  return { least: Math.min(...sizes), leastInView: Math.min(...shownSizes), shownTexts: shownSizes.length,
           inView, whole: s.width <= v.width + 1 && s.height <= v.height + 1,
           presenting: root.classList.contains('bv-presenting'),
           pressed: root.querySelector('.bv-overview').getAttribute('aria-pressed') };
}"""


@pytest.fixture(scope="module")
def wide():
    s = bv.Stepper(WIDE, **{f"w{i}": i + 1 for i in range(8)}, **{f"x{i}": -i for i in range(8)})
    state = widget_state(s.widget)
    s.close()
    return state


def present(page, state) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    mount(page, state)
    page.locator(".bv-present").click()
    page.wait_for_function("() => widget.el.querySelector('.bv-player').dataset.zoom !== undefined")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_present_shows_the_step_large_and_follows_it(page, wide) -> None:
    assert wide["view"]["least"] < wide["view"]["font"]  # gates' names, smaller than the wires' numbers
    present(page, wide)
    shown = page.evaluate(MEASURE_JS)
    assert shown["presenting"] and shown["least"] >= 18 and not shown["whole"]
    assert shown["least"] < 19  # no larger than needed: the step's neighbours stay in view
    assert shown["shownTexts"] and shown["leastInView"] >= 18
    page.locator(".bv-player").focus()
    seen = []
    for _ in range(len(wide["walk"]["heads"]) - 1):
        page.keyboard.press("PageDown" if len(seen) % 2 else "ArrowRight")  # a clicker sends Page Down
        shown = page.evaluate(MEASURE_JS)
        assert shown["least"] >= 18 and shown["leastInView"] >= 18
        seen.append(shown["inView"])
    assert False not in seen and seen.count(True) >= len(seen) - 1  # the last step may highlight nothing


def test_the_key_o_and_the_button_show_the_whole_diagram_and_back(page, wide) -> None:
    present(page, wide)
    page.locator(".bv-player").focus()
    page.keyboard.press("o")
    shown = page.evaluate(MEASURE_JS)
    assert shown["whole"] and shown["least"] < 18 and shown["pressed"] == "true"
    for _ in range(6):  # the words below change height from step to step: the whole diagram still fits
        page.keyboard.press("ArrowRight")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert page.evaluate(MEASURE_JS)["whole"]
    page.keyboard.press("o")
    shown = page.evaluate(MEASURE_JS)
    assert not shown["whole"] and shown["least"] >= 18 and shown["pressed"] == "false"
    button = page.locator(".bv-overview")
    assert "(o)" in button.get_attribute("title") and "(o)" in button.get_attribute("aria-label")
    assert "o: the whole diagram" in page.locator(".bv-present").get_attribute("title")
    button.click()
    assert page.evaluate(MEASURE_JS)["whole"] and page.evaluate(MEASURE_JS)["pressed"] == "true"
    for _ in range(3):
        page.locator(".bv-larger").click()  # zoomed in by hand: the button no longer says the whole shows
    assert not page.evaluate(MEASURE_JS)["whole"] and page.evaluate(MEASURE_JS)["pressed"] == "false"
    page.keyboard.press("Escape")
    assert not page.evaluate(MEASURE_JS)["presenting"] and not button.is_visible()


def test_o_outside_present_does_nothing(page, wide) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    mount(page, wide)
    page.locator(".bv-player").focus()
    zoom = page.evaluate("() => widget.el.querySelector('.bv-player').dataset.zoom")
    page.keyboard.press("o")
    assert page.evaluate("() => widget.el.querySelector('.bv-player').dataset.zoom") == zoom


def test_a_network_view_in_present_shows_its_smallest_text_at_18_px(page) -> None:
    """Notebook 11's 4-5-4 view, drawn at 0.6 of its size: its targets' labels (12 pt) at 18 px too."""
    net = bv.network([4, 5, 4], seed=2, use_biases=True).set(inputs=[1.0, 1, -1, -1], targets=[0, 0, 0, 1.0])
    view = bv.NetworkView(net, scale=0.6)
    state = widget_state(view.widget)
    present(page, state)
    page.locator(".bv-player").focus()
    for _ in range(len(state["walk"]["heads"]) - 1):
        shown = page.evaluate(MEASURE_JS)
        assert shown["least"] >= 18 and shown["shownTexts"] and shown["leastInView"] >= 18, shown
        assert shown["least"] < 19  # no larger than needed: the step's neighbours stay in view
        page.keyboard.press("ArrowRight")


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_every_notebook_stepper_in_present_shows_its_text_at_18_px(page, name: str) -> None:
    """Each stepper and network view a notebook makes, in present at 1024x768: the smallest text of the
    diagram (and of the part in view) at 18 px or more, and the highlighted step in view, at its first
    steps and its last."""
    for k, state in enumerate(shown()[name]["players"]):
        if k:
            page.reload()
            page.wait_for_function("window.harnessReady === true")
        present(page, state)
        page.locator(".bv-player").focus()
        for key in ["Home", "ArrowRight", "ArrowRight", "ArrowRight", "End"]:
            page.keyboard.press(key)
            now = page.evaluate(MEASURE_JS)
            where = (name, k, state["view"].get("kind"), key)
            assert now["presenting"] and now["least"] >= 18, (where, now)
            assert now["shownTexts"] and now["leastInView"] >= 18, (where, now)
            assert now["inView"] is not False, (where, now)  # the highlighted step is in view, followed
