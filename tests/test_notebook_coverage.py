"""Every example of the lecture catalogue (EXAMPLES.md) has its place in a notebook.

Each notebook declares what it covers in its metadata:
``"backprop_viz": {"covers": ["A1", "A2"], "deck": "000"}``.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CATALOGUE = ROOT.parent / "shared" / "lectures" / "EXAMPLES.md"

# The catalogue's example ids: deck 000 (A), 001 (B), 002 (C), 003 (D), 004 (E).
EXAMPLE_IDS = [
    f"{letter}{i}" for letter, count in zip("ABCDE", (4, 7, 7, 5, 3), strict=True) for i in range(1, count + 1)
]


def declared() -> dict[str, list[str]]:
    """Example id -> notebooks that declare it."""
    where: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        meta = json.loads(path.read_text())["metadata"].get("backprop_viz", {})
        for example in meta.get("covers", []):
            where.setdefault(example, []).append(path.name)
    return where


@pytest.mark.parametrize("example", EXAMPLE_IDS)
def test_example_is_covered(example: str) -> None:
    assert example in declared(), f"no notebook declares example {example} in its metadata"


def test_declared_ids_exist() -> None:
    unknown = set(declared()) - set(EXAMPLE_IDS)
    assert not unknown, f"notebooks declare unknown example ids: {sorted(unknown)}"


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the lecture catalogue is not beside the repository")
def test_ids_match_the_catalogue() -> None:
    in_catalogue = re.findall(r"^- ([A-E]\d+) ", CATALOGUE.read_text(), flags=re.M)
    assert in_catalogue == EXAMPLE_IDS
