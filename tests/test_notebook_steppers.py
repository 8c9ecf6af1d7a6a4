"""Every stepper the notebooks show, read from their saved widget state: does it fit a notebook column,
with text big enough to read, and is what it sends the browser small?

The column is the narrowest one a lecture hall gives: JupyterLab at 1024×768 with the sidebar
closed (844 px). Fitted to it, a diagram's smallest text (its wire labels) must stay at least
12 px for the circuits of decks 000, 001, 003 and 004; the networks of deck 002 at least 9 px
where they fit, else they open at 10 px and follow the highlight. The sizes go to
``test-artifacts/stepper_sizes.json``; the README lists the widest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import backprop_viz as bv

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
COLUMN = 844  # px: JupyterLab's notebook column at 1024×768, sidebar closed
NOTEBOOKS_BUDGET = 4_000_000  # bytes for notebooks/ with every output kept


def steppers(path: Path) -> list[dict]:
    """The saved state of every stepper and network view of a notebook, in order."""
    nb = json.loads(path.read_text())
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [m["state"] for m in state.values() if m["model_name"] == "AnyModel" and "view" in m["state"]]


def opens_at(fitted: float, font: float, options: dict) -> float:
    """The text size the browser opens a diagram at (static/player/view.js, startZoom)."""
    if fitted >= options["min_text"]:
        return fitted
    return min(font, options.get("open_text", options["min_text"]))


def deck_of(path: Path) -> str:
    decks = json.loads(path.read_text())["metadata"]["backprop_viz"]["decks"]
    return "network" if decks == ["002"] else "circuit"


def sizes() -> list[dict]:
    rows = []
    for path in NOTEBOOKS:
        for k, s in enumerate(steppers(path)):
            view = s["view"]
            fitted = view["font"] * min(1.0, COLUMN / view["width"])
            rows.append(
                {
                    "notebook": path.stem,
                    "stepper": k,
                    "title": s["options"]["title"],
                    "kind": view["kind"],
                    "natural_width_px": view["width"],
                    "columns": view.get("columns", 0),
                    "fitted_text_px": round(fitted, 1),
                    # what the browser opens it at: fitted, unless that is below its minimum (then zoomed)
                    "opens_at_text_px": round(opens_at(fitted, view["font"], s["options"]), 1),
                    "state_bytes": len(json.dumps(s, ensure_ascii=False).encode()) - len(s.get("_esm", "")),
                    "rule": deck_of(path),
                }
            )
    return rows


@pytest.fixture(scope="module")
def measured() -> list[dict]:
    rows = sizes()
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    widest = sorted(rows, key=lambda r: -r["natural_width_px"])
    (out / "stepper_sizes.json").write_text(json.dumps(widest, indent=2, ensure_ascii=False) + "\n")
    return rows


def test_every_notebook_saves_its_steppers(measured: list[dict]) -> None:
    names = {r["notebook"] for r in measured}
    assert len(measured) >= 40 and len(names) >= 15, sorted(names)


# The circuits the decks draw, each as its deck gives it.
DECK_CIRCUITS = {
    "A1 (x + y) z": ("q = x + y; f = q * z", {}, dict(x=-2, y=5, z=-4)),
    "A3 sigmoid neuron": ("f = sigmoid(w0*x0 + w1*x1 + w2)", {}, dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)),
    "A3 sigmoid as four gates": (
        "f = sigmoid(w0*x0 + w1*x1 + w2)",
        {"expand": True},
        dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3),
    ),
    "A4 add, mul, max": ("f = 2 * (x * y + max(z, w))", {}, dict(x=3, y=-4, z=2, w=-1)),
    "D1 chain rule z = (x^2 + 3)^4": ("z = (x**2 + 3)**4", {}, dict(x=1.0)),
    "E1 y = w x, L = (y - y_hat)^2 / 2": ("y_hat = w * x; L = 0.5 * (y - y_hat)**2", {}, dict(w=0.5, x=2, y=3)),
    "E2 y = w1 x1 + w2 x2": (
        "y_hat = w1 * x1 + w2 * x2; L = 0.5 * (y - y_hat)**2",
        {},
        dict(w1=0.5, x1=2, w2=-1, x2=1, y=3),
    ),
}


@pytest.mark.parametrize("name", DECK_CIRCUITS)
def test_every_circuit_of_decks_000_001_003_004_fits_the_column_at_12_px(name: str) -> None:
    source, options, values = DECK_CIRCUITS[name]
    s = bv.Stepper(bv.expr(source, **options, **values))
    view = s.widget.view
    s.close()
    assert view["font"] * min(1.0, COLUMN / view["width"]) >= 12, (name, view["width"])


def test_the_notebooks_circuits_fit_or_open_readable(measured: list[dict]) -> None:
    """Most fit at 12 px too; a longer chain (deck 004's MLP, a polynomial's many terms, a softmax over
    three classes) fits at 9 px or more, or opens at 10 px and follows the highlight, with fit one click away."""
    circuits = [r for r in measured if r["rule"] == "circuit"]
    assert circuits and all(r["opens_at_text_px"] >= 9 for r in circuits), circuits
    assert all(r["opens_at_text_px"] >= 10 for r in circuits if r["fitted_text_px"] < 9), circuits
    assert sum(r["fitted_text_px"] >= 12 for r in circuits) >= 0.8 * len(circuits)


def test_the_2_2_1_gate_view_fits_at_9_px_and_every_network_opens_readable(measured: list[dict]) -> None:
    networks = [r for r in measured if r["rule"] == "network"]
    gate_view_221 = [r for r in networks if r["notebook"] == "12-network-2-2-1" and r["kind"] == "stepper"]
    assert gate_view_221 and all(r["fitted_text_px"] >= 9 for r in gate_view_221), gate_view_221
    unreadable = [r for r in networks if r["opens_at_text_px"] < 9]
    assert not unreadable, json.dumps(unreadable, indent=1, ensure_ascii=False)
    scrolled = [r for r in networks if r["fitted_text_px"] < 9]  # too wide to fit: open at 10 px, follow
    assert all(r["opens_at_text_px"] >= 10 for r in scrolled), scrolled


def test_the_data_each_stepper_keeps_is_small(measured: list[dict]) -> None:
    heavy = [r for r in measured if r["state_bytes"] > 150_000]
    assert not heavy, json.dumps(heavy, indent=1, ensure_ascii=False)


def test_the_notebooks_stay_within_their_budget() -> None:
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total <= NOTEBOOKS_BUDGET, f"notebooks/ holds {total / 1e6:.2f} MB, over {NOTEBOOKS_BUDGET / 1e6:.0f} MB"
