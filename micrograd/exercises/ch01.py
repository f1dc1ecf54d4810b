"""Chapter 1 — Derivatives."""

from __future__ import annotations

import math

from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    _short,
    expect_close,
    expect_sequence,
    fmt,
    is_number,
    register,
)

# (function, its exact derivative, where to test) for checking numerical differentiators
_CASES = [
    (lambda x: x**2, lambda x: 2 * x, 3.0, "f(x) = x**2 at x = 3"),
    (math.sin, math.cos, 0.5, "f(x) = sin(x) at x = 0.5"),
    (lambda x: x**3 - 4 * x, lambda x: 3 * x**2 - 4, -2.0, "f(x) = x**3 - 4x at x = -2"),
]


def forward_difference(f, x, h=1e-6):
    """Slope of the secant from x to x + h: (f(x + h) - f(x)) / h."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h=1e-4):
    """Slope of the secant from x - h to x + h.

    (f(x + h) - f(x - h)) / (2h)
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def _check_forward(answer) -> None:
    for f, _df, x, case in _CASES:
        expect_close(answer(f, x, 1e-6), forward_difference(f, x, 1e-6), case, rel=1e-9, abs_tol=1e-9)
    # a forward difference with a big h has a visible truncation error
    expect_close(answer(lambda x: x**2, 1.0, 0.5), 2.5, "f(x) = x**2 at x = 1 with h = 0.5", rel=1e-9)


def _check_central(answer) -> None:
    for f, df, x, case in _CASES:
        expect_close(answer(f, x, 1e-4), df(x), case, rel=1e-6, abs_tol=1e-8)
    # with h = 0.5 the central difference of x**3 is 3x**2 + h**2 exactly
    expect_close(answer(lambda x: x**3, 1.0, 0.5), 3.25, "f(x) = x**3 at x = 1 with h = 0.5", rel=1e-9)


register(
    Exercise(
        id="1.1",
        title="forward difference",
        checker=_check_forward,
        reference=forward_difference,
        hints=[
            "The slope between two points is rise over run.",
            "The two points are (x, f(x)) and (x + h, f(x + h)).",
        ],
        wrong_answers=[
            lambda f, x, h=1e-6: (f(x + h) - f(x)) / (2 * h),  # divides by 2h
            lambda f, x, h=1e-6: (f(x + h) - f(x - h)) / (2 * h),  # central, not forward
            lambda f, x, h=1e-6: f(x + h) - f(x),  # forgets to divide
        ],
    )
)

register(
    Exercise(
        id="1.2",
        title="central difference",
        checker=_check_central,
        reference=central_difference,
        hints=[
            "Step the same distance h to both sides of x.",
            "The run between x - h and x + h is 2h.",
            "return (f(x + h) - f(x - h)) / (2 * h)",
        ],
        wrong_answers=[
            forward_difference,  # one-sided: its error of order h shows at h = 0.5
            lambda f, x, h=1e-4: (f(x + h) - f(x - h)) / h,  # run is 2h, not h
            lambda f, x, h=1e-4: (f(x + h) + f(x - h)) / (2 * h),  # sign slip
        ],
    )
)


# ---- 1.3 partial derivatives by nudging ---------------------------------------


def partial_derivatives(f, point, h=1e-5):
    """[df/dx_i for each i] at ``point``, each by a central difference.

    df/dx_i ~ (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / (2h),
    every other input held fixed.
    """
    slopes = []
    for i in range(len(point)):
        up = list(point)
        up[i] += h
        down = list(point)
        down[i] -= h
        slopes.append((f(*up) - f(*down)) / (2 * h))
    return slopes


def _expect_slopes(answer, f, point, h, expected, case) -> None:
    """Call the learner's function on a copy of ``point``; compare every slope."""
    given = list(point)
    got = answer(f, given, h)
    if given != list(point):
        raise Mismatch(f"{case}: your function changed the input list to {given}; nudge a copy instead")
    slopes = expect_sequence(got, case, length=len(expected), what="slopes (one per input)")
    for i, (slope, want) in enumerate(zip(slopes, expected, strict=True)):
        expect_close(slope, want, f"{case}, slope {i} (input {i} nudged)", rel=1e-6, abs_tol=1e-8)


