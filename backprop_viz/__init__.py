"""backprop_viz: step through backpropagation, one gate at a time.

    import backprop_viz as bv
    g = bv.expr("q = x + y; f = q * z", x=-2, y=5, z=-4)
    g.value, g.grad("x")          # -12.0, -4.0
    g.steps[-1].explanation       # '∂f/∂x = ∂f/∂q · ∂q/∂x = (-4)(1) = -4'

Where things live: ``ops`` (the gates), ``var`` (building graphs in Python),
``parser`` (expression strings), ``graph`` (the graph and its passes),
``steps`` (the recorded steps and their explanations).
"""

from .deck import compare
from .errors import ExpressionError
from .graph import Graph, GradientCheck, Node, trace
from .numbers import fmt
from .ops import FUNCTIONS, Op
from .parser import expr
from .steps import BackwardStep, Contribution, ForwardStep, Step
from .var import Group, Var, maximum, minimum, variables

__all__ = [
    "BackwardStep", "Contribution", "ExpressionError", "FUNCTIONS", "ForwardStep", "GradientCheck", "Graph",
    "Group", "Node", "Op", "Step", "Var", "compare", "expr", "fmt", "maximum", "minimum", "trace", "variables",
]
