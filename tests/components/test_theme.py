"""theme="auto" follows the host's theme, in a real browser: JupyterLab's body attribute (and its
switch), VS Code's body class, marimo's .dark on an ancestor through a shadow root, the page's
prefers-color-scheme; "light" and "dark" are forced; the text read has a contrast of 4.5:1 or more."""

from __future__ import annotations

import pytest

import backprop_viz as bv
from backprop_viz.drawing.theme import DARK, LIGHT
from components.component_page import mount, widget_state

# The theme class, the diagram's background, a value's fill and the legend's value colour, as computed.
LOOK_JS = """() => {
  const root = widget.el.querySelector('.bv-player'), svg = root.querySelector('.bv-viewport svg');
  const value = svg.querySelector('text[data-s]');
  const rgb = (c) => c.match(/[0-9.]+/g).slice(0, 3).map(Number);
  return {
    dark: root.classList.contains('bv-theme-dark'), light: root.classList.contains('bv-theme-light'),
    background: rgb(getComputedStyle(svg).backgroundColor), value: rgb(getComputedStyle(value).fill),
    legend: rgb(getComputedStyle(root.querySelector('.bv-legend-value, .bv-legend-grad')).color),
    page: rgb(getComputedStyle(root).backgroundColor), alpha: getComputedStyle(root).backgroundColor,
  };
}"""

DARK_BACKGROUND = [30, 30, 30]
DARK_VALUE = [0x56, 0xB4, 0xE9]
LIGHT_VALUE = [0x00, 0x72, 0xB2]


def luminance(rgb: list[float]) -> float:
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def state_of(theme: str | None = None, network: bool = False) -> dict:
    kwargs = {} if theme is None else {"theme": theme}
    if network:
        net = bv.network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])
        made = bv.NetworkView(net, **kwargs)
    else:
        made = bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4, **kwargs)
    state = widget_state(made.widget)
    made.close()
    return state


@pytest.fixture(scope="module")
def auto():
    return state_of()


def look(page) -> dict:
    return page.evaluate(LOOK_JS)


def assert_dark(shown: dict) -> None:
    assert shown["dark"] and not shown["light"]
    assert shown["background"] == DARK_BACKGROUND and shown["value"] == DARK_VALUE
    assert contrast(shown["value"], shown["background"]) >= 4.5
    assert contrast(shown["legend"], shown["page"]) >= 4.5  # the legend's blue on the player's own background


def assert_light(shown: dict) -> None:
    assert shown["light"] and not shown["dark"]
    assert shown["background"] == [255, 255, 255] and shown["value"] == LIGHT_VALUE
    assert contrast(shown["value"], shown["background"]) >= 4.5


def test_auto_is_the_default_and_sends_both_themes() -> None:
    state = state_of()
    assert state["view"]["theme"] == "auto"
    assert ".bv-theme-light{" in state["view"]["css"] and ".bv-theme-dark{" in state["view"]["css"]
    dark = state_of("dark")["view"]
    assert dark["theme"] == "dark" and ".bv-theme-light" not in dark["css"]


def test_jupyterlabs_dark_theme_and_its_switch(page, auto) -> None:
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'false')")
    mount(page, auto)
    assert_dark(look(page))
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'true')")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")
    assert_light(look(page))
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'false')")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-dark')")
    assert_dark(look(page))


STROKES_JS = """() => [...widget.el.querySelectorAll('.bv-legend b')].map(b => getComputedStyle(b).color)"""


def hex_of(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_a_network_view_and_its_legends_strokes_follow_it_too(page) -> None:
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'false')")
    mount(page, state_of(network=True))
    shown = look(page)
    assert shown["dark"] and shown["background"] == DARK_BACKGROUND
    assert page.evaluate(STROKES_JS) == [hex_of(DARK.positive), hex_of(DARK.negative)]
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'true')")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")
    assert page.evaluate(STROKES_JS) == [hex_of(LIGHT.positive), hex_of(LIGHT.negative)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_light_and_dark_are_forced_whatever_the_host(page, theme) -> None:
    host = "false" if theme == "light" else "true"
    page.evaluate(f"() => document.body.setAttribute('data-jp-theme-light', '{host}')")
    mount(page, state_of(theme))
    (assert_light if theme == "light" else assert_dark)(look(page))
    page.evaluate(
        f"() => document.body.setAttribute('data-jp-theme-light', '{'true' if host == 'false' else 'false'}')"
    )
    page.evaluate("() => new Promise(r => setTimeout(r, 50))")
    (assert_light if theme == "light" else assert_dark)(look(page))


def test_vs_codes_dark_and_high_contrast(page, auto) -> None:
    page.evaluate("() => document.body.classList.add('vscode-high-contrast')")
    mount(page, auto)
    assert_dark(look(page))
    page.evaluate("() => document.body.classList.replace('vscode-high-contrast', 'vscode-light')")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")


def test_marimos_dark_class_on_an_ancestor_through_a_shadow_root(page, auto) -> None:
    mount(page, auto, shadow=True)
    assert look(page)["light"]
    # the widget's host, in a shadow root, moved under an ancestor marked .dark; a class change on the body re-checks
    page.evaluate("""() => {
      const app = document.createElement('div'); app.className = 'dark'; document.body.appendChild(app);
      app.appendChild(widget.host); document.body.classList.add('marimo-loaded');
    }""")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-dark')")
    page.evaluate(
        "() => { widget.host.parentElement.className = ''; document.documentElement.dataset.theme = 'dark'; }"
    )
    page.evaluate("() => new Promise(r => setTimeout(r, 50))")
    assert look(page)["dark"]  # marimo's data-theme on the document
    page.evaluate("() => { document.documentElement.dataset.theme = 'light'; }")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")


def test_the_pages_prefers_color_scheme(page, auto) -> None:
    page.emulate_media(color_scheme="dark")
    mount(page, auto)
    assert_dark(look(page))
    page.emulate_media(color_scheme="light")
    page.wait_for_function("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")
    assert_light(look(page))


def test_dispose_stops_watching(page, auto) -> None:
    mount(page, auto)
    page.evaluate("() => widget.dispose()")
    page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'false')")
    page.evaluate("() => new Promise(r => setTimeout(r, 50))")
    assert page.evaluate("() => widget.el.querySelector('.bv-player').classList.contains('bv-theme-light')")


def test_a_to_html_page_follows_prefers_color_scheme(page, tmp_path) -> None:
    s = bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)
    path = s.to_html(tmp_path / "auto.html")
    s.close()
    page.emulate_media(color_scheme="dark")
    page.goto(path.as_uri())
    page.wait_for_selector(".bv-viewport svg")
    body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert body == "rgb(30, 30, 30)" and page.locator(".bv-player.bv-theme-dark").count() == 1
    page.emulate_media(color_scheme="light")
    page.wait_for_selector(".bv-player.bv-theme-light")
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
