"""Engine tests: values, gradients, accumulation, deep and freed graphs, bad input.

Every test that takes the ``Value`` fixture (tests/conftest.py) runs twice: on
``micrograd.engine.Value`` and on the class rebuilt from the ``# @save`` cells of
the Part I notebooks, so the chapters and the package cannot drift apart. Tests
whose names end in ``_package`` check what only the package promises (the exact
wording of error messages, a million-node graph, ``zero_grad``,
``weighted_sum``).

Each docstring starts with the chapter it belongs to, e.g. ``[ch5]``.

Expected gradients come from central differences of the plain-float formula,
never from the engine itself.
"""

from __future__ import annotations

import gc
import math
import sys
import time
import weakref

import pytest

from micrograd.engine import Value as PackageValue
from micrograd.engine import weighted_sum, zero_grad


def central_difference(f, xs, i, h=1e-6):
    """d f / d x_i at xs, by (f(x + h e_i) - f(x - h e_i)) / 2h, on plain floats."""
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def assert_close(actual, expected, rel=1e-6, abs_=1e-8, what=""):
    assert actual == pytest.approx(expected, rel=rel, abs=abs_), what


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# (name, function of Values, the same function of floats, points). The float versions use math only.
UNARY = [
    ("neg", lambda a: -a, lambda x: -x, [-1.5, 0.3, 2.0]),
    ("exp", lambda a: a.exp(), math.exp, [-2.0, 0.0, 1.3]),
    ("log", lambda a: a.log(), math.log, [0.2, 1.0, 7.5]),
    ("tanh", lambda a: a.tanh(), math.tanh, [-2.0, 0.0, 0.6]),
    ("sigmoid", lambda a: a.sigmoid(), sigmoid, [-3.0, 0.0, 2.2]),
    ("relu", lambda a: a.relu(), lambda x: max(0.0, x), [-1.2, 0.4, 3.0]),
    ("pow int 2", lambda a: a**2, lambda x: x * x, [-1.5, 0.0, 2.5]),
    ("pow int 3", lambda a: a**3, lambda x: x * x * x, [-1.5, 0.5, 2.0]),
    ("pow int 0", lambda a: a**0, lambda x: 1.0, [-1.5, 2.0]),
    ("pow int -1", lambda a: a**-1, lambda x: 1 / x, [-2.0, 0.5, 3.0]),
    ("pow int -2", lambda a: a**-2, lambda x: 1 / (x * x), [-2.0, 0.5, 3.0]),
    ("pow float 0.5", lambda a: a**0.5, math.sqrt, [0.25, 2.0]),
    ("pow float 2.5", lambda a: a**2.5, lambda x: math.sqrt(x) ** 5, [0.3, 1.7]),
    ("pow float -1.5", lambda a: a**-1.5, lambda x: 1 / math.sqrt(x) ** 3, [0.3, 1.7]),
    ("pow float 2.0 on negative", lambda a: a**2.0, lambda x: x * x, [-1.5]),
    ("rpow 2", lambda a: 2**a, lambda x: math.exp(x * math.log(2)), [-1.0, 0.0, 3.5]),
    ("rpow 0.5", lambda a: 0.5**a, lambda x: math.exp(x * math.log(0.5)), [-1.0, 2.0]),
    ("add const", lambda a: a + 2.5, lambda x: x + 2.5, [-1.0, 3.0]),
    ("radd const", lambda a: 2.5 + a, lambda x: 2.5 + x, [-1.0, 3.0]),
    ("sub const", lambda a: a - 2.5, lambda x: x - 2.5, [-1.0, 3.0]),
    ("rsub const", lambda a: 2.5 - a, lambda x: 2.5 - x, [-1.0, 3.0]),
    ("mul const", lambda a: a * -3, lambda x: -3.0 * x, [-1.0, 3.0]),
    ("rmul const", lambda a: -3 * a, lambda x: -3.0 * x, [-1.0, 3.0]),
    ("div const", lambda a: a / 4, lambda x: x / 4, [-1.0, 3.0]),
    ("rdiv const", lambda a: 4 / a, lambda x: 4 / x, [-1.0, 3.0]),
    ("square by mul", lambda a: a * a, lambda x: x * x, [-1.5, 2.0]),
    ("a / a", lambda a: a / a, lambda x: 1.0, [-1.5, 2.0]),
    ("a - a", lambda a: a - a, lambda x: 0.0, [-1.5, 2.0]),
]

