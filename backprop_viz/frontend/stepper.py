"""The stepper: a graph's forward and backward pass, one gate at a time, stepped in the browser.

The kernel draws the graph once (Graphviz, through :class:`~backprop_viz.drawing.painter.FramePainter`)
and sends the browser that drawing plus, for every frame, only the texts and states that
change (:mod:`backprop_viz.frontend.player`). Stepping, play, zoom and presenting never wait for
the kernel. Moving an input slider re-runs the graph in the kernel and sends new numbers.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import traitlets as t

from ..drawing.frame import Frame, gate_frame
from ..drawing.layout import WIRE_FONT, Layout, check_layout_size, dot_program, layout_of
from ..drawing.painted import diagram
from ..drawing.painter import FramePainter
from ..drawing.pictures import Shown, save_frames
from ..drawing.skeleton import state_css
from ..drawing.step_states import StepState, step_states
from ..drawing.theme import drawn_theme, gate_colours, theme_choice, themes_shown
from ..drawing.words import LEGEND, table_data
from ..engine.errors import number_from, text_or_none, whole_number, yes_or_no
from ..engine.graph import Graph
from ..engine.parser import expr
from .browser_graphviz import BrowserDrawing, graphviz_place
from .notebook import made_here
from .page import standalone_html
from .player import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    MIN_TEXT_PX,
    OPEN_TEXT_PX,
    Player,
    diagram_view,
    encode,
    widget_bundle,
    with_picture,
)
from .small_png import compact_png

MAX_SLIDER = 1e12  # beyond this, an input gets no slider
PICTURE_SCALE = 0.7  # the still picture (GitHub, an untrusted notebook): its wire labels about 11 px, readable


def nice_step(reach: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``2 * reach`` into about 200 steps."""
    exponent = math.floor(math.log10(reach))
    for m in (1, 2, 5, 10):
        if m * 10**exponent >= reach:
            return m * 10**exponent / 100
    return 10 ** (exponent + 1) / 100  # not reached


def slider_range(value: float) -> tuple[float, float, float]:
    """A range around 0 that holds ``value`` with room to move: (min, max, step), ``value`` on its grid."""
    reach = max(1.0, 2 * abs(value))
    step = nice_step(reach)
    top = step * 100
    return on_grid(value, -top, top, step)


def on_grid(value: float, low: float, high: float, step: float) -> tuple[float, float, float]:
    """(low, high, step) moved so that ``value`` lies exactly on the grid ``low + k * step``, within the range."""
    low, high = min(low, value), max(high, value)
    below = math.floor((value - low) / step + 1e-9)
    above = math.floor((high - value) / step + 1e-9)
    return (_tidy(value - below * step), _tidy(value + above * step), step)


def _tidy(x: float) -> float:
    return float(f"{x:.12g}")


def graph_and_source(graph: Graph | str, values: dict[str, float]) -> tuple[Graph, str | None]:
    """What a stepper steps through: an expression string's graph (with its input ``values``) and the string,
    or a graph given (and None)."""
    if isinstance(graph, str):
        return expr(graph, **values), graph
    if not isinstance(graph, Graph):
        raise TypeError(f"a Stepper steps through an expression string or a Graph, not {type(graph).__name__}")
    if values:
        raise TypeError("input values go with an expression string; for a Graph use graph.set(...) first")
    return graph, None


