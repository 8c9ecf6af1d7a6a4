"""The stepper: play, step slider, previous/next, input sliders, over pre-rendered frames.

Stepping never waits for the kernel: every frame is rendered in advance into a
``Stack`` of HTML widgets, and the step slider, the play button and the
previous/next buttons are linked to it in the browser (``jslink`` and a few
lines of JavaScript). Moving an input slider re-runs the graph in the kernel
and refreshes every frame, keeping the current step.
"""

from __future__ import annotations

import math
from pathlib import Path

import ipywidgets as w
import numpy as np

from .draw import FramePainter, theme_of
from .export import save_frames, standalone_html
from .frame_html import STYLE, frame_html
from .frames import Frame, frames_of
from .graph import Graph
from .layout import dot_program
from .parser import expr

Show = str  # "both" | "forward" | "backward"

# Previous/next move the step slider in the page itself: they press its arrow keys.
_NAV = """<span class="bv-nav">
<button class="bv-prev jupyter-button" title="previous step" onclick="{js}('ArrowLeft')">◀ back</button>
<button class="bv-next jupyter-button" title="next step" onclick="{js}('ArrowRight')">next ▶</button></span>"""
# _PRESS is a format() argument, not part of the template: its braces stay single.
_PRESS = (
    "(function(b){return function(key){var h=b.closest('.bv-stepper').querySelector('.bv-step-slider "
    ".noUi-handle');if(h){h.dispatchEvent(new KeyboardEvent('keydown',{key:key,bubbles:true}));}}})(this)"
)


MAX_SLIDER = 1e12  # beyond this, an input gets no slider


def slider_range(value: float) -> tuple[float, float, float]:
    """A symmetric range around 0 that holds ``value`` with room to move: (min, max, step)."""
    reach = max(1.0, 2 * abs(value))
    exponent = math.floor(math.log10(reach))
    for m in (1, 2, 5, 10):
        if m * 10**exponent >= reach:
            top = m * 10**exponent
            break
    return (-float(top), float(top), top / 100)


