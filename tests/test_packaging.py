"""The set-up files agree: pyproject.toml, environment.yml and binder/ list the same packages (Binder's
pinned at versions the tests run with), and CI runs exactly the README's test command."""

import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names where they differ from PyPI's
CONDA_NAMES = {"graphviz": "python-graphviz"}


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in requirements if r.strip()}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def conda_packages() -> set[str]:
    lines = (ROOT / "environment.yml").read_text().splitlines()
    deps = [li.strip()[2:] for li in lines if re.match(r"^  - [a-z]", li)]
    return names(deps) - {"pip", "python"}


def test_environment_yml_has_every_dependency_and_extra() -> None:
    project = pyproject()["project"]
    wanted = names(project["dependencies"]) | names(sum(project["optional-dependencies"].values(), []))
    conda = conda_packages()
    assert {CONDA_NAMES.get(n, n) for n in wanted} <= conda
    assert "graphviz" in conda  # the dot program itself
    assert "-e ." in (ROOT / "environment.yml").read_text()


def binder_pins() -> dict[str, str]:
    """binder/requirements.txt as {name: version}; every line must be an exact pin."""
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    pins = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", line.strip())
            assert match, f"binder/requirements.txt: not an exact pin: {line!r}"
            pins[match[1].lower()] = match[2]
    return pins


def test_binder_pins_the_runtime_and_lab() -> None:
    from packaging.requirements import Requirement

    project = pyproject()["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["lab"]
    pins = binder_pins()
    assert names(wanted) <= set(pins)
    for requirement in map(Requirement, wanted):  # each pin within pyproject's range
        assert requirement.specifier.contains(pins[requirement.name.lower()]), requirement
    assert "graphviz" in (ROOT / "binder" / "apt.txt").read_text().split()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_installs_the_package_and_trusts_the_notebooks() -> None:
    post_build = [li for li in (ROOT / "binder" / "postBuild").read_text().splitlines() if not li.startswith("#")]
    assert post_build.index("pip install --no-deps -e .") < post_build.index("jupyter trust notebooks/*.ipynb")
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)


def test_make_installs_binders_versions_and_lab_trusts_the_notebooks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert '-c binder/requirements.txt -e ".[lab,test]"' in makefile
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [li.strip() for li in lab[1:]] == [
        "$(BIN)/jupyter trust notebooks/*.ipynb",
        "$(BIN)/jupyter lab notebooks/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)",
    ]


def test_make_and_binder_install_jupyterlabs_defaults_news_off() -> None:
    """The one file, binder/overrides.json, becomes the environment's JupyterLab defaults in both."""
    makefile = (ROOT / "Makefile").read_text()
    assert "LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile
    assert "$(MAKE) --no-print-directory $(STAMP) $(LAB_OVERRIDES)" in makefile  # make setup-lab, make lab
    assert "cp binder/overrides.json $@" in makefile
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert (
        "LabApp().app_settings_dir" in post_build
        and 'cp binder/overrides.json "$settings/overrides.json"' in post_build
    )


def made_by_make_setup() -> bool:
    """Whether this Python is the virtual environment `make setup` made (its stamp file is there)."""
    import sys

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
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    commands = [li for li in ci.splitlines() if li and not li.startswith(("#", "set ", "cd ", "export "))]
    assert commands == ["make test"]


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
    repo = re.search(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/", readme)[1]
    gif = next(url for url in images if url.endswith("stepper.gif"))
    assert gif == f"https://raw.githubusercontent.com/{repo}/HEAD/docs/stepper.gif"
    assert (ROOT / "docs" / "stepper.gif").is_file()


def test_readme_says_how_to_install_with_pip_and_get_graphviz_everywhere() -> None:
    readme = (ROOT / "README.md").read_text()
    repo = re.search(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/", readme)[1]
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
    assert "notebook" in conda_packages() and "notebook" in binder_pins()
    readme = (ROOT / "README.md").read_text()
    front_ends = readme.split("### Front ends", 1)[1].split("\n## ", 1)[0]
    for name in ("JupyterLab", "Notebook 7", "VS Code", "Colab", "RISE", "present button"):
        assert name in front_ends, name
