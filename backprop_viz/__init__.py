"""backprop_viz: step through backpropagation, one gate at a time.

    import backprop_viz as bv
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    g.value, g.grad("x")          # -12.0, -4.0
    g.steps[-1].explanation       # '∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4'

Where things live: ``ops`` (the gates), ``var`` (building graphs in Python),
``parser`` (expression strings), ``graph`` (the graph and its passes),
``steps`` (the recorded steps and their explanations), ``layout`` (where nodes go, once),
``frames`` (what each frame shows), ``draw`` (Graphviz diagrams and SVG frames), ``stepper``
(the widget), ``export`` (GIF, PDF, standalone HTML), ``quiz`` (exercises), ``deck`` (deck tables).
"""

from . import notebook as _notebook
from .deck import compare
from .draw import render
from .errors import ExpressionError, GraphTooLarge
from .graph import GradientCheck, Graph, Node, trace
from .layout import GraphvizMissing
from .network_view import NetworkView
from .networks import Network, network
from .numbers import fmt
from .ops import FUNCTIONS, Op
from .parser import expr
from .quiz import Quiz, quiz
from .stepper import Stepper
from .steps import BackwardStep, Contribution, ForwardStep, Step
from .var import Group, Var, maximum, minimum, variables

_notebook.install()  # in a notebook's kernel only: compact PNGs, re-run cells close their old widgets

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
