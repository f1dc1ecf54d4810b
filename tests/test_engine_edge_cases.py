"""Issue 7 §3: the engine has no silent edge cases, and one stated rule for each.

Tests that take the ``Value`` fixture run on the package AND on the class the
Part I notebooks build (tests/conftest.py); names ending in ``_package`` test
what only the package promises (messages, numpy arrays, ``no_grad``).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import micrograd
from micrograd import engine
from micrograd.engine import Value as PackageValue
from micrograd.engine import no_grad, topological_order, weighted_sum

ROOT = Path(__file__).resolve().parent.parent


# ---- nan, sigmoid, 0 * inf -----------------------------------------------------------------------


def test_relu_of_nan_stays_nan(Value):  # noqa: N803
    """[ch5] relu(nan) is nan, like every other operation on nan (it used to be 0 with grad 0)."""
    x = Value(math.nan)
    out = x.relu()
    assert math.isnan(out.data)
    out.backward()
    assert math.isnan(x.grad)


@pytest.mark.parametrize("x", [0.5, 5.0, 20.0, 30.0, 36.0, 37.0, 40.0, 100.0, 700.0])
def test_sigmoid_local_derivative_is_symmetric_and_exact(Value, x):  # noqa: N803
    """[ch5] sigma'(x) = sigma'(-x), full precision, and nonzero beyond 37 where a float can hold it."""
    expected = math.exp(-x) / (1.0 + math.exp(-x)) ** 2
    grads = []
    for point in (x, -x):
        v = Value(point)
        v.sigmoid().backward()
        grads.append(v.grad)
    assert grads[0] == grads[1]
    assert grads[0] > 0.0
    assert grads[0] == pytest.approx(expected, rel=1e-14)


def test_sigmoid_derivative_underflows_only_where_floats_do(Value):  # noqa: N803
    v = Value(1000.0)
    v.sigmoid().backward()
    assert v.grad == 0.0  # e**-1000 is 0 to every digit a float holds


def test_zero_times_sqrt_at_zero_has_gradient_zero(Value):  # noqa: N803
    """[ch5] d(0 * sqrt(x))/dx at 0 is 0: a node whose grad is 0 passes nothing on (not 0 * inf = nan)."""
    x = Value(0.0)
    out = 0 * x**0.5
    out.backward()
    assert out.data == 0.0
    assert x.grad == 0.0


def test_sqrt_at_zero_still_has_infinite_slope(Value):  # noqa: N803
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf


def test_zero_over_the_smallest_float(Value):  # noqa: N803
    """[ch5] 0 / 5e-324: d/db = -out/b = 0 exactly; d/da = 1/b overflows to inf, as float division does."""
    a, b = Value(0.0), Value(5e-324)
    out = a / b
    out.backward()
    assert out.data == 0.0
    assert b.grad == 0.0
    assert a.grad == math.inf == 1.0 / 5e-324


# ---- a Value behaves like a Python float ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, op, expected",
    [
        ("1e308 * 10", lambda V: V(1e308) * 10, math.inf),
        ("1e308 + 1e308", lambda V: V(1e308) + V(1e308), math.inf),
        ("-1e308 - 1e308", lambda V: V(-1e308) - 1e308, -math.inf),
        ("1e308 / 1e-10", lambda V: V(1e308) / 1e-10, math.inf),
        ("10 * 1e308", lambda V: 10 * V(1e308), math.inf),
    ],
)
def test_arithmetic_overflows_to_inf_like_floats(Value, name, op, expected):  # noqa: N803
    """[ch2, ch5] + - * / follow float arithmetic: too large is inf, as 1e308 * 10 is in Python."""
    assert op(Value).data == expected


@pytest.mark.parametrize(
    "name, op, error",
    [
        ("exp(1000)", lambda V: V(1000.0).exp(), OverflowError),
        ("1e200 ** 2", lambda V: V(1e200) ** 2, OverflowError),
        ("log(0)", lambda V: V(0.0).log(), ValueError),
        ("log(-1)", lambda V: V(-1.0).log(), ValueError),
        ("(-8) ** 0.5", lambda V: V(-8.0) ** 0.5, ValueError),
        ("0 ** -1", lambda V: V(0.0) ** -1, ZeroDivisionError),
        ("1 / 0", lambda V: V(1.0) / 0, ZeroDivisionError),
        ("Value(10**400)", lambda V: V(10**400), OverflowError),
    ],
)
def test_what_math_refuses_raises(Value, name, op, error):  # noqa: N803
    """[ch5] The functions Python's math module refuses raise, like math.exp(1000) and float(10**400)."""
    with pytest.raises(error):
        op(Value)


