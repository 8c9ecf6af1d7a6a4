"""Plugins for every test run from the project's root (``tests/conftest.py`` holds the tests' fixtures)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

# Under nbval, what the tests read from the notebooks comes from nbval's own run of each (tests/nbval_runs.py).
pytest_plugins = ["nbval_runs", "pytester"]
