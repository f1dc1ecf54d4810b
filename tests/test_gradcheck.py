"""micrograd.gradcheck (chapter 6): finite differences, and catching a wrong backward rule."""

from __future__ import annotations

import math

import pytest

from micrograd.engine import Value as PackageValue
from micrograd.gradcheck import GradcheckError, GradcheckResult, gradcheck, numerical_grad


class BadValue:
    """A tiny duck-typed Value whose multiplication rule is wrong (d(a*b)/da = a instead of b)."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = parents
        self._local_grads = local_grads

    def __add__(self, other):
        other = other if isinstance(other, BadValue) else BadValue(other)
        return BadValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, BadValue) else BadValue(other)
        return BadValue(self.data * other.data, (self, other), (self.data, other.data))  # the bug

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node._prev:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._prev, node._local_grads, strict=True):
                parent.grad += local * node.grad


def test_numerical_grad_of_a_float_function():
    """[ch6] f(x, y) = x * y**2 at (3, 2): the gradient (y**2, 2 x y) = (4, 12)."""
    grads = numerical_grad(lambda x, y: x * y**2, [3.0, 2.0])
    assert grads == pytest.approx([4.0, 12.0], rel=1e-8)


def test_numerical_grad_of_a_value_function(Value):  # noqa: N803
    """[ch6] With Values as inputs, f gets Values of the same class; the inputs are left alone."""
    a, b = Value(0.5), Value(-1.0)
    seen = []

    def f(x, y):
        seen.append(type(x))
        return (x * y).tanh()

    grads = numerical_grad(f, [a, b])
    t = math.tanh(-0.5)
    assert grads == pytest.approx([(1 - t * t) * -1.0, (1 - t * t) * 0.5], rel=1e-8)
    assert set(seen) == {Value}
    assert (a.data, b.data, a.grad, b.grad) == (0.5, -1.0, 0.0, 0.0)


def test_gradcheck_passes_for_correct_backward(Value):  # noqa: N803
    """[ch6] Both engines' gradients agree with finite differences; the result is truthy."""
    result = gradcheck(
        lambda a, b, c: (a * b + c.exp()).tanh() / (b**2 + 1), [Value(0.3), Value(-1.2), Value(0.1)]
    )
    assert isinstance(result, GradcheckResult)
    assert result and result.ok
    assert result.max_relative_error < 1e-6
    assert len(result.analytic) == len(result.numeric) == len(result.relative_errors) == 3


def test_gradcheck_leaves_the_inputs_alone():
    """[ch6] gradcheck works on fresh copies: the Values passed in keep grad 0."""
    a = PackageValue(2.0)
    gradcheck(lambda x: x * x, [a])
    assert a.grad == 0.0


def test_gradcheck_numbers_use_the_package_value():
    """[ch6] Plain numbers as inputs: leaves are micrograd.engine.Values (or value_class)."""
    types = []

    def f(x):
        types.append(type(x))
        return x * x

    assert gradcheck(f, [1.5])
    assert types[0] is PackageValue
    assert not gradcheck(lambda x, y: x * y, [1.0, 2.0], value_class=BadValue)  # BadValue's rule is used


def test_gradcheck_catches_a_wrong_rule():
    """[ch6] A wrong local derivative is caught, and the report points at the wrong input."""
    result = gradcheck(lambda a, b: a * b, [BadValue(2.0), BadValue(5.0)])
    assert not result
    assert result.analytic == [2.0, 5.0]  # the buggy rule swaps them
    assert result.numeric == pytest.approx([5.0, 2.0])
    assert result.passed == [False, False]
    assert result.worst in (0, 1)
    report = str(result)
    assert "FAILED" in report and "wrong" in report and "x0" in report


def test_gradcheck_only_flags_the_wrong_input():
    """[ch6] a * 3 + b: only a goes through the bad rule, so only a is flagged."""
    result = gradcheck(lambda a, b: a * BadValue(3.0) + b, [BadValue(2.0), BadValue(5.0)])
    assert result.passed == [False, True]
    assert result.worst == 0
    assert result.relative_errors[1] < 1e-8


def test_gradcheck_raise_on_failure():
    """[ch6] raise_on_failure=True raises GradcheckError (an AssertionError) carrying the table."""
    with pytest.raises(GradcheckError, match="FAILED"):
        gradcheck(lambda a, b: a * b, [BadValue(2.0), BadValue(5.0)], raise_on_failure=True)
    with pytest.raises(AssertionError):
        gradcheck(lambda a, b: a * b, [BadValue(2.0), BadValue(5.0)], raise_on_failure=True)
    gradcheck(lambda a, b: a * b, [PackageValue(2.0), PackageValue(5.0)], raise_on_failure=True)


def test_gradcheck_labels_in_report():
    """[ch6] Labelled Values are named in the report."""
    result = gradcheck(lambda w: w * 3, [PackageValue(1.0, label="w")])
    assert "w" in result.report() and "passed" in result.report()


def test_tolerances():
    """[ch6] rtol/atol decide: a function with a kink (relu at 0) fails tight tolerances, passes loose."""
    # relu at exactly 0: backward says 0, the central difference says 0.5
    result = gradcheck(lambda a: a.relu(), [PackageValue(0.0)])
    assert not result
    assert result.numeric == pytest.approx([0.5])
    assert gradcheck(lambda a: a.relu(), [PackageValue(0.0)], atol=0.6)


def test_bad_use():
    """[ch6] f must return a Value; h must be positive; inputs must be numbers or Values."""
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 3.0, [PackageValue(1.0)])
    with pytest.raises(ValueError):
        numerical_grad(lambda x: x, [1.0], h=0.0)
    with pytest.raises(TypeError):
        numerical_grad(lambda x: x, ["1.0"])


def test_non_finite_gradients_fail():
    """[ch6] sqrt(a*a) at 0: backward gives 0 * inf = nan, finite differences 0: a failure, never a pass."""
    result = gradcheck(lambda a: (a * a) ** 0.5, [PackageValue(0.0)])
    assert math.isnan(result.analytic[0]) and result.numeric == [0.0]
    assert not result
    assert result.relative_errors[0] == math.inf