class Stepper:
    """Step through a graph's forward and backward pass, one gate at a time.

        s = Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)
        s                      # displays: play, step slider, ◀ ▶, diagram, explanation, table, input sliders
        s.step = 7             # jump to a step;   s.set(x=1)  re-runs with a new input
        s.save("a1.gif"); s.save("a1.pdf"); s.to_html("a1.html")

    ``show`` is "both", "forward" or "backward"; ``sliders`` None (one per scalar
    input), False (none), a list of input names (only those) or {name: (min, max, step)}
    to choose ranges;
    ``scale`` enlarges the diagram and its text (projectors); ``theme`` is "light" or "dark";
    ``step`` is the frame it opens at (-1: the last).
    """

    def __init__(
        self,
        graph: Graph | str,
        *,
        sliders: dict | list | bool | None = None,
        show: Show = "both",
        scale: float = 1.0,
        theme: str = "light",
        table: bool = True,
        step: int = 0,
        title: str | None = None,
        interval: int = 900,
        **values: float,
    ) -> None:
        if not isinstance(graph, Graph | str):
            raise TypeError(f"a Stepper steps through an expression string or a Graph, not {type(graph).__name__}")
        if isinstance(graph, str):
            source = graph
            graph = expr(graph, **values)
        elif values:
            raise TypeError("input values go with an expression string; for a Graph use graph.set(...) first")
        else:
            source = None
        if show not in ("both", "forward", "backward"):
            raise ValueError(f"show must be 'both', 'forward' or 'backward', not {show!r}")
        dot_program()  # a clear message now if Graphviz is missing
        self.graph = graph
        self.show, self.scale, self.theme, self.table = show, scale, theme_of(theme).name, table
        self.interval = interval
        self.title = title or source or f"{graph.output_label}: {len(graph.forward_steps)} gates"
        self._painter = FramePainter(graph, self.theme, scale)
        self._closed = False
        self._frames = self._shown(frames_of(graph))
        self._html = [self._frame_html(f) for f in self._frames]
        last = len(self._frames) - 1
        start = min(max(step if step >= 0 else last + 1 + step, 0), last)  # step=-1: the last frame
        self._stack = w.Stack([w.HTML(value=h) for h in self._html], selected_index=start)
        self._slider = w.IntSlider(
            value=start, min=0, max=last, description="step", continuous_update=True, layout=w.Layout(width="420px")
        )
        self._slider.add_class("bv-step-slider")
        self._play = w.Play(value=start, min=0, max=last, interval=interval, description="play", show_repeat=False)
        self._nav = w.HTML(_NAV.format(js=_PRESS))
        self._links = [
            w.jslink((self._play, "value"), (self._slider, "value")),
            w.jslink((self._slider, "value"), (self._stack, "selected_index")),
        ]
        self._inputs = self._input_sliders(sliders)
        self._status = w.HTML("")
        self._updating = False
        controls = w.HBox([self._play, self._nav, self._slider])
        heading = w.HTML(f"<style>{STYLE}</style><b class='bv-heading'>{_escape(self.title)}</b>")
        children = [heading, controls, self._stack]
        if self._inputs:
            children.append(w.HBox(list(self._inputs.values()), layout=w.Layout(flex_flow="row wrap")))
        children.append(self._status)
        self.widget = w.VBox(children)
        self.widget.add_class("bv-stepper")

    # -- frames --------------------------------------------------------------------------------
    def _shown(self, frames: list[Frame]) -> list[Frame]:
        forward = len(self.graph.forward_steps)
        if self.show == "forward":
            return frames[: forward + 1]
        if self.show == "backward":
            return frames[forward:]
        return frames

    def _frame_html(self, frame: Frame) -> str:
        svg = self._painter.svg(frame)
        return frame_html(self.graph, frame, svg, len(self.graph.steps) + 1, with_table=self.table, scale=self.scale)

    def _refresh(self) -> None:
        self._frames = self._shown(frames_of(self.graph))
        html = [self._frame_html(f) for f in self._frames]
        for widget, old, new in zip(self._stack.children, self._html, html, strict=True):
            if old != new:
                widget.value = new
        self._html = html

    # -- inputs --------------------------------------------------------------------------------
    def _input_sliders(self, sliders: dict | list | bool | None) -> dict[str, w.FloatSlider]:
        if sliders is False:
            return {}
        chosen = sliders if isinstance(sliders, dict) else {}
        only = set(sliders) if isinstance(sliders, list | tuple) else None
        unknown = (set(chosen) | (only or set())) - {n.name for n in self.graph.inputs}
        if unknown:
            raise ValueError(f"no input named {', '.join(sorted(unknown))} in this graph")
        out = {}
        small = len(self._frames) <= 60
        for node in self.graph.inputs:
            if not node.name or not isinstance(node.value, float):
                continue  # vectors and matrices have no slider
            if only is not None and node.name not in only:
                continue
            if not (math.isfinite(node.value) and abs(node.value) <= MAX_SLIDER):
                continue  # inf, nan or astronomically large: nothing sensible to slide
            low, high, step = chosen.get(node.name, slider_range(node.value))
            slider = w.FloatSlider(
                value=node.value,
                min=low,
                max=high,
                step=step,
                description=node.name,
                continuous_update=small,
                readout_format=".4g",
                layout=w.Layout(width="300px"),
            )
            slider.observe(self._on_slider, names="value")
            out[node.name] = slider
        return out

    def _on_slider(self, change: dict) -> None:
        if self._updating:
            return
        name = next(n for n, s in self._inputs.items() if s is change["owner"])
        try:
            self.set(**{name: change["new"]})
        except Exception as err:  # a student's slider must never break the notebook
            self._status.value = f"<span style='color:#cc0000'>⚠ {_escape(str(err))}</span>"

    def set(self, **values: float) -> None:
        """New input values: re-run forward and backward and refresh every frame, keeping the step."""
        self._check_open()
        self.graph.set(**values)
        self._updating = True
        try:
            for name, value in values.items():
                slider = self._inputs.get(name)
                if slider is None or not isinstance(value, int | float | np.integer | np.floating):
                    continue
                value = float(value)
                if math.isfinite(value) and abs(value) <= MAX_SLIDER:
                    slider.min, slider.max = min(slider.min, value), max(slider.max, value)
                    slider.value = value
        finally:
            self._updating = False
        self._refresh()
        self._status.value = ""

    # -- stepping --------------------------------------------------------------------------------
    @property
    def step(self) -> int:
        """The frame shown: 0 is the inputs alone, the last one shows every gradient."""
        return self._slider.value

    @step.setter
    def step(self, k: int) -> None:
        self._check_open()
        if not 0 <= k < len(self._frames):
            raise IndexError(f"step {k} is out of range: 0 to {len(self._frames) - 1}")
        self._slider.value = k
        self._play.value = k
        self._stack.selected_index = k

    @property
    def frames(self) -> list[Frame]:
        return list(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    # -- output ----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """.svg or .png: the current frame; .gif: every frame animated; .pdf: one page per frame."""
        self._check_open()
        return save_frames(
            self.graph,
            self._frames,
            len(self.graph.steps) + 1,
            path,
            current=self.step,
            scale=self.scale,
            theme=self.theme,
            interval_ms=self.interval,
            svg=self._painter.svg(self._frames[self.step]),
        )

    def to_html(self, path: str | Path) -> Path:
        """One self-contained HTML file that steps in any browser, with no kernel and no network."""
        self._check_open()
        count = len(self.graph.steps) + 1
        divs = [
            frame_html(self.graph, f, self._painter.svg(f), count, with_table=self.table, scale=self.scale)
            for f in self._frames
        ]
        path = Path(path)
        path.write_text(
            standalone_html(self.title, divs, self.step, theme=self.theme, interval_ms=self.interval), encoding="utf-8"
        )
        return path

    def close(self) -> None:
        """Close every widget of this stepper (it cannot be shown again)."""
        for link in self._links:
            link.close()
        close_widgets(self.widget)
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this stepper was closed; make a new one with bv.Stepper(...)")

    def __repr__(self) -> str:
        return f"Stepper({self.title}: {len(self._frames) - 1} steps, show={self.show})"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        if self._closed:
            return {"text/plain": repr(self) + " (closed: make a new one to show it again)"}
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        # A still picture of the current step where widgets cannot run (a notebook viewed on GitHub).
        bundle["image/svg+xml"] = self._painter.svg(self._frames[self.step])
        return bundle


def close_widgets(widget: w.Widget) -> None:
    """Close a widget, its children, and the layout and style widgets each of them owns."""
    for child in getattr(widget, "children", ()):
        close_widgets(child)
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if isinstance(owned, w.Widget):
            owned.close()
    widget.close()


def _escape(text: str) -> str:
    import html

    return html.escape(text)
