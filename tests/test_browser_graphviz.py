"""A kernel without ``dot`` (JupyterLite's Pyodide): the browser's Graphviz lays the diagrams out.

The browser's side is played here by the real programs: ``dot``/``neato`` answer the requests
the widget's view carries (the same Graphviz, so the same drawing as the kernel's own), and,
where npm's copy is installed (``make lite``), the WebAssembly Graphviz itself under Node.js.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import backprop_viz as bv
from backprop_viz.drawing.layout import dot_source, layout_from_json
from backprop_viz.frontend import browser_graphviz
from backprop_viz.frontend.picture import Picture

REPO = Path(__file__).resolve().parents[1]
WASM_GRAPHVIZ = REPO / "lite" / "node_modules" / "@hpcc-js" / "wasm-graphviz" / "dist" / "index.js"
A1 = "q = x + y; f = q * z"
DOT = shutil.which("dot")
NEATO = shutil.which("neato")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(DOT is None or NEATO is None, reason="Graphviz's dot and neato play the browser here")


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A kernel with no ``dot`` on PATH, and a browser Graphviz module the package can send."""
    module = tmp_path / "graphviz.js"
    module.write_text("export const Graphviz = {};\n", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("BACKPROP_VIZ_GRAPHVIZ_JS", str(module))
    monkeypatch.delenv("BACKPROP_VIZ_GRAPHVIZ", raising=False)
    return module


def browser_answers(widget, receive) -> int:
    """Answer every request in ``widget.view`` as the browser would; returns how many there were."""
    count = 0
    while (request := widget.view.get("graphviz")) is not None:
        program = DOT if request["engine"] == "dot" else NEATO
        args = [f"-n{request['nop']}"] if request["nop"] else []
        done = subprocess.run(
            [program, f"-T{request['format']}", *args],
            input=request["source"].encode(),
            capture_output=True,
            check=True,
        )
        receive({"graphviz_done": {"id": request["id"], "output": done.stdout.decode()}})
        count += 1
    return count


def test_where_graphviz_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_dot: Path) -> None:
    assert browser_graphviz.graphviz_place() == "browser"
    monkeypatch.setenv("BACKPROP_VIZ_GRAPHVIZ", "kernel")
    with pytest.raises(bv.GraphvizMissing, match="apt-get install graphviz"):
        browser_graphviz.graphviz_place()
    monkeypatch.delenv("BACKPROP_VIZ_GRAPHVIZ")
    monkeypatch.setenv("BACKPROP_VIZ_GRAPHVIZ_JS", str(tmp_path / "absent.js"))
    with pytest.raises(bv.GraphvizMissing, match="apt-get install graphviz"):
        browser_graphviz.graphviz_place()
    monkeypatch.setenv("PATH", str(Path(DOT).parent))
    assert browser_graphviz.graphviz_place() == "kernel"


def test_a_stepper_drawn_by_the_browser_is_the_kernels_stepper(monkeypatch: pytest.MonkeyPatch, no_dot: Path) -> None:
    s = bv.Stepper(A1, x=-2, y=5, z=-4, step=3)
    widget = s.widget
    assert widget.view["kind"] == "stepper" and widget.view["graphviz"]["format"] in ("json", "svg")
    with pytest.raises(RuntimeError, match="still being laid out in the browser"):
        s.to_html(no_dot.parent / "a1.html")
    sent: list[dict] = []
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append(content))
    widget.receive({"graphviz_module": True})
    assert sent == [{"graphviz_module": no_dot.read_text(encoding="utf-8")}]
    s.set(x=1)  # an input set while the browser draws: the frames sent afterwards have it
    assert browser_answers(widget, widget.receive) >= 1
    assert "graphviz" not in widget.view and widget.status == ""
    monkeypatch.setenv("PATH", str(Path(DOT).parent))
    kernel = bv.Stepper(A1, x=1, y=5, z=-4, step=3)
    assert widget.view == kernel.widget.view
    assert (widget.walk, widget.words) == (kernel.widget.walk, kernel.widget.words)
    assert s.frame(5) == kernel.frame(5)


