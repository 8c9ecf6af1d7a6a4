"""Fixtures for the end-to-end tests in a real browser.

What they start, each once per test session: headless Chromium from the system
(``chromium.py``) and a JupyterLab or Notebook 7 server on a temporary copy of
``notebooks/`` (``servers.py``). The other modules beside this one hold the rest, one
job each: ``lab_page.py`` drives a notebook in JupyterLab, ``stepper_page.py`` reads and
steps a stepper in any page, ``exported.py`` exports a notebook with nbconvert and opens
it with the network off, ``latency.py`` times a step from key press to painted frame.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

# Re-exported: the tests import these names from here as well as from their own modules.
from chromium import (  # noqa: F401
    ARTIFACTS,
    CHROMIUM_ARGS,
    IN_CI,
    NODE_DIR,
    NOTEBOOKS,
    REPO,
    SETUP_SCRIPT,
    artifact,
    find_chromium,
    free_port,
    new_page,
    page_errors,
    unavailable,
)
from exported import (  # noqa: F401
    LOCAL_MODULES,
    Export,
    block_remote,
    export_with_nbconvert,
    link_widget_fonts,
    open_exported,
)
from lab_page import ERROR_OUTPUT, Lab  # noqa: F401
from latency import LATENCY_JS, measure_step_latency, percentile  # noqa: F401
from servers import LabServer, start_server, write_notebook  # noqa: F401


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium (JupyterLab, exported HTML)")


# --------------------------------------------------------------------------- browser


# chromium_browser, the one headless Chromium of a test run, is tests/conftest.py's (the component tests use it too).


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page for one test."""
    page = new_page(chromium_browser)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def module_page(chromium_browser):
    """One page shared by the tests of a module (a notebook opened and run once)."""
    page = new_page(chromium_browser)
    try:
        yield page
    finally:
        page.context.close()


# --------------------------------------------------------------------------- Jupyter servers


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        unavailable("JupyterLab is not installed")
    yield from start_server(tmp_path_factory, "jupyterlab")


@pytest.fixture(scope="session")
def notebook7_server(tmp_path_factory):
    try:
        import notebook  # noqa: F401
    except ImportError:
        unavailable("Notebook 7 (the notebook package) is not installed")
    yield from start_server(tmp_path_factory, "notebook")


@pytest.fixture
def lab(browser_page, lab_server):
    return Lab(browser_page, lab_server)


@pytest.fixture(scope="module")
def module_lab(module_page, lab_server):
    """A ``Lab`` whose page lives as long as the test module."""
    return Lab(module_page, lab_server)


# --------------------------------------------------------------------------- exported HTML


@pytest.fixture(scope="session")
def widget_js():
    """Local copies of the scripts an exported notebook loads, as file:// URLs."""
    files = {
        "widget_renderer_url": NODE_DIR / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js",
        "require_js_url": NODE_DIR / "requirejs" / "require.js",
        "mathjax_url": NODE_DIR / "mathjax" / "MathJax.js",
    }
    needed = [*files.values(), *LOCAL_MODULES.values()]
    if not all(p.is_file() for p in needed) and shutil.which("npm") and SETUP_SCRIPT.is_file():
        subprocess.run(["bash", str(SETUP_SCRIPT)], check=False, cwd=REPO)
    missing = [str(p.relative_to(REPO)) for p in needed if not p.is_file()]
    if missing:
        unavailable(f"the local widget JavaScript is not installed: {', '.join(missing)}")
    urls = {k: p.as_uri() for k, p in files.items()}
    urls["mathjax_url"] += "?config=TeX-AMS_CHTML-full,Safe"
    return urls


@pytest.fixture
def exported_page(browser_page):
    """A page that may load only local files; ``page.bv_blocked`` lists what it tried to fetch,
    ``page.bv_served`` the widget modules served from their local copies."""
    browser_page.bv_blocked, browser_page.bv_served = block_remote(browser_page)
    return browser_page


@pytest.fixture
def export_notebook(widget_js, tmp_path):
    """Execute a notebook with nbconvert, then export it to HTML that loads local JavaScript only."""

    def export(source, timeout: int = 120) -> Export:
        return export_with_nbconvert(source, tmp_path / "export", widget_js, timeout)

    return export
