"""The wheel as pip users get it: built from the repository, installed in a new virtual environment with
its dependencies, and run from a folder outside the repository, every export included."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BUILT_FROM = ["pyproject.toml", "README.md", "LICENSE", "backprop_viz"]  # what setuptools reads

# Run by the new environment's Python: a stepper from an expression, then every export.
SCRIPT = """
import sys
from pathlib import Path

import backprop_viz as bv

out = Path(sys.argv[1])
s = bv.Stepper("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
s.step = 3
for name in ("frame.svg", "frame.png", "steps.gif", "steps.pdf"):
    s.save(out / name)
s.to_html(out / "steps.html")
print(bv.__file__)
print(len(s))

from importlib.metadata import version
from backprop_viz.course.project import repository

print(bv.__version__, version("backprop_viz"))
print(repository())  # from the installed metadata: no pyproject.toml here
"""


def completed(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run a command with no trace of this environment (PYTHONPATH, VIRTUAL_ENV); it must succeed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


def run(*args: str | Path, cwd: Path) -> str:
    """The output of a command run as ``completed`` runs it."""
    return completed(*args, cwd=cwd).stdout


def build_wheel(tmp_path: Path) -> Path:
    """The wheel, built from a copy of the repository's files (the build writes nothing into the checkout)."""
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    for name in BUILT_FROM:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    built = completed(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source, cwd=tmp_path)
    assert not re.search(r"[a-z]Warning\b", built.stderr), built.stderr  # setuptools' (Python warnings, not pip's)
    (wheel,) = wheels.glob("backprop_viz-*.whl")
    package = {p.relative_to(source).as_posix() for p in (source / "backprop_viz").rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as archive:
        assert {n for n in archive.namelist() if n.startswith("backprop_viz/")} == package  # static/ files included
    return wheel


def new_environment(tmp_path: Path, wheel: Path) -> Path:
    """A virtual environment with the wheel and its dependencies (at Binder's pinned versions); its Python."""
    env_dir = tmp_path / "venv"
    run(sys.executable, "-m", "venv", env_dir, cwd=tmp_path)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run(python, "-m", "pip", "install", "-q", "-c", ROOT / "binder" / "requirements.txt", wheel, cwd=tmp_path)
    return python


@pytest.mark.slow
def test_the_wheel_installs_and_exports_outside_the_repository(tmp_path) -> None:
    from pypdf import PdfReader

    wheel = build_wheel(tmp_path)
    python = new_environment(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module, frames, version, installed, repository = run(python, "-c", SCRIPT, elsewhere, cwd=elsewhere).split()
    assert Path(module).is_relative_to(tmp_path / "venv")  # the wheel's copy, not the checkout
    assert not Path(module).is_relative_to(ROOT)
    assert int(frames) == 18
    assert version == installed == wheel.name.split("-")[1]
    source = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    assert source == f"https://github.com/{repository}"

    ET.parse(elsewhere / "frame.svg")
    assert (elsewhere / "frame.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(elsewhere / "steps.gif") as gif:
        assert gif.n_frames == 18
    assert len(PdfReader(elsewhere / "steps.pdf").pages) == 18
    page = (elsewhere / "steps.html").read_text(encoding="utf-8")
    assert "function render(" in page and ".bv-player{" in page  # the widget's script and style, from the wheel
    state = json.loads(page.split('id="bv-state">')[1].split("</script>")[0])
    assert len(state["walk"]["heads"]) == 18


def test_the_wheel_is_built_from_every_file_it_needs() -> None:
    """What the wheel test copies is what pyproject.toml names: the package, the README, the license."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert set(BUILT_FROM) == {
        "pyproject.toml",
        project["project"]["readme"],
        *project["project"]["license-files"],
        *{pattern.split(".")[0].rstrip("*") for pattern in packages},
    }
