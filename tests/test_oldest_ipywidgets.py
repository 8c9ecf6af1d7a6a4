"""The kernel side with the oldest ipywidgets the package admits (7.7, what Google Colab ships):
the stepper, network view, quiz and widget-life tests run again in a subprocess that imports
ipywidgets 7.7 first. It is installed once into ``.venv/ipywidgets-7.7`` (pip, from PyPI)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / ".venv" / "ipywidgets-7.7"
TESTS = ["tests/test_stepper.py", "tests/test_widget_life.py", "tests/test_network_view.py"]


def oldest_admitted() -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith("ipywidgets"))
    return spec.split(">=")[1]


@pytest.mark.slow
def test_the_kernel_side_works_with_the_oldest_ipywidgets() -> None:
    version = oldest_admitted()
    assert version.startswith("7.7"), version
    if not (TARGET / "ipywidgets").is_dir():
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(TARGET),
             f"ipywidgets=={version}.*", "ipython_genutils"],
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(TARGET), os.environ.get("PYTHONPATH")])))
    check = subprocess.run(
        [sys.executable, "-c", "import ipywidgets; print(ipywidgets.__version__)"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.startswith(version), check.stdout
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout.splitlines()[-1] and "failed" not in run.stdout.splitlines()[-1]
