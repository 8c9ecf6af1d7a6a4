"""The set-up files agree and do what they say: each version is written in one place (ranges in pyproject.toml,
exact pins in binder/ and lite/) and every other file agrees with it; `make` installs every extra at Binder's
versions, tests and lints with what the README says; CI runs exactly the README's test command."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "backprop_viz"
# conda-forge names where they differ from PyPI's
CONDA_NAMES = {"graphviz": "python-graphviz"}


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in requirements if r.strip()}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirements(*extras: str) -> list:
    """The package's dependencies and those of ``extras``, as ``packaging`` requirements (no self-references)."""
    from packaging.requirements import Requirement

    project = pyproject()["project"]
    listed = project["dependencies"] + [r for extra in extras for r in project["optional-dependencies"][extra]]
    return [r for r in map(Requirement, listed) if r.name != PROJECT]


def conda_specs() -> dict[str, str]:
    """environment.yml's conda packages as {name: version spec}."""
    lines = (ROOT / "environment.yml").read_text().split("\ndependencies:\n", 1)[1].splitlines()
    deps = [re.match(r"([a-z0-9_.-]+)(.*)", li.strip()[2:]) for li in lines if re.match(r"^  - [a-z]", li)]
    return {dep[1]: dep[2].strip() for dep in deps}


def test_environment_yml_has_the_runtime_and_lab_at_pyprojects_ranges() -> None:
    conda = conda_specs()
    wanted = {CONDA_NAMES.get(r.name, r.name): str(r.specifier) for r in requirements("lab")}
    assert {name: conda.get(name) for name in wanted} == wanted
    assert set(conda) - set(wanted) == {"python", "graphviz", "pip"}  # graphviz: the dot program itself
    assert "-e ." in (ROOT / "environment.yml").read_text()


def exact_pins(path: Path) -> dict[str, str]:
    """A requirements file as {name: version}; every requirement in it must be an exact pin."""
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", requirement)
            assert match, f"{path.relative_to(ROOT)}: not an exact pin: {line!r}"
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def binder_pins() -> dict[str, str]:
    return exact_pins(ROOT / "binder" / "requirements.txt")


def lite_pins() -> dict[str, str]:
    return exact_pins(ROOT / "lite" / "requirements.txt")


def test_binder_pins_the_runtime_and_lab_within_pyprojects_ranges() -> None:
    pins = binder_pins()
    assert names(map(str, requirements("lab"))) <= set(pins)
    every = requirements(*pyproject()["project"]["optional-dependencies"])
    for requirement in every:  # each pin within pyproject's range, extras' too (nh3)
        if requirement.name.lower() in pins:
            assert requirement.specifier.contains(pins[requirement.name.lower()]), requirement
    assert "graphviz" in (ROOT / "binder" / "apt.txt").read_text().split()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def build_lite():
    sys.path.insert(0, str(ROOT / "scripts"))  # it imports its neighbour colab_cells, as it does when run
    import build_lite

    return build_lite


def test_the_lite_site_takes_its_wheels_at_the_pinned_versions() -> None:
    """The widget packages at the versions of the front ends the lite build puts in the site (lite/requirements.txt),
    the other pure-Python wheels at Binder's; none written in the build script itself."""
    lite, binder = lite_pins(), binder_pins()
    for requirement in requirements():
        if requirement.name.lower() in lite:
            assert requirement.specifier.contains(lite[requirement.name.lower()]), requirement
    script = build_lite()
    taken = {name: script.pinned(name) for name in script.EXTRA_WHEELS}
    for name in ("ipywidgets", "jupyterlab-widgets", "anywidget"):
        assert taken[name] == lite[name], name
    for name in ("graphviz", "pypdf"):
        assert taken[name] == binder[name], name
    assert all(version is None for name, version in taken.items() if name not in lite | binder)
    assert not re.search(r"EXTRA_WHEELS = \{[^}]*\d+\.\d+", (ROOT / "scripts" / "build_lite.py").read_text())


def test_binder_installs_the_package_and_trusts_the_notebooks() -> None:
    post_build = [li for li in (ROOT / "binder" / "postBuild").read_text().splitlines() if not li.startswith("#")]
    assert post_build.index("pip install --no-deps -e .") < post_build.index("jupyter trust notebooks/*.ipynb")
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert (
        "LabApp().app_settings_dir" in post_build
        and 'cp binder/overrides.json "$settings/overrides.json"' in post_build
    )