def test_a_failed_browser_layout_is_shown_not_raised(no_dot: Path) -> None:
    s = bv.Stepper("f = a * b + c", a=1, b=2, c=3)
    request = s.widget.view["graphviz"]
    s.widget.receive({"graphviz_done": {"id": request["id"], "error": "out of memory"}})
    assert "out of memory" in s.widget.status


def test_render_and_exports_without_dot(no_dot: Path) -> None:
    g = bv.expr(A1, x=-2, y=5, z=-4)
    picture = bv.render(g, 3)
    assert isinstance(picture, Picture)
    browser_answers(picture, picture._receive)
    assert picture.view["svg"].startswith("<svg") and picture.view["svg"].count("<text") > 10
    s = bv.Stepper(g)
    bundle = s._repr_mimebundle_()
    assert "image/png" not in bundle and "application/vnd.jupyter.widget-view+json" in bundle
    with pytest.raises(bv.GraphvizMissing):
        s.save(no_dot.parent / "a1.gif")


def c3() -> bv.Network:
    return bv.network([3, 2, 2], weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1], biases=[0.5] * 4,
                      inputs=[1, 4, 5], targets=[0.1, 0.05])  # fmt: skip


def test_a_network_view_drawn_by_the_browser_is_the_kernels(monkeypatch: pytest.MonkeyPatch, no_dot: Path) -> None:
    view = bv.NetworkView(c3(), step=4, predict=True, theme="dark")
    widget = view.widget
    assert widget.view["kind"] == "network" and widget.view["theme"] == "dark"
    assert widget.view["graphviz"]["engine"] == "dot" and widget.view["graphviz"]["format"] == "svg"
    with pytest.raises(RuntimeError, match="still being laid out in the browser"):
        view.svg(0)
    sent: list[dict] = []
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append(content))
    widget.receive({"graphviz_module": True})
    assert sent == [{"graphviz_module": no_dot.read_text(encoding="utf-8")}]
    assert browser_answers(widget, widget.receive) == 1
    assert "graphviz" not in widget.view and widget.status == ""
    monkeypatch.setenv("PATH", str(Path(DOT).parent))
    kernel = bv.NetworkView(c3(), step=4, predict=True, theme="dark")
    assert widget.view == kernel.widget.view
    assert (widget.walk, widget.words, widget.step) == (kernel.widget.walk, kernel.widget.words, 4)
    assert view.frame(4) == kernel.frame(4) and view.svg(4) == kernel.svg(4)


def test_a_failed_browser_drawing_of_a_network_is_shown_not_raised(no_dot: Path) -> None:
    view = bv.NetworkView(c3())
    request = view.widget.view["graphviz"]
    view.widget.receive({"graphviz_done": {"id": request["id"] + 1, "output": "<svg/>"}})  # not this request's
    assert view.widget.view["graphviz"] == request
    view.widget.receive({"graphviz_done": {"id": request["id"], "error": "out of memory"}})
    assert "out of memory" in view.widget.status and "out of memory" in view.widget.view["error"]


