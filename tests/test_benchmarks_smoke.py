"""The benchmark script runs every figure at a tiny size (numbers not checked: they depend on the machine)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_run():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # 8 to 10 s
def test_every_figure_runs_at_a_tiny_size(tmp_path, capsys) -> None:
    run = load_run()
    out = tmp_path / "bench.json"
    assert run.main(["--quick", "--output", str(out)]) == 0  # its times are the benchmark's to report, not a test's
    result = json.loads(out.read_text())
    assert result["machine"]["cores"] >= 1 and result["machine"]["python"]
    figures = {row["figure"].split(".")[0] for row in result["rows"]}
    assert figures == {"1", "2", "3", "4", "5", "6", "7"}
    engine = [r for r in result["rows"] if r["figure"] == "4. engine scale: time"]
    assert engine and all(r["detail"]["gradients_agree"] for r in engine)
    assert "figure" in capsys.readouterr().out


def test_the_mlp_expression_has_about_the_nodes_it_says() -> None:
    run = load_run()
    source, values = run.mlp_source((4, 6, 5, 1))
    import backprop_viz as bv

    g = bv.expr(source, **values)
    assert 180 <= len(g.nodes) <= 220
    assert run.mlp_nodes((3, 4, 1)) == len(bv.trace(run.mlp(run._engine_var, (3, 4, 1))[0]).nodes)


def test_reference_autograd_matches_the_engine() -> None:
    load_run()
    import reference_autograd as ref

    import backprop_viz as bv

    x, y = ref.Value(0.3), ref.Value(-1.2)
    f = ((x * y).sigmoid() + (x / y).exp() - (x.maximum(y)).tanh() + abs(y).sqrt().log()) ** ref.Value(2.0)
    f.backward()
    vx, vy = bv.variables(x=0.3, y=-1.2)
    g = bv.trace(((vx * vy).sigmoid() + (vx / vy).exp() - bv.maximum(vx, vy).tanh() + abs(vy).sqrt().log()) ** 2.0)
    assert abs(f.data - g.value) < 1e-12
    assert abs(x.grad - g.grad("x")) < 1e-9 and abs(y.grad - g.grad("y")) < 1e-9
