"""The shared checker helpers of ``micrograd.exercises.core``: one number rule, one sequence rule.

A number is any ``numbers.Real`` except bool (numpy scalars of every width included);
a sequence is a list, tuple or 1-D numpy array of numbers. A mismatch message shows
enough digits to see the difference.
"""

from __future__ import annotations

import logging
import math
from fractions import Fraction

import numpy as np
import pytest

from micrograd.engine import Value, topological_order
from micrograd.exercises.core import (
    BareNode,
    Mismatch,
    _classify,
    _LearnerError,
    _NotAttempted,
    _StubHelper,
    bare_copy,
    expect_close,
    expect_close_sequence,
    expect_number,
    expect_sequence,
    fmt,
    is_number,
)
from tests.fresh_python import run_python

NUMBERS = [
    3,
    -2.5,
    Fraction(1, 3),
    np.float16(1.5),
    np.float32(1.5),
    np.float64(1.5),
    np.int8(3),
    np.int16(3),
    np.int32(3),
    np.int64(3),
    np.uint8(3),
    math.inf,
]
NOT_NUMBERS = [
    True,
    False,
    np.bool_(True),
    "1.5",
    None,
    [1.5],
    (1.5,),
    np.array(1.5),
    np.array([1.5]),
    1j,
    Value(1.5),
]


@pytest.mark.parametrize("x", NUMBERS, ids=repr)
def test_numbers_of_every_width_are_numbers(x):
    assert is_number(x)
    assert expect_number(x, "case") == float(x)
    expect_close(x, float(x), "case")


@pytest.mark.parametrize("x", NOT_NUMBERS, ids=repr)
def test_bools_and_containers_are_not_numbers(x):
    assert not is_number(x)
    with pytest.raises(Mismatch, match="expected a number"):
        expect_number(x, "case")
    with pytest.raises(Mismatch, match="expected a number"):
        expect_close(x, 1.0, "case")


@pytest.mark.parametrize(
    ("got", "expected"),
    [(6.000001, 6), (6.0 + 6e-9, 6.0), (np.float32(0.1), 0.1), (1e-300, 0.0), (math.nan, 1.0)],
    ids=repr,
)
def test_a_mismatch_shows_the_difference(got, expected):
    with pytest.raises(Mismatch) as caught:
        expect_close(got, expected, "case", rel=1e-12, abs_tol=1e-320)
    message = str(caught.value)
    shown_expected, shown_got = message.split("expected ")[1].split(", got ")
    assert shown_expected != shown_got.split(" (")[0], message  # never "expected 6, got 6"
    assert fmt(got) in message


def test_fmt_prints_every_digit_that_matters():
    assert fmt(6) == "6"
    assert fmt(np.int64(6)) == "6"
    assert fmt(0.1) == "0.1"
    assert fmt(np.float32(0.1)) == repr(float(np.float32(0.1)))
    assert fmt(6.000000001) != fmt(6.0)


SEQUENCES = [
    [1.0, 2.0],
    (1, 2),
    np.array([1.0, 2.0]),
    np.array([1, 2]),
    np.array([1, 2], dtype=np.float32),
    np.array([1, 2], dtype=np.int8),
    [np.float32(1), np.int64(2)],
]


@pytest.mark.parametrize("got", SEQUENCES, ids=repr)
def test_lists_tuples_and_1d_arrays_are_sequences(got):
    assert expect_sequence(got, "case", length=2) == [1.0, 2.0]
    assert expect_close_sequence(got, [1.0, 2.0], "case") == [1.0, 2.0]
    assert all(type(x) is float for x in expect_sequence(got, "case"))


@pytest.mark.parametrize(
    ("got", "message"),
    [
        (np.array([[1.0, 2.0]]), "2-D array"),
        ("12", "got str"),
        ({1: 2}, "got dict"),
        (1.0, "got float"),
        (None, "got NoneType"),
        ([1.0, True], "item 1 should be a number, got bool"),
        (np.array([True, False]), "item 0 should be a number, got bool"),
        ([1.0, "2"], "item 1 should be a number, got str"),
        ([1.0], "expected 2 numbers, got 1"),
        ([1.0, 2.0, 3.0], "expected 2 numbers, got 3"),
    ],
    ids=repr,
)
def test_anything_else_is_not_a_sequence(got, message):
    with pytest.raises(Mismatch, match=message.replace("(", r"\(")):
        expect_sequence(got, "case", length=2)


