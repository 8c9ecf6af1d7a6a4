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
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium (JupyterLab, exported HTML)")


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


# --------------------------------------------------------------------------- JupyterLab

# No news / update toasts over the notebook in the screenshots, and no calls home.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    # every cell in the page, so that a test can reach each stepper of a long notebook
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen = field(repr=False)
    app: str = "jupyterlab"

    def api(self, path: str) -> dict:
        req = urllib.request.Request(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    def notebook_url(self, name: str) -> str:
        if self.app == "notebook":
            return f"{self.url}/notebooks/{name}?token={self.token}"
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


def start_server(tmp_path_factory, app: str):
    """A Jupyter server (``app`` "jupyterlab" or "notebook") on a temporary copy of ``notebooks/``."""
    base = tmp_path_factory.mktemp(app)
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    for sub in ("workspaces", "runtime", "config", "ipython", "data"):
        (base / sub).mkdir()

    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        # a data directory of its own: no notebook is trusted because it was trusted on this machine before
        JUPYTER_DATA_DIR=str(base / "data"),
        IPYTHONDIR=str(base / "ipython"),
        # the kernel imports the package from this work tree, whatever is installed
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    token = secrets.token_hex(16)
    log = artifact(f"{app}.log")
    last_error = None
    for _attempt in range(3):  # a port taken between free_port() and the bind: try another
        port = free_port()
        cmd = [
            sys.executable,
            "-m",
            app,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
        ]
        if app == "jupyterlab":
            cmd += [
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={base / 'workspaces'}",
                "--LabApp.extension_manager=readonly",
            ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log_file = open(log, "w")  # noqa: SIM115 - closed after the server stops
        process = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = LabServer(f"http://127.0.0.1:{port}", token, root, log, process, app)
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
    pytest.fail(f"{app} did not start ({last_error}); see {log}", pytrace=False)


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
        # the kernel has started when the status says idle (JupyterLab's toolbar; Notebook 7's kernel logo)
        page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"
            if self.server.app == "jupyterlab"
            else ".jp-NotebookKernelStatus:not(.jp-NotebookKernelStatus-busy), .jp-NotebookKernelLogo",
            state="attached",
            timeout=60_000,
        )
        return self

    def _accept_kernel_dialog(self):
        dialog = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        try:
            dialog.first.wait_for(state="visible", timeout=1_500)
        except PlaywrightTimeout:
            return
        self.accept_dialogs()

    def accept_dialogs(self) -> list[str]:
        """Accept any dialog in the way (kernel choice, ...); returns their texts."""
        texts = []
        dialog = self.page.locator(".jp-Dialog")
        while dialog.count() and dialog.first.is_visible():
            texts.append(dialog.first.inner_text())
            dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
            self.page.wait_for_timeout(200)
        return texts

    def menu(self, *path: str) -> None:
        """Click through the menu bar: ``menu("Run", "Run All Cells")``."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(path[0])}$")).click()
        for label in path[1:]:
            item = page.locator(".lm-Menu:visible .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$"))
            item.last.click()

    def left_sidebar(self, shown: bool) -> None:
        """View > Appearance > Show Left Sidebar, toggled to ``shown`` (closed: a projector's full width)."""
        is_shown = self.page.evaluate("!!document.querySelector('#jp-left-stack:not(.lm-mod-hidden)')")
        if is_shown != shown:
            self.menu("View", "Appearance", "Show Left Sidebar")
            self.page.wait_for_timeout(300)

    def set_theme(self, name: str) -> None:
        """Settings > Theme > ``name`` (e.g. "JupyterLab Dark"); waits until the page uses it."""
        self.menu("Settings", "Theme", name)
        self.page.wait_for_function("name => document.body.dataset.jpThemeName === name", arg=name, timeout=30_000)
        self.page.wait_for_timeout(500)  # the theme's style sheet applies

    def code_prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt",
            "els => els.map(e => e.textContent.trim())",
        )

    def run_all(self, timeout: float = 120) -> None:
        """Edit > Clear Outputs of All Cells, then Run > Run All Cells, retried until the cells run.

        The notebooks are saved with their outputs, so the outputs are cleared
        first: every execution count seen afterwards comes from this run. On a
        fresh server the first Run All may be dropped while the kernel connection
        settles: retry when nothing started. A cell that fails stops the wait.
        """
        page = self.page
        self.accept_dialogs()
        self.menu("Edit", "Clear Outputs of All Cells")
        page.wait_for_function(
            """() => [...document.querySelectorAll(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
                .every(e => !/\\d/.test(e.textContent))""",
            timeout=10_000,
        )
        deadline = time.monotonic() + timeout
        started = False
        for _attempt in range(4):
            self.accept_dialogs()
            self.menu("Run", "Run All Cells")
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
            if "[*]:" not in prompts and (errors := self.error_outputs()):
                raise AssertionError(f"a cell failed; prompts: {prompts}\n" + "\n".join(errors))
            page.wait_for_timeout(250)
        raise AssertionError(f"cells did not finish within {timeout} s; prompts: {self.code_prompts()}")

    def error_outputs(self) -> list[str]:
        return self.page.eval_on_selector_all(
            f".jp-NotebookPanel:not(.lm-mod-hidden) :is({ERROR_OUTPUT})",
            "els => els.map(e => e.innerText.slice(0, 2000))",
        )

    def write_notebook(self, name: str, *cells: str) -> str:
        """A notebook of code cells in the server's root (a temporary directory); returns its name."""
        write_notebook(self.server.root / name, *cells)
        return name


def write_notebook(path: Path, *cells: str) -> Path:
    """Write a notebook of code cells for the Python 3 kernel, without outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


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


@pytest.fixture
def exported_page(browser_page):
    """A page that may load only local files; ``page.bv_blocked`` lists what it tried to fetch,
    ``page.bv_served`` the widget modules served from their local copies."""
    browser_page.bv_blocked, browser_page.bv_served = block_remote(browser_page)
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

    return export


# --------------------------------------------------------------------------- step latency

# Installed in the page: on each arrow keydown, take the event's own time stamp (when the
# browser made it, so every handler's work counts), then poll once per animation frame until
# the visible frame's key (``frameKey(root)``) differs from the last frame seen. ``frame`` is the time until that
# animation frame has been rendered: a message posted from its requestAnimationFrame
# callback is delivered after the frame's style, layout and paint. ``dom`` is the time
# to the DOM change (MutationObserver).
LATENCY_JS = """([rootSelector, frameKeySource]) => {
    const root = document.querySelector(rootSelector);
    const frameKey = new Function('root', 'return (' + frameKeySource + ')(root);');
    const state = window.__bvLatency = {frame: [], dom: [], misses: 0, last: frameKey(root)};
    window.addEventListener('keydown', (event) => {
        if (!['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'].includes(event.key)) return;
        const t0 = event.timeStamp;  // when the browser made the event: every handler of it counts
        // The frame shown before this key: a stepper that takes keys on their way down (window, capture)
        // may have changed the frame already, before this listener runs.
        const before = state.last;
        let domAt = frameKey(root) !== before ? performance.now() : null;
        const observer = new MutationObserver(() => {
            if (domAt === null && frameKey(root) !== before) domAt = performance.now();
        });
        observer.observe(root, {childList: true, subtree: true, attributes: true, characterData: true});
        const poll = () => {
            const now = performance.now();
            if (frameKey(root) !== before) {
                observer.disconnect();
                state.last = frameKey(root);
                const channel = new MessageChannel();
                channel.port1.onmessage = () => {
                    state.dom.push((domAt ?? now) - t0);
                    state.frame.push(performance.now() - t0);
                };
                channel.port2.postMessage(0);
            } else if (now - t0 > 5000) {
                observer.disconnect();
                state.misses += 1;
                state.dom.push(null);
                state.frame.push(null);
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


def measure_step_latency(page, root_selector: str, frame_key_js: str, focus, steps: int, samples: int = 30) -> dict:
    """Press arrow keys on the focused step slider ``samples`` times; time each new frame.

    ``frame_key_js`` gives the visible frame's step number; ``focus()`` focuses the
    slider; ``steps`` is the number of frames, so the walk turns round at either
    end (a key press at an end would change nothing). A press that changes nothing
    within 5 s is a miss: its step and key are listed in ``missed``.
    """
    page.evaluate(LATENCY_JS, [root_selector, frame_key_js])
    focus()
    direction, missed = 1, []
    for i in range(samples):
        position = int(page.eval_on_selector(root_selector, f"root => ({frame_key_js})(root)"))
        if not 0 <= position + direction < steps:
            direction = -direction
        key = "ArrowRight" if direction > 0 else "ArrowLeft"
        page.keyboard.press(key)
        page.wait_for_function("n => window.__bvLatency.frame.length >= n", arg=i + 1, timeout=10_000)
        if page.evaluate(f"window.__bvLatency.frame[{i}] === null"):
            active = page.evaluate("document.activeElement && document.activeElement.className")
            missed.append({"step": position, "key": key, "focused": str(active)[:80]})
            focus()
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
        "missed": missed,
        "key_to_frame_ms": summary(frame),
        "key_to_dom_ms": summary(dom),
        "raw_key_to_frame_ms": [round(v, 2) for v in frame],
    }
