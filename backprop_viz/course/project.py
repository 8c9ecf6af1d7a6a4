"""Where the project lives, read from the one place it is written: ``[project.urls]`` of pyproject.toml.

In a checkout (the package imported from the folder beside pyproject.toml) that file is read; installed,
the distribution's metadata, which pip wrote from it, is.
"""

from __future__ import annotations

import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "backprop_viz"
GITHUB = "https://github.com/"


@cache
def urls() -> dict[str, str]:
    """``[project.urls]`` as ``{label: address}``: the checkout's pyproject.toml, else the installed metadata."""
    package = Path(sys.modules[__name__.partition(".")[0]].__file__).resolve().parent
    pyproject = package.parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION:
            return dict(project["urls"])
    entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    return dict(entry.split(", ", 1) for entry in entries)


def repository() -> str:
    """The project's GitHub path, ``owner/name``, from its ``Source`` address."""
    source = urls()["Source"]
    if not source.startswith(GITHUB):
        raise ValueError(f"[project.urls] Source is not a GitHub address: {source!r}")
    return source.removeprefix(GITHUB).strip("/")