BINARY = [
    ("add", lambda a, b: a + b, lambda x, y: x + y),
    ("sub", lambda a, b: a - b, lambda x, y: x - y),
    ("mul", lambda a, b: a * b, lambda x, y: x * y),
    ("div", lambda a, b: a / b, lambda x, y: x / y),
    (
        "mixed",
        lambda a, b: (a * b + a**2).tanh() - b / (a + 3),
        lambda x, y: math.tanh(x * y + x * x) - y / (x + 3),
    ),
]
BINARY_POINTS = [(2.0, -3.0), (-0.7, 1.9), (0.5, 0.25)]


@pytest.mark.parametrize(
    "name, op, reference, x",
    [(name, op, ref, x) for name, op, ref, points in UNARY for x in points],
    ids=[f"{name}@{x}" for name, _, _, points in UNARY for x in points],
)
def test_unary_value_and_grad(Value, name, op, reference, x):  # noqa: N803
    """[ch5] One-input ops and number-on-either-side forms: value, and grad vs central differences."""
    a = Value(x)
    out = op(a)
    assert_close(out.data, reference(x), rel=1e-12, abs_=1e-12, what=f"value of {name} at {x}")
    out.backward()
    assert_close(a.grad, central_difference(reference, [x], 0), rel=1e-6, abs_=1e-7, what=f"grad of {name}")


@pytest.mark.parametrize("x, y", BINARY_POINTS)
@pytest.mark.parametrize("name, op, reference", BINARY, ids=[b[0] for b in BINARY])
def test_binary_value_and_grads(Value, name, op, reference, x, y):  # noqa: N803
    """[ch4, ch5] Two-input ops: value, and both grads vs central differences."""
    a, b = Value(x), Value(y)
    out = op(a, b)
    assert_close(out.data, reference(x, y), rel=1e-12, abs_=1e-12, what=f"value of {name}")
    out.backward()
    assert_close(a.grad, central_difference(reference, [x, y], 0), what=f"d{name}/da")
    assert_close(b.grad, central_difference(reference, [x, y], 1), what=f"d{name}/db")


def test_seed_example(Value):  # noqa: N803
    """[ch4] z = x*y + x**2 at x=2, y=-3: z = -2, dz/dx = 1, dz/dy = 2."""
    x, y = Value(2.0), Value(-3.0)
    z = x * y + x**2
    z.backward()
    assert (z.data, x.grad, y.grad) == (-2.0, 1.0, 2.0)


def test_relu_at_and_below_zero(Value):  # noqa: N803
    """[ch5] relu(0) = 0 with grad 0 (the convention), relu(-2) = 0 with grad 0."""
    for x in (0.0, -2.0):
        a = Value(x)
        out = a.relu()
        out.backward()
        assert (out.data, a.grad) == (0.0, 0.0)


def test_pow_zero_base_positive_exponent(Value):  # noqa: N803
    """[ch5] 0**2 = 0 with slope 0, 0**3 likewise."""
    for n in (2, 3, 2.0):
        a = Value(0.0)
        out = a**n
        out.backward()
        assert (out.data, a.grad) == (0.0, 0.0)


def test_results_are_floats_and_ints_are_converted(Value):  # noqa: N803
    """[ch2] Value(3).data is the float 3.0; results hold floats."""
    a = Value(3)
    assert type(a.data) is float and a.data == 3.0
    assert type((a * 2).data) is float
    assert type((a + a).data) is float
    assert a.grad == 0.0


def test_results_equal_float_arithmetic_exactly(Value):  # noqa: N803
    """[ch2, ch5] A Value's data is exactly what the same float arithmetic gives, division included."""
    pairs = [(0.3, 0.1), (1.0, 3.0), (7.0, -49.0), (2.5, 1e-3), (-8.75, 0.7)]
    for x, y in pairs:
        a, b = Value(x), Value(y)
        assert (a / b).data == x / y
        assert (a * b).data == x * y
        assert (a - b).data == x - y
        assert (x / b).data == x / y