def test_overflow_messages_package():
    with pytest.raises(OverflowError, match=r"10\*\*400 is too large for a float"):
        PackageValue(10**400)
    with pytest.raises(OverflowError, match="too large for a float"):
        PackageValue(1e200) ** 2


def test_the_rule_is_written_in_the_engine_docstring_package():
    doc = engine.__doc__
    assert "A Value behaves like a Python float" in doc
    assert "1e308 * 10" in doc and "OverflowError" in doc


# ---- a Value is a node, not a number -------------------------------------------------------------


def test_truth_value_is_an_error(Value):  # noqa: N803
    """[ch2] `if v:` would always be true: it raises and says what to write."""
    with pytest.raises(TypeError, match=r"v\.data"):
        bool(Value(0.0))
    with pytest.raises(TypeError):
        if Value(1.0):
            pass


def test_comparing_with_a_number_is_an_error(Value):  # noqa: N803
    """[ch2] v == 1.0 would always be false: it raises and says to compare v.data."""
    v = Value(1.0)
    with pytest.raises(TypeError, match=r"v\.data == 1\.0"):
        v == 1.0  # noqa: B015
    with pytest.raises(TypeError, match=r"v\.data"):
        1.0 == v  # noqa: B015
    with pytest.raises(TypeError):
        v != 2  # noqa: B015


def test_two_values_are_equal_only_if_the_same_node(Value):  # noqa: N803
    """[ch2] v == w is node identity; hash is identity, so sets and dicts of nodes work."""
    v, w = Value(1.0), Value(1.0)
    assert v == v and not (v == w) and v != w
    assert len({v, w, v}) == 2
    grads = {v: 1, w: 2}
    assert grads[v] == 1 and grads[w] == 2
    assert v in [w, v] and (v == "text") is False


# ---- backward twice ------------------------------------------------------------------------------


def test_second_backward_adds_one_more_copy_to_the_leaves_at_depth_two(Value):  # noqa: N803
    """[ch4, ch5] backward() zeroes the interior grads first, so a second call adds exactly one more copy."""
    a = Value(1.0)
    b = a + a  # depth 1
    c = b + b  # depth 2: dc/da = 4
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)
    c.backward()
    assert (a.grad, b.grad, c.grad) == (8.0, 2.0, 1.0)
    c.backward()
    assert a.grad == 12.0


def test_second_backward_through_a_deeper_graph(Value):  # noqa: N803
    x, y = Value(2.0), Value(-3.0)
    h = x * y
    z = (h + x**2).tanh() * h  # depth 4
    z.backward()
    first = (x.grad, y.grad, h.grad)
    z.backward()
    assert (x.grad, y.grad) == (2 * first[0], 2 * first[1])
    assert h.grad == first[2]  # an interior node holds d(z)/d(h), not a sum


