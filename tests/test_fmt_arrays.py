"""``bv.fmt`` of arrays: the rules of a number, element by element, never numpy's own form."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import backprop_viz as bv
from backprop_viz.drawing.step_states import wire_text

NUMBER = r"-?(?:\d+(?:\.\d+)?(?:e-?\d+)?|nan|inf)"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (np.array([1.0, 0.0, 0.0]), "[1, 0, 0]"),
        (np.array([0.1, 0.2]), "[0.1, 0.2]"),
        (np.array([[1.0, 0.0], [0.0, 1.0]]), "[[1, 0], [0, 1]]"),
        (np.array([0.73105858, -0.19661193]), "[0.7311, -0.1966]"),
        (np.array([1e-5, 123456.7]), "[0.00001, 1.235e5]"),
        (np.array([8.086e-5, 0.0004043, 1.2e-7]), "[0.00008086, 0.0004043, 1.2e-7]"),  # one form down to 1e-6
        (np.array([3, 4]), "[3, 4]"),
        (np.arange(20.0), "[0, 1, 2, …, 17, 18, 19]"),
        (np.array([]), "[]"),
    ],
)
def test_fmt_of_arrays(value: np.ndarray, text: str) -> None:
    assert bv.fmt(value) == text


@settings(max_examples=300, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=8),
        elements=st.floats(allow_nan=True, allow_infinity=True, width=64),
    )
)
def test_fmt_of_any_float_array_is_numbers_written_as_numbers(value: np.ndarray) -> None:
    text = bv.fmt(value)
    assert "\n" not in text and "-0," not in text and "-0]" not in text
    numbers = re.findall(r"[^\s\[\],…]+", text)
    assert all(re.fullmatch(NUMBER, n) for n in numbers), text  # no "1." nor "0.    "
    assert numbers == [bv.fmt(float(x)) for x in value.flat]  # each element as bv.fmt writes a number
    assert text.count("[") == text.count("]")


def test_short_vectors_on_wires_show_their_numbers() -> None:
    assert wire_text(np.array([0.08398, 0.08398, 0.08398]), 26) == "[0.084, 0.084, 0.084]"
    assert wire_text(np.array([1.0, 0.0, 0.0]), 26) == "[1, 0, 0]"
    assert wire_text(np.arange(12.0), 16) == "12-vector"
    assert wire_text(np.ones((4, 3)), 16) == "4×3 matrix"


def test_explanations_and_tables_of_vector_graphs_show_no_numpy_form() -> None:
    g = bv.expr("q = exp(s) / sum(exp(s)); H = -sum(p * log(q))", s=np.array([1.87, 1.3, 0.56]), p=np.eye(3)[0])
    texts = [s.explanation for s in g.steps] + [bv.fmt(n.value) + bv.fmt(n.grad) for n in g.nodes]
    assert not any(re.search(r"\d\.[\s,\]]|\[ ", t) for t in texts), texts


def test_the_inputs_line_of_frame_0_writes_arrays_as_numbers() -> None:
    from backprop_viz.drawing.step_states import step_states
    from backprop_viz.drawing.words import explanation

    g = bv.expr("f = sum(p * q)", p=np.array([1.0, 0.0, 0.0]), q=np.array([0.5, 0.25, 2.0]))
    assert "p = [1, 0, 0], q = [0.5, 0.25, 2]" in explanation(g, step_states(g)[0])
