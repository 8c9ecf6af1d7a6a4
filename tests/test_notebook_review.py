"""A notebook change can be reviewed cell by cell: ``nbdiff -s`` shows what the cells say, not the widget noise."""

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "14-deltas-layer-by-layer.ipynb"


def test_nbdiff_of_sources_shows_the_changed_sentence_and_no_widget_ids(tmp_path: Path) -> None:
    nbdiff = shutil.which("nbdiff", path=str(Path(sys.executable).parent))
    if nbdiff is None:
        pytest.skip("nbdime is not installed (make setup installs it)")
    before, after = tmp_path / "before.ipynb", tmp_path / "after.ipynb"
    shutil.copy(NOTEBOOK, before)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells[0].source += "\n\nA sentence added in review."
    for cell in nb.cells:  # as after a run: every widget has a new id
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                view["model_id"] = uuid.uuid4().hex
    nbformat.write(nb, after)
    shown = subprocess.run(
        [nbdiff, "-s", "--no-color", str(before), str(after)], capture_output=True, text=True, check=True
    ).stdout
    assert "+A sentence added in review." in shown
    assert "model_id" not in shown and "/cells/0/source" in shown