def test_repr_and_label(Value):  # noqa: N803
    """[ch2] repr shows data and grad."""
    a = Value(2.0)
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    b = Value(1.5, label="b")
    assert b.label == "b"


def test_parents_in_argument_order(Value):  # noqa: N803
    """[ch2] _prev lists the operands in the order they were written; a leaf has none."""
    a, b = Value(1.0), Value(2.0)
    assert list(a._prev) == []
    assert list((a * b)._prev) == [a, b]
    assert list((b - a)._prev) == [b, a]
    assert list(a.tanh()._prev) == [a]


# ---- accumulation -----------------------------------------------------------------------------------


def test_a_plus_a(Value):  # noqa: N803
    """[ch4] b = a + a uses a twice: db/da = 2 (the bug that += fixes)."""
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_a_times_a(Value):  # noqa: N803
    """[ch4] b = a * a: db/da = 2a."""
    a = Value(-1.5)
    (a * a).backward()
    assert a.grad == -3.0


def test_reuse_through_two_levels(Value):  # noqa: N803
    """[ch4] a = 1; b = a + a; c = b + b: dc/da = 4."""
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert (c.data, b.grad, a.grad) == (4.0, 2.0, 4.0)


def test_shared_node_in_a_diamond(Value):  # noqa: N803
    """[ch4] d = (a*b) * (a*b) with the product built once: dd/da = 2 a b**2."""
    a, b = Value(2.0), Value(-1.5)
    m = a * b
    d = m * m
    d.backward()
    assert_close(a.grad, 2 * 2.0 * 1.5**2, rel=1e-12)
    assert_close(b.grad, 2 * -1.5 * 2.0**2, rel=1e-12)
    assert_close(m.grad, 2 * (2.0 * -1.5), rel=1e-12)


def test_grads_accumulate_across_backward_calls(Value):  # noqa: N803
    """[ch4] A second backward adds to the grads (that is why training loops zero them)."""
    a, b = Value(2.0), Value(5.0)
    c = a * b
    c.backward()
    c.backward()
    assert (a.grad, b.grad) == (10.0, 4.0)


def test_topological_order(Value):  # noqa: N803
    """[ch4] Every node once, each after its parents, the root last."""
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = d.tanh() * c
    order = e.topological_order()
    assert len(order) == len({id(n) for n in order}) == 6  # a, b, c, d, tanh(d), e
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node._prev:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e


# ---- deep and freed graphs --------------------------------------------------------------------------------


def test_deep_chain_without_recursion_error(Value):  # noqa: N803
    """[ch4] backward on a chain 10**5 nodes deep (recursion stops near 1,000)."""
    assert sys.getrecursionlimit() < 100_000
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.data == 0.5 + 100_000
    assert x.grad == 1.0
    del y  # freeing the chain must not overflow the C stack either


def test_million_deep_chain_package():
    """[ch4] The package: a chain 10**6 nodes deep, forward, backward and freed, in seconds."""
    start = time.perf_counter()
    x = PackageValue(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert (y.data, x.grad) == (0.5, 1.0)
    del y
    assert time.perf_counter() - start < 30  # about 3 s on a quiet 2-core machine


def _without_gc(function):
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return function()
    finally:
        if was_enabled:
            gc.enable()


def test_graph_freed_by_reference_counting(Value):  # noqa: N803
    """[ch4] With the cyclic GC off, a graph is freed the moment its last reference goes (no cycles)."""

    def run():
        a, b = Value(2.0), Value(-3.0)
        c = a * b
        d = (c + a).tanh()
        e = d * c + b.exp()
        e.backward()
        refs = [weakref.ref(node) for node in (c, d, e)]
        del c, d, e
        assert [r() for r in refs] == [None, None, None], "a node outlived its graph: a reference cycle?"
        assert a.grad != 0.0  # the leaves keep their gradients

    _without_gc(run)


def test_graph_freed_before_backward(Value):  # noqa: N803
    """[ch4] Building a graph alone creates no cycles either."""

    def run():
        a = Value(1.5)
        out = (a * a + 2).relu() / 3 - a
        ref = weakref.ref(out)
        del out
        assert ref() is None

    _without_gc(run)


# ---- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["3", None, True, False, [1.0], (1.0,), 1 + 2j, {}], ids=repr)
def test_value_rejects_non_numbers(Value, bad):  # noqa: N803
    """[ch2] Value(x) needs a real number: str, None, bool, containers, complex -> TypeError."""
    with pytest.raises(TypeError):
        Value(bad)


def test_arithmetic_with_a_string_fails(Value):  # noqa: N803
    """[ch2] Value(2) + "3" is a TypeError, not string concatenation."""
    with pytest.raises(TypeError):
        Value(2.0) + "3"
    with pytest.raises(TypeError):
        Value(2.0) * "3"


def test_value_exponent_rejected(Value):  # noqa: N803
    """[ch5] Value ** Value is refused: the exponent must be a number."""
    with pytest.raises(TypeError):
        Value(2.0) ** Value(3.0)


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_non_positive(Value, x):  # noqa: N803
    """[ch5] log needs x > 0."""
    with pytest.raises(ValueError):
        Value(x).log()


def test_division_by_zero(Value):  # noqa: N803
    """[ch5] x / 0, x / Value(0), 1 / Value(0) and 0 ** -1 raise ZeroDivisionError."""
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1


def test_negative_base_fractional_power(Value):  # noqa: N803
    """[ch5] (-8) ** 0.5 has no real value: ValueError, and c ** x needs c > 0."""
    with pytest.raises(ValueError):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError):
        (-2) ** Value(1.0)