# (f, point, h, the central-difference slopes, description); with h = 0.5 the central difference of
# x**3 * y is exactly y * (3x**2 + h**2) in x, which tells a one-sided difference apart
_PARTIAL_CASES = [
    (lambda a, b, c: a * b + c, [3.0, -2.0, 5.0], 1e-5, [-2.0, 3.0, 1.0], "d = a*b + c at (3, -2, 5)"),
    (lambda x, y: x**3 * y, [1.0, 2.0], 0.5, [6.5, 1.0], "f(x, y) = x**3 * y at (1, 2) with h = 0.5"),
    (math.sin, [0.5], 1e-5, [math.cos(0.5)], "f(x) = sin(x) at x = 0.5"),
]


def _check_partials(answer) -> None:
    for f, point, h, expected, case in _PARTIAL_CASES:
        _expect_slopes(answer, f, point, h, expected, case)


def _partials_forward(f, point, h=1e-5):  # one-sided: error of order h
    slopes = []
    for i in range(len(point)):
        up = list(point)
        up[i] += h
        slopes.append((f(*up) - f(*point)) / h)
    return slopes


def _partials_all_at_once(f, point, h=1e-5):  # nudges every input together
    up = [p + h for p in point]
    down = [p - h for p in point]
    return [(f(*up) - f(*down)) / (2 * h)] * len(point)


def _partials_not_restored(f, point, h=1e-5):  # nudges the list in place and never puts it back
    slopes = []
    for i in range(len(point)):
        point[i] += h
        above = f(*point)
        point[i] -= 2 * h
        below = f(*point)
        slopes.append((above - below) / (2 * h))
    return slopes


def _partials_copy_not_restored(f, point, h=1e-5):  # same slip on a copy: later inputs see earlier nudges
    x = list(point)
    slopes = []
    for i in range(len(x)):
        x[i] += h
        above = f(*x)
        x[i] -= 2 * h
        below = f(*x)
        slopes.append((above - below) / (2 * h))
    return slopes


def _partials_by_gradcheck(f, point, h=1e-5):  # the package's gradcheck does the nudging
    from micrograd.gradcheck import numerical_grad

    return numerical_grad(f, list(point), h)


register(
    Exercise(
        id="1.3",
        title="partial derivatives by nudging",
        checker=_check_partials,
        reference=partial_derivatives,
        shortcuts={
            "micrograd.gradcheck.numerical_grad": _partials_by_gradcheck,
        },
        hints=[
            "A partial derivative moves ONE input and holds all the others where they were.",
            "For input i: make two copies of the point, add h to entry i of one and subtract h from entry i "
            "of the other, and use the central difference (f(up) - f(down)) / (2h).",
            "f takes the inputs as separate arguments: call it as f(*up).",
        ],
        wrong_answers=[
            _partials_forward,
            _partials_all_at_once,
            _partials_not_restored,
            _partials_copy_not_restored,
        ],
    )
)


# ---- 1.4 the best step far from zero -------------------------------------------
#
# For f(x) = x**3 - 3x + 1 at x = 1000 the forward difference balances truncation error
# |f''| h / 2 against round-off error eps |f| / h at h* = sqrt(2 eps |f| / |f''|):
# sqrt(2 * 2.2e-16 * 1e9 / 6000), about 8.6e-6. Measured, 1e-6 and 1e-5 tie for the smallest error.

_BEST_STEP = 1e-5
_ACCEPTED = (8e-7, 1e-4)  # within about a factor of 10 of h*


def _check_best_step(answer) -> None:
    if not is_number(answer):
        raise Mismatch(f"expected a number such as 1e-3, got {type(answer).__name__} {_short(answer)}")
    answer = float(answer)
    if not answer > 0:
        raise Mismatch(f"h = {fmt(answer)}: the step must be a positive number")
    low, high = _ACCEPTED
    if answer < low:
        raise Mismatch(
            f"h = {answer:g} is too small at x = 1000. There f(x) is about 1e9, so the round-off error "
            "eps*|f(x)|/h is far larger than at x = 2, and the best step moves up."
        )
    if answer > high:
        raise Mismatch(
            f"h = {answer:g} is too large: the truncation error |f''(x)| h / 2 = 3000 h still dominates."
        )


register(
    Exercise(
        id="1.4",
        title="the best step far from zero",
        checker=_check_best_step,
        reference=_BEST_STEP,
        kind="value",
        hints=[
            "Try it: compute the forward-difference error for h = 1e-1, 1e-2, ..., 1e-12 at x = 1000 "
            "(the exact derivative is 3x**2 - 3) and see where it is smallest.",
            "Or use the formula h* = sqrt(2 eps |f(x)| / |f''(x)|) with eps = 2.2e-16, "
            "f(1000) = 999997001 and f''(1000) = 6000.",
        ],
        wrong_answers=[1e-8, 2.2e-16, 1.5e-8, 1e-3, 0.0],
    )
)
