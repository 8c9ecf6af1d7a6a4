"""backprop_viz: step through backpropagation, one gate at a time.

    import backprop_viz as bv
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    g.value, g.grad("x")          # -12.0, -4.0
    g.steps[-1].explanation       # '∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4'

Four parts, one folder each (the README's "How it is built" draws them): ``engine`` (the graph,
its passes and steps; ``engine/reference.py`` is the backward pass in its shortest form, to read
first), ``drawing`` (from steps to frames, in stages), ``frontend`` (the widgets and their browser
side) and ``course`` (deck tables, plots, the site). Importing the package loads the engine alone;
``bv.Stepper``, ``bv.render``, ``bv.NetworkView``, ``bv.quiz`` load the rest when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .engine.errors import ExpressionError, GraphTooLarge
from .engine.graph import GradientCheck, Graph
from .engine.networks import Network, network
from .engine.node import Node
from .engine.numbers import fmt
from .engine.ops import FUNCTIONS, Op
from .engine.parser import expr
from .engine.steps import BackwardStep, Contribution, ForwardStep, Step
from .engine.var import Group, Var, maximum, minimum, trace, variables
from .frontend import notebook as _notebook

# Drawing (Graphviz) and widgets (anywidget, ipywidgets) load when first used: computing a gradient
# imports neither. ``tests/test_layering.py`` keeps it so.
_LAZY = {
    "GraphvizMissing": "drawing.layout",
    "NetworkView": "frontend.network_view",
    "Quiz": "frontend.quiz",
    "quiz": "frontend.quiz",
    "compare": "course.deck",
    "Stepper": "frontend.stepper",
    "render": "frontend.picture",
}

if TYPE_CHECKING:
    from .course.deck import compare
    from .drawing.layout import GraphvizMissing
    from .frontend.network_view import NetworkView
    from .frontend.picture import render
    from .frontend.quiz import Quiz, quiz
    from .frontend.stepper import Stepper


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


_notebook.install()  # in a notebook's kernel only: compact PNGs, re-run cells close their old widgets

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it from here

__all__ = [
    "BackwardStep",
    "Contribution",
    "ExpressionError",
    "FUNCTIONS",
    "ForwardStep",
    "GradientCheck",
    "Graph",
    "GraphTooLarge",
    "GraphvizMissing",
    "Group",
    "Network",
    "NetworkView",
    "Node",
    "Op",
    "Quiz",
    "Step",
    "Stepper",
    "Var",
    "compare",
    "expr",
    "fmt",
    "maximum",
    "minimum",
    "network",
    "quiz",
    "render",
    "trace",
    "variables",
]
