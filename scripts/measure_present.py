"""The smallest diagram text of the big notebook steppers in present mode, at a projector's 1024x768.

Builds the steppers as the notebooks make them (their code, copied), writes each as a to_html page,
opens it in Chromium, presses present and measures the smallest text of the diagram's slots (and the
same in the whole-diagram overview, key o). Run: PYTHONPATH=. .venv/bin/python scripts/measure_present.py
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

import backprop_viz as bv
from backprop_viz.engine.networks import network
from backprop_viz.frontend.network_view import NetworkView
from backprop_viz.frontend.page import standalone_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from chromium import CHROMIUM_ARGS, find_chromium  # noqa: E402

MEASURE_JS = """() => {
  const root = document.querySelector('.bv-player'), svg = root.querySelector('.bv-viewport svg');
  const scale = svg.getScreenCTM().a;
  const sizes = [...svg.querySelectorAll('text[data-s]')].map(t => Number(t.getAttribute('font-size')) * scale);
  const all = [...svg.querySelectorAll('text[font-size]')].map(t => Number(t.getAttribute('font-size')) * scale);
  const v = root.querySelector('.bv-viewport').getBoundingClientRect();
  return { least: Math.min(...sizes), any: Math.min(...all), width: Math.round(v.width), height: Math.round(v.height) };
}"""


def net_2_2_1():
    return network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0])


def net_3_2_2():
    return network(
        [3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4,
        inputs=[1, 4, 5], targets=[0.1, 0.05],
    )  # fmt: skip


def example_iv():
    rng = np.random.default_rng(19)
    x = bv.Var(rng.normal(size=3).round(2), name="x")
    w1 = bv.Var(rng.normal(size=(4, 3)).round(2), name="W1")
    b1 = bv.Var(rng.normal(size=4).round(2), name="b1")
    w2 = bv.Var(rng.normal(size=4).round(2), name="W2")
    b2 = bv.Var(round(float(rng.normal()), 2), name="b2")
    a1 = (w1 @ x + b1).named("z1").relu().named("a1")
    return bv.trace((w2 @ a1 + b2).named("z2").sigmoid().named("a2"))


def four_pixel_view():
    horizontal = [1.0, 1.0, -1.0, -1.0]  # notebook 11's 'horizontal +' image, its pixels in a row
    net = network([4, 5, 4], seed=2, use_biases=True).set(inputs=horizontal, targets=[0, 0, 0, 1.0])
    return NetworkView(net, scale=0.6, title="4-5-4 network before training, the horizontal image")


A3 = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
SOFTMAX = "q = exp(s) / sum(exp(s)); H = -sum(p * log(q))"
SCORES = np.array([1.87, 1.3, 0.56])  # notebook 07: scores[:, 0], the apple example
STEPPERS: list[tuple[str, Callable[[], object]]] = [
    ("13 3-2-2 network, gate by gate", lambda: bv.Stepper(net_3_2_2().graph, table=False, title="3-2-2")),
    ("12 2-2-1 network, gate by gate", lambda: bv.Stepper(net_2_2_1().graph, title="2-2-1")),
    ("16 2-2-1 network, forward then backward", lambda: bv.Stepper(net_2_2_1().graph, title="16")),
    ("15 Example IV, vector network", lambda: bv.Stepper(example_iv(), title="Example IV")),
    ("07 softmax and cross entropy", lambda: bv.Stepper(bv.expr(SOFTMAX, s=SCORES, p=np.array([1.0, 0, 0])))),
    (
        "06 ‖W x‖², W @ x",
        lambda: bv.Stepper(
            bv.expr("q = W @ x; f = sumsq(q)", W=np.array([[0.1, 0.5], [-0.3, 0.8]]), x=np.array([0.2, 0.4]))
        ),
    ),  # fmt: skip
    (
        "06 ‖W x‖² with scalars only",
        lambda: bv.Stepper(
            bv.expr(
                "q1 = W11*x1 + W12*x2; q2 = W21*x1 + W22*x2; f = q1**2 + q2**2",
                W11=0.1,
                W12=0.5,
                W21=-0.3,
                W22=0.8,
                x1=0.2,
                x2=0.4,
            ),
            sliders=False,
        ),
    ),  # fmt: skip
    (
        "03 σ as four gates (expand=True)",
        lambda: bv.Stepper(bv.expr("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, **A3)),
    ),
    ("11 4-5-4 network view", four_pixel_view),
    ("a small circuit: q = x + y; f = q * z", lambda: bv.Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)),
]


def page_of(made, path: Path) -> None:
    if isinstance(made, bv.Stepper):
        made.to_html(path)
    else:
        state = made.widget.get_state(["view", "walk", "words", "step", "options"])
        path.write_text(standalone_html(made.title, {**state, "inputs": []}, theme="light"), encoding="utf-8")


def main() -> None:
    from playwright.sync_api import sync_playwright

    shots = Path(tempfile.mkdtemp(prefix="present-"))
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        for name, make in STEPPERS:
            path = shots / (name.split()[0] + "-" + str(len(rows)) + ".html")
            page_of(make(), path)
            page.goto(path.as_uri())
            page.wait_for_selector(".bv-viewport svg")
            page.locator(".bv-present").click()
            page.wait_for_timeout(300)
            page.locator(".bv-player").focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            present = page.evaluate(MEASURE_JS)
            page.screenshot(path=str(path.with_suffix(".png")))
            page.keyboard.press("o")
            whole = page.evaluate(MEASURE_JS)
            page.screenshot(path=str(path.with_suffix(".whole.png")))
            rows.append((name, present, whole))
        browser.close()
    print("| stepper | values and gradients in present | any text (gate names) | in the overview (o) | diagram area |")
    print("|---|---|---|---|---|")
    for name, present, whole in rows:
        area = f"{present['width']}×{present['height']} px"
        least, any_text, overview = present["least"], present["any"], whole["least"]
        print(f"| {name} | {least:.1f} px | {any_text:.1f} px | {overview:.1f} px | {area} |")
    print("screenshots:", shots, file=sys.stderr)


if __name__ == "__main__":
    main()
