"""Compatibility with the reference micrograd (0.1.0): its own tests, and its demo's use of the API.

The reference's tests build two expressions and compare micrograd with
PyTorch. PyTorch is not needed here: the expected values and gradients come
from two independent calculations done in this file,

* forward-mode differentiation with dual numbers over exact fractions
  (``Dual`` below: ``a + b ε`` with ε² = 0 carries the exact derivative along),
* and central differences of the same expression on plain floats,

and from the numbers the reference's comparison with PyTorch prints.

The second half uses the package exactly as the reference demo does:
``from micrograd.engine import Value``, ``from micrograd.nn import MLP``,
``model.parameters()``, ``p.grad``, ``p.data -= lr * p.grad``,
``model.zero_grad()``, and trains the demo's network to 100% accuracy.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest


class Dual:
    """x + dx·ε with ε² = 0, over exact fractions: forward-mode AD, independent of the engine."""

    def __init__(self, x, dx=0):
        self.x, self.dx = Fraction(x), Fraction(dx)

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.x + other.x, self.dx + other.dx)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.x, -self.dx)

    def __sub__(self, other):
        return self + -Dual.lift(other)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.x * other.x, self.dx * other.x + self.x * other.dx)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Dual.lift(other)
        return Dual(self.x / other.x, (self.dx * other.x - self.x * other.dx) / (other.x * other.x))

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, n: int):
        return Dual(self.x**n, n * self.x ** (n - 1) * self.dx)

    def relu(self):
        return self if self.x > 0 else Dual(0, 0)


def sanity_check_expression(x):
    """The reference's test_sanity_check: returns y (x is a Value, a Dual or a float)."""
    z = 2 * x + 2 + x
    q = relu(z) + z * x
    h = relu(z * z)
    return h + q + q * x


def more_ops_expression(a, b):
    """The reference's test_more_ops: returns g."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def relu(v):
    return max(v, 0.0) if isinstance(v, float) else v.relu()


def central_difference(f, xs, i, h=1e-5):
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def dual_gradient(f, xs):
    """The exact gradient of f at xs, one forward pass per input."""
    grads = []
    for i in range(len(xs)):
        args = [Dual(Fraction(x), 1 if j == i else 0) for j, x in enumerate(xs)]
        grads.append(f(*args).dx)
    return grads


def test_sanity_check():
    """[ch4, ch5] The reference's sanity check: y and dy/dx at x = -4."""
    from micrograd.engine import Value

    x = Value(-4.0)
    y = sanity_check_expression(x)
    y.backward()
    exact_y = sanity_check_expression(Dual(-4)).x
    (exact_grad,) = dual_gradient(sanity_check_expression, [-4])
    assert (exact_y, exact_grad) == (-20, 46)  # the numbers PyTorch gives in the reference's test
    assert y.data == float(exact_y)
    assert x.grad == float(exact_grad)
    assert x.grad == pytest.approx(central_difference(sanity_check_expression, [-4.0], 0), rel=1e-8)


def test_more_ops():
    """[ch5] The reference's test of more ops: g and its gradients at a = -4, b = 2."""
    from micrograd.engine import Value

    a, b = Value(-4.0), Value(2.0)
    g = more_ops_expression(a, b)
    g.backward()
    exact_g = more_ops_expression(Dual(-4), Dual(2)).x
    exact_da, exact_db = dual_gradient(more_ops_expression, [-4, 2])
    # the values PyTorch prints for the reference's test, to the digits it prints
    assert float(exact_g) == pytest.approx(24.70408163265306, rel=1e-14)
    assert float(exact_da) == pytest.approx(138.83381924198252, rel=1e-14)
    assert float(exact_db) == pytest.approx(645.5772594752186, rel=1e-14)
    tol = 1e-6  # the reference's tolerance
    assert abs(g.data - float(exact_g)) < tol
    assert abs(a.grad - float(exact_da)) < tol
    assert abs(b.grad - float(exact_db)) < tol
    assert a.grad == pytest.approx(central_difference(more_ops_expression, [-4.0, 2.0], 0), rel=1e-6)
    assert b.grad == pytest.approx(central_difference(more_ops_expression, [-4.0, 2.0], 1), rel=1e-6)


def test_value_constructor_like_the_reference():
    """[ch2] Value(data, _children, _op) as the reference calls it; the op is kept in _op."""
    from micrograd.engine import Value

    a = Value(2.0)
    b = Value(3.0, (a,), "custom")
    assert b._op == "custom" and list(b._prev) == [a]
    assert (a * b)._op == "*" and (a + b)._op == "+" and a.relu()._op == "ReLU"
    assert a.grad == 0


def test_api_like_the_demo():
    """[ch7] The names and structure the reference demo uses."""
    from micrograd.engine import Value
    from micrograd.nn import MLP, Layer, Module, Neuron

    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    assert isinstance(model, Module)
    assert isinstance(model.layers[0], Layer) and isinstance(model.layers[0].neurons[0], Neuron)
    assert str(model).startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2),")
    assert str(model).endswith("Layer of [LinearNeuron(16)]]")
    score = model([Value(0.5), Value(-1.0)])
    assert isinstance(score, Value)
    score.backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_weights_drawn_like_the_reference():
    """[ch7] random.seed gives the reference's weights: uniform(-1, 1) per input, neuron by neuron, bias 0."""
    from micrograd.nn import MLP

    random.seed(1337)
    expected = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    assert [p.data for p in model.parameters()] == expected


def test_demo_trains_to_full_accuracy():
    """[ch10] The reference demo, written as the demo writes it: 100 SGD steps reach 100% on two moons."""
    from micrograd.data import make_moons, to_plus_minus_one
    from micrograd.engine import Value
    from micrograd.nn import MLP

    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    y = to_plus_minus_one(y)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
        return total_loss, sum(accuracy) / len(accuracy)

    first_loss, _ = loss()
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    final_loss, final_acc = loss()
    assert final_acc == 1.0
    assert final_loss.data < 0.05 < first_loss.data
