"""The quiz's browser side with a fake model: its heading and labels as trees, an answer sent on Enter,
the verdict and the step's explanation the kernel sends back."""

from __future__ import annotations

import backprop_viz as bv
from components.component_page import mount, widget_state


def test_the_quiz_sends_answers_and_shows_verdicts_and_hints(page) -> None:
    g = bv.expr("f = x * y", x=2, y=3)
    quiz = bv.quiz(g, ask=["x", "y"])
    state = widget_state(quiz.widget)
    quiz.check("x", "3")
    quiz.show_step("x")
    answered = widget_state(quiz.widget)
    quiz.close()
    mount(page, state, kind="quiz")
    assert page.locator(".bv-quiz-heading b").text_content().startswith("Your turn")
    assert page.locator(".bv-quiz-label").first.text_content() == "∂f/∂x ="
    box = page.locator(".bv-quiz-answer").first
    box.fill("3")
    box.press("Enter")
    assert {"answer": "x", "text": "3"} in page.evaluate("() => widget.model.sent")
    page.locator(".bv-quiz-show").first.click()
    assert page.evaluate("() => widget.model.sent.at(-1)") == {"show": "x", "on": True}
    for name in ("verdicts", "steps_shown"):
        page.evaluate("([name, value]) => widget.model.change(name, value)", [name, answered[name]])
    assert page.locator(".bv-quiz-verdict .bv-quiz-right").first.text_content() == "✓ right: 3"
    assert page.locator(".bv-quiz-hint .bv-frac").count() > 0  # the step's math, built from its tree
