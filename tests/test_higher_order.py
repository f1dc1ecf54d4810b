"""Chapter 15: grad(..., create_graph=True), second and third derivatives, Hessians and HVPs.

Each operation's second derivative (grad of grad) is compared with central differences of the
engine's own first derivative, and its third derivative with central differences of the second;
Hypothesis draws random programs (the generator of test_engine_properties) whose Hessians must
match central differences of the gradient. Each docstring starts with its chapter, ``[ch15]``.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

import micrograd
from micrograd.engine import Value, derivative_rule, grad, no_grad, weighted_sum
from micrograd.higher import gradient, hessian, hvp, hvp_forward_over_reverse
from tests.test_engine_properties import programs, resolve, run

# name: (function of one Value, points where it is smooth)
UNARY = {
    "exp": (lambda a: a.exp(), [-1.3, 0.0, 0.7]),
    "log": (lambda a: a.log(), [0.3, 1.0, 2.5]),
    "tanh": (lambda a: a.tanh(), [-1.1, 0.0, 0.4]),
    "sigmoid": (lambda a: a.sigmoid(), [-2.0, -0.3, 0.0, 0.5, 3.0]),
    "relu": (lambda a: a.relu(), [-0.7, 0.6]),
    "neg": (lambda a: -a, [0.4]),
    "a ** 2": (lambda a: a**2, [-1.5, 0.0, 0.8]),
    "a ** 3": (lambda a: a**3, [-1.5, 0.0, 0.8]),
    "a ** -1": (lambda a: a**-1, [-1.5, 0.8]),
    "a ** 0.5": (lambda a: a**0.5, [0.3, 1.7]),
    "a ** 2.5": (lambda a: a**2.5, [0.3, 1.7]),
    "a ** 0": (lambda a: a**0, [0.3, -1.7]),
    "2 ** a": (lambda a: 2**a, [-0.5, 1.2]),
    "3 - a": (lambda a: 3 - a, [0.5]),
    "1 / a": (lambda a: 1 / a, [-0.6, 1.4]),
    "a / 4": (lambda a: a / 4, [0.9]),
    "a * a": (lambda a: a * a, [-0.9, 1.1]),
    "a / a**2": (lambda a: a / a**2, [0.7]),
}

# name: (function of two Values, points)
BINARY = {
    "a + b": (lambda a, b: a + b, [(0.3, -1.2)]),
    "a - b": (lambda a, b: a - b, [(0.3, -1.2)]),
    "a * b": (lambda a, b: a * b, [(0.3, -1.2), (2.0, 0.5)]),
    "a / b": (lambda a, b: a / b, [(0.3, -1.2), (2.0, 0.5)]),
    "weighted_sum, Value inputs": (
        lambda a, b: weighted_sum([a, b, a * b], [b, b.tanh(), a], a.exp()),
        [(0.3, -1.2), (0.9, 0.4)],
    ),
    "weighted_sum, number inputs": (
        lambda a, b: weighted_sum([a, b**2, a * b], [2.0, b, -1.5], b),
        [(0.3, -1.2), (0.9, 0.4)],
    ),
    "weighted_sum(v, v, 0)": (lambda a, b: weighted_sum([a, b], [a, b], Value(0.0)), [(0.3, -1.2)]),
}


def _derivative(f, x, order):
    """The order-th derivative of f at x, by grad applied ``order`` times (create_graph in between)."""
    v = Value(x)
    out = f(v)
    for k in range(order):
        (out,) = grad(out, v, create_graph=k < order - 1)
    return out.data


def _central(g, x, h=1e-5):
    return (g(x + h) - g(x - h)) / (2 * h)


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("order", [2, 3])
def test_each_operation_higher_derivative_matches_finite_differences(name, order):
    """[ch15] f'' (f''') by grad of grad equals central differences of the engine's f' (f'')."""
    f, points = UNARY[name]
    for x in points:
        engine = _derivative(f, x, order)
        numeric = _central(lambda t: _derivative(f, t, order - 1), x)
        assert engine == pytest.approx(numeric, rel=1e-5, abs=1e-5), f"{name} at {x}: order {order}"


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_operations_hessian_and_third_derivatives(name):
    """[ch15] Hessians of two-input operations, and d/da of the Hessian, against central differences."""
    f, points = BINARY[name]
    for point in points:
        h_engine = hessian(f, point)
        for j in range(2):
            up, down = list(point), list(point)
            up[j] += 1e-5
            down[j] -= 1e-5
            g_up, g_down = gradient(f, up), gradient(f, down)
            h_up, h_down = hessian(f, up), hessian(f, down)
            for i in range(2):
                assert h_engine[i][j] == pytest.approx((g_up[i] - g_down[i]) / 2e-5, rel=1e-5, abs=1e-5)
                a, b = Value(point[0]), Value(point[1])
                (gi,) = grad(f(a, b), [a, b][i], create_graph=True)
                (hij,) = grad(gi, [a, b][j], create_graph=True)
                third = grad(hij, [a, b])
                for k in range(2):  # d/dx_j of H[i][k] = d³f/dx_i dx_k dx_j
                    numeric = (h_up[i][k] - h_down[i][k]) / 2e-5
                    assert grad(grad(gi, [a, b][k], create_graph=True)[0], [a, b][j])[
                        0
                    ].data == pytest.approx(numeric, rel=1e-4, abs=1e-4)
                assert len(third) == 2


def test_seed_example_second_derivatives():
    """[ch15] z = x*y + x**2 at (2, -3): d²z/dx² = 2, d²z/dxdy = 1, d²z/dy² = 0."""
    x, y = Value(2.0), Value(-3.0)
    z = x * y + x**2
    dz_dx, dz_dy = grad(z, [x, y], create_graph=True)
    assert (dz_dx.data, dz_dy.data) == (1.0, 2.0)
    assert [g.data for g in grad(dz_dx, [x, y])] == [2.0, 1.0]
    assert [g.data for g in grad(dz_dy, [x, y])] == [1.0, 0.0]
    assert hessian(lambda x, y: x * y + x**2, [2.0, -3.0]) == [[2.0, 1.0], [1.0, 0.0]]
    assert x.grad == 0.0 and y.grad == 0.0 and z.grad == 0.0  # grad() touches no .grad


def test_package_exports_grad():
    """[ch15] micrograd.grad is micrograd.engine.grad."""
    assert micrograd.grad is grad


def test_tanh_six_derivatives_match_the_closed_forms():
    """[ch15] Differentiating tanh six times gives the polynomials in t = tanh(x) (e.g. t'' = -2t(1 - t²))."""
    for x in [-1.2, 0.0, 0.35, 2.0]:
        t = math.tanh(x)
        s = 1 - t * t
        expected = [s, -2 * t * s, s * (6 * t * t - 2), 8 * t * s * (2 - 3 * t * t)]
        v = Value(x)
        out = v.tanh()
        for k, want in enumerate(expected):
            (out,) = grad(out, v, create_graph=True)
            assert out.data == pytest.approx(want, rel=1e-12, abs=1e-12), f"order {k + 1} at {x}"
        for order in (5, 6):
            numeric = _central(lambda a, o=order: _derivative(lambda w: w.tanh(), a, o - 1), x, h=1e-4)
            assert _derivative(lambda w: w.tanh(), x, order) == pytest.approx(numeric, rel=1e-4, abs=1e-4)


@pytest.mark.parametrize("x", [-1.0, -1e-9, 0.0, 1e-9, 2.0])
def test_relu_second_derivative_is_zero_everywhere(x):
    """[ch15] relu' is the constant 0 or 1, so relu'' = 0 at every point, the kink at 0 included."""
    v = Value(x)
    (d1,) = grad(v.relu(), v, create_graph=True)
    assert d1.data == (1.0 if x > 0 else 0.0)
    assert grad(d1, v)[0].data == 0.0
    assert hessian(lambda a, b: (a * b).relu(), [x + 0.5, 1.5]) == [[0.0, 0.0], [0.0, 0.0]] or x + 0.5 > 0


def test_first_order_grad_equals_backward_and_leaves_grads_alone():
    """[ch15] grad(..., create_graph=False) gives backward()'s numbers, as leaves, and no .grad changes."""
    model = micrograd.MLP(3, [4, 4, 1])
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    loss = (model(xs) - 1.0) ** 2
    params = model.parameters()
    grads = grad(loss, params + xs)
    assert all(p.grad == 0.0 for p in params)
    loss.backward()
    assert [g.data for g in grads] == [p.grad for p in params + xs]
    assert all(not g._prev for g in grads)


def test_several_outputs_and_unused_inputs():
    """[ch15] Several outputs: the gradient of their sum; an input they do not depend on gets 0."""
    a, b, c = Value(1.5), Value(-2.0), Value(3.0)
    ga, gb, gc = grad([a * b, a.exp()], [a, b, c])
    assert (ga.data, gb.data, gc.data) == (-2.0 + math.exp(1.5), 1.5, 0.0)
    outputs = [a * b, a.exp(), a * b * c]  # three outputs, with create_graph: the gradient of their sum
    first = grad(outputs, [a, b, c], create_graph=True)
    assert [g.data for g in first] == [-2.0 + math.exp(1.5) - 6.0, 1.5 + 4.5, -3.0]
    assert [g.data for g in grad(first[0], [a, b, c])] == [math.exp(1.5), 1.0 + 3.0, -2.0]
    product = a * b
    assert grad([product, product], a)[0].data == -4.0  # an output given twice counts twice
    with no_grad():
        assert grad([product], [a])[0].data == -2.0  # first order reads the stored numbers


def test_create_graph_results_are_graphs_and_first_order_results_are_not():
    """[ch15] With create_graph the result depends on the inputs; a constant derivative is a leaf."""
    x = Value(0.7)
    (d,) = grad(x.exp() * x, x, create_graph=True)
    assert d._prev
    (d_lin,) = grad(3.0 * x, x, create_graph=True)
    assert d_lin.data == 3.0


def test_clear_errors():
    """[ch15] Bad arguments, create_graph inside no_grad(), and a hand-made node say what is wrong."""
    x = Value(1.0)
    with pytest.raises(TypeError, match="inputs must be a Value"):
        grad(x * x, 3.0)
    with pytest.raises(TypeError, match="every one of the outputs must be a Value"):
        grad([x, 2.0], [x])
    with pytest.raises(ValueError, match="no inputs"):
        grad(x * x, [])
    with no_grad(), pytest.raises(RuntimeError, match="inside no_grad"):
        grad(x * x, x, create_graph=True)
    custom = Value(math.sin(1.0), (x,), "sin", _local_grads=(math.cos(1.0),))
    assert grad(custom, x)[0].data == math.cos(1.0)  # first order: the stored number
    with pytest.raises(TypeError, match="no derivative rule for it"):
        grad(custom, x, create_graph=True)


OPS_FOR_RULES = [
    *[f for f, _ in UNARY.values()],
    *[lambda a, f=f: f(a, Value(0.6)) for f, _ in BINARY.values()],
]


@pytest.mark.parametrize("f", OPS_FOR_RULES)
def test_stored_local_derivatives_come_from_the_rule(f):
    """[ch15] The rule applied to the numbers gives exactly the floats the node stored (one rule)."""
    out = f(Value(0.45))
    if out._prev:
        rule = derivative_rule(out)
        assert tuple(rule(out.data, *[p.data for p in out._prev])) == out._local_grads


def test_pow_label_round_trips_unusual_exponent_types():
    """[ch15] ``a ** Fraction(1, 2)`` records its exponent so that the rule can read it back."""
    from fractions import Fraction

    a = Value(2.0)
    (d,) = grad(a ** Fraction(1, 2), a, create_graph=True)
    assert grad(d, a)[0].data == pytest.approx(-0.25 * 2.0**-1.5)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(program=programs())
def test_random_program_hessians_match_finite_differences(program):
    """[ch15] The Hessian of a random program (grad of grad) equals central differences of its gradient,
    is symmetric, and H v by both Hessian-vector products equals the Hessian times v."""
    point, drawn = program
    instructions = resolve(point, drawn)

    def f(*xs):
        out = run(instructions, list(xs), True)[-1]
        return out if isinstance(out, Value) else Value(0.0) + out

    n = len(point)
    engine = hessian(f, point)
    for j in range(n):
        step = 1e-5 * max(1.0, abs(point[j]))
        up, down = list(point), list(point)
        up[j] += step
        down[j] -= step
        g_up, g_down = gradient(f, up), gradient(f, down)
        for i in range(n):
            numeric = (g_up[i] - g_down[i]) / (2 * step)
            assert engine[i][j] == pytest.approx(numeric, rel=2e-4, abs=2e-4), (i, j, instructions)
            assert engine[i][j] == pytest.approx(engine[j][i], rel=1e-9, abs=1e-9)
    v = [0.5 - 0.3 * k for k in range(n)]
    expected = [sum(engine[i][k] * v[k] for k in range(n)) for i in range(n)]
    assert hvp(f, point, v) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert hvp_forward_over_reverse(f, point, v) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_hvp_errors_and_rosenbrock():
    """[ch15] The Rosenbrock Hessian at (1, 1) is [[802, -400], [-400, 200]]; a wrong-length v is refused."""

    def rosenbrock(x, y):
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    assert hessian(rosenbrock, [1.0, 1.0]) == [[802.0, -400.0], [-400.0, 200.0]]
    assert hvp(rosenbrock, [1.0, 1.0], [1.0, 2.0]) == [2.0, 0.0]
    assert hvp_forward_over_reverse(rosenbrock, [1.0, 1.0], [1.0, 2.0]) == [2.0, 0.0]
    with pytest.raises(ValueError, match="direction of 1"):
        hvp(rosenbrock, [1.0, 1.0], [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        hessian(lambda x: 3.0, [1.0])
