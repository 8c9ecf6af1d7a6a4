"""What every test tree shares: the one headless Chromium of a run (``tests/browser/chromium.py`` finds it).

Playwright's synchronous API runs one instance per process: the end-to-end tests (tests/browser) and
the component tests (tests/components) both take their browser from here, so that one run holds both.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium import CHROMIUM_ARGS, find_chromium, unavailable  # noqa: E402

# Under nbval (pytest tests notebooks --nbval), what the tests read from the notebooks comes from nbval's own
# run of each (nbval_runs.py). pytester: a test runs nbval on a notebook made up for it.
pytest_plugins = ["nbval_runs", "pytester"]


@pytest.fixture(scope="session")
def chromium_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    executable = find_chromium()
    if executable is None:
        unavailable("Chromium was not found at /usr/bin/chromium (nor $BV_CHROMIUM, nor on PATH)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
