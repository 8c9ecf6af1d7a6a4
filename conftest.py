"""Plugins for every test run from the project's root (``tests/conftest.py`` holds the tests' fixtures)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

# Under nbval, the quiz checks run on nbval's own run of each notebook (tests/nbval_quizzes.py).
pytest_plugins = ["nbval_quizzes", "pytester"]
