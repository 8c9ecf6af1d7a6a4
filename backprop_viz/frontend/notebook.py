"""What importing backprop_viz does in a notebook's kernel, and only there.

* Pictures are sent as compact PNGs (:mod:`backprop_viz.frontend.small_png`).
* A cell that runs again closes the steppers, network views and quizzes it made the time before:
  their widgets would otherwise stay alive in the kernel, one set per run, for as long as it lives.
  A cell is known by its id, or, where the front end sends none (older front ends, a terminal), by its
  text: running the same text again is running the same cell again.
"""

from __future__ import annotations

import hashlib
import sys
import weakref
from typing import Protocol

from .small_png import compact_message


class Closable(Protocol):
    def close(self) -> None: ...


_running: dict[str, object] = {"cell": None, "run": 0}  # the cell being run now (None: not a notebook's cell)
_made: dict[str, tuple[int, list[weakref.ref]]] = {}  # by cell: the run that made them, what it made


def before_cell(info: object) -> None:
    """IPython's ``pre_run_cell`` event: a cell starts a run, known by ``info.cell_id`` or else by its text
    (``info.raw_cell``); None when there is neither."""
    cell_id, text = getattr(info, "cell_id", None), getattr(info, "raw_cell", None)
    if cell_id is None and isinstance(text, str):
        cell_id = "text:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    _running["cell"] = cell_id
    _running["run"] = int(_running["run"]) + 1


def made_here(thing: Closable) -> None:
    """Note that the running cell made ``thing``; what the same cell made in an earlier run is closed now."""
    cell = _running["cell"]
    if cell is None:
        return
    run, things = _made.get(cell, (-1, []))
    if run != _running["run"]:
        for ref in things:
            old = ref()
            if old is not None:
                old.close()
        things = []
    things.append(weakref.ref(thing))
    _made[cell] = (int(_running["run"]), things)


def install() -> None:
    """Hook into the running IPython, once; outside IPython (a script, the tests) nothing happens.

    A running IPython has imported itself already: a script that never did is not made to load it.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return
    shell = ipython.get_ipython()
    if shell is None or getattr(shell, "_backprop_viz_hooks", False):
        return
    shell._backprop_viz_hooks = True
    shell.events.register("pre_run_cell", before_cell)
    publisher = getattr(shell, "display_pub", None)
    if hasattr(publisher, "register_hook"):
        publisher.register_hook(compact_message)