def make_commands(target: str) -> list[list[str]]:
    """What `make TARGET` would run from scratch (make -n -B: printed, nothing run), each command split into words."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # not a sub-make
    done = subprocess.run(
        ["make", "-n", "-B", "--no-print-directory", target, "PYTHON=python3"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    text = done.stdout.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def command(commands: list[list[str]], *words: str) -> int:
    """The index of the first command that has all of ``words``."""
    found = [k for k, c in enumerate(commands) if all(w in c for w in words)]
    assert found, f"no command has {words}: {commands}"
    return found[0]


def test_make_setup_installs_every_extra_at_binders_versions() -> None:
    commands = make_commands("setup")
    install = commands[command(commands, ".venv/bin/pip", "install", "-e")]
    assert install[install.index("-c") + 1] == "binder/requirements.txt"
    target = install[install.index("-e") + 1]
    assert target.startswith(".[") and target.endswith("]")
    assert set(target[2:-1].split(",")) == set(pyproject()["project"]["optional-dependencies"])


def test_make_test_lints_then_runs_every_test_and_notebook_with_nbval() -> None:
    commands = make_commands("test")
    install = command(commands, ".venv/bin/pip", "install", "-e")
    lint = command(commands, ".venv/bin/ruff", "check", ".")
    style = command(commands, ".venv/bin/ruff", "format", "--check", ".")
    pytest_run = command(commands, ".venv/bin/python", "-m", "pytest", "--nbval")
    lite = command(commands, "scripts/build_lite.py")  # the JupyterLite site the browser tests open
    assert install < lite < pytest_run and install < lint and install < style
    words = commands[pytest_run]
    assert {"tests", "notebooks", "--nbval-current-env", "--nbval-sanitize-with", "notebooks/nbval.cfg"} <= set(words)
    assert "-m" not in words[words.index("pytest") :]  # nothing deselected: browser and slow tests too


def test_make_check_lints_and_runs_the_fast_tests() -> None:
    commands = make_commands("check")
    command(commands, ".venv/bin/ruff", "check", ".")
    command(commands, ".venv/bin/ruff", "format", "--check", ".")
    words = commands[command(commands, ".venv/bin/python", "-m", "pytest", "tests")]
    assert words[words.index("-m", words.index("pytest")) + 1] == "not slow and not browser"


def test_make_lab_trusts_the_notebooks_then_opens_the_first() -> None:
    commands = make_commands("lab")
    trust = command(commands, ".venv/bin/jupyter", "trust")
    lab = command(commands, ".venv/bin/jupyter", "lab", "notebooks/00-start-here.ipynb")
    assert trust < lab and "notebooks/*.ipynb" in commands[trust]


def test_make_installs_binders_jupyterlab_defaults_where_jupyterlab_reads_them() -> None:
    """binder/overrides.json (no news, no update checks) becomes .venv's JupyterLab defaults, as on Binder."""
    labapp = pytest.importorskip("jupyterlab.labapp")
    settings = Path(labapp.LabApp().app_settings_dir).resolve().relative_to(Path(sys.prefix).resolve())
    commands = make_commands("setup-lab")
    copy = commands[command(commands, "cp", "binder/overrides.json")]
    assert Path(copy[-1]) == Path(".venv") / settings / "overrides.json"


def made_by_make_setup() -> bool:
    """Whether this Python is the virtual environment `make setup` made (its stamp file is there)."""
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve() and (ROOT / ".venv" / ".installed").exists()


