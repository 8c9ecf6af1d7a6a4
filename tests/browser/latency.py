"""Step latency in a page: from a key press (the event's own time stamp) to the new frame painted."""

from __future__ import annotations

import platform

from stepper_page import FRAME_KEY_JS, StepperView

# Installed in the page: on each arrow keydown, take the event's own time stamp (when the
# browser made it, so every handler's work counts), then poll once per animation frame until
# the visible frame's key (``frameKey(root)``) differs from the last frame seen. ``frame`` is the time until that
# animation frame has been rendered: a task posted from its requestAnimationFrame callback runs after
# the frame's style, layout and paint. It is posted as "user-blocking" (scheduler.postTask), so that
# it runs first after the frame: a plain message would wait behind the page's other tasks queued
# meanwhile (JupyterLab's websocket messages and timers), and count them as the frame's time.
# ``dom`` is the time to the DOM change (MutationObserver).
LATENCY_JS = """([rootSelector, frameKeySource]) => {
    const root = document.querySelector(rootSelector);
    const frameKey = new Function('root', 'return (' + frameKeySource + ')(root);');
    // One measurement at a time: the listener of an earlier one (another stepper of the page) would poll
    // its stepper, unchanged, on every animation frame for 5 s after each key, and slow this one down.
    if (window.__bvLatency) window.removeEventListener('keydown', window.__bvLatency.listener, true);
    const state = window.__bvLatency = {frame: [], dom: [], misses: 0, last: frameKey(root)};
    state.listener = (event) => {
        if (!['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'].includes(event.key)) return;
        const t0 = event.timeStamp;  // when the browser made the event: every handler of it counts
        // The frame shown before this key: a stepper that takes keys on their way down (window, capture)
        // may have changed the frame already, before this listener runs.
        const before = state.last;
        let domAt = frameKey(root) !== before ? performance.now() : null;
        const observer = new MutationObserver(() => {
            if (domAt === null && frameKey(root) !== before) domAt = performance.now();
        });
        observer.observe(root, {childList: true, subtree: true, attributes: true, characterData: true});
        const poll = () => {
            const now = performance.now();
            if (frameKey(root) !== before) {
                observer.disconnect();
                state.last = frameKey(root);
                const painted = () => {
                    state.dom.push((domAt ?? now) - t0);
                    state.frame.push(performance.now() - t0);
                };
                if (window.scheduler && scheduler.postTask) {
                    scheduler.postTask(painted, {priority: 'user-blocking'});
                } else {
                    const channel = new MessageChannel();
                    channel.port1.onmessage = painted;
                    channel.port2.postMessage(0);
                }
            } else if (now - t0 > 5000) {
                observer.disconnect();
                state.misses += 1;
                state.dom.push(null);
                state.frame.push(null);
            } else {
                requestAnimationFrame(poll);
            }
        };
        requestAnimationFrame(poll);
    };
    window.addEventListener('keydown', state.listener, true);
    return frameKey(root);
}"""


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def measure_step_latency(page, root_selector: str, frame_key_js: str, focus, steps: int, samples: int = 30) -> dict:
    """Press arrow keys on the focused step slider ``samples`` times; time each new frame.

    ``frame_key_js`` gives the visible frame's step number; ``focus()`` focuses the
    slider; ``steps`` is the number of frames, so the walk turns round at either
    end (a key press at an end would change nothing). A press that changes nothing
    within 5 s is a miss: its step and key are listed in ``missed``.
    """
    page.evaluate(LATENCY_JS, [root_selector, frame_key_js])
    focus()
    direction, missed = 1, []
    for i in range(samples):
        position = int(page.eval_on_selector(root_selector, f"root => ({frame_key_js})(root)"))
        if not 0 <= position + direction < steps:
            direction = -direction
        key = "ArrowRight" if direction > 0 else "ArrowLeft"
        page.keyboard.press(key)
        page.wait_for_function("n => window.__bvLatency.frame.length >= n", arg=i + 1, timeout=10_000)
        if page.evaluate(f"window.__bvLatency.frame[{i}] === null"):
            active = page.evaluate("document.activeElement && document.activeElement.className")
            missed.append({"step": position, "key": key, "focused": str(active)[:80]})
            focus()
    state = page.evaluate("(({frame, dom, misses}) => ({frame, dom, misses}))(window.__bvLatency)")
    frame = [v for v in state["frame"] if v is not None]
    dom = [v for v in state["dom"] if v is not None]
    assert frame, "no step key press changed the frame"

    def summary(values):
        return {
            "median": round(percentile(values, 50), 2),
            "p90": round(percentile(values, 90), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }

    return {
        "samples": len(frame),
        "misses": state["misses"],
        "missed": missed,
        "key_to_frame_ms": summary(frame),
        "key_to_dom_ms": summary(dom),
        "raw_key_to_frame_ms": [round(v, 2) for v in frame],
    }


# -- the stepper beside two baselines, in one JupyterLab page (a browser test and benchmark figure 1) --

# A stepper as one might first write it: the step slider's value goes to the kernel, which
# draws that step with Graphviz and sends the picture back. A baseline of the latency figure.
KERNEL_STEPPER = """
import ipywidgets as w

def kernel_stepper(g, css_class):
    slider = w.IntSlider(value=0, min=0, max=len(g.steps), description="step")
    picture = w.HTML()

    def show(change=None):
        svg = bv.render(g, slider.value).pipe(format="svg", encoding="utf-8")
        picture.value = f'<div class="bv-frame" data-step="{slider.value}">{svg}</div>'

    slider.observe(show, names="value")
    show()
    box = w.VBox([slider, picture])
    box.add_class(css_class)
    return box
"""

# The stepper as it was before its own front end: every frame's full SVG in an ipywidgets Stack,
# the step slider linked to it in the browser. The other baseline.
STACK_STEPPER = """
from backprop_viz.drawing.painter import FramePainter
from backprop_viz.drawing.step_states import step_states

def stack_stepper(g, css_class):
    painter = FramePainter(g)
    pages = [w.HTML(f'<div class="bv-frame" data-step="{k}">{painter.svg(f)}</div>')
             for k, f in enumerate(step_states(g))]
    stack = w.Stack(pages, selected_index=0)
    slider = w.IntSlider(value=0, min=0, max=len(pages) - 1, description="step")
    w.jslink((slider, "value"), (stack, "selected_index"))
    box = w.VBox([slider, stack])
    box.add_class(css_class)
    return box
"""

SIDE_BY_SIDE = {  # case: the graph, as notebook code
    "A1 q = x + y; f = q * z": 'bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)',
    "C2 2-2-1 network": (
        "network([2, 2, 1], weights=[0.1, 0.5, 0.4, 0.3, 0.2, 0.6], inputs=[0.23, 0.82], targets=[1.0]).graph"
    ),
    "C3 3-2-2 network": (
        "network([3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4, "
        "inputs=[1, 4, 5], targets=[0.1, 0.05]).graph"
    ),
}
CONTENDERS = {"ours": ".bv-slider", "stack": ".noUi-handle", "kernel": ".noUi-handle"}  # and what takes the keys
SCREEN = {"width": 1024, "height": 768}  # a projector's


def side_by_side(lab, samples: int = 80) -> dict:
    """Key press to new frame for the stepper, the stepper as it was (a Stack of full SVG frames) and a
    kernel-drawn stepper, on the graphs of ``SIDE_BY_SIDE``, in one page of ``lab`` (a ``Lab``); beside them
    the same stepper in the page ``to_html`` writes (no JupyterLab around it), in a tab of the same browser.
    Both pages at 1024x768, measured in turn for each graph."""
    cells = [
        "import backprop_viz as bv\nfrom backprop_viz.engine.networks import network",
        KERNEL_STEPPER,
        STACK_STEPPER,
    ]
    for k, graph in enumerate(SIDE_BY_SIDE.values()):
        cells.append(
            f"s{k} = bv.Stepper({graph}, sliders=False)\ns{k}.widget.add_class('bv-ours-{k}')\n"
            f"s{k}.to_html('latency-bare-{k}.html')\ns{k}"
        )
        cells.append(f"stack_stepper({graph}, 'bv-stack-{k}')")
        cells.append(f"kernel_stepper({graph}, 'bv-kernel-{k}')")
    page = lab.page
    page.set_viewport_size(SCREEN)
    lab.open(lab.write_notebook("latency-side-by-side.ipynb", *cells))
    lab.run_all(timeout=180)
    bare = page.context.browser.new_context(viewport=SCREEN, device_scale_factor=1).new_page()
    results = {}
    for k, case in enumerate(SIDE_BY_SIDE):
        ours = StepperView(page, f".bv-ours-{k}")
        ours.locator(".bv-slider").wait_for(state="visible", timeout=30_000)
        frames = ours.last_step() + 1
        row = {}
        page.bring_to_front()
        for who, target in CONTENDERS.items():
            view = StepperView(page, f".bv-{who}-{k}")
            page.wait_for_selector(f"{view.root} .bv-frame svg", state="visible", timeout=30_000)
            view.locator().scroll_into_view_if_needed()
            view.focus_slider(target)
            page.keyboard.press("Home")
            view.wait_step(0)
            row[who] = measure_step_latency(
                page, view.root, FRAME_KEY_JS, lambda v=view, t=target: v.focus_slider(t), steps=frames, samples=samples
            )
        bare.goto((lab.server.root / f"latency-bare-{k}.html").as_uri())
        bare.bring_to_front()
        view = StepperView(bare)
        bare.wait_for_selector(f"{view.root} .bv-frame svg", state="visible", timeout=30_000)
        view.focus_slider(".bv-slider")
        bare.keyboard.press("Home")
        view.wait_step(0)
        row["bare"] = measure_step_latency(
            bare, view.root, FRAME_KEY_JS, lambda v=view: v.focus_slider(".bv-slider"), steps=frames, samples=samples
        )
        results[case] = {
            "frames": frames,
            "stepper": row["ours"],
            "bare_page": row["bare"],
            "stack_stepper": row["stack"],
            "kernel_stepper": row["kernel"],
        }
    bare.context.close()
    browser = page.context.browser
    return {
        "what": "ArrowRight/ArrowLeft on the step slider to the new frame painted, at 1024x768, in one JupyterLab "
        "page: the stepper (the diagram drawn once, each frame's texts and states set in the browser) beside "
        "the stepper as it was (every frame's SVG in an ipywidgets Stack) and a stepper whose kernel "
        "draws each step with Graphviz; and the stepper in the page to_html writes, in the same browser",
        "browser": f"{browser.browser_type.name} {browser.version} (headless)",
        "jupyterlab": __import__("jupyterlab").__version__,
        "ipywidgets": __import__("ipywidgets").__version__,
        "machine": platform.platform(),
        "cases": results,
    }
