"""Every notebook in JupyterLab as a room sees it: run it, then look at each stepper at a projector's size
(1024×768, the sidebar closed) and at a desk's (1400×1000).

For each stepper: in fit mode its diagram is no wider than its output area; one too wide to fit
with text of 9 px or more opens zoomed at 10 px text and its highlighted node is in view. No
cell shows an error. Screenshots of every stepper at both sizes go to ``test-artifacts/notebooks/``,
the measurements to ``test-artifacts/notebook_fit.json``.
"""

from __future__ import annotations

import json
import re

import pytest
from chromium import NOTEBOOKS, artifact, page_errors, settle
from stepper_page import CURRENT_IN_VIEW_JS, FIT_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"projector": (1024, 768), "desk": (1400, 1000)}
ALL = sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
RESULTS: dict[str, dict] = {}


def measure(lab, name: str, size: str) -> list[dict]:
    page = lab.page
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    lab.left_sidebar(shown=size != "projector")
    settle(page)
    out = []
    players = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bv-player")
    for k in range(players.count()):
        player = players.nth(k)
        player.scroll_into_view_if_needed()
        settle(page)
        fit = player.evaluate(FIT_JS)
        root = f"bv-at-{k}"
        player.evaluate("(e, c) => e.parentElement.classList.add(c)", root)
        fit["highlight_in_view"] = page.evaluate(CURRENT_IN_VIEW_JS, f".{root}")
        page.screenshot(path=artifact(f"notebooks/{name.removesuffix('.ipynb')}-{size}-{k}.png"))
        out.append(fit)
    return out


@pytest.mark.parametrize("name", ALL)
def test_every_stepper_fits_its_output_area(lab, name):
    lab.open(name)
    lab.run_all(timeout=240)
    assert lab.error_outputs() == [], name
    RESULTS[name] = {}
    for size in SIZES:
        fits = measure(lab, name, size)
        RESULTS[name][size] = fits
        for k, fit in enumerate(fits):
            where = f"{name} stepper {k} at {size}"
            assert fit["svg"] <= fit["viewport"] + 1 or fit["zoomed"], (where, fit)  # fit mode: no wider
            assert fit["viewport"] <= fit["area"] + 1, (where, fit)
            assert fit["minText"] >= 8.9 or fit["zoomed"], (where, fit)
            if fit["zoomed"]:  # too wide to fit readably: it opens at 10 px and follows the highlight
                assert fit["minText"] >= 9.9 and fit["highlight_in_view"], (where, fit)
    artifact("notebook_fit.json").write_text(json.dumps(RESULTS, indent=1) + "\n")
    assert page_errors(lab.page) == []
    names = [re.sub(r"\s+", " ", p) for p in lab.code_prompts()]
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in names), names
