"""The package's four parts, and the one direction between them.

engine    the graph, its passes and steps, the expression parser, the networks: numpy and the standard
          library only
drawing   where everything goes (Graphviz), the diagram turned into a skeleton, what each frame shows,
          its words, and pictures of frames: no widget library
frontend  the widgets (anywidget) and the browser's side (``static/``): the stepper, the network view,
          the quiz, the still picture, the packed assets, standalone pages
course    what is built around the notebooks: the decks' numbers, plots, the course site

A module imports only from its own part and the parts above it in this list, and no two modules import
each other, however indirectly (imports for type hints counted too).

Inside the drawing, a frame passes through stages in one order (``DRAWING_STAGES``): a stage imports only
the stages before it. ``import backprop_viz`` loads the
engine; the drawing and the widgets load when first used.
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
PARTS = ["engine", "drawing", "frontend", "course"]
WIDGET_LIBRARIES = {"anywidget", "ipywidgets", "traitlets", "IPython", "ipykernel", "comm"}
HEAVY = WIDGET_LIBRARIES | {"graphviz", "matplotlib", "PIL", "pypdf"}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name, ``drawing.layout`` for ``backprop_viz/drawing/layout.py``."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


MODULES = modules()


# The drawing's stages in the order a frame passes through them: each imports only the ones above it.
DRAWING_STAGES = [
    "drawing.wire",  # the protocol the browser reads: the element states, words as small trees
    "drawing.layout",  # where every node and word goes: dot, once per graph
    "drawing.theme",  # the colour of each drawn thing in each state, light and dark
    "drawing.diagram",  # the graph as Graphviz DOT at the layout's places, painted by tokens or real colours
    "drawing.skeleton",  # an SVG drawn with tokens, as the browser keeps it: empty slots, state elements
    "drawing.template",  # the diagram drawn once with tokens: its skeleton, and any frame's SVG by a join
    "drawing.step_states",  # what each step leaves on the diagram: the states and numbers of nodes and wires
    "drawing.painter",  # a step's states and numbers put into the template's slots and elements
    "drawing.painted",  # a step's diagram in its real colours: bv.render, and the pictures' frames
    "drawing.words",  # a frame's title, explanation, table of nodes, and what predict mode asks
    "drawing.pictures",  # frames as files: SVG, PNG, GIF, PDF
    "drawing.network_states",  # a network view's steps: what each leaves on the picture
    "drawing.network_draw",  # a network's picture, laid out around its texts, as a template with tokens
    "drawing.network_words",  # a network frame's explanation, legend and table of weights
    "drawing.frame",  # the one Frame the front end reads, a stepper's or a network view's
]


def part_of(module: str) -> str:
    return module.split(".")[0]


def imports(module: str) -> tuple[set[str], set[str]]:
    """What ``module`` imports, anywhere in it (in functions, for type hints too): the package's own
    modules by dotted name, and the outside world's top-level names."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module.split(".")[:-1]  # engine.graph's is engine, engine.__init__'s too
    own, outside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("backprop_viz."):
                    own.add(alias.name.removeprefix("backprop_viz."))
                else:
                    outside.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            if node.module == "backprop_viz" or node.module.startswith("backprop_viz."):
                base = node.module.removeprefix("backprop_viz").lstrip(".")
                own |= _resolved(base, node.names)
            else:
                outside.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base_parts = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
            own |= _resolved(base, node.names)
    return {m.removesuffix(".__init__") for m in own if m}, outside


def _resolved(base: str, names: list[ast.alias]) -> set[str]:
    """``from base import a, b``: the modules named, where a and b are modules, else ``base`` itself."""
    found = {f"{base}.{a.name}".lstrip(".") for a in names if f"{base}.{a.name}".lstrip(".") in MODULES}
    return found or {base if base in MODULES else f"{base}.__init__" if base else "__init__"}


def readme_parts() -> dict[str, list[str]]:
    """The parts as the README's "How it is built" lists them: ``{"engine": ["ops", ...], ...}``."""
    text = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### How it is built") :]
    block = section[section.index("```text\n") + 8 : section.index("```", section.index("```text\n") + 8)]
    return {line.split("/")[0]: line.split()[1:] for line in block.splitlines() if line.strip()}


