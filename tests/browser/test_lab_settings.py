"""JupyterLab as `make lab` sets it up: no news and no update checks (``binder/overrides.json``, installed
as the environment's JupyterLab defaults), so no notification asks about them over a notebook.

The test server (``servers.py``) runs the environment's JupyterLab with user settings of its own that
leave news alone: what it shows is what the environment's defaults make it show.
"""

from __future__ import annotations

import json

import pytest
from chromium import REPO, artifact

pytestmark = pytest.mark.browser

NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_the_environment_turns_jupyterlabs_news_off(lab_server) -> None:
    """The defaults JupyterLab's page gets for its notification settings are those of binder/overrides.json."""
    wanted = json.loads((REPO / "binder" / "overrides.json").read_text())[NOTIFICATION]
    properties = lab_server.api(f"/lab/api/settings/{NOTIFICATION}")["schema"]["properties"]
    defaults = {name: properties[name]["default"] for name in wanted}
    assert defaults == wanted == {"fetchNews": "false", "checkForUpdates": False}, (
        "JupyterLab's news is not off in this environment: `make setup` installs binder/overrides.json"
    )


def test_no_news_notification_over_a_notebook_at_1024x768(lab, browser_page) -> None:
    browser_page.set_viewport_size({"width": 1024, "height": 768})
    lab.open("00-start-here.ipynb")
    browser_page.wait_for_timeout(3_000)  # JupyterLab asks about news a moment after the page has loaded
    count = browser_page.locator(".jp-Notification-Status-Text").first
    assert count.inner_text().strip() == "0", "a notification is waiting in JupyterLab's notification centre"
    assert browser_page.locator(".jp-Notification-Toast-default, .Toastify__toast").count() == 0
    browser_page.screenshot(path=str(artifact("jupyterlab-1024x768.png")))
