"""Every notebook opens in Colab: the badge under its title, the set-up cell after it (saved with no output,
what it gives outside Colab), both as ``scripts/colab_cells.py`` writes them; the README links each one."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def script():
    sys.path.insert(0, str(ROOT / "scripts"))  # it imports its neighbour notebook_file, as it does when run
    spec = importlib.util.spec_from_file_location("colab_cells", ROOT / "scripts" / "colab_cells.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_is_as_the_script_writes_it(capsys) -> None:
    assert script().main(["--check"]) == 0, capsys.readouterr().out


def test_the_set_up_cell_is_second_and_saved_without_output() -> None:
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        assert cells[0]["cell_type"] == "markdown" and "colab-badge.svg" in "".join(cells[0]["source"]), path.name
        cell = cells[1]
        assert cell["id"] == "colab-setup" and cell["outputs"] == [], path.name
        assert '"google.colab" in sys.modules' in "".join(cell["source"])


def test_the_readme_links_each_notebook_to_colab() -> None:
    readme = (ROOT / "README.md").read_text()
    base = "https://colab.research.google.com/github/backprop-viz/backprop_viz/blob/main/notebooks/"
    binder = re.search(r"mybinder\.org/v2/gh/([^/]+/[^/]+)/", readme)
    assert binder and binder[1] == "backprop-viz/backprop_viz"  # the same GitHub path as the Binder badge
    for path in NOTEBOOKS:
        assert f"({base}{path.name})" in readme, path.name


def test_notebooks_are_nbformats_json_with_each_widget_trait_on_one_line() -> None:
    """What colab_cells writes (scripts/notebook_file.py): the same JSON as nbformat's, laid out as nbformat
    lays it out, but a saved widget's trait (a stepper's frames: thousands of numbers) on one line."""
    import copy

    import nbformat

    sys.path.insert(0, str(ROOT / "scripts"))
    from notebook_file import writes

    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        assert text == writes(nb) + "\n" and json.loads(text) == json.loads(nbformat.writes(nb)), path.name
        plain = copy.deepcopy(nb)
        plain.metadata.pop("widgets", None)
        assert writes(plain) == nbformat.writes(plain), path.name  # nbformat's own layout elsewhere
        states = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
        for model in states.values():
            for trait, value in model["state"].items():
                line = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                assert f'"{trait}": {line}' in text, (path.name, trait)