def test_the_readme_lists_every_module_in_its_part_in_order() -> None:
    listed = readme_parts()
    assert list(listed) == PARTS
    for part, names in listed.items():
        found = {m.split(".", 1)[1] for m in MODULES if part_of(m) == part and not m.endswith("__init__")}
        assert sorted(names) == sorted(found), f"README's {part}/ lists {sorted(names)}; the folder has {sorted(found)}"
    assert [f"drawing.{name}" for name in listed["drawing"]] == DRAWING_STAGES, "the README lists the stages in order"


def test_every_module_is_in_a_part() -> None:
    strays = [m for m in MODULES if part_of(m) not in PARTS and m != "__init__"]
    assert not strays, f"modules outside the four parts: {strays}"
    assert set(PARTS) <= {part_of(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "__init__"))
def test_a_module_imports_only_its_own_part_and_the_parts_before_it(module: str) -> None:
    own, _ = imports(module)
    later = sorted(m for m in own if m != "__init__" and PARTS.index(part_of(m)) > PARTS.index(part_of(module)))
    assert not later, f"{module} imports {later}, of a later part than {part_of(module)}"
    assert "__init__" not in own, f"{module} imports the package's top, which imports everything"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) == "engine"))
def test_the_engine_imports_only_the_engine_numpy_and_the_standard_library(module: str) -> None:
    _, outside = imports(module)
    strays = outside - {"numpy", "__future__"} - sys.stdlib_module_names
    assert not strays, f"{module} imports {sorted(strays)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) == "drawing"))
def test_the_drawing_imports_no_widget_library(module: str) -> None:
    _, outside = imports(module)
    assert not outside & WIDGET_LIBRARIES, f"{module} imports {sorted(outside & WIDGET_LIBRARIES)}"


def test_every_module_of_the_drawing_is_a_stage() -> None:
    drawing = {m for m in MODULES if part_of(m) == "drawing" and not m.endswith("__init__")}
    assert sorted(DRAWING_STAGES) == sorted(drawing)


@pytest.mark.parametrize("stage", DRAWING_STAGES)
def test_a_stage_of_the_drawing_imports_only_the_stages_before_it(stage: str) -> None:
    own, _ = imports(stage)
    later = [m for m in DRAWING_STAGES[DRAWING_STAGES.index(stage) :] if m in own]
    assert not later, f"{stage} imports {later}, a stage not before it"
    assert not {m for m in own if part_of(m) == "drawing"} - set(DRAWING_STAGES), own


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (module -> the modules it imports), as the path around it, or None."""
    done: set[str] = set()

    def visit(path: list[str]) -> list[str] | None:
        for n in sorted(graph.get(path[-1], ())):
            if n in path:
                return [*path[path.index(n) :], n]
            if n not in done and (cycle := visit([*path, n])):
                return cycle
        done.add(path[-1])
        return None

    return next((c for m in sorted(graph) if m not in done and (c := visit([m]))), None)


def test_the_cycle_finder_finds_cycles() -> None:
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_two_modules_import_each_other() -> None:
    """Through any number of others, and counting imports inside functions and for type hints."""
    graph = {m: {n for n in imports(m)[0] if n in MODULES and n != m} for m in MODULES if m != "__init__"}
    cycle = import_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


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
    assert not {m for m in package if part_of(m) in ("drawing", "course")}
    kernel_hooks = {"frontend", "frontend.notebook", "frontend.small_png"}  # in a notebook's kernel only
    assert not {m for m in package if part_of(m) == "frontend"} - kernel_hooks


def test_drawing_loads_no_widget_library() -> None:
    drawing = [f"backprop_viz.{m}" for m in MODULES if part_of(m) == "drawing" and not m.endswith("__init__")]
    loaded = loaded_after("import " + ", ".join(drawing))
    assert "graphviz" in loaded
    assert {m.split(".")[0] for m in loaded} & WIDGET_LIBRARIES == set()


def test_the_lazy_names_load_on_first_use() -> None:
    loaded = loaded_after("import backprop_viz as bv\nbv.Stepper, bv.render, bv.NetworkView, bv.GraphvizMissing")
    assert {"backprop_viz.frontend.stepper", "anywidget"} <= loaded
    assert set(backprop_viz.__all__) <= set(dir(backprop_viz))
    with pytest.raises(AttributeError, match="no attribute 'Steper'"):
        backprop_viz.Steper  # noqa: B018
