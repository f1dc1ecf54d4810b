"""Chapter 15 — Gradients of gradients.

Pure Python (no numpy), so the checkers can run in the page. Each checker watches, while the
learner's function runs, which functions it calls (``sys.setprofile``): the package's own
helper for the exercise's task (``micrograd.higher.hvp``, ``hessian``, the Newton explorer's
``newton_step``) is refused by name, and so is evaluating f away from the point (finite
differences in disguise) where the exercise asks for grad of grad.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from micrograd.engine import Value, grad
from micrograd.exercises.core import Exercise, Mismatch, expect_close, expect_close_sequence, register

_GRAD = ("micrograd/engine.py", "grad")


def _grad_calls(call: Callable[[], Any]) -> tuple[Any, int]:
    """call(), and how often it called micrograd.grad (by code object).

    The profile hook passes every event on to the one it replaces: ``check``'s trap for
    the package's shortcuts (``Exercise.shortcuts``) keeps watching the answer meanwhile.
    """
    calls = 0
    previous = sys.getprofile()

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        code = frame.f_code
        if (
            event == "call"
            and code.co_name == _GRAD[1]
            and code.co_filename.replace("\\", "/").endswith(_GRAD[0])
        ):
            calls += 1
        if previous is not None:
            previous(frame, event, arg)

    sys.setprofile(profile)
    try:
        result = call()
    finally:
        sys.setprofile(previous)
    return result, calls


def _second_by_the_hessian(f, x):  # the package's Hessian, a 1x1 matrix
    from micrograd.higher import hessian

    return hessian(lambda v: f(v), [x])[0][0]


def _newton_by_the_explorer(f, point):  # the Newton explorer's own step
    from micrograd.widgets.newton import newton_step as package_step

    return package_step(f, point)


def _newton_by_the_hessian(f, point):  # the package's gradient and Hessian, solved by hand
    from micrograd.higher import gradient, hessian

    g, h = gradient(f, point), hessian(f, point)
    det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
    return [
        point[0] - (h[1][1] * g[0] - h[0][1] * g[1]) / det,
        point[1] - (h[0][0] * g[1] - h[1][0] * g[0]) / det,
    ]


def _hessian_rows_times_v_by_the_package(f, point, v):  # the whole Hessian, from the package
    from micrograd.higher import hessian

    return [sum(h * vj for h, vj in zip(row, v)) for row in hessian(f, point)]


def _package_hvp(f, point, v):
    from micrograd.higher import hvp

    return hvp(f, point, v)


def _package_hvp_by_duals(f, point, v):
    from micrograd.higher import hvp_forward_over_reverse

    return hvp_forward_over_reverse(f, point, v)


class _Recorder:
    """Wraps a test function of Values and notes every point (the Values' numbers) it is called at."""

    def __init__(self, f: Callable[..., Value], text: str) -> None:
        self.f, self.text, self.points = f, text, []

    def __call__(self, *args: Value) -> Value:
        self.points.append(tuple(a.data if isinstance(a, Value) else a for a in args))
        return self.f(*args)

    def __repr__(self) -> str:
        return f"f = {self.text}"


def _only_at(recorder: _Recorder, point: tuple[float, ...], case: str) -> None:
    away = [p for p in recorder.points if p != point]
    if away:
        raise Mismatch(
            f"{case}: your code evaluated f at {away[0]}, away from the point: finite differences? "
            "Differentiate the graph instead: grad(..., create_graph=True), then grad again."
        )


# ---- 15.1 a second derivative by grad twice ------------------------------------------------


def second_derivative(f, x):
    """f''(x) as a float: the first derivative as a graph, then its derivative.

    d/dx (df/dx): grad with create_graph=True keeps df/dx differentiable.
    """
    from micrograd import Value, grad

    v = Value(x)
    (df_dx,) = grad(f(v), [v], create_graph=True)
    (d2f_dx2,) = grad(df_dx, [v])
    return d2f_dx2.data


_SECOND_CASES = [  # f as a function of a Value, its text, x, f''(x)
    (lambda v: v**3, "x**3", 2.0, 12.0),
    (lambda v: v.tanh(), "tanh(x)", 0.5, -2 * math.tanh(0.5) * (1 - math.tanh(0.5) ** 2)),
    (lambda v: v.exp() * v, "exp(x) * x", 0.3, math.exp(0.3) * 2.3),
    (lambda v: v.log() / v, "log(x) / x", 1.5, (2 * math.log(1.5) - 3) / 1.5**3),
    (lambda v: (v * v + 1.0).sigmoid(), "sigmoid(x*x + 1)", -0.4, None),
]


def _sigmoid_case(x: float) -> float:
    """d²/dx² sigmoid(x² + 1) = s'(u) * 2 + s''(u) * (2x)²  with u = x² + 1."""
    u = x * x + 1
    s = 1 / (1 + math.exp(-u))
    return s * (1 - s) * 2 + s * (1 - s) * (1 - 2 * s) * (2 * x) ** 2


def _check_second_derivative(answer) -> None:
    for f, text, x, expected in _SECOND_CASES:
        case = f"second_derivative(f, {x}) for f(x) = {text}"
        recorder = _Recorder(f, text)
        got, passes = _grad_calls(lambda recorder=recorder, x=x: answer(recorder, x))
        if not passes:
            raise Mismatch(f"{case}: call micrograd.grad (twice): this exercise is about grad of grad")
        _only_at(recorder, (x,), case)
        want = _sigmoid_case(x) if expected is None else expected
        expect_close(got, want, case, rel=1e-10, abs_tol=1e-12)


def _first_derivative_only(f, x):
    v = Value(x)
    return grad(f(v), [v])[0].data


def _no_graph_in_between(f, x):
    v = Value(x)
    (d1,) = grad(f(v), [v])  # create_graph=False: d1 is a leaf, its derivative is 0
    return grad(d1, [v])[0].data


def _finite_difference_of_grad(f, x, h=1e-5):
    def d1(t):
        v = Value(t)
        return grad(f(v), [v])[0].data

    return (d1(x + h) - d1(x - h)) / (2 * h)


register(
    Exercise(
        id="15.1",
        title="a second derivative by grad twice",
        checker=_check_second_derivative,
        reference=second_derivative,
        hints=[
            "Make v = Value(x), build f(v), and ask grad for df/dv with create_graph=True.",
            "With create_graph=True the result is a Value with a graph of its own: grad it again.",
            "(d1,) = grad(f(v), [v], create_graph=True); (d2,) = grad(d1, [v]); return d2.data",
        ],
        wrong_answers=[_first_derivative_only, _no_graph_in_between, _finite_difference_of_grad],
        shortcuts={"micrograd.higher.hessian": _second_by_the_hessian},
    )
)

# ---- 15.2 one Newton step -------------------------------------------------------------------


def newton_step(f, point):
    """One Newton step for f(x, y): [x, y] - H^-1 g, with g and H by grad.

    g = (f_x, f_y) by grad with create_graph=True, H's rows by grad of
    each; then H d = -g for the 2 x 2 H by Cramer's rule.
    """
    from micrograd import Value, grad

    x, y = Value(point[0]), Value(point[1])
    fx, fy = grad(f(x, y), [x, y], create_graph=True)
    (a, b), (c, d) = [[h.data for h in grad(g, [x, y])] for g in (fx, fy)]
    det = a * d - b * c
    dx = -(d * fx.data - b * fy.data) / det
    dy = -(a * fy.data - c * fx.data) / det
    return [point[0] + dx, point[1] + dy]


_NEWTON_CASES = [  # f(x, y), its text, point
    (lambda x, y: 0.5 * x**2 + 10 * y**2, "x**2/2 + 10*y**2", [-4.5, 1.2]),
    (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, "(1-x)**2 + 100*(y-x**2)**2", [-1.2, 1.0]),
    (lambda x, y: (x * y).exp() + x**2 + y**4, "exp(x*y) + x**2 + y**4", [0.5, -0.8]),
    (lambda x, y: (x - 1) ** 2 + x * y + 2 * (y + 3) ** 2, "(x-1)**2 + x*y + 2*(y+3)**2", [5.0, 5.0]),
]


def _expected_newton(f, point: list[float]) -> list[float]:
    """The same step computed here: engine gradient and Hessian (tested on their own), 2 x 2 inverse."""
    x, y = Value(point[0]), Value(point[1])
    g = grad(f(x, y), [x, y], create_graph=True)
    h = [[v.data for v in grad(gi, [x, y])] for gi in g]
    det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
    inverse = [[h[1][1] / det, -h[0][1] / det], [-h[1][0] / det, h[0][0] / det]]
    return [point[i] - sum(inverse[i][j] * g[j].data for j in range(2)) for i in range(2)]


def _check_newton_step(answer) -> None:
    for f, text, point in _NEWTON_CASES:
        case = f"newton_step(f, {point}) for f(x, y) = {text}"
        recorder = _Recorder(f, text)
        got = answer(recorder, list(point))
        _only_at(recorder, tuple(point), case)
        expect_close_sequence(got, _expected_newton(f, point), case, rel=1e-9, abs_tol=1e-12)


def _gradient_step(f, point):
    x, y = Value(point[0]), Value(point[1])
    gx, gy = grad(f(x, y), [x, y])
    return [point[0] - gx.data, point[1] - gy.data]


def _diagonal_newton(f, point):
    x, y = Value(point[0]), Value(point[1])
    fx, fy = grad(f(x, y), [x, y], create_graph=True)
    hxx, hyy = grad(fx, [x])[0].data, grad(fy, [y])[0].data
    return [point[0] - fx.data / hxx, point[1] - fy.data / hyy]  # ignores H's off-diagonal


def _uphill_newton(f, point):
    step = newton_step(f, point)
    return [2 * p - s for p, s in zip(point, step)]  # x + H^-1 g


register(
    Exercise(
        id="15.2",
        title="one Newton step",
        checker=_check_newton_step,
        reference=newton_step,
        hints=[
            "The gradient as Values: fx, fy = grad(f(x, y), [x, y], create_graph=True).",
            "grad(fx, [x, y]) is the first row of the Hessian H, grad(fy, [x, y]) the second.",
            "Solve H d = -g for the 2 x 2 H = [[a, b], [c, d]]: its inverse is "
            "[[d, -b], [-c, a]] / (a*d - b*c). Return [x + dx, y + dy].",
        ],
        wrong_answers=[_gradient_step, _diagonal_newton, _uphill_newton],
        shortcuts={
            "micrograd.widgets.newton.newton_step": _newton_by_the_explorer,
            "micrograd.higher.hessian": _newton_by_the_hessian,
        },
    )
)

# ---- 15.3 a Hessian-vector product by hand -------------------------------------------------


def hvp_by_hand(f, point, v):
    """H v by reverse over reverse: d(grad f . v)/dx in one more backward pass.

    g = grad f with create_graph=True; s = sum_i g_i * v_i is a Value;
    grad(s) = H v (H is symmetric). No Hessian is built.
    """
    from micrograd import Value, grad

    xs = [Value(p) for p in point]
    g = grad(f(*xs), xs, create_graph=True)
    s = sum(gi * vi for gi, vi in zip(g, v))
    return [h.data for h in grad(s, xs)]


_HVP_CASES = [  # f, text, point, v
    (lambda x, y: x * y + x**2, "x*y + x**2", [2.0, -3.0], [1.0, 0.0]),
    (
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        "(1-x)**2 + 100*(y-x**2)**2",
        [-1.2, 1.0],
        [0.3, -2.0],
    ),
    (
        lambda x, y, z: (x * y).tanh() * z.exp() + (x / y).sigmoid() + z.log() * x,
        "tanh(x*y)*exp(z) + sigmoid(x/y) + log(z)*x",
        [0.4, -0.7, 1.3],
        [1.0, 2.0, -0.5],
    ),
]


def _expected_hvp(f, point: list[float], v: list[float]) -> list[float]:
    """The full Hessian (one grad per row, tested on its own) times v."""
    xs = [Value(p) for p in point]
    rows = [[h.data for h in grad(gi, xs)] for gi in grad(f(*xs), xs, create_graph=True)]
    return [sum(r * vj for r, vj in zip(row, v)) for row in rows]


def _check_hvp(answer) -> None:
    for f, text, point, v in _HVP_CASES:
        case = f"hvp_by_hand(f, {point}, {v}) for f = {text}"
        recorder = _Recorder(f, text)
        got, passes = _grad_calls(lambda recorder=recorder, p=point, v=v: answer(recorder, list(p), list(v)))
        _only_at(recorder, tuple(point), case)
        expect_close_sequence(got, _expected_hvp(f, point, v), case, rel=1e-9, abs_tol=1e-12)
        if passes > 2:
            raise Mismatch(
                f"{case}: the values are right, but your code called grad {passes} times: H v needs the "
                "gradient (create_graph=True) and ONE more backward pass, not the whole Hessian"
            )


def _hessian_rows_times_v(f, point, v):
    xs = [Value(p) for p in point]
    rows = [[h.data for h in grad(gi, xs)] for gi in grad(f(*xs), xs, create_graph=True)]
    return [sum(r * vj for r, vj in zip(row, v)) for row in rows]


def _gradient_not_hvp(f, point, v):
    xs = [Value(p) for p in point]
    return [g.data for g in grad(f(*xs), xs)]


def _directional_second_derivative(f, point, v):
    xs = [Value(p) for p in point]
    g = grad(f(*xs), xs, create_graph=True)
    s = sum(gi * vi for gi, vi in zip(g, v))
    return [sum(h.data * vi for h, vi in zip(grad(s, xs), v))] * len(point)  # v^T H v, repeated


register(
    Exercise(
        id="15.3",
        title="a Hessian-vector product by hand",
        checker=_check_hvp,
        reference=hvp_by_hand,
        hints=[
            "H v is the gradient of the number grad f · v: first make grad f a graph (create_graph=True).",
            "s = sum(g_i * v_i) is one Value; one more grad(s, xs) gives d(grad f · v)/dx = H v.",
            "g = grad(f(*xs), xs, create_graph=True); s = sum(gi * vi for gi, vi in zip(g, v)); "
            "return [h.data for h in grad(s, xs)]",
        ],
        wrong_answers=[
            _hessian_rows_times_v,
            _gradient_not_hvp,
            _directional_second_derivative,
        ],
        shortcuts={
            "micrograd.higher.hvp": _package_hvp,
            "micrograd.higher.hvp_forward_over_reverse": _package_hvp_by_duals,
            "micrograd.higher.hessian": _hessian_rows_times_v_by_the_package,
        },
    )
)