@pytest.mark.skipif(shutil.which("node") is None or not WASM_GRAPHVIZ.is_file(), reason="make lite installs it")
def test_the_browsers_graphviz_draws_a_network_view_as_dot_does(tmp_path: Path, no_dot: Path) -> None:
    """The WebAssembly Graphviz's SVG (it writes its text elements a little differently) gives the
    same skeleton: the same slots and elements, the changing texts centred in their neurons."""
    view = bv.NetworkView(bv.network([4, 5, 4], seed=2, use_biases=True, inputs=[1, 1, -1, -1], targets=[0, 0, 0, 1]))
    request = view.widget.view["graphviz"]
    (tmp_path / "n.dot").write_text(request["source"], encoding="utf-8")
    script = tmp_path / "draw.mjs"
    script.write_text(
        f'import {{ Graphviz }} from "{WASM_GRAPHVIZ.as_posix()}";\n'
        'import fs from "fs";\n'
        "const graphviz = await Graphviz.load();\n"
        'process.stdout.write(graphviz.layout(fs.readFileSync(process.argv[2], "utf8"), "svg", "dot"));\n',
        encoding="utf-8",
    )
    svg = subprocess.run([NODE, str(script), str(tmp_path / "n.dot")], capture_output=True, check=True).stdout
    view.widget.receive({"graphviz_done": {"id": request["id"], "output": svg.decode()}})
    skeleton = view.widget.view["svg"]
    assert skeleton.count(" data-s=") == 2 * 13 + 1  # a value and a delta per neuron, E's value
    assert skeleton.count(" data-e=") == 13 + 1 + 49  # the neurons, E, the weights
    anchored = re.findall(r'<text[^>]*data-s="\d+"', skeleton)
    assert anchored and not any('text-anchor="start"' in t for t in anchored)  # centred, as dot's are


@pytest.mark.skipif(shutil.which("node") is None or not WASM_GRAPHVIZ.is_file(), reason="make lite installs it")
def test_the_browsers_graphviz_lays_out_as_dot_does(tmp_path: Path) -> None:
    """The WebAssembly Graphviz (under Node.js) and the kernel's dot place every node in the same
    column and the same order; sizes differ only by their text metrics (a few per cent)."""
    g = bv.expr("f = 1/(1+exp(-(w0*x0+w1*x1+w2)))", w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    source = dot_source(g)
    (tmp_path / "g.dot").write_text(source, encoding="utf-8")
    script = tmp_path / "layout.mjs"
    script.write_text(
        f'import {{ Graphviz }} from "{WASM_GRAPHVIZ.as_posix()}";\n'
        'import fs from "fs";\n'
        "const graphviz = await Graphviz.load();\n"
        'process.stdout.write(graphviz.layout(fs.readFileSync(process.argv[2], "utf8"), "json", "dot"));\n',
        encoding="utf-8",
    )
    wasm = json.loads(
        subprocess.run(["node", str(script), str(tmp_path / "g.dot")], capture_output=True, check=True).stdout
    )
    native = json.loads(subprocess.run([DOT, "-Tjson"], input=source.encode(), capture_output=True, check=True).stdout)
    a, b = layout_from_json(g, native), layout_from_json(g, wasm)

    def order(layout, axis: int) -> list[int]:
        return sorted(layout.node_pos, key=lambda i: (round(float(layout.node_pos[i].split(",")[axis]) / 5), i))

    assert a.columns == b.columns
    assert order(a, 0) == order(b, 0) and order(a, 1) == order(b, 1)
    for k in (2, 3):  # the canvas's width and height
        assert b.canvas[k] - b.canvas[k - 2] == pytest.approx(a.canvas[k] - a.canvas[k - 2], rel=0.1)


def test_in_the_browser_the_message_names_only_what_needs_dot(monkeypatch: pytest.MonkeyPatch, no_dot: Path) -> None:
    """Python in the browser (JupyterLite): what draws there is not listed among what needs dot."""
    from backprop_viz.drawing import layout

    monkeypatch.setattr(layout.sys, "platform", "emscripten")
    with pytest.raises(bv.GraphvizMissing) as err:
        layout.dot_program()
    message = str(err.value)
    needs = message.split("instead;")[1]
    assert "PNG, GIF or PDF" in needs and "render" not in needs and "NetworkView" not in needs
    assert "network views and bv.render lay their diagrams out in the browser" in message
    g = bv.expr(A1, x=-2, y=5, z=-4)
    assert isinstance(bv.render(g), Picture)  # and these do draw there
    assert bv.NetworkView(c3()).widget.view["graphviz"]["engine"] == "dot"
    with pytest.raises(bv.GraphvizMissing, match="PNG, GIF or PDF"):
        bv.Stepper(g).save(no_dot.parent / "a1.gif")
