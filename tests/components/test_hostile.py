"""A saved state whose every field carries markup (an <img onerror>, a <script>, a tree naming a tag
outside the protocol) runs nothing in the player or the quiz, and shows the words as text."""

from __future__ import annotations

import pytest

import backprop_viz as bv
from components.component_page import mount, widget_state

IMG = "<img src=x onerror=\"window.pwned='img'\">"
SCRIPT = "<script>window.pwned='script'</script>"
HOSTILE = IMG + SCRIPT
TREE = [
    ["img", {"src": "x", "onerror": "window.pwned='tree img'"}],
    ["script", "", "window.pwned='tree script'"],
    ["div", {"class": "bv-x", "onclick": "window.pwned='click'", "style": "background:url(x)"}, HOSTILE],
    ["a", {"href": "javascript:window.pwned='a'"}, "a link"],
]
SVG_ATTACK = (
    '<script>window.pwned="svg script"</script>'
    '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="window.pwned=\'fo\'"/></foreignObject>'
    "<a href=\"javascript:window.pwned='svg a'\"><text>link</text></a>"
    '<image href="x" onerror="window.pwned=\'svg image\'"/>'
)

FORBIDDEN = "img, script, a, image, foreignObject, iframe, [onerror], [onclick], [onload], [href], [style*=url]"
CHECK_JS = """() => ({
  pwned: window.pwned || null,
  forbidden: [...widget.el.querySelectorAll('FORBIDDEN')].map(e => e.outerHTML),
  text: widget.el.textContent,
})""".replace("FORBIDDEN", FORBIDDEN)


def hostile_player_state() -> dict:
    s = bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4, predict=True)
    state = widget_state(s.widget)
    s.close()
    view, walk, words = state["view"], state["walk"], state["words"]
    view["svg"] = view["svg"].replace("<svg ", "<svg onload=\"window.pwned='svg onload'\" ", 1)
    view["svg"] = view["svg"].replace("</svg>", SVG_ATTACK + "</svg>")
    view["table"] = {"head": [HOSTILE] * 3, "rows": [[HOSTILE, "1 onclick=x", "2"], *view["table"]["rows"]]}
    view["legend"] = [*TREE, HOSTILE]
    view["css"] = "@import url(http://127.0.0.1:9/x.css); .bv-player{background:url(http://127.0.0.1:9/y.png)}"
    walk["heads"] = [[phase, HOSTILE, node] for phase, _, node in walk["heads"]]
    words["texts0"] = [HOSTILE for _ in words["texts0"]]
    walk["notes"] = [[*TREE, HOSTILE, 0] if k % 2 else HOSTILE for k in range(len(walk["notes"]))]
    words["numbers"] = [[HOSTILE] for _ in words["numbers"]]  # a number of the words: text too
    words["asks"] = [[[[*TREE, HOSTILE], value] for _, value in ask] for ask in words["asks"]]
    state["options"] = {**state["options"], "title": HOSTILE}
    state["status"] = HOSTILE
    state["inputs"] = [{"name": HOSTILE, "min": 0, "max": 1, "step": 0.1, "value": 0.5, "text": HOSTILE}]
    return state


@pytest.fixture(scope="module")
def hostile():
    return hostile_player_state()


def test_a_hostile_saved_stepper_runs_nothing_and_shows_the_words_as_text(page, hostile) -> None:
    mount(page, hostile)
    asks = [k for k, a in enumerate(hostile["words"]["asks"]) if a]
    assert asks, "the hostile stepper predicts: its forms are filled with hostile words too"
    page.locator(".bv-player").focus()
    for k in range(len(hostile["walk"]["heads"])):  # every frame, the predict forms too
        page.evaluate(f"() => widget.model.change('step', {k})")
        if k in asks:
            assert page.locator(".bv-predict-answer").count() > 0
            page.locator(".bv-predict-reveal").click()
    page.wait_for_timeout(200)  # an image's error would have fired by now
    result = page.evaluate(CHECK_JS)
    assert result["pwned"] is None and result["forbidden"] == []
    assert page.evaluate("() => widget.el.querySelector('.bv-player > style').textContent") == ""
    assert HOSTILE in result["text"]  # title, heading, status, the input's name: shown as typed
    assert page.locator(".bv-title").text_content() == HOSTILE
    assert HOSTILE in page.locator(".bv-viewport svg").text_content()  # the wire texts


def test_a_hostile_saved_quiz_runs_nothing(page) -> None:
    state = {
        "heading": HOSTILE,
        "rows": [{"name": "x", "label": [*TREE, HOSTILE]}, {"name": HOSTILE, "label": HOSTILE}],
        "typed": {"x": HOSTILE},
        "verdicts": {"x": [*TREE, HOSTILE], HOSTILE: HOSTILE},
        "steps_shown": {"x": HOSTILE, HOSTILE: [*TREE]},
    }
    mount(page, state, kind="quiz")
    page.wait_for_timeout(200)
    result = page.evaluate(CHECK_JS)
    assert result["pwned"] is None and result["forbidden"] == []
    assert page.locator(".bv-quiz-answer").first.input_value() == HOSTILE
    assert HOSTILE in page.locator(".bv-quiz-verdict").first.text_content()
