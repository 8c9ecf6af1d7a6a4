"""The front end's own rules, run in Node.js: reading a typed number and judging a prediction
(static/player/answers.js), the same verdicts as the kernel's quiz (quiz.is_right) gives; the one
module each widget carries, bundled from static/player/, and the protocol both sides read. The
component tests (tests/components/) drive the modules in a browser; the browser tests drive them in
JupyterLab, Notebook 7 and pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backprop_viz.quiz import is_right

PARTS = Path(__file__).resolve().parents[1] / "backprop_viz" / "static" / "player"
ANSWERS = PARTS / "answers.js"

CASES = [  # typed, exact, verdict (None: not a number)
    ("0.0063", 0.00992, False),  # the deck's misprint of ∂E/∂w5 is not near enough
    ("-0.006", -0.01083, False),
    ("0", 0.0012667, False),  # small gradients are judged as carefully as large ones
    ("0.0127", 0.012667, True),
    ("1.267e-2", 0.012667, True),
    ("-0.39", -0.3932, True),
    ("−0.393", -0.3932, True),  # a typographic minus
    ("0.2", 0.1966, True),  # rounded to the digit typed, which is the first significant one
    ("0.20", 0.1966, True),
    ("0.19", 0.1966, False),  # cut, not rounded
    ("1", 0.6, False),  # the digit typed is above the first significant one
    ("0.0012", 0.0012667, False),  # the deck's cut digits
    ("4", -4.0, False),  # the sign must agree
    ("3/4", 0.75, True),
    ("0,75", 0.75, True),
    ("0", 0.0, True),
    ("1", 0.0, False),
    ("__import__('os')", 1.0, None),  # never evaluated: just not a number
    ("1/0", 1.0, None),
    ("", 1.0, None),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_a_prediction_is_judged_by_relative_error_and_the_digits_typed(tmp_path: Path) -> None:
    script = (
        f"import {{ isRight }} from {json.dumps(ANSWERS.as_uri())};\n"
        f"const cases = {json.dumps(CASES)};\n"
        "console.log(JSON.stringify(cases.map(([typed, exact]) => isRight(typed, exact))));\n"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got == [want for _, _, want in CASES], list(zip(CASES, got, strict=True))
    for (typed, exact, want), verdict in zip(CASES, got, strict=True):  # the kernel's quiz agrees
        if want is not None:
            assert is_right(typed, exact) == verdict, (typed, exact)


def unpacked(module: str) -> list[str]:
    """What a packed module carries: [code, style sheet]."""
    import base64
    import gzip
    import re

    data = re.search(r'const packed = "([A-Za-z0-9+/=]+)";', module)[1]
    return json.loads(gzip.decompress(base64.b64decode(data)))


def test_every_widget_carries_its_module_packed_and_whole() -> None:
    """A saved notebook keeps each widget's module: packed, it is a third of the bytes, and unpacks to exactly
    the compacted static files (what the browser tests then run)."""
    from backprop_viz.player import CSS, ESM, PACKED
    from backprop_viz.quiz import QuizWidget

    assert unpacked(PACKED) == [ESM, CSS]
    assert len(PACKED) < 0.5 * (len(ESM) + len(CSS))
    assert unpacked(QuizWidget._esm)[0].startswith("const PROTOCOL = ")
    assert "module.default.render(props)" in PACKED


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_the_unpacking_module_and_the_unpacked_one_parse(tmp_path: Path) -> None:
    from backprop_viz.player import ESM, PACKED

    for name, text in (("packed.mjs", PACKED), ("player.mjs", ESM)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(tmp_path / name)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (name, done.stderr)


def test_the_bundle_holds_every_part_once_without_imports_or_exports() -> None:
    """Every file of static/player/ is bundled, in an order where each comes after what it imports."""
    import re

    from backprop_viz.player import ESM, PLAYER_PARTS, bundle, player_parts

    assert sorted(PLAYER_PARTS) == sorted(p.name for p in PARTS.glob("*.js"))
    text = bundle(player_parts())
    for k, path in enumerate(player_parts()):
        source = path.read_text(encoding="utf-8")
        for name in re.findall(r"^export (?:function|const) (\w+)", source, flags=re.M):
            assert re.search(rf"^(?:function|const) {name}\b", text, flags=re.M), (path.name, name)
        for imported in re.findall(r'^import .* from "\./(\w+\.js)";', source, flags=re.M):
            assert PLAYER_PARTS.index(imported) < k, (path.name, imported)
    assert not re.search(r"^\s*(?:import|export)\b", text.replace("export default", ""), flags=re.M)
    assert ESM.rstrip().endswith("export default { render };") and ESM.count("export default") == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_the_bundle_loads_as_a_module_and_exports_render(tmp_path: Path) -> None:
    from backprop_viz.browser_graphviz import Picture
    from backprop_viz.player import ESM
    from backprop_viz.quiz import QuizWidget

    for name, text in (("player", ESM), ("quiz", unpacked(QuizWidget._esm)[0]), ("picture", Picture._esm)):
        (tmp_path / f"{name}.mjs").write_text(text, encoding="utf-8")
        url = json.dumps((tmp_path / f"{name}.mjs").as_uri())
        script = f"const m = await import({url}); console.log(typeof m.default.render);"
        done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.strip() == "function", (name, done.stderr)


def test_both_sides_read_one_protocol() -> None:
    """The kernel's state numbers, the frame fields it sends and the copy in the browser's bundle are the protocol's."""
    from backprop_viz import skeleton
    from backprop_viz.player import ESM, FrameContent, encode
    from backprop_viz.wire import PROTOCOL

    protocol = json.loads((PARTS / "protocol.json").read_text(encoding="utf-8"))
    assert PROTOCOL == protocol
    inlined = next(line for line in ESM.splitlines() if line.startswith("const PROTOCOL = "))
    assert json.loads(inlined.removeprefix("const PROTOCOL = ").removesuffix(";")) == protocol
    states = [skeleton.FUTURE, skeleton.KNOWN, skeleton.CURRENT, skeleton.WARNING, skeleton.HIDDEN, skeleton.DIM]
    assert [protocol["states"][k] for k in states] == list(skeleton.STATE_CLASSES) == protocol["states"]
    frame = FrameContent(["1"], [0], "start", "t", "<b>n</b>")
    walk, words = encode([frame, frame])
    assert list(walk) == protocol["walk"] and list(words) == protocol["frames"]
    for path in PARTS.glob("*.js"):  # no part keeps its own list of the states
        assert "bv-future" not in path.read_text(encoding="utf-8"), path.name


def test_no_script_of_the_package_parses_markup_into_the_page() -> None:
    """Elements are made one by one (player/dom.js); the kernel's words come as trees, the diagram is rebuilt."""
    import re

    scripts = [*PARTS.parent.glob("*.js"), *PARTS.glob("*.js")]
    assert len(scripts) > 12
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        assert not re.search(
            r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment", text
        ), path