def test_exp_overflow(Value):  # noqa: N803
    """[ch5] exp(1000) does not fit a float: OverflowError; exp(-1000) is 0."""
    with pytest.raises(OverflowError):
        Value(1000.0).exp()
    assert Value(-1000.0).exp().data == 0.0


@pytest.mark.parametrize("x, expected", [(1000.0, 1.0), (-1000.0, 0.0), (40.0, 1.0), (-745.0, 0.0)])
def test_sigmoid_stays_finite(Value, x, expected):  # noqa: N803
    """[ch5] sigmoid(+-1000) is finite (1 and 0), with a finite grad."""
    a = Value(x)
    s = a.sigmoid()
    s.backward()
    assert s.data == pytest.approx(expected, abs=1e-15)
    assert math.isfinite(a.grad) and 0.0 <= a.grad < 1e-15


def test_tanh_saturates(Value):  # noqa: N803
    """[ch5] tanh(+-1000) = +-1 with grad 0."""
    for x in (1000.0, -1000.0):
        a = Value(x)
        t = a.tanh()
        t.backward()
        assert (t.data, a.grad) == (math.copysign(1.0, x), 0.0)


def test_sigmoid_matches_formula_for_moderate_inputs(Value):  # noqa: N803
    """[ch5] The stable sigmoid equals 1 / (1 + e**-x) where that formula is safe."""
    for x in (-30.0, -5.0, -0.1, 0.0, 0.1, 5.0, 30.0):
        assert_close(Value(x).sigmoid().data, 1 / (1 + math.exp(-x)), rel=1e-14, abs_=1e-300)


# ---- numpy scalars ---------------------------------------------------------------------------------------


def test_numpy_scalars(Value):  # noqa: N803
    """[ch2] numpy scalars are real numbers: accepted, stored as Python floats, usable on either side."""
    np = pytest.importorskip("numpy")
    for scalar in (np.float64(2.5), np.float32(2.5), np.int64(2), np.int32(-3)):
        a = Value(scalar)
        assert type(a.data) is float and a.data == float(scalar)
    a = Value(2.0)
    for out in (
        a * np.float64(3.0),
        np.float64(3.0) * a,
        a + np.int64(3),
        np.float64(8.0) - a,
        a / np.float32(0.5),
    ):
        assert isinstance(out, Value), type(out)
        assert type(out.data) is float
    assert (a ** np.int64(2)).data == 4.0


# ---- package only: messages, zero_grad, weighted_sum ------------------------------------------------------


@pytest.mark.parametrize(
    "bad, words", [("3", ["str", "'3'"]), (None, ["NoneType"]), (True, ["bool", "1.0"]), ([1], ["list"])]
)
def test_error_messages_name_the_type_package(bad, words):
    """[ch2] The package's TypeError names the type it got (and suggests 1.0 for a bool)."""
    with pytest.raises(TypeError) as info:
        PackageValue(bad)
    for word in words:
        assert word in str(info.value)


