"""Chapter 7: forward mode (micrograd.forward) agrees with the engine, and its exercises check."""

from __future__ import annotations

import io
import math
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import Value
from micrograd.exercises import check
from micrograd.forward import Dual, derivative, jvp

SEED = lambda x, y: x * y + x**2  # noqa: E731


def test_seed_example_one_forward_pass_per_input():
    assert derivative(SEED, [2.0, -3.0], 0) == 1.0
    assert derivative(SEED, [2.0, -3.0], 1) == 2.0
    assert jvp(SEED, [2.0, -3.0], [1.0, 0.0]) == (-2.0, 1.0)


def _expression(a, b, c):
    return ((a * b + c).tanh() * a - b / (c * c + 1.0)).exp() + (a * a + 1.0).log() + (c - a).relu() * b**3


finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(finite, finite, finite)
def test_forward_mode_equals_reverse_mode(a, b, c):
    if abs(c - a) < 1e-9:  # the relu kink: both pick 0, but keep the test about smooth points
        c += 0.1
    leaves = [Value(a), Value(b), Value(c)]
    _expression(*leaves).backward()
    for i, leaf in enumerate(leaves):
        assert math.isclose(derivative(_expression, [a, b, c], i), leaf.grad, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(finite, finite, finite, finite)
def test_jvp_is_the_gradient_dotted_with_the_direction(a, b, v, w):
    leaves = [Value(a), Value(b)]
    out = leaves[0] * leaves[1].tanh() + leaves[0] ** 2
    out.backward()
    _, got = jvp(lambda x, y: x * y.tanh() + x**2, [a, b], [v, w])
    assert math.isclose(got, leaves[0].grad * v + leaves[1].grad * w, rel_tol=1e-9, abs_tol=1e-9)


def test_a_dual_of_duals_gives_the_second_derivative():
    x = Dual(Dual(2.0, 1.0), Dual(1.0, 0.0))
    y = x**3  # y'' = 6x = 12
    assert (y.val.val, y.val.der, y.der.val, y.der.der) == (8.0, 12.0, 12.0, 12.0)
    z = (Dual(Dual(0.5, 1.0), Dual(1.0, 0.0))).tanh()
    t = math.tanh(0.5)
    assert math.isclose(z.der.der, -2 * t * (1 - t * t))


def test_relu_picks_zero_at_the_kink_like_the_engine():
    v = Value(0.0)
    v.relu().backward()
    assert Dual(0.0, 1.0).relu().der == v.grad == 0.0


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="str"):
        Dual(1.0, 1.0) + "2"
    with pytest.raises(TypeError, match="exponent"):
        Dual(1.0, 1.0) ** Dual(2.0, 0.0)
    with pytest.raises(ValueError, match="2 inputs but a direction of 3"):
        jvp(SEED, [1.0, 2.0], [1.0, 0.0, 0.0])


def _message(exercise_id, answer) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        check(exercise_id, answer)
    return out.getvalue()


def test_7_1_gets_a_dual_without_arithmetic():
    message = _message("7.1", lambda a, b: a / b)  # lets operator overloading do the work
    assert "❌" in message and "TypeError" in message


def test_7_1_names_a_result_that_is_not_a_dual():
    message = _message("7.1", lambda a, b: a.val / b.val)
    assert "expected a Dual" in message


def test_7_2_rejects_a_finite_difference_with_the_digits_that_differ():
    def central(f, point, direction, h=1e-6):
        up = f(*[Dual(x + h * v, 0.0) for x, v in zip(point, direction, strict=True)]).val
        down = f(*[Dual(x - h * v, 0.0) for x, v in zip(point, direction, strict=True)]).val
        return (up - down) / (2 * h)

    message = _message("7.2", central)
    assert "❌" in message and "off by" in message


def test_7_3_accepts_a_list_and_a_numpy_pair():
    np = pytest.importorskip("numpy")
    assert "✅" in _message("7.3", lambda n, m: [n, m])
    assert "✅" in _message("7.3", lambda n, m: np.array([n, m]))
    assert "swapped" not in _message("7.3", lambda n, m: (m, n))


def _chapter_dual() -> type:
    """The Dual class the chapter's notebook builds (its own cell, run on its own)."""
    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / "07_forward_and_reverse_mode.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    source = next(text for text in cells if text.startswith("class Dual"))
    namespace = {"math": math}
    exec(source, namespace)
    return namespace["Dual"]


def test_the_chapters_dual_passes_the_exercises_with_the_reference_answers():
    ChapterDual = _chapter_dual()

    def dual_div(a, b):
        return ChapterDual(a.val / b.val, (a.der * b.val - a.val * b.der) / b.val**2)

    def jvp_by_hand(f, point, direction):
        return f(*[ChapterDual(x, v) for x, v in zip(point, direction, strict=True)]).der

    assert "✅" in _message("7.1", dual_div)
    assert "✅" in _message("7.2", jvp_by_hand)


def test_the_chapters_dual_gives_the_seed_example_and_second_derivatives():
    ChapterDual = _chapter_dual()
    z = lambda x, y: x * y + x**2  # noqa: E731
    assert z(ChapterDual(2.0, 1.0), ChapterDual(-3.0, 0.0)).der == 1.0
    assert z(ChapterDual(2.0, 0.0), ChapterDual(-3.0, 1.0)).der == 2.0
    y = ChapterDual(ChapterDual(2.0, 1.0), ChapterDual(1.0, 0.0)) ** 3
    assert y.der.der == 12.0


@pytest.mark.parametrize(
    ("n", "value", "slope"), [(0, 1.0, 0.0), (0.5, 0.0, math.inf), (2, 0.0, 0.0), (1, 0.0, 1.0)]
)
def test_dual_powers_at_zero_agree_with_the_scalar_engine(n, value, slope):
    """Dual(0, 1) ** 0 is (1, 0), ** 0.5 is (0, inf): the scalar engine's numbers, no ZeroDivisionError."""
    out = Dual(0.0, 1.0) ** n
    v = Value(0.0)
    (v**n).backward()
    assert (out.val, out.der) == (value, slope) == (v.data**n, v.grad)
