"""A Jupyter server for the browser tests (JupyterLab or Notebook 7) on a temporary copy of ``notebooks/``.

It listens on 127.0.0.1 (a free port, a random token), uses settings, data and runtime
directories of its own (so no notebook is trusted because it was trusted on this machine
before), imports the package from this work tree, and is stopped through its own process
group at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from chromium import NOTEBOOKS, REPO, artifact, free_port

# No toasts over the notebook in the screenshots. No news and no update checks come from the environment's
# JupyterLab defaults, as `make lab` has them (binder/overrides.json, tests/browser/test_lab_settings.py).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"doNotDisturbMode": True},
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


def write_notebook(path: Path, *cells: str) -> Path:
    """Write a notebook of code cells for the Python 3 kernel, without outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path
