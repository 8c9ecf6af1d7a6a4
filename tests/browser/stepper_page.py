"""Reading and driving a stepper in a browser page: the visible frame, the step controls.

Shared by the JupyterLab, Notebook 7 and exported-HTML tests. A stepper is the
element with class ``bv-stepper`` (a network view ``bv-network-view``); inside it,
``.bv-player`` holds the controls, ``div.bv-frame[data-step]`` the frame shown, its
``.bv-viewport`` the diagram.
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the chromium_browser fixture reports the missing package
    PlaywrightTimeout = TimeoutError

import backprop_viz as bv
from backprop_viz.drawing.layout import GATE_NAME_FONT
from backprop_viz.drawing.step_states import step_states
from backprop_viz.drawing.words import frame_title

# The frame a stepper shows, as plain data.
FRAME_STATE_JS = """(root) => {
    const frames = [...root.querySelectorAll('.bv-frame')].filter(f => f.checkVisibility());
    if (frames.length !== 1) return {visible: frames.length};
    const f = frames[0];
    const svg = f.querySelector('svg');
    const nodeClass = g => [...g.classList].filter(c => /^bv-n\\d+$/.test(c));
    const rows = [...f.querySelectorAll('.bv-table tr')].filter(r => r.checkVisibility());
    return {
        visible: 1,
        step: Number(f.dataset.step),
        node: f.dataset.node,
        phase: f.dataset.phase,
        title: (f.querySelector('.bv-title') || {}).textContent,
        explanation: (f.querySelector('.bv-explanation') || {}).textContent || '',
        svgClass: svg ? svg.getAttribute('class') : null,
        nodes: svg ? [...svg.querySelectorAll('g.node')].flatMap(nodeClass) : [],
        current: svg ? [...svg.querySelectorAll('g.node.bv-current')].flatMap(nodeClass) : [],
        texts: svg ? [...svg.querySelectorAll('text')].map(t => t.textContent.trim()) : [],
        table: rows.map(r => [...r.cells].map(c => c.textContent.trim())),
    };
}"""

# The key of the frame shown, for the latency measurement (latency.measure_step_latency).
# With one frame element (the stepper, a kernel-drawn stepper) its key is read without asking where it is
# on screen: checkVisibility() would make the browser recalculate style and layout inside the key's own
# handlers, work the measurement would then have added to the page's. A Stack of frames needs it.
FRAME_KEY_JS = """(root) => {
    const all = root.querySelectorAll('.bv-frame');
    const f = all.length === 1 ? all[0] : [...all].find(e => e.checkVisibility());
    return f ? f.dataset.step : null;
}"""

# How the diagram sits in its output area: sizes in CSS pixels, the smallest text as drawn on screen.
# The fit of a stepper's diagram. Its text is measured without the gates' small captions (mul1, written
# at GATE_NAME_FONT under a gate's symbol, for reading at a desk): ``minCaption`` gives their size.
FIT_JS = """(root) => {
    const player = root.querySelector('.bv-player') || root;
    const viewport = player.querySelector('.bv-viewport'), svg = viewport.querySelector('svg');
    const isCaption = t => Number(t.getAttribute('font-size')) === CAPTION_PT;
    const texts = [...svg.querySelectorAll('text')].filter(t => !isCaption(t));
    const sizes = texts.filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height);
    const scale = svg.getBoundingClientRect().width / Number(svg.viewBox.baseVal.width);
    const fonts = texts.map(t => Number(t.getAttribute('font-size')) * scale);
    const captions = [...svg.querySelectorAll('text')].filter(isCaption).map(t => CAPTION_PT * scale);
    return {
        minCaption: captions.length ? Math.min(...captions) : null,
        area: player.getBoundingClientRect().width,
        viewport: viewport.clientWidth,
        svg: svg.getBoundingClientRect().width,
        zoom: Number(player.dataset.zoom),
        zoomed: player.classList.contains('bv-zoomed'),
        minText: Math.min(...fonts),
        minTextBox: Math.min(...sizes),
    };
}""".replace("CAPTION_PT", str(GATE_NAME_FONT))

# The highlighted node lies inside the diagram's viewport, sideways and up/down (true when there is none).
CURRENT_IN_VIEW_JS = """sel => {
    const root = document.querySelector(sel);
    const box = root.querySelector('.bv-viewport'), node = box.querySelector('g.node.bv-current');
    if (!node) return true;
    const a = box.getBoundingClientRect(), b = node.getBoundingClientRect();
    return b.left >= a.left - 1 && b.right <= a.right + 1 && b.top >= a.top - 1 && b.bottom <= a.bottom + 1;
}"""


@dataclass(frozen=True)
class Expected:
    """What frame ``k`` of a stepper must show: its node id, title and wire texts."""

    node: str
    title: str
    texts: frozenset[str]


def expected_frames(source: str, **values: float) -> list[Expected]:
    """Computed by the package in this process, never typed in."""
    s = bv.Stepper(source, **values)
    count = len(s.graph.steps) + 1
    out = []
    for f in step_states(s.graph):
        texts = frozenset(t for t in (*f.edge_value, *f.edge_grad, *f.edge_note) if t)
        out.append(Expected(f.node.id if f.node is not None else "", frame_title(f, count), texts))
    s.close()
    return out


def check_frame(state: dict, k: int, frames) -> None:
    """The visible frame is frame ``k``: its node, title, highlighted node and wire texts."""
    want = frames[k]
    assert state["visible"] == 1 and state["step"] == k, state
    assert state["node"] == want.node
    assert state["title"] == want.title
    assert state["current"] == ([f"bv-{want.node}"] if want.node else [])
    missing = want.texts - set(state["texts"])
    assert not missing, f"frame {k}: the diagram lacks {sorted(missing)}; it shows {state['texts']}"
    assert state["explanation"].strip(), f"frame {k} has no explanation"


class StepperView:
    """One stepper in a page, found by a CSS selector for its root."""

    def __init__(self, page, root: str = ".bv-stepper"):
        self.page = page
        self.root = root

    def state(self) -> dict:
        return self.page.eval_on_selector(self.root, FRAME_STATE_JS)

    def wait_step(self, k: int, timeout: float = 10_000) -> dict:
        """Wait until frame ``k`` is the one visible frame; returns its state."""
        try:
            self.page.wait_for_function(
                f"""([sel, k]) => {{
                    const root = document.querySelector(sel);
                    const s = root && ({FRAME_STATE_JS})(root);
                    return s && s.visible === 1 && s.step === k;
                }}""",
                arg=[self.root, k],
                timeout=timeout,
            )
        except PlaywrightTimeout:
            state = {key: v for key, v in self.state().items() if key in ("visible", "step", "node", "title")}
            focused = self.page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
            raise AssertionError(
                f"frame {k} did not show within {timeout / 1000:g} s: {state}; focus on {focused}"
            ) from None
        return self.state()

    def focus_slider(self, target: str = ".bv-slider") -> None:
        """Focus the step slider (the keyboard's target), and check it has the focus."""
        locator = self.locator(target)
        locator.focus()
        assert locator.evaluate("e => e === document.activeElement"), f"{target} did not take the focus"

    def last_step(self) -> int:
        return int(self.locator(".bv-slider").get_attribute("max"))

    def fit(self) -> dict:
        return self.locator().evaluate(FIT_JS)

    def set_input(self, name: str, value: float) -> None:
        """Move the input slider of ``name`` to ``value``, as a drag would (the range input's input event)."""
        self.locator(f'.bv-inputs input[data-name="{name}"]').evaluate(
            "(e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', {bubbles: true})); }", value
        )

    def wait_text(self, text: str, timeout: float = 30_000) -> dict:
        """Wait until the visible diagram shows ``text`` on some wire; returns the frame's state."""
        self.page.wait_for_function(
            f"""([sel, text]) => {{
                const root = document.querySelector(sel);
                const s = root && ({FRAME_STATE_JS})(root);
                return s && s.visible === 1 && s.texts.includes(text);
            }}""",
            arg=[self.root, text],
            timeout=timeout,
        )
        return self.state()

    def wait_math(self, timeout: float = 20_000) -> None:
        """Wait until the frame's explanation shows its math: a stacked fraction, drawn by the stepper's CSS."""
        self.page.wait_for_function(
            """sel => {
                const f = [...document.querySelector(sel).querySelectorAll('.bv-frame')].find(e => e.checkVisibility());
                const frac = f && f.querySelector('.bv-explanation .bv-frac');
                return frac !== null && getComputedStyle(frac).flexDirection === 'column';
            }""",
            arg=self.root,
            timeout=timeout,
        )

    def wait_play_stopped(self, timeout: float = 5_000) -> None:
        """Wait until play has stopped (one interval after the last frame): its button says play again."""
        self.page.wait_for_function(
            "sel => !document.querySelector(sel).querySelector('.bv-player').classList.contains('bv-playing')",
            arg=self.root,
            timeout=timeout,
        )

    def locator(self, selector: str = ""):
        """The first element matching ``selector`` inside the (first) stepper; the stepper itself when empty."""
        root = self.page.locator(self.root).first
        return root.locator(selector).first if selector else root
