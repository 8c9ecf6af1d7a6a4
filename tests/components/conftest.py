"""The player's parts in a real browser, without Jupyter: a bare page imports the modules of
``backprop_viz/frontend/static`` from a small local server and renders them with a fake model (harness.js).
One Chromium for the whole run; each test gets a fresh page, so the suite takes seconds."""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from chromium import NODE_DIR, new_page, page_errors  # noqa: E402

STATIC = Path(__file__).resolve().parents[2] / "backprop_viz" / "frontend" / "static"
HERE = Path(__file__).resolve().parent

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>player components</title>
<style>{css}</style>
<script>
// Every listener added to and removed from window and document, counted (a disposed player leaves none).
window.listenerCount = 0;
for (const target of [window, document]) {{
  const add = target.addEventListener.bind(target), remove = target.removeEventListener.bind(target);
  target.addEventListener = (...args) => {{ window.listenerCount++; return add(...args); }};
  target.removeEventListener = (...args) => {{ window.listenerCount--; return remove(...args); }};
}}
</script>
<script type="module" src="/__harness__.js"></script></head>
<body><main></main></body></html>
"""


class Handler(SimpleHTTPRequestHandler):
    """static/ as it is, plus the test page, its harness and axe-core."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        extra = {
            "/test.html": ("text/html", lambda: PAGE.format(css=self.server.css).encode()),
            "/__harness__.js": ("text/javascript", lambda: (HERE / "harness.js").read_bytes()),
            "/__axe__.js": ("text/javascript", lambda: (NODE_DIR / "axe-core" / "axe.min.js").read_bytes()),
            "/__packed__.js": ("text/javascript", lambda: self.server.packed.encode()),
        }
        if self.path in extra:
            kind, body = extra[self.path]
            data = body()
            self.send_response(200)
            self.send_header("Content-Type", kind + "; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server():
    from backprop_viz.frontend.assets import CSS, PACKED

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(STATIC)))
    httpd.css, httpd.packed = CSS, PACKED
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser(chromium_browser):
    """The run's one Chromium (tests/conftest.py): Playwright's synchronous API allows one per process."""
    return chromium_browser


@pytest.fixture
def page(browser, server):
    page = new_page(browser)
    page.goto(server + "/test.html")
    page.wait_for_function("window.harnessReady === true")
    yield page
    errors = page_errors(page)
    page.context.close()
    assert not errors, errors
