"""The set-up files agree: pyproject.toml, environment.yml and binder/ list the same packages,
and CI runs exactly the README's test command."""

import re
import tomllib
from pathlib import Path

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


def test_binder_installs_the_runtime_and_lab() -> None:
    project = pyproject()["project"]
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    binder = names([li for li in lines if not li.startswith("#")])
    assert names(project["dependencies"]) | names(project["optional-dependencies"]["lab"]) == binder
    assert "graphviz" in (ROOT / "binder" / "apt.txt").read_text().split()
    assert "pip install" in (ROOT / "binder" / "postBuild").read_text()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


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
