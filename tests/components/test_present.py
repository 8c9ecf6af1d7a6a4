"""Present mode on a diagram too big to read when fitted, at a projector's 1024x768: the current step's
text is large and followed, and the key o (or the whole-diagram button) shows the whole and back."""

from __future__ import annotations

import pytest

import backprop_viz as bv
from components.component_page import mount, widget_state

# A wide circuit: fitted to 1024 px, its text would be a few px.
WIDE = "; ".join(f"p{i} = w{i} * x{i}" for i in range(8)) + "; f = " + " + ".join(f"p{i}" for i in range(8))

# The smallest text of the diagram's slots on screen, in px, and where the highlight is against the viewport.
MEASURE_JS = """() => {
  const root = widget.el.querySelector('.bv-player'), svg = root.querySelector('.bv-viewport svg');
  const scale = svg.getScreenCTM().a;
  const sizes = [...svg.querySelectorAll('text[data-s]')].map(t => Number(t.getAttribute('font-size')) * scale);
  const v = root.querySelector('.bv-viewport').getBoundingClientRect();
  const current = svg.querySelector('.bv-current');
  const c = current ? current.getBoundingClientRect() : null;
  const inView = c ? c.left >= v.left && c.right <= v.right && c.top >= v.top && c.bottom <= v.bottom : null;
  const s = svg.getBoundingClientRect();
  return { least: Math.min(...sizes), inView, whole: s.width <= v.width + 1 && s.height <= v.height + 1,
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
    present(page, wide)
    shown = page.evaluate(MEASURE_JS)
    assert shown["presenting"] and shown["least"] >= 18 and not shown["whole"]
    page.locator(".bv-player").focus()
    seen = []
    for _ in range(len(wide["walk"]["heads"]) - 1):
        page.keyboard.press("PageDown" if len(seen) % 2 else "ArrowRight")  # a clicker sends Page Down
        shown = page.evaluate(MEASURE_JS)
        assert shown["least"] >= 18
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
