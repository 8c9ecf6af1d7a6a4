"""The front end's own rules, run in Node.js: reading a typed number and judging a prediction
(static/player/answers.js), on the same cases (answer_cases.json) as the kernel's quiz (answers.is_right). The browser
tests drive the same module in JupyterLab, Notebook 7 and pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backprop_viz.answers import is_right, parse_number

ROOT = Path(__file__).resolve().parents[1]
ANSWERS_JS = ROOT / "backprop_viz" / "static" / "player" / "answers.js"
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
    from backprop_viz.player import CSS, ESM, PACKED
    from backprop_viz.quiz import QuizWidget

    assert unpacked(PACKED) == [ESM, CSS]
    assert len(PACKED) < 0.5 * (len(ESM) + len(CSS))
    assert unpacked(QuizWidget._esm)[0].startswith("function tag(")
    assert "export default module.default;" in PACKED


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make setup installs it)")
def test_the_unpacking_module_and_the_unpacked_one_parse(tmp_path: Path) -> None:
    from backprop_viz.player import ESM, PACKED

    for name, text in (("packed.mjs", PACKED), ("player.mjs", ESM)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(tmp_path / name)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (name, done.stderr)
