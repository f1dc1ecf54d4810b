"""Chapter 7 — Forward mode, reverse mode, and what a derivative costs.

The checkers feed the learner's functions dual numbers that carry only
``val`` and ``der`` (no arithmetic), so a rule cannot be skipped by letting
operator overloading do the work, and compare with ``micrograd.forward``.
"""

from __future__ import annotations

import math
from typing import Any

from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    expect_close,
    expect_number,
    expect_sequence,
    fmt,
    register,
)
from micrograd.forward import Dual


class _Pair:
    """A dual number with no arithmetic: only .val and .der to read."""

    __slots__ = ("val", "der")

    def __init__(self, val: float, der: float) -> None:
        self.val = val
        self.der = der

    def __repr__(self) -> str:
        return f"Dual(val={self.val!r}, der={self.der!r})"

    def _no_arithmetic(self, *other: Any) -> Any:
        raise TypeError(
            "the checker's dual numbers have only .val and .der, no arithmetic: compute the "
            "value and the derivative from those four numbers and return Dual(value, derivative)"
        )

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _no_arithmetic
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = _no_arithmetic


_Pair.__name__ = _Pair.__qualname__ = "Dual"  # what a learner reads in an error message


def _read_dual(got: Any, case: str) -> tuple[float, float]:
    """(val, der) of the learner's result, or Mismatch if it is not dual-like."""
    if not (hasattr(got, "val") and hasattr(got, "der")):
        raise Mismatch(f"{case}: expected a Dual (with .val and .der), got {type(got).__name__} {got!r}")
    return (
        expect_number(got.val, f"{case}: the .val of your Dual"),
        expect_number(got.der, f"{case}: the .der of your Dual"),
    )


# ---- 7.1 the quotient rule on dual numbers ----------------------------------------


def dual_div(a, b):
    """a / b for dual numbers, by the quotient rule:

    (a / b)' = (a' * b - a * b') / b**2
    """
    der = (a.der * b.val - a.val * b.der) / b.val**2
    return Dual(a.val / b.val, der)


_DIV_CASES = [
    ((6.0, 1.0), (3.0, 0.0)),  # d(x / 3)/dx = 1/3
    ((6.0, 0.0), (3.0, 1.0)),  # d(6 / x)/dx = -6/9
    ((2.0, 1.0), (-4.0, 1.0)),  # d(x / (x - 6))/dx at x = 2
    ((1.5, -0.5), (0.25, 2.0)),
    ((-3.0, 2.0), (5.0, -1.0)),
]


def _check_dual_div(answer) -> None:
    for (a, da), (b, db) in _DIV_CASES:
        case = f"dual_div(Dual({a}, {da}), Dual({b}, {db}))"
        val, der = _read_dual(answer(_Pair(a, da), _Pair(b, db)), case)
        expected = Dual(a, da) / Dual(b, db)
        expect_close(val, expected.val, f"{case}: the value", rel=1e-12, abs_tol=1e-12)
        expect_close(der, expected.der, f"{case}: the derivative", rel=1e-12, abs_tol=1e-12)


def _dual_div_by_package(a, b):  # the package's Dual divides
    return Dual(a.val, a.der) / Dual(b.val, b.der)


register(
    Exercise(
        id="7.1",
        title="the quotient rule on dual numbers",
        checker=_check_dual_div,
        reference=dual_div,
        shortcuts={
            "micrograd.forward.Dual.__truediv__": _dual_div_by_package,
        },
        hints=[
            "The value is a.val / b.val. The derivative is the quotient rule applied to the .der parts.",
            "(a / b)' = (a' * b - a * b') / b**2, with a' = a.der, b' = b.der, a = a.val, b = b.val.",
            "return Dual(a.val / b.val, (a.der * b.val - a.val * b.der) / b.val**2)",
        ],
        wrong_answers=[
            lambda a, b: Dual(a.val / b.val, (a.der * b.val + a.val * b.der) / b.val**2),  # + for -
            lambda a, b: Dual(a.val / b.val, a.der / b.der if b.der else math.inf),  # divides derivatives
            lambda a, b: Dual(a.val / b.val, (a.der * b.val - a.val * b.der) / b.val),  # b, not b**2
            lambda a, b: Dual(a.val / b.val, a.der / b.val),  # ignores b'
        ],
    )
)

# ---- 7.2 a Jacobian-vector product by hand ------------------------------------------


