"""The kernel side with the oldest ipywidgets the package admits (7.7, what Google Colab ships).

* The stepper, network view, quiz and widget-life tests run again in a subprocess that imports
  ipywidgets 7.7 first.
* Representative notebooks run as in Colab: a kernel with Colab's ipywidgets 7.7 and IPython 7.34 (the
  version Colab pins, and the package's floor, so that pip leaves it alone there), ``google.colab`` and its
  ``output`` module present (stand-ins that record what is asked of them), the shell commands of the
  notebook's Colab cell recorded instead of run. That cell must ask pip for the package from the
  repository, and apt-get for Graphviz only where ``dot`` is missing; every cell after it must run,
  each stepper and quiz output must be a widget that names Colab's widget manager.

ipywidgets 7.7 is installed once into ``.venv/ipywidgets-7.7``, IPython 7.34 into ``.venv/ipython-7.34``
(pip, from PyPI, each with the few packages it needs that the project's environment lacks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / ".venv" / "ipywidgets-7.7"
COLAB_IPYTHON = "7.34"  # google-colab requires ipython==7.34.0
IPYTHON_TARGET = ROOT / ".venv" / f"ipython-{COLAB_IPYTHON}"
TESTS = [
    "tests/test_stepper.py",
    "tests/test_widget_life.py",
    "tests/test_network_view.py",
    "tests/test_widget_hosts.py",
]
# A stepper and a quiz; ipywidgets sliders and an Output; a network view; Play, jslink and Image widgets.
COLAB_NOTEBOOKS = ["00-start-here", "09-optimizers", "12-network-2-2-1", "17-smallest-perceptron"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MANAGER_URL = "https://colab.invalid/widget-manager.js"


def oldest_admitted(name: str = "ipywidgets") -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith(name))
    return spec.split(">=")[1].split()[0].rstrip(",")


def install(target: Path, *requirements: str) -> None:
    """``requirements`` into ``target`` (once), without their dependencies: the rest comes from the environment."""
    if target.is_dir():
        return
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), *requirements],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def oldest_env() -> dict[str, str]:
    """The environment of a process that imports ipywidgets 7.7 (installed on first use) and this package."""
    version = oldest_admitted()
    assert version.startswith("7.7"), version
    install(TARGET, f"ipywidgets=={version}.*", "ipython_genutils")
    path = [str(TARGET), str(ROOT), os.environ.get("PYTHONPATH")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, path)))
    check = subprocess.run(
        [sys.executable, "-c", "import ipywidgets; print(ipywidgets.__version__)"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.startswith(version), check.stdout
    return env


@pytest.mark.slow
def test_the_kernel_side_works_with_the_oldest_ipywidgets(oldest_env) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *TESTS],
        cwd=ROOT, env=oldest_env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout.splitlines()[-1] and "failed" not in run.stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def colab_env(oldest_env) -> dict[str, str]:
    """``oldest_env`` with Colab's IPython first on the path."""
    assert oldest_admitted("ipython") == COLAB_IPYTHON  # the floor is what Colab has: pip leaves it alone
    install(IPYTHON_TARGET, f"ipython=={COLAB_IPYTHON}.*", "backcall", "pickleshare", "decorator")
    return dict(oldest_env, PYTHONPATH=os.pathsep.join([str(IPYTHON_TARGET), oldest_env["PYTHONPATH"]]))


# Before the Colab cell: Colab's modules as stand-ins, shell commands recorded (nothing is installed).
# With ``dot_missing``, shutil.which finds no dot for that one cell, as on a Colab without Graphviz.
FAKE_COLAB = """\
import shutil as _bv_shutil, sys as _bv_sys, types as _bv_types
_bv_colab = {{"commands": [], "manager": 0}}
_bv_output = _bv_types.ModuleType("google.colab.output")
_bv_output.enable_custom_widget_manager = lambda: _bv_colab.__setitem__("manager", _bv_colab["manager"] + 1)
_bv_output._widgets = _bv_types.SimpleNamespace(_installed_url={url!r})
_bv_sys.modules["google.colab"] = _bv_types.ModuleType("google.colab")
_bv_sys.modules["google.colab.output"] = _bv_output
_bv_system, _bv_which = get_ipython().system, _bv_shutil.which
get_ipython().system = _bv_colab["commands"].append
if {dot_missing}:
    _bv_shutil.which = lambda name, *a, **k: None if name == "dot" else _bv_which(name, *a, **k)
"""
AFTER_COLAB = """\
get_ipython().system, _bv_shutil.which = _bv_system, _bv_which
print("BV-COMMANDS " + __import__("json").dumps(_bv_colab["commands"]))
"""
REPORT = """\
import IPython as _bv_IPython, ipywidgets as _bv_ipywidgets
_bv_versions = [_bv_ipywidgets.__version__, _bv_IPython.__version__]
print("BV-REPORT " + __import__("json").dumps([*_bv_versions, _bv_colab["manager"]]))
"""


def printed(cell, marker: str):
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text.split(marker, 1)[1])


@pytest.mark.slow
@pytest.mark.parametrize("stem", COLAB_NOTEBOOKS)
def test_notebooks_run_as_in_colab(colab_env, stem: str) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    at = next(k for k, c in enumerate(nb.cells) if c.get("id") == "colab-setup")
    dot_missing = stem == COLAB_NOTEBOOKS[0]
    nb.cells[at:at] = [nbformat.v4.new_code_cell(FAKE_COLAB.format(url=MANAGER_URL, dot_missing=dot_missing))]
    nb.cells.insert(at + 2, nbformat.v4.new_code_cell(AFTER_COLAB))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env=colab_env)  # a cell that fails raises here, with its traceback

    commands = printed(nb.cells[at + 2], "BV-COMMANDS ")
    assert commands[0] == "pip install -q git+https://github.com/backprop-viz/backprop_viz", commands
    assert [c for c in commands if "apt-get" in c] == (["apt-get -qq update && apt-get -qq install -y graphviz"]
                                                       if dot_missing else [])  # fmt: skip
    widgets, ipython, manager_calls = printed(nb.cells[-1], "BV-REPORT ")
    assert widgets.startswith("7.7") and ipython.startswith(COLAB_IPYTHON), (widgets, ipython)
    assert manager_calls == 1  # anywidget switched Colab's widget manager on, once

    views = [(cell.source, o) for cell in nb.cells for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    ours = [(s, o) for s, o in views if "Stepper(" in s or "quiz(" in s or "NetworkView(" in s]
    assert ours, "no stepper, network view or quiz was shown"
    for source, output in ours:
        meta = output.get("metadata", {}).get(WIDGET_VIEW, {})
        assert meta == {"colab": {"custom_widget_manager": {"url": MANAGER_URL}}}, source[:200]