def test_expect_close_sequence_names_the_item():
    with pytest.raises(Mismatch, match=r"case, item 1: expected 2.0, got 2.5"):
        expect_close_sequence(np.array([1.0, 2.5]), [1.0, 2.0], "case")


def test_bare_copy_keeps_the_shape_and_has_no_methods():
    a = Value(2.0, label="a")
    b = a * a + a
    b.label = "b"
    copy = bare_copy(b)
    assert isinstance(copy, BareNode) and copy.label == "b" and copy.data == b.data
    nodes = topological_order(copy)
    assert len(nodes) == 3  # a, a*a, b: a stays one node
    square = copy._prev[0]
    assert square._prev[0] is square._prev[1]
    assert square._local_grads == (2.0, 2.0)
    for method in ("backward", "topological_order", "_backward"):
        with pytest.raises(AttributeError, match="checker's nodes have no"):
            getattr(copy, method)


def test_bare_copy_handles_deep_graphs():
    y = Value(0.5)
    for _ in range(3000):
        y = y.tanh()
    assert len(topological_order(bare_copy(y))) == 3001


class _LearnersModel:
    """A learner's class answer with one method still a stub."""

    def __init__(self, size):
        self.size = size

    def forward(self, x):
        raise NotImplementedError


def _unfinished_helper(x):
    raise NotImplementedError


def _raised_by(function, *args):
    try:
        function(*args)
    except Exception as error:
        return error
    raise AssertionError("did not raise")


def test_a_stub_method_of_a_learners_class_is_not_attempted():
    error = _raised_by(_LearnersModel(3).forward, 1.0)
    assert isinstance(_classify(error, _LearnersModel), _NotAttempted)
    assert isinstance(_classify(error, _LearnersModel(3).forward), _NotAttempted)


def test_a_stub_helper_is_named():
    def answer(x):
        return _unfinished_helper(x) + 1

    verdict = _classify(_raised_by(answer, 1.0), answer)
    assert isinstance(verdict, _StubHelper) and verdict.name == "_unfinished_helper"


def test_a_not_implemented_error_from_a_library_is_an_error():
    def answer(x):
        return logging.Handler().emit(x)  # the stdlib raises NotImplementedError: not the learner's stub

    verdict = _classify(_raised_by(answer, None), answer)
    assert isinstance(verdict, _LearnerError) and isinstance(verdict.error, NotImplementedError)


def test_the_neutral_checking_module_imports_without_numpy_and_the_gpu_harness_without_exercises():
    """micrograd.expect serves the in-page runtime (no numpy) and chapter 13's harness, which must
    not import micrograd.exercises (the library never imports the exercises)."""

    program = (
        "import sys\n"
        "import micrograd.expect\n"
        "assert 'numpy' not in sys.modules, 'micrograd.expect imported numpy'\n"
        "import micrograd.gpu\n"
        "assert 'micrograd.exercises' not in sys.modules, 'micrograd.gpu imported the exercises'\n"
        "from micrograd.exercises.core import Mismatch, expect_close\n"
        "assert Mismatch is micrograd.expect.Mismatch and expect_close is micrograd.expect.expect_close\n"
        "print('ok')\n"
    )
    assert run_python(program, timeout=300).strip() == "ok"


def test_the_gpu_package_imports_nothing_from_the_exercises():
    import ast
    from pathlib import Path

    import micrograd.gpu

    for path in Path(micrograd.gpu.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.startswith("micrograd.exercises") for n in names), (
                    f"{path.name} imports {names}"
                )


def test_the_names_chapter_modules_use_stay_importable_from_core():
    """Chapter modules (and chapters added later) import these from micrograd.exercises.core."""
    import micrograd.exercises as package
    from micrograd.exercises import core

    for name in (
        "Exercise",
        "register",
        "Mismatch",
        "expect_close",
        "expect_number",
        "expect_sequence",
        "expect_close_sequence",
        "expect_close_array",
        "is_number",
        "fmt",
        "bare_copy",
        "BareNode",
        "check",
        "hint",
        "solution",
        "registry",
        "load_chapter",
    ):
        assert hasattr(core, name), name
    for name in ("check", "hint", "solution", "registry", "load_chapter", "Exercise", "register", "Mismatch"):
        assert hasattr(package, name), name
