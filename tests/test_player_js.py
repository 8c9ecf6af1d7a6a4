"""The front end's own rules, run in Node.js: reading a typed number and judging a prediction
(static/player/answers.js), on the same cases (answer_cases.json) as the kernel's quiz (answers.is_right); the one
module each widget carries, bundled from static/player/, and the protocol both sides read. The
component tests (tests/components/) drive the modules in a browser; the browser tests drive them in
JupyterLab, Notebook 7 and pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backprop_viz.frontend.answers import is_right, parse_number

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "backprop_viz" / "frontend" / "static" / "player"
ANSWERS_JS = PARTS / "answers.js"
CASES = [
    tuple(case) for case in json.loads((ROOT / "tests" / "answer_cases.json").read_text(encoding="utf-8"))["cases"]
]


def python_verdict(typed: str, exact: float) -> bool | None:
    """The quiz's verdict, None for what it does not read as a number."""
    try:
        return is_right(typed, exact)
    except ValueError:
        return None


def test_the_quiz_reads_and_judges_every_shared_case() -> None:
    got = [python_verdict(typed, exact) for typed, exact, _ in CASES]
    assert got == [want for _, _, want in CASES], [(c, g) for c, g in zip(CASES, got, strict=True) if c[2] != g]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_predict_mode_reads_and_judges_every_shared_case_as_the_quiz_does(tmp_path: Path) -> None:
    module = tmp_path / "answers.mjs"
    module.write_text(ANSWERS_JS.read_text(encoding="utf-8"), encoding="utf-8")
    script = (
        f"import * as answers from {json.dumps(module.as_uri())};\n"
        f"const cases = {json.dumps(CASES)};\n"
        "console.log(JSON.stringify({exports: Object.keys(answers).sort(),"
        " verdicts: cases.map(([typed, exact]) => answers.isRight(typed, exact)),"
        " values: cases.map(([typed]) => answers.parseNumber(typed))}));\n"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["exports"] == ["isRight", "parseNumber"]
    assert got["verdicts"] == [want for _, _, want in CASES], [
        (c, g) for c, g in zip(CASES, got["verdicts"], strict=True) if c[2] != g
    ]
    for (typed, _, want), value in zip(CASES, got["values"], strict=True):  # the same number read, or none
        assert value == (None if want is None else parse_number(typed)), typed


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
    from backprop_viz.frontend.assets import CSS, ESM, PACKED
    from backprop_viz.frontend.quiz import QuizWidget

    assert unpacked(PACKED) == [ESM, CSS]
    assert len(PACKED) < 0.5 * (len(ESM) + len(CSS))
    assert unpacked(QuizWidget._esm)[0].startswith("const PROTOCOL = ")
    assert "module.default.render(props)" in PACKED


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_the_unpacking_module_and_the_unpacked_one_parse(tmp_path: Path) -> None:
    from backprop_viz.frontend.assets import ESM, PACKED

    for name, text in (("packed.mjs", PACKED), ("player.mjs", ESM)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(tmp_path / name)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (name, done.stderr)


def test_the_bundle_holds_every_part_once_without_imports_or_exports() -> None:
    """Every file of static/player/ is bundled, in an order where each comes after what it imports."""
    import re

    from backprop_viz.frontend.assets import ESM, PLAYER_PARTS, bundle, player_parts

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
    from backprop_viz.frontend.assets import ESM
    from backprop_viz.frontend.picture import Picture
    from backprop_viz.frontend.quiz import QuizWidget

    for name, text in (("player", ESM), ("quiz", unpacked(QuizWidget._esm)[0]), ("picture", Picture._esm)):
        (tmp_path / f"{name}.mjs").write_text(text, encoding="utf-8")
        url = json.dumps((tmp_path / f"{name}.mjs").as_uri())
        script = f"const m = await import({url}); console.log(typeof m.default.render);"
        done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.strip() == "function", (name, done.stderr)


def test_both_sides_read_one_protocol() -> None:
    """The kernel's state numbers, the frame fields it sends and the copy in the browser's bundle are the protocol's."""
    from backprop_viz.drawing import wire
    from backprop_viz.drawing.frame import Frame
    from backprop_viz.drawing.wire import PROTOCOL
    from backprop_viz.frontend.assets import ESM
    from backprop_viz.frontend.player import encode

    protocol = json.loads((PARTS / "protocol.json").read_text(encoding="utf-8"))
    assert PROTOCOL == protocol
    inlined = next(line for line in ESM.splitlines() if line.startswith("const PROTOCOL = "))
    assert json.loads(inlined.removeprefix("const PROTOCOL = ").removesuffix(";")) == {
        key: value for key, value in protocol.items() if key != "about"
    }
    states = [wire.FUTURE, wire.KNOWN, wire.CURRENT, wire.WARNING, wire.HIDDEN, wire.DIM]
    assert [protocol["states"][k] for k in states] == list(wire.STATE_CLASSES) == protocol["states"]
    frame = Frame(["1"], [0], "start", "t", "<b>n</b>")
    walk, words = encode([frame, frame])
    assert list(walk) == protocol["walk"] and list(words) == protocol["words"]
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
