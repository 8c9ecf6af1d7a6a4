"""Rendering a widget in the component tests' page, and reading a widget's state as the kernel sends it."""

from __future__ import annotations

import json


def mount(page, state: dict, kind: str = "player", *, shadow: bool = False, width: int | None = None) -> None:
    """Render a widget with ``state`` (as the kernel sends it) in ``page`` (in a shadow root with ``shadow``;
    ``width``: of its output area, in CSS pixels)."""
    page.evaluate(
        "([kind, state, shadow, width]) => mount(kind, state, { shadow, width })",
        [kind, json.loads(json.dumps(state)), shadow, width],
    )


def widget_state(widget) -> dict:
    """A widget's state as the kernel sends it (its traits' to_json applied), through JSON."""
    names = [n for n in widget.keys if not n.startswith("_") and n not in ("layout", "tabbable", "tooltip")]
    return json.loads(json.dumps(widget.get_state(names), allow_nan=False))