def jvp_by_hand(f, point, direction):
    """sum_i df/dx_i * v_i in ONE forward pass: seed Dual(x_i, v_i)."""
    out = f(*[Dual(x, v) for x, v in zip(point, direction)])
    return out.der


_JVP_CASES = [
    (lambda x, y: x * y + x**2, "x*y + x**2", [2.0, -3.0], [1.0, 0.0]),
    (lambda x, y: x * y + x**2, "x*y + x**2", [2.0, -3.0], [0.6, -0.8]),
    (lambda x, y, z: (x * y + z).tanh() * z, "tanh(x*y + z) * z", [0.5, -1.0, 0.3], [1.0, 2.0, -1.0]),
    (lambda x, y, z: (x * x * y).exp() + z * x, "exp(x*x*y) + z*x", [0.7, -0.4, 2.0], [-0.3, 1.1, 0.5]),
]


def _check_jvp(answer) -> None:
    for f, text, point, direction in _JVP_CASES:
        case = f"f = {text} at {point}, v = {direction}"
        expected = f(*[Dual(x, v) for x, v in zip(point, direction)]).der
        # tight: a finite difference in disguise is off by about 1e-10
        expect_close(answer(f, list(point), list(direction)), expected, case, rel=1e-12, abs_tol=1e-14)


def _central(f, point, direction, h=1e-6):
    up = f(*[x + h * v for x, v in zip(point, direction)])
    down = f(*[x - h * v for x, v in zip(point, direction)])
    return (up - down) / (2 * h)


def _first_input_only(f, point, direction):
    seeds = [1.0] + [0.0] * (len(point) - 1)
    return f(*[Dual(x, s) for x, s in zip(point, seeds)]).der  # df/dx_0, ignores v


def _all_ones(f, point, direction):
    return f(*[Dual(x, 1.0) for x in point]).der  # seeds every input with 1


def _jvp_by_package(f, point, direction):  # the package's jvp seeds the duals
    from micrograd.forward import jvp

    return jvp(f, point, direction)[1]


register(
    Exercise(
        id="7.2",
        title="a Jacobian-vector product by hand",
        checker=_check_jvp,
        reference=jvp_by_hand,
        shortcuts={
            "micrograd.forward.jvp": _jvp_by_package,
        },
        hints=[
            "Make one Dual per input: its value is point[i], its derivative the direction's entry v[i].",
            "Call f once on those Duals; the output's .der is sum_i df/dx_i * v_i.",
            "return f(*[Dual(x, v) for x, v in zip(point, direction)]).der",
        ],
        wrong_answers=[
            _first_input_only,
            _all_ones,
            lambda f, point, direction: f(*[Dual(x, v) for x, v in zip(point, direction)]).val,
            lambda f, point, direction: _central(
                lambda *xs: f(*[Dual(x, 0.0) for x in xs]).val, point, direction
            ),
        ],
    )
)

# ---- 7.3 counting passes -----------------------------------------------------------


def passes_for_jacobian(n_inputs, n_outputs):
    """(forward-mode passes, reverse-mode backward passes) for a Jacobian.

    Forward mode: one pass per input (each gives one column, J e_i).
    Reverse mode: one backward pass per output (each gives one row, e_j^T J),
    after a single forward pass that records the graph.
    """
    return (n_inputs, n_outputs)


_PASS_CASES = [(1, 1), (3, 1), (1_000_000, 1), (1, 50), (784, 10), (10, 784)]


def _check_passes(answer) -> None:
    for n, m in _PASS_CASES:
        case = f"passes_for_jacobian({n}, {m})"
        got = expect_sequence(answer(n, m), case, length=2, what="counts")
        expected = passes_for_jacobian(n, m)
        for name, value, want in zip(("forward-mode passes", "backward passes"), got, expected):
            if value != want:
                raise Mismatch(f"{case}: {name}: expected {fmt(want)}, got {fmt(value)}")


register(
    Exercise(
        id="7.3",
        title="count the passes",
        checker=_check_passes,
        reference=passes_for_jacobian,
        hints=[
            "One forward-mode pass gives the derivatives of every output along ONE input direction.",
            "One backward pass gives the derivatives of ONE output with respect to every input.",
            "return (n_inputs, n_outputs)",
        ],
        wrong_answers=[
            lambda n, m: (m, n),  # swapped
            lambda n, m: (n, 1),  # one backward pass, whatever the number of outputs
            lambda n, m: (2 * n, m),  # counts central differences
            lambda n, m: (n * m, m),
        ],
    )
)
