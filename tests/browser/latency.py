"""Step latency in a page: from a key press (the event's own time stamp) to the new frame painted."""

from __future__ import annotations

# Installed in the page: on each arrow keydown, take the event's own time stamp (when the
# browser made it, so every handler's work counts), then poll once per animation frame until
# the visible frame's key (``frameKey(root)``) differs from the last frame seen. ``frame`` is the time until that
# animation frame has been rendered: a message posted from its requestAnimationFrame
# callback is delivered after the frame's style, layout and paint. ``dom`` is the time
# to the DOM change (MutationObserver).
LATENCY_JS = """([rootSelector, frameKeySource]) => {
    const root = document.querySelector(rootSelector);
    const frameKey = new Function('root', 'return (' + frameKeySource + ')(root);');
    const state = window.__bvLatency = {frame: [], dom: [], misses: 0, last: frameKey(root)};
    window.addEventListener('keydown', (event) => {
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
                const channel = new MessageChannel();
                channel.port1.onmessage = () => {
                    state.dom.push((domAt ?? now) - t0);
                    state.frame.push(performance.now() - t0);
                };
                channel.port2.postMessage(0);
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
    }, true);
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
    state = page.evaluate("window.__bvLatency")
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
