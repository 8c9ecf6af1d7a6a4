"""A step state put into the diagram drawn once: the text of each of the skeleton's slots, the state of
each of its elements, or the whole SVG of the frame (for files and static pictures).

:class:`FramePainter` is the :class:`~backprop_viz.drawing.template.GateTemplate` of a graph that knows
where each token's words come from in a :class:`~backprop_viz.drawing.step_states.StepState`.
"""

from __future__ import annotations

from .step_states import StepState
from .template import GateTemplate
from .wire import KNOWN, STATE_CLASSES


class FramePainter(GateTemplate):
    """SVG frames of one graph, from a template drawn once by Graphviz: a frame is the template with each
    token replaced, by a list lookup and a join."""

    def finish(self, svg: str) -> None:
        """Turn the drawn template into the skeleton, and note what each frame looks up, by position."""
        super().finish(svg)
        g, tokens = self.graph, self.tokens
        element = self._element = tokens.element  # element key (node id, wire key) -> element index
        self._node_elements = [(element[n.id], n.index) for n in g.nodes if n.id in element]
        self._edge_elements = [(element[w.key], k) for k, w in enumerate(self.layout.edges) if w.key in element]
        self._text_refs = [(int(source), i) for source, i in tokens.text_specs]  # plain ints: faster lookups
        self._slot_refs = [self._text_refs[k] for k in self.skeleton.slots]
        self._skeleton_elements = [tokens.text_specs[k][1] for k in self.skeleton.elements]

    def _states(self, frame: StepState) -> list[int]:
        """The state of each element this frame (nodes by id, wires by key; anything else KNOWN)."""
        state = [KNOWN] * len(self._element)
        node_state, edge_state = frame.node_state, frame.edge_state
        for el, i in self._node_elements:
            state[el] = node_state[i]
        for el, k in self._edge_elements:
            state[el] = edge_state[k]
        return state

    @staticmethod
    def _sources(frame: StepState, state: list[int]) -> tuple:
        """Where each token's text comes from this frame, in the order of
        :class:`~backprop_viz.drawing.template.Source` (``state``: each element's, for the state tokens)."""
        return frame.edge_value, frame.edge_grad, frame.edge_note, frame.node_note, [STATE_CLASSES[s] for s in state]

    def slot_texts(self, frame: StepState) -> list[str]:
        """The text of each of the skeleton's slots this frame (not escaped: the browser sets it as text)."""
        sources = self._sources(frame, [])
        return [sources[source][i] for source, i in self._slot_refs]

    def element_states(self, frame: StepState) -> list[int]:
        """The state of each of the skeleton's elements this frame."""
        state = self._states(frame)
        return [state[el] for el in self._skeleton_elements]

    def element_of(self, node_id: str) -> int:
        """The skeleton's element index of the node with this id (-1: not drawn with a state)."""
        el = self._element.get(node_id)
        return self._skeleton_elements.index(el) if el in self._skeleton_elements else -1

    def svg(self, frame: StepState) -> str:
        """The SVG text of one frame, every colour written out (for files and static pictures)."""
        state = self._states(frame)
        sources = self._sources(frame, state)
        return self.template.fill([sources[source][i] for source, i in self._text_refs], state)