def test_error_messages_package():
    """[ch5] The other errors say what went wrong and what to write instead."""
    with pytest.raises(TypeError, match="exponent.*number"):
        PackageValue(2.0) ** PackageValue(3.0)
    with pytest.raises(TypeError, match="exponent"):
        PackageValue(2.0) ** True
    with pytest.raises(ValueError, match="positive"):
        PackageValue(0.0).log()
    with pytest.raises(ZeroDivisionError, match="zero"):
        PackageValue(1.0) / 0
    with pytest.raises(OverflowError, match="exp"):
        PackageValue(1000.0).exp()
    with pytest.raises(ValueError, match="integer exponent"):
        PackageValue(-8.0) ** 0.5
    with pytest.raises(ValueError, match="positive"):
        0 ** PackageValue(1.0)
    with pytest.raises(OverflowError, match="too large"):
        PackageValue(1e200) ** 2


def test_numpy_bool_rejected_package():
    """[ch2] numpy's bool is not a number either."""
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError):
        PackageValue(np.bool_(True))


def test_pow_zero_base_fractional_exponent_package():
    """[ch5] sqrt(x) at 0: the value is 0 and the slope is infinite, as in the math."""
    a = PackageValue(0.0)
    out = a**0.5
    out.backward()
    assert out.data == 0.0 and a.grad == math.inf


def test_zero_grad_package():
    """[ch5] zero_grad(values) sets every grad back to 0."""
    a, b = PackageValue(1.0), PackageValue(2.0)
    (a * b).backward()
    zero_grad([a, b])
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_weighted_sum_package():
    """[ch7] weighted_sum(w, x, b) = b + sum w_i x_i, one node; grads x_i, w_i and 1."""
    w = [PackageValue(v) for v in (0.5, -1.0, 2.0)]
    x = [PackageValue(v) for v in (3.0, 0.25, -1.5)]
    b = PackageValue(0.1)
    out = weighted_sum(w, x, b)
    assert out.data == pytest.approx(0.1 + 1.5 - 0.25 - 3.0, abs=1e-15)
    assert len(out.topological_order()) == 8  # one node over 7 leaves
    (out * 2).backward()
    assert [wi.grad for wi in w] == [6.0, 0.5, -3.0]
    assert [xi.grad for xi in x] == [1.0, -2.0, 4.0]
    assert b.grad == 2.0


def test_weighted_sum_with_number_inputs_package():
    """[ch7] Inputs may be plain numbers (data): constants, not graph nodes; mixed inputs work too."""
    w = [PackageValue(v) for v in (0.5, -1.0, 2.0)]
    b = PackageValue(0.0)
    x1 = PackageValue(0.25)
    out = weighted_sum(w, [3, x1, -1.5], b)
    assert out.data == pytest.approx(1.5 - 0.25 - 3.0, abs=1e-15)
    assert len(out._prev) == 1 + 3 + 1
    out.backward()
    assert [wi.grad for wi in w] == [3.0, 0.25, -1.5]
    assert x1.grad == -1.0
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        weighted_sum(w[:2], [1.0, 2.0, 3.0], b)
    with pytest.raises(TypeError):
        weighted_sum(w, [1.0, "2", 3.0], b)


def test_weighted_sum_matches_explicit_sum_package():
    """[ch7] One node or 2n nodes: the same value and the same gradients."""
    import random

    rng = random.Random(7)
    values = [rng.uniform(-2, 2) for _ in range(9)]

    def build():
        leaves = [PackageValue(v) for v in values]
        return leaves, leaves[:4], leaves[4:8], leaves[8]

    leaves1, w1, x1, b1 = build()
    out1 = weighted_sum(w1, x1, b1).tanh()
    out1.backward()
    leaves2, w2, x2, b2 = build()
    out2 = sum((wi * xi for wi, xi in zip(w2, x2, strict=True)), b2).tanh()
    out2.backward()
    assert out1.data == pytest.approx(out2.data, rel=1e-15)
    for l1, l2 in zip(leaves1, leaves2, strict=True):
        assert l1.grad == pytest.approx(l2.grad, rel=1e-14)
