"""A notebook's text as this repository commits it: nbformat's own layout (keys sorted, one space of
indent), except that each saved widget's traits are written one trait a line.

nbformat puts every number of a list on a line of its own, indented to its depth; a stepper's saved
state (its diagram's element states, frame by frame) then takes about half again the bytes of the
data itself. Written compactly, one trait a line, the file stays the same JSON to every reader
(Jupyter, nbval, nbdime) and a diff still shows which trait of which widget changed.
"""

from __future__ import annotations

import json

import nbformat

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def writes(nb: nbformat.NotebookNode) -> str:
    """``nb`` as JSON text: ``nbformat.writes`` but for the saved widgets' traits, each on one line."""
    return _dumps(json.loads(nbformat.writes(nb)), 0, ())  # nbformat's form first: sources as lists of lines


def _compact(path: tuple) -> bool:
    """Whether the value at ``path`` is a saved widget's trait: metadata.widgets.<mime>.state.<id>.state.<trait>."""
    return len(path) == 7 and path[:2] == ("metadata", "widgets") and path[2] == WIDGET_STATE and path[5] == "state"


def _dumps(value: object, depth: int, path: tuple) -> str:
    if _compact(path):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    inner = " " * (depth + 1)
    if isinstance(value, dict) and value:
        items = (
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dumps(value[k], depth + 1, (*path, k))}"
            for k in sorted(value)
        )
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    if isinstance(value, list) and value:
        items = (f"{inner}{_dumps(v, depth + 1, (*path, k))}" for k, v in enumerate(value))
        return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"
    return json.dumps(value, ensure_ascii=False)
