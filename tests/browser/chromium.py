"""Headless Chromium for the browser tests: where it is, how it starts, a fresh page, where screenshots go.

Chromium comes from the system (``/usr/bin/chromium`` or ``$BV_CHROMIUM``), driven by the
Python ``playwright`` package, which never downloads a browser of its own here. When
Chromium or playwright is missing, the tests are skipped with the reason, except under
``CI=true``, where they fail: CI must never skip them silently.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts"
NODE_DIR = Path(__file__).resolve().parent / "node_modules"
SETUP_SCRIPT = REPO / "scripts" / "setup-browser.sh"

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

# Headless Chromium as root, on a machine whose only network is loopback:
# without the background-networking flags it keeps trying (and failing) to call home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def unavailable(reason: str):
    """Skip (on a developer's machine) or fail (in CI) for a missing browser tool."""
    hint = "make setup installs it: Chromium, npm and the widget JavaScript"
    if IN_CI:
        pytest.fail(f"{reason}; CI=true, so the browser tests fail instead of skipping ({hint})", pytrace=False)
    pytest.skip(f"{reason} ({hint})")


def find_chromium() -> str | None:
    for candidate in (os.environ.get("BV_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def new_page(browser):
    """A page in a fresh context; console errors and uncaught page errors are collected in ``page.bv_errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.bv_errors = errors
    return page


def page_errors(page) -> list[str]:
    """The uncaught exceptions a page raised so far (console errors are only logged)."""
    return [e for e in page.bv_errors if e.startswith("pageerror")]


# Resolves once the page has stopped changing: its fonts loaded, then three animation frames in a row with
# the same boxes for every player and diagram and the same colours of the page and the players (after a
# resize, a scroll or a theme change, a diagram is fitted again and a style sheet applied, a frame or two
# later). A page still changing after 10 s fails the test.
_SETTLED_JS = """() => new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error("the page was still changing after 10 s")), 10000);
  let last = null, same = 0;
  const look = () => {
    const boxes = [...document.querySelectorAll(".bv-player, .bv-viewport svg")].map((e) => {
      const r = e.getBoundingClientRect();
      return [r.x, r.y, r.width, r.height, getComputedStyle(e).color, getComputedStyle(e).backgroundColor];
    });
    const now = JSON.stringify([boxes, getComputedStyle(document.body).backgroundColor, scrollX, scrollY]);
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) resolve(); else requestAnimationFrame(look);
  };
  document.fonts.ready.then(() => requestAnimationFrame(look));
})"""


def settle(page) -> None:
    """Wait until the page has settled (see ``_SETTLED_JS``): before measuring a fitted diagram or taking a
    screenshot."""
    page.evaluate(_SETTLED_JS)
