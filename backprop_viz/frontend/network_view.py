"""A neuron-level picture of a small network: forward layer by layer, then the deltas backward layer by layer.

    view = NetworkView(net)      # net from backprop_viz.engine.networks.network(...)
    view                         # displays: play, step slider, the network drawn by Graphviz, the explanation

What each frame shows is :mod:`~backprop_viz.drawing.network_states` (its words
:mod:`~backprop_viz.drawing.network_words`); the picture is
:mod:`~backprop_viz.drawing.network_draw`. The rest is the stepper's: the drawing becomes a skeleton
the browser keeps (``dot`` in the kernel, or the browser's Graphviz where the kernel has
none), each frame only its texts and states, and the player steps, plays, zooms and presents
in the browser without waiting for the kernel.
"""

from __future__ import annotations

import traitlets

from ..drawing.frame import Frame, network_frame
from ..drawing.network_draw import NetworkPainter, check_network_size
from ..drawing.network_states import network_states
from ..drawing.network_words import legend, table_skeleton
from ..drawing.skeleton import state_css
from ..drawing.theme import colours, drawn_theme, theme_choice, themes_shown
from ..engine.networks import Network
from ..engine.numbers import fmt
from .browser_graphviz import SvgDrawing, graphviz_place
from .notebook import made_here
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


class NetworkView(Player):
    """Step through a network neuron by neuron: values forward, deltas backward (see the module docstring).

    ``theme`` is "light" or "dark"; ``predict=True``: each backward step hides the deltas and
    ∂E/∂w it computes until the student types them (or asks to see the step); ``scale`` sizes
    the picture (0.75: its natural size at a notebook's width) and, above 1, the words too;
    ``step`` is the frame it opens at (-1: the last). Keys, zoom and present are the stepper's.
    Like a :class:`~backprop_viz.frontend.stepper.Stepper`, the view is the widget itself.
    """

    def __init__(
        self,
        net: Network,
        *,
        scale: float = 0.75,
        step: int = 0,
        title: str | None = None,
        interval: int = 1200,
        theme: str = "auto",
        predict: bool = False,
    ) -> None:
        from ..engine.errors import number_from, text_or_none, whole_number

        scale = number_from(scale, "scale", 0.25, 4, "times the natural size")
        step, title = whole_number(step, "step"), text_or_none(title, "title")
        interval = round(number_from(interval, "interval", MIN_INTERVAL, MAX_INTERVAL, "milliseconds between frames"))
        check_network_size(net)  # at once, before anything is drawn
        place = graphviz_place()  # a clear message now if Graphviz is missing
        self.net, self.scale, self.theme, self.predict = net, scale, theme_choice(theme), predict
        self._drawn_theme = drawn_theme(self.theme).name  # the colours of the legend's strokes
        self.title = title or f"{'-'.join(map(str, net.sizes))} network, E = {fmt(net.error)}"
        self.frames = network_states(net)
        self._painter: NetworkPainter | None = None
        last = len(self.frames) - 1
        self._closed = False
        super().__init__(
            step=min(max(step if step >= 0 else last + 1 + step, 0), last),  # step=-1: the last frame
            options={
                "title": self.title,
                "interval": interval,
                "scale": max(scale, 1),  # the words: never smaller than the page's (the picture is scaled itself)
                "predict": predict,
                "min_text": MIN_TEXT_PX,
                "open_text": OPEN_TEXT_PX,
            },
        )
        painter = NetworkPainter(net, self.frames, self._drawn_theme, scale, defer=place == "browser")
        if place == "kernel":
            self._drawn(painter)
        else:  # no dot in the kernel: the browser's Graphviz draws, then _drawn_in_browser()
            self._pending = painter
            drawing = SvgDrawing(painter.source, self._drawn_in_browser)
            self.widget.draw_in_browser(drawing, {"kind": "network", "theme": self.theme})
        self.widget.add_class("bv-network-view")
        made_here(self)  # a notebook cell run again closes what it made before
        self._picture: bytes | None = None

    def _drawn_in_browser(self, svg: str) -> None:
        """The browser's Graphviz has drawn the picture: finish it, then as :meth:`_drawn`."""
        self._pending.finish(svg)
        self._drawn(self._pending)
        self._pending = None

    def _drawn(self, painter: NetworkPainter) -> None:
        """The picture is drawn: send it and the frames."""
        self._painter = painter
        walk, words = encode([self._content(k) for k in range(len(self.frames))])
        with self.widget.hold_sync():
            self.widget.view = self._view()
            self.widget.walk, self.widget.words = walk, words

    def _check_drawn(self) -> None:
        if self._painter is None:
            raise RuntimeError(
                "this network view is still being laid out in the browser (the kernel has no Graphviz); "
                "run this again once it shows"
            )

    def _view(self) -> dict:
        sk = self._painter.skeleton
        used = {kind for kind, _ in self._painter.colour_specs}
        css = [
            state_css(f"bv-theme-{t.name}", {k: c for k, c in colours(t).items() if k in used})
            for t in themes_shown(self.theme)
        ]
        theme = self._painter.theme  # "auto": the legend's strokes coloured by player.css, in the theme shown
        strokes = (None, None) if self.theme == "auto" else (theme.positive, theme.negative)
        return {
            "kind": "network",
            "theme": self.theme,
            **diagram_view(sk, 12 * 4 / 3 * self.scale),
            "table": table_skeleton(self.net, len(sk.slots), len(sk.elements)),
            "legend": legend(*strokes),
            "css": "".join(css),
        }

    def frame(self, k: int | None = None) -> Frame:
        """What frame ``k`` (default: the one shown) shows: its texts, states, title and explanation."""
        return self._content(self.step if k is None else k)

    def _content(self, k: int) -> Frame:
        self._check_drawn()
        return network_frame(self.net, self._painter, self.frames[k], len(self.frames), predict=self.predict)

    def element_of(self, key: str) -> int:
        """Where the neuron or weight ``key`` (``h_a``, ``w1``) is among a frame's ``states`` (-1: none)."""
        self._check_drawn()
        return self._painter.element_of(key)

    def svg(self, k: int | None = None) -> str:
        """The SVG text of frame ``k`` (default: the one shown), every colour written out."""
        self._check_drawn()
        return self._painter.svg(self.frames[self.step if k is None else k])

    def close(self) -> None:
        """Close this view's widget (it cannot be shown again)."""
        super().close()
        self._closed = True

    @traitlets.validate("step")
    def _valid_step(self, proposal: traitlets.Bunch) -> int:
        k = proposal["value"]
        if not 0 <= k < len(self.frames):
            raise IndexError(f"step {k} is out of range: 0 to {len(self.frames) - 1}")
        return k

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"NetworkView({'-'.join(map(str, self.net.sizes))} network: {len(self.frames)} frames)"

    def picture(self) -> bytes:
        """The last frame (every value and delta) as a PNG, for where widgets cannot run (needs ``dot``)."""
        if self._picture is None:
            painter = (
                self._painter
                if self._painter is not None
                else NetworkPainter(self.net, self.frames, self._drawn_theme, defer=True)
            )
            self._picture = compact_png(painter.png(self.frames[-1], self.scale), colours=16)
        return self._picture

    def _repr_mimebundle_(self, **kwargs) -> dict | tuple[dict, dict]:
        if self._closed:
            return {"text/plain": repr(self) + " (closed: make a new one to show it again)"}
        bundle, metadata = widget_bundle(super()._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = repr(self)
        bundle = with_picture(bundle, self.picture)
        return (bundle, metadata) if metadata else bundle  # Colab: the metadata names its widget manager
