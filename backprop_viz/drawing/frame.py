"""The drawing's last stage: the one :class:`Frame` the front end reads, for a stepper and a network view alike.

A frame is a step's state (``step_states.py``, ``network_states.py``) put into the slots and elements of
the picture drawn once (``painter.py``, ``network_draw.py``), with its heading and words (``words.py``,
``network_words.py``). :func:`backprop_viz.frontend.player.encode` sends frames to the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.graph import Graph
from ..engine.networks import Network
from . import network_words, words
from .network_draw import NetworkPainter
from .network_states import NetworkState
from .painter import FramePainter
from .step_states import StepState
from .wire import CURRENT


@dataclass(frozen=True)
class Frame:
    """What one frame shows: the slots' texts, the elements' states, its heading and its words."""

    texts: list[str]
    states: list[int]
    phase: str  # "start", "forward" or "backward"
    title: str
    note: str  # the explanation, as HTML
    node: str = ""  # the id of the highlighted node ("" for none)
    focus: int = -1  # the element the view follows (-1: none)
    asks: tuple[tuple[str, float], ...] = ()  # predict mode: what the student predicts first (label as HTML, value)


def gate_frame(
    g: Graph, painter: FramePainter, state: StepState, position: int, count: int, *, table: bool, predict: bool
) -> Frame:
    """Step state ``state`` of ``g``, shown as step ``position`` of a stepper's ``count`` frames (with ``show``,
    not every step is shown); ``table``: with the table of nodes; ``predict``: what the student predicts."""
    texts, states = painter.slot_texts(state), painter.element_states(state)
    if table:
        texts += words.table_texts(g, state)
        states += words.table_states(g, state)
    node = state.node
    return Frame(
        texts,
        states,
        words.frame_phase(state, position),
        words.frame_title(state, count, position),
        words.explanation(g, state, position),
        node.id if node is not None else "",
        painter.element_of(node.id) if node is not None else -1,
        words.asks(g, state) if predict else (),
    )


def network_frame(net: Network, painter: NetworkPainter, state: NetworkState, count: int, *, predict: bool) -> Frame:
    """Network state ``state``, one of ``count``; ``predict``: with what the student predicts."""
    current = [n for n, s in state.node_state.items() if s == CURRENT]
    return Frame(
        painter.slot_texts(state) + network_words.table_texts(net, state),
        painter.element_states(state) + network_words.table_states(net, state),
        state.phase,
        f"Step {state.index} of {count - 1}: {state.title}",
        network_words.explanation(state),
        current[0] if current else "",
        painter.element_of(current[0]) if current else -1,
        state.asks if predict else (),
    )