class Stepper(Player):
    """Step through a graph's forward and backward pass, one gate at a time.

        s = Stepper("q = x + y; f = q * z", x=-2, y=5, z=-4)
        s                      # displays: play, ◀ ▶, step slider, zoom, diagram, explanation, table, input sliders
        s.step = 7             # jump to a step;   s.set(x=1)  re-runs with a new input
        s.save("a1.gif"); s.save("a1.pdf"); s.to_html("a1.html")

    In the browser: ← → (or Page Up/Down, as presentation clickers send) step, Home/End
    jump, space plays; "fit", "−", "+", "100%" zoom; "present" fills the screen.
    ``show`` is "both", "forward" or "backward"; ``sliders`` None (one per scalar
    input), False (none), a list of input names (only those) or {name: (min, max, step)}
    to choose ranges; ``scale`` enlarges the diagram and its text (projectors);
    ``theme`` is "auto" (the host's: JupyterLab's, VS Code's, marimo's or the page's light or dark),
    "light" or "dark"; ``step`` is the frame it opens at (-1: the last).
    ``predict=True``: each backward step hides the gradients it computes until the student
    types them (or asks to see the step); the browser checks the answer, no kernel needed.

    A stepper is the widget itself (a :class:`~backprop_viz.frontend.player.Player`): it goes wherever a
    widget does, ``mo.ui.anywidget(s)`` in marimo or ``ipywidgets.VBox([s, ...])``.
    """

    def __init__(
        self,
        graph: Graph | str,
        *,
        sliders: dict | list | bool | None = None,
        show: str = "both",
        scale: float = 1.0,
        theme: str = "auto",
        table: bool = True,
        step: int = 0,
        title: str | None = None,
        interval: int = 900,
        predict: bool = False,
        **values: float,
    ) -> None:
        g, source = graph_and_source(graph, values)
        if show not in ("both", "forward", "backward"):
            raise ValueError(f"show must be 'both', 'forward' or 'backward', not {show!r}")
        self.graph, self.show, self.theme, step = g, show, theme_choice(theme), whole_number(step, "step")
        self.scale = number_from(scale, "scale", 0.25, 4, "times the natural size")
        self.interval = round(
            number_from(interval, "interval", MIN_INTERVAL, MAX_INTERVAL, "milliseconds between frames")
        )
        self.table, self.predict = yes_or_no(table, "table"), yes_or_no(predict, "predict")
        self.title = text_or_none(title, "title") or source or f"{g.output_label}: {len(g.forward_steps)} gates"
        self._drawn_theme = drawn_theme(self.theme).name  # pictures made in the kernel
        place = graphviz_place()  # a clear message now if Graphviz is missing
        check_layout_size(g)  # before any frame is made, wherever the diagram is laid out
        self._closed, self._picture = False, (-1, b"")
        self._frames, self._version = self._shown(step_states(g)), g.version
        self._slider_specs = self._input_specs(sliders)
        self._painter = FramePainter(g, self._drawn_theme, self.scale) if place == "kernel" else None
        drawn = {"view": self._view(), **self._encoded()} if self._painter else {}  # else the browser draws it
        start, inputs = self._start(step), self._inputs_now()
        super().__init__(on_set=self._on_set, **drawn, step=start, inputs=inputs, options=self._options())
        self.widget.add_class("bv-stepper")
        if self._painter is None:  # no dot in the kernel: the browser's Graphviz draws, then _drawn_in_browser()
            drawing = BrowserDrawing(g, self._template_source, self._drawn_in_browser)
            self.widget.draw_in_browser(drawing, {"kind": "stepper", "theme": self.theme})
        made_here(self)  # a notebook cell run again closes what it made before

    def _start(self, step: int) -> int:
        """The frame a stepper opens at: ``step`` within range, counted from the end when negative (-1: the last)."""
        last = len(self._frames) - 1
        return min(max(step if step >= 0 else last + 1 + step, 0), last)

    def _options(self) -> dict:
        """How the player shows the frames (sent once)."""
        return {
            "title": self.title,
            "interval": self.interval,
            "scale": self.scale,
            "predict": self.predict,
            "min_text": MIN_TEXT_PX,
            "open_text": OPEN_TEXT_PX,
        }

    # -- what the browser gets -------------------------------------------------------------------
    def _template_source(self, layout: Layout) -> str:
        """The DOT text of the diagram at ``layout`` (the browser's), for the browser's Graphviz to draw."""
        self._pending = FramePainter(self.graph, self._drawn_theme, self.scale, layout=layout, defer=True)
        return self._pending.source

    def _drawn_in_browser(self, svg: str) -> None:
        """The browser's Graphviz has drawn the diagram: send it and the frames."""
        self._pending.finish(svg)
        self._painter, self._pending = self._pending, None
        with self.widget.hold_sync():
            self.widget.view = self._view()
            for name, value in self._encoded().items():
                setattr(self.widget, name, value)

    def _check_drawn(self) -> None:
        if self._painter is None:
            raise RuntimeError(
                "this stepper's diagram is still being laid out in the browser (the kernel has no Graphviz); "
                "run this again once the stepper shows"
            )

    def _shown(self, frames: list[StepState]) -> list[StepState]:
        forward = len(self.graph.forward_steps)
        if self.show == "forward":
            return frames[: forward + 1]
        if self.show == "backward":
            return frames[forward:]
        return frames

    def _view(self) -> dict:
        """The drawing and the table, sent once."""
        sk = self._painter.skeleton
        table = table_data(self.graph, len(sk.slots), len(sk.elements)) if self.table else ""
        return {
            "kind": "stepper",
            "theme": self.theme,
            **diagram_view(sk, WIRE_FONT * 4 / 3 * self.scale),
            "table": table,
            "legend": LEGEND.format(f=html.escape(self.graph.output_label)),
            "css": "".join(state_css(f"bv-theme-{t.name}", gate_colours(t)) for t in themes_shown(self.theme)),
            "columns": self._painter.layout.columns,
        }

    def _frame(self, state: StepState, position: int) -> Frame:
        """Step state ``state``, shown as step ``position`` of this stepper (with ``show``, not all steps are)."""
        self._check_drawn()
        count = len(self._frames)
        return gate_frame(self.graph, self._painter, state, position, count, table=self.table, predict=self.predict)

    def _encoded(self) -> dict:
        walk, words = encode([self._frame(f, k) for k, f in enumerate(self._frames)])
        return {"walk": walk, "words": words}

    def _refresh(self) -> None:
        """Send the browser the frames of the graph as it is now (after an input changed)."""
        self._frames = self._shown(step_states(self.graph))
        self._version = self.graph.version
        if (
            self._painter is None
        ):  # still being drawn in the browser: _drawn_in_browser() sends the frames as they are then
            self.widget.inputs = self._inputs_now()
            return
        with self.widget.hold_sync():
            for name, value in self._encoded().items():
                setattr(self.widget, name, value)  # only what changed is sent
            self.widget.inputs = self._inputs_now()

    # -- inputs --------------------------------------------------------------------------------
    def _input_specs(self, sliders: dict | list | bool | None) -> dict[str, tuple[float, float, float]]:
        """The range of each input that gets a slider: {name: (min, max, step)}."""
        if sliders is False:
            return {}
        if isinstance(sliders, str):
            sliders = [sliders]
        chosen = sliders if isinstance(sliders, dict) else {}
        only = set(sliders) if isinstance(sliders, list | tuple) else None
        unknown = (set(chosen) | (only or set())) - {n.name for n in self.graph.inputs}
        if unknown:
            raise ValueError(f"no input named {', '.join(sorted(unknown))} in this graph")
        out = {}
        for node in self.graph.inputs:
            if not node.name or not isinstance(node.value, float):
                continue  # vectors and matrices have no slider
            if only is not None and node.name not in only:
                continue
            if not (math.isfinite(node.value) and abs(node.value) <= MAX_SLIDER):
                continue  # inf, nan or astronomically large: nothing sensible to slide
            if node.name in chosen:
                low, high, step = map(float, chosen[node.name])
                if not (math.isfinite(low) and math.isfinite(high) and step > 0 and low < high):
                    raise ValueError(f"slider range for {node.name} must be (min, max, step) with min < max, step > 0")
                out[node.name] = on_grid(node.value, low, high, step)
            else:
                out[node.name] = slider_range(node.value)
        return out

    def _inputs_now(self) -> list[dict]:
        """Each slider's range and the input's value now (the range grows to hold a value set from code)."""
        specs = []
        for name, (low, high, step) in self._slider_specs.items():
            actual = float(self.graph.node(name).value)
            value = actual  # where the slider's handle goes; its readout always says the input's value
            if not math.isfinite(value) or abs(value) > MAX_SLIDER:
                value = min(max(value, low), high) if not math.isnan(value) else low
            low, high, step = on_grid(value, low, high, step)
            self._slider_specs[name] = (low, high, step)
            specs.append({"name": name, "min": low, "max": high, "step": step, "value": value, "text": f"{actual:.6g}"})
        return specs

    def _on_set(self, values: dict) -> None:
        """An input slider moved in the browser: a student's slider must never break the notebook."""
        try:
            self.set(**{k: float(v) for k, v in values.items() if k in self._slider_specs})
        except Exception as err:
            self.widget.status = f"⚠ {err}"

    def set(self, **values: float) -> None:
        """New input values: re-run forward and backward and send every frame again, keeping the step."""
        self._check_open()
        self.graph.set(**values)
        self._refresh()
        self.widget.status = ""

    @property
    def sliders(self) -> dict[str, tuple[float, float, float]]:
        """The input sliders shown: {name: (min, max, step)}."""
        return dict(self._slider_specs)

    # -- stepping --------------------------------------------------------------------------------
    @t.validate("step")
    def _valid_step(self, proposal: t.Bunch) -> int:
        """``step`` (the frame shown: 0 is the inputs alone, the last one shows every gradient) within range."""
        k = proposal["value"]
        self._check_open()
        k = whole_number(k, "step")
        if not 0 <= k < len(self._frames):
            raise IndexError(f"step {k} is out of range: 0 to {len(self._frames) - 1}")
        return k

    @property
    def frames(self) -> list[StepState]:
        """The step state of each frame shown: the states and numbers of the graph's nodes and wires."""
        self._sync()
        return list(self._frames)

    def frame(self, k: int | None = None) -> Frame:
        """What frame ``k`` (default: the one shown) shows: its texts, states, title and explanation."""
        self._sync()
        k = self.step if k is None else k
        return self._frame(self._frames[k], k % len(self._frames))

    def element_of(self, node_id: str) -> int:
        """Where the node with this id (``n3``) is among a frame's ``states`` (-1: it has no state there)."""
        return self._painter.element_of(node_id)

    def svg(self, k: int | None = None) -> str:
        """The SVG of frame ``k`` (default: the one shown), every colour written out, as ``save`` writes it."""
        self._sync()
        return self._painter.svg(self._frames[self.step if k is None else k])

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called: the widget is gone and the stepper cannot be shown again."""
        return self._closed

    def __len__(self) -> int:
        return len(self._frames)

    def _sync(self) -> None:
        """Catch up with a graph changed behind the stepper's back (g.set(...) after making it)."""
        if self.graph.version != self._version and not self._closed:
            self._refresh()

    # -- output ----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """.svg or .png: the current frame; .gif: every frame animated; .pdf: one page per frame."""
        self._check_open()
        if Path(path).suffix.lower() in (".png", ".gif", ".pdf"):
            dot_program()  # drawn by dot in the kernel: a clear message where there is none
        self._check_drawn()
        self._sync()
        shown = Shown(self.graph, self._frames, scale=self.scale, theme=self._drawn_theme, interval_ms=self.interval)
        return save_frames(shown, path, current=self.step, svg=self.svg())

    def to_html(self, path: str | Path) -> Path:
        """One self-contained HTML file that steps in any browser, with no kernel and no network."""
        self._check_open()
        self._check_drawn()
        self._sync()
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"to_html writes an .html file, not {path.name!r} (for pictures use save())")
        state = {
            **self.widget.get_state(["view", "walk", "words"]),  # as the widget sends them: words as trees
            "step": self.step,
            "inputs": [],
            "options": self.widget.options,
            "status": "",
        }
        path.write_text(standalone_html(self.title, state, theme=self.theme), encoding="utf-8")
        return path

    def picture(self) -> bytes:
        """The worked circuit (the last frame: every value and gradient) as a PNG, for where widgets cannot run."""
        self._sync()
        if self._picture[0] != self.graph.version:
            dot_program()  # drawn by dot in the kernel (GraphvizMissing: the widget is shown without it)
            scale = picture_scale(self.graph, PICTURE_SCALE * self.scale)
            png = diagram(self.graph, self._frames[-1].index, scale=scale, theme=self._drawn_theme).pipe(format="png")
            self._picture = (self.graph.version, compact_png(png, colours=16))
        return self._picture[1]

    def close(self) -> None:
        """Close this stepper's widget (it cannot be shown again)."""
        super().close()
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this stepper was closed; make a new one with bv.Stepper(...)")

    def __repr__(self) -> str:
        return f"Stepper({self.title}: {len(self._frames) - 1} steps, show={self.show})"

    def _repr_mimebundle_(self, **kwargs) -> dict | tuple[dict, dict]:
        if self._closed:
            return {"text/plain": repr(self) + " (closed: make a new one to show it again)"}
        self._sync()
        bundle, metadata = widget_bundle(super()._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = repr(self)
        bundle = with_picture(bundle, self.picture)
        return (bundle, metadata) if metadata else bundle  # Colab: the metadata names its widget manager


MAX_PICTURE_PIXELS = 2_000_000  # the still picture of a wide graph is drawn smaller: 14261×5321 px took 8 s


def picture_scale(g: Graph, scale: float) -> float:
    """``scale``, or less where the picture would have more than ``MAX_PICTURE_PIXELS`` pixels."""
    x0, y0, x1, y1 = layout_of(g).canvas
    pixels = (x1 - x0) * (y1 - y0) * (96 * scale / 72) ** 2  # points, at 96 dpi × scale
    return scale * min(1.0, math.sqrt(MAX_PICTURE_PIXELS / pixels)) if pixels > 0 else scale
