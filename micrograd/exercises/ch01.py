"""Chapter 1 — Derivatives."""

from __future__ import annotations

import math

from micrograd.exercises.core import Exercise, expect_close, register

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
    """Slope of the secant from x - h to x + h: (f(x + h) - f(x - h)) / (2h)."""
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