def test_backward_of_a_leaf_accumulates(Value):  # noqa: N803
    a = Value(3.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_statement_in_engine_docstring_package():
    assert "adds exactly one more copy" in engine.__doc__
    assert "adds one more copy" in PackageValue.backward.__doc__


# ---- bad input at the learner's call -------------------------------------------------------------


def test_label_passed_positionally_fails_clearly(Value):  # noqa: N803
    """[ch2] Value(2.0, "a") used to be accepted with _prev = ('a',) and crash in backward or draw_dot."""
    with pytest.raises(TypeError):
        Value(2.0, "a")


def test_label_passed_positionally_message_package():
    with pytest.raises(TypeError, match=r"Value\(2\.0, label='a'\)"):
        PackageValue(2.0, "a")
    with pytest.raises(TypeError, match="parents of a Value must be Values"):
        PackageValue(2.0, (PackageValue(1.0), 3.0))
    with pytest.raises(TypeError):
        PackageValue(2.0, (), "", "a")  # label is keyword-only


def test_one_local_derivative_per_parent_package():
    a = PackageValue(1.0)
    with pytest.raises(ValueError, match="one local derivative per parent"):
        PackageValue(2.0, (a, a), "+", _local_grads=(1.0,))
    ok = PackageValue(2.0, (a, a), "+", _local_grads=(1.0, 1.0))
    ok.backward()
    assert a.grad == 2.0


def test_node_without_local_derivatives_cannot_backpropagate_package():
    """A node made like the reference's custom op, without local derivatives: backward says so."""
    a = PackageValue(2.0)
    b = PackageValue(3.0, (a,), "custom")
    with pytest.raises(TypeError, match="'custom'.*no local derivatives"):
        (b * 2).backward()


def test_grad_set_to_none_then_backward_package():
    """[§3] x.grad = None (a PyTorch habit) then backward(): None counts as 0."""
    x = PackageValue(3.0)
    y = x * x
    x.grad = None
    y.backward()
    assert x.grad == 6.0


def test_grad_set_to_a_non_number_is_a_clear_error_package():
    x = PackageValue(3.0)
    x.grad = "0"
    with pytest.raises(TypeError, match=r"grad must be a number.*v\.grad = 0\.0"):
        (x * 2).backward()


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_value_with_numpy_array_defers_to_numpy_both_ways_package(op):
    """[§3] Value(3.0) + array is what array + Value(3.0) was: an array of Values, element by element."""
    np = pytest.importorskip("numpy")
    names = {"PackageValue": PackageValue, "array": np.array([1.0, 2.0])}
    forward = eval(f"PackageValue(3.0) {op} array", names)
    reverse = eval(f"array {op} PackageValue(3.0)", names)
    expected_forward = eval(f"3.0 {op} array", names)
    expected_reverse = eval(f"array {op} 3.0", names)
    for result, expected in [(forward, expected_forward), (reverse, expected_reverse)]:
        assert isinstance(result, np.ndarray) and result.dtype == object
        assert all(isinstance(v, PackageValue) for v in result)
        assert [v.data for v in result] == list(expected)


def test_value_with_other_non_numbers_still_names_the_type_package():
    with pytest.raises(TypeError, match="str"):
        PackageValue(2.0) + "3"
    with pytest.raises(TypeError, match="str"):
        "3" - PackageValue(2.0)


def test_messages_of_bool_and_eq_package():
    with pytest.raises(TypeError, match=r"if v\.data > 0:"):
        bool(PackageValue(1.0))
    with pytest.raises(TypeError, match="node of a graph"):
        PackageValue(1.0) == 1.0  # noqa: B015


# ---- no_grad -------------------------------------------------------------------------------------


def test_no_grad_records_no_graph_package():
    a, b = PackageValue(2.0), PackageValue(3.0)
    with no_grad():
        out = (a * b + 1).tanh() ** 2 / a - b.exp() + b.sigmoid() + a.relu() + 2**a + b.log()
    reference = (a * b + 1).tanh() ** 2 / a - b.exp() + b.sigmoid() + a.relu() + 2**a + b.log()
    assert out.data == reference.data
    assert out._prev == () and out._local_grads == () and out._op == ""
    out.backward()
    assert (a.grad, b.grad) == (0.0, 0.0)
    assert reference._prev  # recording is back on after the block


def test_no_grad_weighted_sum_and_model_package():
    w, x, bias = [PackageValue(0.5), PackageValue(-1.0)], [1.0, 2.0], PackageValue(0.1)
    with no_grad():
        out = weighted_sum(w, x, bias)
    assert out._prev == () and out.data == weighted_sum(w, x, bias).data
    model = micrograd.MLP(2, [4, 1])
    with no_grad():
        scores = [model([0.3, -0.7]), model([1.0, 2.0])]
    assert all(s._prev == () for s in scores)
    assert [s.data for s in scores] == [model([0.3, -0.7]).data, model([1.0, 2.0]).data]


def test_no_grad_nests_package():
    a = PackageValue(1.0)
    with no_grad():
        with no_grad():
            assert not engine.is_grad_enabled()
            assert (a + 1)._prev == ()
        assert not engine.is_grad_enabled()  # still inside the outer block
        assert (a + 1)._prev == ()
    assert engine.is_grad_enabled()
    assert (a + 1)._prev[0] is a


def test_no_grad_ends_even_after_an_exception_package():
    a = PackageValue(1.0)
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            with no_grad():
                a / 0
    assert engine.is_grad_enabled()
    assert len((a * 2)._prev) == 2


def test_no_grad_is_exported():
    assert micrograd.no_grad is no_grad
    assert "no_grad" in micrograd.__all__


# ---- one topological sort ------------------------------------------------------------------------


class Duck:
    """A Value-like class with only _prev: what the notebooks' classes have at least."""

    def __init__(self, *parents):
        self._prev = parents


def test_topological_order_works_for_any_value_like_class():
    a = Duck()
    b = Duck(a, a)
    c = Duck(b, a)
    d = Duck(c, b)
    order = topological_order(d)
    assert len(order) == 4 and order[-1] is d
    position = {id(n): i for i, n in enumerate(order)}
    assert all(position[id(p)] < position[id(n)] for n in order for p in n._prev)


def test_topological_order_without_recursion_for_any_class():
    node = Duck()
    for _ in range(50_000):
        node = Duck(node)
    assert sys.getrecursionlimit() < 50_000
    assert len(topological_order(node)) == 50_001


def test_value_method_uses_the_function():
    x = PackageValue(1.0)
    y = x * 2 + x
    assert y.topological_order() == topological_order(y)


def test_zip_strictness_rule_is_on():
    """ruff B905 (zip without strict=) is not switched off for the project."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "B905" not in config["tool"]["ruff"]["lint"]["ignore"]
