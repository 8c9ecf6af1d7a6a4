"""Notebooks exported to HTML by nbconvert, opened from disk with the network off.

The exported pages load the widget JavaScript (``@jupyter-widgets/html-manager``,
require.js, MathJax) from ``tests/browser/node_modules``, installed from
``tests/browser/package.json`` by ``scripts/setup-browser.sh``; no page may reach a CDN.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from chromium import NODE_DIR, REPO

# Widget modules that the html-manager asks a CDN for (``…/npm/NAME@VERSION/dist/index.js``), served here
# from the local npm copies instead: the exported notebook's own widget JavaScript, never the network.
LOCAL_MODULES = {"anywidget": NODE_DIR / "anywidget" / "dist" / "index.js"}
CDN_MODULE = re.compile(r"^https://[^/]+/npm/(?P<name>[^@/]+)@[^/]+/dist/index\.js$")


def block_remote(page) -> tuple[list[str], list[str]]:
    """Let a page load only file://, data: and blob: URLs, and the widget modules of ``LOCAL_MODULES``
    from their local copies; returns the lists of blocked and of locally served requests."""
    blocked: list[str] = []
    served: list[str] = []

    def route(r):
        url = r.request.url
        module = CDN_MODULE.match(url)
        if url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        elif module and module["name"] in LOCAL_MODULES and LOCAL_MODULES[module["name"]].is_file():
            served.append(url)
            r.fulfill(path=LOCAL_MODULES[module["name"]], content_type="text/javascript")
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked, served


def open_exported(page, html: Path, ready: str, timeout: float = 30_000) -> None:
    """Open an exported HTML file from disk and wait for ``ready`` (a selector) to show."""
    page.goto(html.as_uri())
    page.wait_for_selector(ready, state="visible", timeout=timeout)
    if link_widget_fonts(page, html.parent.parent):
        getattr(page, "bv_errors", []).clear()  # the fonts' first failed loads
        page.reload()
        page.wait_for_selector(ready, state="visible", timeout=timeout)
    page.evaluate("document.fonts.ready.then(() => true)")


FONT_FACE_URLS = """() => {
    const urls = [];
    for (const sheet of document.styleSheets) {
        let rules;
        try { rules = sheet.cssRules; } catch (e) { continue; }
        for (const rule of rules) {
            if (rule instanceof CSSFontFaceRule) {
                for (const m of rule.cssText.matchAll(/url\\("([^"]+)"\\)/g)) urls.push(m[1]);
            }
        }
    }
    return urls;
}"""


def link_widget_fonts(page, under: Path) -> bool:
    """Let an exported page opened from disk find the widget icon fonts (Font Awesome).

    The html-manager bundle points its @font-face rules at paths beside the page
    (its CDN layout); link the font files it asks for, below ``under`` only, to the
    local npm copy. Returns True when links were made (reload the page to use them).
    """
    dist = NODE_DIR / "@jupyter-widgets" / "html-manager" / "dist"
    made = False
    for url in page.evaluate(FONT_FACE_URLS):
        if not url.startswith("file://"):
            continue
        path = Path(urllib.request.url2pathname(url[len("file://") :].split("?")[0].split("#")[0]))
        source = dist / path.name
        if path.exists() or not source.is_file() or not path.is_relative_to(under):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(source)
        made = True
    return made


@dataclass
class Export:
    notebook: Path  # the executed notebook (outputs + widget state)
    html: Path
    widget_state: dict


def export_with_nbconvert(source: Path, out_dir: Path, widget_js: dict[str, str], timeout: int = 120) -> Export:
    """Execute ``source`` with nbconvert (widget state stored), then export it to HTML that loads
    the local JavaScript of ``widget_js`` only; fails if the page would load a script from the network."""
    import nbformat

    out_dir.mkdir(exist_ok=True)
    shutil.copy(source, out_dir / source.name)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    stem = source.stem

    def nbconvert(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "nbconvert", *args],
            cwd=out_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + 60,
            check=False,
        )
        assert done.returncode == 0, f"nbconvert {' '.join(args)} failed:\n{done.stderr[-4000:]}"

    nbconvert(
        "--to",
        "notebook",
        "--execute",
        f"--ExecutePreprocessor.timeout={timeout}",
        "--ExecutePreprocessor.store_widget_state=True",
        "--output",
        f"{stem}.executed",
        source.name,
    )
    executed = out_dir / f"{stem}.executed.ipynb"
    nb = nbformat.read(executed, as_version=4)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    assert state and state.get("state"), "the executed notebook stores no widget state in metadata.widgets"
    nbconvert(
        "--to",
        "html",
        *(f"--HTMLExporter.{key}={url}" for key, url in widget_js.items()),
        "--output",
        stem,
        executed.name,
    )
    html = out_dir / f"{stem}.html"
    text = html.read_text()
    remote = re.findall(r"""<script[^>]+src=["'](https?:[^"']+)""", text)
    remote += re.findall(r"""widgetRendererSrc = ['"](https?:[^'"]+)""", text)
    assert not remote, f"the exported HTML still loads scripts from the network: {remote}"
    return Export(executed, html, state)
