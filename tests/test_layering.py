"""The package's layers: the engine stands alone, the drawing needs no widgets.

engine   ops, var, parser, graph, steps, numbers, errors (and names, notation, which they use; answers)
drawing  layout, frames, draw, skeleton, frame_html, export, network_frames, network_draw, wire:
         Graphviz, no widget library
widgets  player, stepper, quiz_widget, network_view, browser_graphviz: anywidget and ipywidgets

``import backprop_viz`` loads the engine; the drawing and the widgets load when first used.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import backprop_viz

PACKAGE = Path(backprop_viz.__file__).parent
ENGINE = {"ops", "var", "parser", "graph", "steps", "numbers", "errors", "names", "notation", "reference", "answers"}
DRAWING = {"layout", "frames", "draw", "skeleton", "frame_html", "export", "network_frames", "network_draw", "wire"}
WIDGETS = {"player", "stepper", "quiz_widget", "network_view", "browser_graphviz"}
WIDGET_LIBRARIES = {"anywidget", "ipywidgets", "traitlets", "IPython", "ipykernel", "comm"}
HEAVY = WIDGET_LIBRARIES | {"graphviz", "matplotlib", "PIL", "pypdf"}


def imports(module: str, *, nested: bool) -> set[str]:
    """What ``backprop_viz/<module>.py`` imports: ``.graph`` as "graph", ``numpy.linalg`` as "numpy".

    With ``nested``, also the imports inside functions; otherwise those of the module's top level.
    """
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    statements = ast.walk(tree) if nested else tree.body
    names = set()
    for node in statements:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
    return names


def test_the_layers_name_every_module() -> None:
    others = {"__init__", "deck", "networks", "notebook", "figures", "quiz", "plots", "site", "safe_html", "project"}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == ENGINE | DRAWING | WIDGETS | others


@pytest.mark.parametrize("module", sorted(ENGINE))
def test_the_engine_imports_only_the_engine_numpy_and_the_standard_library(module: str) -> None:
    outside = imports(module, nested=True) - ENGINE - {"numpy", "__future__"} - sys.stdlib_module_names
    assert not outside, f"{module}.py imports {sorted(outside)}"


@pytest.mark.parametrize("module", sorted(DRAWING))
def test_the_drawing_imports_no_widgets(module: str) -> None:
    widgets = imports(module, nested=False) & (WIDGETS | WIDGET_LIBRARIES)
    assert not widgets, f"{module}.py imports {sorted(widgets)}"


def loaded_after(code: str) -> set[str]:
    """The modules a fresh Python has loaded after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_a_gradient_loads_neither_drawing_nor_widgets() -> None:
    loaded = loaded_after(
        "import backprop_viz as bv\n"
        "g = bv.expr('f = sigmoid(w * x + b)', w=2.0, x=-1.0, b=0.5)\n"
        "assert g.check_gradients().ok() and g.steps[-1].explanation\n"
        "x, y = bv.variables(x=3.0, y=-1.0); bv.trace(x * y + x.exp()).grads()\n"
        "bv.network([2, 2, 1], weights=[0.1] * 6, inputs=[1, 0], targets=[1]).grads()"
    )
    assert {m.split(".")[0] for m in loaded} & HEAVY == set()
    package = {m.removeprefix("backprop_viz.") for m in loaded if m.startswith("backprop_viz.")}
    assert package & (DRAWING | WIDGETS) == set()


def test_drawing_loads_no_widget_library() -> None:
    loaded = loaded_after(
        "import backprop_viz.draw, backprop_viz.export, backprop_viz.frame_html, backprop_viz.network_draw"
    )
    assert "graphviz" in loaded
    assert {m.split(".")[0] for m in loaded} & WIDGET_LIBRARIES == set()


def test_the_lazy_names_load_on_first_use() -> None:
    loaded = loaded_after("import backprop_viz as bv\nbv.Stepper, bv.render, bv.NetworkView, bv.GraphvizMissing")
    assert {"backprop_viz.stepper", "backprop_viz.draw", "anywidget"} <= loaded
    assert set(backprop_viz.__all__) <= set(dir(backprop_viz))
    with pytest.raises(AttributeError, match="no attribute 'Steper'"):
        backprop_viz.Steper  # noqa: B018
