"""Fixtures for the end-to-end tests in a real browser.

What they start, each once per test session:

* a JupyterLab server on 127.0.0.1 (free port, random token), whose root is a
  temporary copy of ``notebooks/`` so the runs never touch the repository's
  notebooks; it is stopped through its own process id at the end;
* headless Chromium from the system (``/usr/bin/chromium`` or ``$BV_CHROMIUM``),
  driven by the Python ``playwright`` package. Playwright never downloads a
  browser of its own here.

The exported-HTML tests load the widget JavaScript (``@jupyter-widgets/html-manager``,
require.js, MathJax) from ``tests/browser/node_modules``, installed from
``tests/browser/package.json`` by ``scripts/setup-browser.sh``; no page may reach a CDN.

When Chromium or playwright is missing, the tests are skipped with the reason,
except under ``CI=true``, where they fail: CI must never skip them silently.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported by the chromium_browser fixture
    PlaywrightTimeout = TimeoutError

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

# The traceback output JupyterLab shows for a failing cell.
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end test in headless Chromium (JupyterLab, exported HTML)"
    )


def unavailable(reason: str):
    """Skip (on a developer's machine) or fail (in CI) for a missing browser tool."""
    hint = "install it with: bash scripts/setup-browser.sh"
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


# --------------------------------------------------------------------------- browser


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


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page; console errors and uncaught page errors are collected in ``page.bv_errors``."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.bv_errors = errors
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- JupyterLab

# No news / update toasts over the notebook in the screenshots, and no calls home.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, path: str) -> dict:
        req = urllib.request.Request(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # Kernels started by this server share its process group (start_new_session below);
    # end any that outlived it, by this group's id only.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        unavailable("JupyterLab is not installed")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    for sub in ("workspaces", "runtime", "config", "ipython"):
        (base / sub).mkdir()

    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        IPYTHONDIR=str(base / "ipython"),
        # the kernel imports the package from this work tree, whatever is installed
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    token = secrets.token_hex(16)
    log = artifact("jupyterlab.log")
    last_error = None
    for _attempt in range(3):  # a port taken between free_port() and the bind: try another
        port = free_port()
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={base / 'workspaces'}",
            "--LabApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log_file = open(log, "w")  # noqa: SIM115 - closed after the server stops
        process = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
        server = LabServer(f"http://127.0.0.1:{port}", token, root, log, process)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                server.api("/api/status")
                break
            except OSError as exc:
                last_error = exc
                time.sleep(0.25)
        else:
            _stop(process)
            log_file.close()
            continue
        try:
            yield server
        finally:
            _stop(process)
            log_file.close()
        return
    pytest.fail(f"JupyterLab did not start ({last_error}); see {log}", pytrace=False)


class Lab:
    """Drives one notebook in JupyterLab the way a person would."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server

    def open(self, name: str):
        page = self.page
        page.goto(self.server.notebook_url(name))
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", state="visible", timeout=60_000)
        self._accept_kernel_dialog()
        # the kernel has started when the toolbar's status says idle
        page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
            state="attached", timeout=60_000,
        )
        return self

    def _accept_kernel_dialog(self):
        dialog = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        try:
            dialog.first.wait_for(state="visible", timeout=1_500)
        except PlaywrightTimeout:
            return
        dialog.first.click()

    def code_prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt",
            "els => els.map(e => e.textContent.trim())",
        )

    def run_all(self, timeout: float = 120) -> None:
        """Run > Run All Cells, retried until every code cell shows an execution count.

        On a fresh server the first Run All may be dropped while the kernel
        connection settles: retry when nothing started.
        """
        page = self.page
        deadline = time.monotonic() + timeout
        started = False
        for _attempt in range(4):
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            until = time.monotonic() + 10
            while time.monotonic() < until:
                prompts = self.code_prompts()
                if prompts and any(re.search(r"\[(\*|\d+)\]", p) for p in prompts):
                    started = True
                    break
                page.wait_for_timeout(200)
            if started:
                break
        assert started, f"Run All Cells did nothing; prompts: {self.code_prompts()}"
        while time.monotonic() < deadline:
            prompts = self.code_prompts()
            if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                return
            page.wait_for_timeout(250)
        raise AssertionError(f"cells did not finish within {timeout} s; prompts: {self.code_prompts()}")

    def error_outputs(self) -> list[str]:
        return self.page.eval_on_selector_all(
            f".jp-NotebookPanel:not(.lm-mod-hidden) :is({ERROR_OUTPUT})",
            "els => els.map(e => e.innerText.slice(0, 2000))",
        )


@pytest.fixture
def lab(browser_page, lab_server):
    return Lab(browser_page, lab_server)


# --------------------------------------------------------------------------- exported HTML


@pytest.fixture(scope="session")
def widget_js():
    """Local copies of the scripts an exported notebook loads, as file:// URLs."""
    files = {
        "widget_renderer_url": NODE_DIR / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js",
        "require_js_url": NODE_DIR / "requirejs" / "require.js",
        "mathjax_url": NODE_DIR / "mathjax" / "MathJax.js",
    }
    if not all(p.is_file() for p in files.values()) and shutil.which("npm") and SETUP_SCRIPT.is_file():
        subprocess.run(["bash", str(SETUP_SCRIPT), "--npm-only"], check=False, cwd=REPO)
    missing = [str(p.relative_to(REPO)) for p in files.values() if not p.is_file()]
    if missing:
        unavailable(f"the local widget JavaScript is not installed: {', '.join(missing)}")
    urls = {k: p.as_uri() for k, p in files.items()}
    urls["mathjax_url"] += "?config=TeX-AMS_CHTML-full,Safe"
    return urls


def block_remote(page) -> list[str]:
    """Let a page load only file:// and data: URLs; returns the list of blocked requests."""
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


@pytest.fixture
def exported_page(browser_page):
    """A page that may load only local files; ``page.bv_blocked`` lists what it tried to fetch."""
    browser_page.bv_blocked = block_remote(browser_page)
    return browser_page


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
        path = Path(urllib.request.url2pathname(url[len("file://"):].split("?")[0].split("#")[0]))
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


@pytest.fixture
def export_notebook(widget_js, tmp_path):
    """Execute a notebook with nbconvert, then export it to HTML that loads local JavaScript only."""

    def export(source: Path, timeout: int = 120) -> Export:
        import nbformat

        out_dir = tmp_path / "export"
        out_dir.mkdir(exist_ok=True)
        shutil.copy(source, out_dir / source.name)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        stem = source.stem

        def nbconvert(*args: str) -> None:
            done = subprocess.run(
                [sys.executable, "-m", "nbconvert", *args],
                cwd=out_dir, env=env, capture_output=True, text=True, timeout=timeout + 60, check=False,
            )
            assert done.returncode == 0, f"nbconvert {' '.join(args)} failed:\n{done.stderr[-4000:]}"

        nbconvert("--to", "notebook", "--execute", f"--ExecutePreprocessor.timeout={timeout}",
                  "--ExecutePreprocessor.store_widget_state=True", "--output", f"{stem}.executed", source.name)
        executed = out_dir / f"{stem}.executed.ipynb"
        nb = nbformat.read(executed, as_version=4)
        state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
        assert state and state.get("state"), "the executed notebook stores no widget state in metadata.widgets"
        nbconvert("--to", "html", *(f"--HTMLExporter.{key}={url}" for key, url in widget_js.items()),
                  "--output", stem, executed.name)
        html = out_dir / f"{stem}.html"
        text = html.read_text()
        remote = re.findall(r"""<script[^>]+src=["'](https?:[^"']+)""", text)
        remote += re.findall(r"""widgetRendererSrc = ['"](https?:[^'"]+)""", text)
        assert not remote, f"the exported HTML still loads scripts from the network: {remote}"
        return Export(executed, html, state)

    return export


# --------------------------------------------------------------------------- step latency

# Installed in the page: on each arrow keydown (capture phase, so before any widget
# handles it) note performance.now(), then poll once per animation frame until the
# visible frame's key (``frameKey(root)``) differs. ``frame`` is the time to the first
# animation frame that renders the new step; ``dom`` the time to the DOM change
# (MutationObserver).
LATENCY_JS = """([rootSelector, frameKeySource]) => {
    const root = document.querySelector(rootSelector);
    const frameKey = new Function('root', 'return (' + frameKeySource + ')(root);');
    const state = window.__bvLatency = {frame: [], dom: [], misses: 0};
    document.addEventListener('keydown', (event) => {
        if (!['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'].includes(event.key)) return;
        const t0 = performance.now();
        const before = frameKey(root);
        let domAt = null;
        const observer = new MutationObserver(() => {
            if (domAt === null && frameKey(root) !== before) domAt = performance.now();
        });
        observer.observe(root, {childList: true, subtree: true, attributes: true, characterData: true});
        const poll = () => {
            const now = performance.now();
            if (frameKey(root) !== before) {
                observer.disconnect();
                state.frame.push(now - t0);
                state.dom.push((domAt ?? now) - t0);
            } else if (now - t0 > 5000) {
                observer.disconnect();
                state.misses += 1;
                state.frame.push(null);
                state.dom.push(null);
            } else {
                requestAnimationFrame(poll);
            }
        };
        requestAnimationFrame(poll);
    }, true);
    return frameKey(root);
}"""


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def measure_step_latency(page, root_selector: str, frame_key_js: str, focus, steps: int,
                         samples: int = 30) -> dict:
    """Press arrow keys on the focused step slider ``samples`` times; time each new frame.

    ``focus()`` focuses the slider; ``steps`` is the number of frames, so the walk
    turns round at either end (a key press at an end would change nothing).
    """
    page.evaluate(LATENCY_JS, [root_selector, frame_key_js])
    focus()
    position, direction = 0, 1
    for i in range(samples):
        if not 0 <= position + direction < steps:
            direction = -direction
        page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        position += direction
        page.wait_for_function("n => window.__bvLatency.frame.length >= n", arg=i + 1, timeout=10_000)
    state = page.evaluate("window.__bvLatency")
    frame = [v for v in state["frame"] if v is not None]
    dom = [v for v in state["dom"] if v is not None]
    assert frame, "no step key press changed the frame"

    def summary(values):
        return {
            "median": round(percentile(values, 50), 2),
            "p90": round(percentile(values, 90), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }

    return {
        "samples": len(frame),
        "misses": state["misses"],
        "key_to_frame_ms": summary(frame),
        "key_to_dom_ms": summary(dom),
        "raw_key_to_frame_ms": [round(v, 2) for v in frame],
    }