@pytest.mark.skipif(not made_by_make_setup(), reason="not run in the .venv that `make setup` pins to Binder's versions")
def test_these_tests_run_with_binders_versions() -> None:
    """So the notebook run of `make test` is a run with what Binder installs."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    differ = {name: (pin, installed(name)) for name, pin in binder_pins().items() if installed(name) != pin}
    assert not differ, f"pinned vs installed: {differ}; `make setup` installs the pinned versions"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    two_commands = readme.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    test_command = next(li.split("#")[0].strip() for li in two_commands.splitlines() if "run every test" in li)
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [li for li in ci.splitlines() if li and not li.startswith(("#", "set ", "cd ", "export "))]
    assert commands == [test_command]
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_pyproject_says_who_what_and_where() -> None:
    project = pyproject()["project"]
    assert project["authors"] and all(author["name"] for author in project["authors"])
    assert "backpropagation" in project["keywords"]
    classifiers = project["classifiers"]
    assert "License :: OSI Approved :: BSD License" not in classifiers  # the SPDX string says it (PEP 639)
    supported = [
        c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert supported and min(supported, key=lambda v: tuple(map(int, v.split(".")))) == "3.11"
    assert project["requires-python"] == ">=3.11"
    assert project["urls"]["Source"].startswith("https://github.com/")


def test_the_version_is_written_once_and_read_by_setuptools() -> None:
    from packaging.version import Version

    import backprop_viz

    assert "version" not in pyproject()["project"] and "version" in pyproject()["project"]["dynamic"]
    assert pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "backprop_viz.__version__"}
    assert str(Version(backprop_viz.__version__)) == backprop_viz.__version__


def readme_repository() -> str:
    return re.search(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/", (ROOT / "README.md").read_text())[1]


def test_the_repository_address_is_pyprojects_and_the_links_use_it() -> None:
    """Written in [project.urls] only: the course site's links and the Colab cells read it; the badges agree."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import colab_cells

    from backprop_viz.course.project import repository
    from backprop_viz.course.site import links

    repo = repository()
    assert pyproject()["project"]["urls"]["Source"] == f"https://github.com/{repo}"
    assert readme_repository() == repo == colab_cells.REPOSITORY
    page = links("00-start-here.ipynb")
    assert f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/00-start-here.ipynb" in page
    assert f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/00-start-here.ipynb" in page
    for folder in ("backprop_viz", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            assert repo not in path.read_text(encoding="utf-8"), path


def test_binder_badge_opens_the_first_notebook() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "mybinder.org/v2/" in readme and "urlpath=lab/tree/notebooks/00-start-here.ipynb" in readme


def test_readme_lists_every_notebook_with_its_examples() -> None:
    import json

    readme = (ROOT / "README.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([\w-]+)` \|.*\| ([^|]*) \|$", readme, flags=re.M)}
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(rows) == [p.stem for p in notebooks]
    for path in notebooks:
        covers = json.loads(path.read_text())["metadata"].get("backprop_viz", {}).get("covers", [])
        listed = re.findall(r"[A-E]\d", rows[path.stem])
        assert sorted(listed) == sorted(covers), path.name


def test_license_is_an_spdx_string_with_its_file() -> None:
    project = pyproject()["project"]
    assert project["license"] == "BSD-3-Clause"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    # SPDX strings need setuptools 77 (PEP 639)
    assert "setuptools>=77" in pyproject()["build-system"]["requires"]


def test_readme_images_are_absolute_urls_of_the_badges_repository() -> None:
    """A package index shows the README without the repository's files: relative images break there."""
    readme = (ROOT / "README.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert images and all(url.startswith("https://") for url in images)
    repo = readme_repository()
    gif = next(url for url in images if url.endswith("stepper.gif"))
    assert gif == f"https://raw.githubusercontent.com/{repo}/HEAD/docs/stepper.gif"
    assert (ROOT / "docs" / "stepper.gif").is_file()


def test_readme_says_how_to_install_with_pip_and_get_graphviz_everywhere() -> None:
    readme = (ROOT / "README.md").read_text()
    repo = readme_repository()
    for line in (
        f"pip install git+https://github.com/{repo}",
        "sudo apt-get install graphviz",
        "brew install graphviz",
        "winget install graphviz",
        "conda install -c conda-forge graphviz",
    ):
        assert line in readme, line


def test_lab_installs_notebook_7_and_the_readme_names_the_front_ends() -> None:
    project = pyproject()["project"]
    assert "notebook" in names(project["optional-dependencies"]["lab"])
    assert "notebook" in conda_specs() and "notebook" in binder_pins()
    readme = (ROOT / "README.md").read_text()
    front_ends = readme.split("### Front ends", 1)[1].split("\n## ", 1)[0]
    for name in ("JupyterLab", "Notebook 7", "VS Code", "Colab", "RISE", "present button"):
        assert name in front_ends, name
