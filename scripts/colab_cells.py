"""Give every notebook an "Open in Colab" badge and a first code cell that installs what Colab lacks.

    python scripts/colab_cells.py           # edit notebooks/[0-9]*.ipynb in place (only those that change)
    python scripts/colab_cells.py --check   # change nothing; exit 1 if a notebook lacks the badge or the cell

Every notebook is written as the repository keeps it (``notebook_file.writes``: each saved widget's
traits on one line). Idempotent: the badge line is found by its link and the cell by its id, and both
are rewritten to what this script says, so it can run again after other edits to the notebooks. The
cell does nothing outside Colab, so its saved output is none, which is what nbval compares.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat
from notebook_file import writes

ROOT = Path(__file__).resolve().parents[1]
# The GitHub path, "owner/name", of [project.urls] Source: the one place the repository's address is written
SOURCE = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Source"]
REPOSITORY = SOURCE.removeprefix("https://github.com/").strip("/")
COLAB = f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/notebooks/{{name}}"
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](" + COLAB + ")"
CELL_ID = "colab-setup"
# Plain code: in Colab the package is not installed yet when this runs. IPython turns each `!` line
# into a shell command; Colab usually has Graphviz already, so apt-get runs only when `dot` is missing.
SETUP = f"""\
# In Google Colab only: install backprop_viz and Graphviz. Anywhere else this cell does nothing.
import shutil, sys
if "google.colab" in sys.modules:
    !pip install -q git+https://github.com/{REPOSITORY}
    if not shutil.which("dot"):
        !apt-get -qq update && apt-get -qq install -y graphviz"""


def badge(name: str) -> str:
    """The badge's markdown for notebook file ``name``."""
    return BADGE.format(name=name)


def without_badge(source: str) -> str:
    """``source`` (the first markdown cell) with no badge, nor the blank line it stood on."""
    lines = [line for line in source.split("\n") if "colab.research.google.com/github/" not in line]
    while len(lines) > 2 and lines[1] == lines[2] == "":
        del lines[1]
    return "\n".join(lines)


def with_badge(source: str, name: str) -> str:
    """``source`` (the first markdown cell) with the badge on the line after its heading."""
    heading, *rest = without_badge(source).split("\n")
    return "\n".join([heading, "", badge(name), *rest])


def without_colab(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with neither the badge nor the set-up cell (in place): where Colab is not the point."""
    nb.cells = [c for c in nb.cells if c.get("id") != CELL_ID]
    if nb.cells and nb.cells[0].cell_type == "markdown":
        nb.cells[0].source = without_badge(nb.cells[0].source)
    return nb


def setup_cell() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(SETUP)
    cell.id = CELL_ID
    cell.outputs, cell.execution_count = [], None
    return cell


def edited(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """``nb`` with the badge in its first cell and the set-up cell right after it (in place)."""
    first = nb.cells[0]
    if first.cell_type != "markdown":
        raise ValueError(f"{name}: the first cell is not markdown")
    first.source = with_badge(first.source, name)
    nb.cells = [c for c in nb.cells if c.get("id") != CELL_ID]
    nb.cells.insert(1, setup_cell())
    return nb


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    stale = []
    for path in notebooks():
        before = path.read_text(encoding="utf-8")
        nb = edited(nbformat.reads(before, as_version=4), path.name)
        after = writes(nb) + "\n"  # each saved widget's traits on one line (notebook_file.py)
        if after != before:
            stale.append(path.name)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    verb = "lack the badge or the set-up cell" if args.check else "edited"
    print(f"{len(stale)} of {len(notebooks())} notebooks {verb}: {', '.join(stale) or 'none'}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
