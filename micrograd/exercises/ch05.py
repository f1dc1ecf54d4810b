"""Chapter 5 — More operations."""

from __future__ import annotations

import math
from typing import Any

from micrograd.engine import Value
from micrograd.exercises.core import Exercise, Mismatch, _short, expect_close, expect_sequence, register

# ---- 5.1 tanh: forward value and local derivative ----------------------------


def tanh_with_local(x: float) -> tuple[float, float]:
    """tanh's output and local derivative: (t, 1 - t**2) where t = tanh(x)."""
    t = math.tanh(x)
    return t, 1.0 - t * t


def _expect_pair(got: Any, case: str) -> tuple[Any, Any]:
    """The learner's answer must be a pair of numbers (tuple, list or 1-D array)."""
    first, second = expect_sequence(got, case, length=2, what="numbers (a pair)")
    return first, second


def _check_tanh(answer) -> None:
    for x in (0.0, 0.5, -1.3, 3.0, -20.0, 1000.0):
        case = f"tanh_with_local({x})"
        out, local = _expect_pair(answer(x), case)
        t = math.tanh(x)
        expect_close(out, t, f"{case}, the value", rel=1e-9, abs_tol=1e-12)
        expect_close(local, 1.0 - t * t, f"{case}, the local derivative", rel=1e-9, abs_tol=1e-12)


def _tanh_from_exp(x):
    e_plus, e_minus = math.exp(x), math.exp(-x)  # overflows for |x| > 709
    t = (e_plus - e_minus) / (e_plus + e_minus)
    return t, 1.0 - t * t


register(
    Exercise(
        id="5.1",
        title="tanh: value and local derivative",
        checker=_check_tanh,
        reference=tanh_with_local,
        hints=[
            "math.tanh(x) gives the value and never overflows.",
            "The local derivative is 1 - tanh(x)**2: square the OUTPUT, not the input.",
            "t = math.tanh(x); return t, 1 - t * t",
        ],
        wrong_answers=[
            lambda x: (math.tanh(x), 1.0 - math.tanh(x)),  # forgets the square
            lambda x: (math.tanh(x), 1.0 - x * x),  # squares the input
            _tanh_from_exp,  # right formula, but exp(1000) overflows
            lambda x: (math.tanh(x), math.tanh(x) * (1.0 - math.tanh(x))),  # sigmoid's rule
        ],
    )
)

# ---- 5.2 a numerically stable sigmoid ----------------------------------------


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e**-x), computed so that exp only ever sees a number <= 0.

    For x < 0 it uses the equal form e**x / (1 + e**x).
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _check_sigmoid(answer) -> None:
    for x in (0.0, 0.5, -2.0, 30.0, -30.0, 1000.0, -745.0, -1000.0):
        expected = stable_sigmoid(x)
        expect_close(answer(x), expected, f"stable_sigmoid({x})", rel=1e-9, abs_tol=1e-300)


def _sigmoid_swapped(x):
    if x < 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_of_minus_x(x):
    if x >= 0:
        e = math.exp(-x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(x))


register(
    Exercise(
        id="5.2",
        title="a numerically stable sigmoid",
        checker=_check_sigmoid,
        reference=stable_sigmoid,
        hints=[
            "math.exp overflows above about 709, but exp of a negative number is always between 0 and 1.",
            "1 / (1 + e**-x) equals e**x / (1 + e**x) (multiply top and bottom by e**x). "
            "Which one keeps exp's argument <= 0 when x >= 0? And when x < 0?",
            "if x >= 0: return 1 / (1 + math.exp(-x)); otherwise e = math.exp(x); return e / (1 + e)",
        ],
        wrong_answers=[
            lambda x: 1.0 / (1.0 + math.exp(-x)),  # overflows at x = -1000
            lambda x: math.exp(x) / (1.0 + math.exp(x)),  # overflows at x = 1000
            _sigmoid_swapped,  # each branch uses the form that overflows
            _sigmoid_of_minus_x,  # stable, but computes sigmoid(-x)
        ],
    )
)

# ---- 5.3 the backward rule of division ---------------------------------------


def division_local_grads(a: float, b: float) -> tuple[float, float]:
    """The local derivatives of out = a / b.

    (d(out)/da, d(out)/db) = (1/b, -a/b**2)
    """
    return 1.0 / b, -a / b**2


def _check_division(answer) -> None:
    for a, b in ((6.0, 4.0), (-3.0, 0.5), (1.0, -2.0), (0.0, 3.0), (2.5, 10.0)):
        case = f"division_local_grads({a}, {b})"
        da, db = _expect_pair(answer(a, b), case)
        expect_close(da, 1.0 / b, f"{case}, d(a/b)/da", rel=1e-9, abs_tol=1e-12)
        expect_close(db, -a / b**2, f"{case}, d(a/b)/db", rel=1e-9, abs_tol=1e-12)


register(
    Exercise(
        id="5.3",
        title="the backward rule of division",
        checker=_check_division,
        reference=division_local_grads,
        hints=[
            "Write a / b as a * b**-1 and differentiate with respect to each input, holding the other fixed.",
            "With respect to a, 1/b is a constant factor. With respect to b, use d(b**-1)/db = -b**-2.",
            "return 1 / b, -a / b**2",
        ],
        wrong_answers=[
            lambda a, b: (1.0 / b, a / b**2),  # lost the minus sign
            lambda a, b: (1.0 / b, -1.0 / b**2),  # forgot the factor a
            lambda a, b: (b, a),  # multiplication's rule
            lambda a, b: (1.0 / b, -a / b),  # forgot the square
        ],
    )
)

# ---- 5.4 softplus, composed from the operations we have -----------------------


def softplus(v: Value) -> Value:
    """softplus(v) = ln(1 + e**v), built from exp, + and log.

    Its derivative is sigmoid(v).
    """
    return (1 + v.exp()).log()


def _check_softplus(answer) -> None:
    for x in (-3.0, -0.5, 0.0, 1.2, 4.0):
        case = f"softplus(Value({x}))"
        v = Value(x)
        out = answer(v)
        if not (hasattr(out, "data") and hasattr(out, "backward")):
            got = f"{type(out).__name__} {_short(out)}"
            raise Mismatch(f"{case}: expected a Value (so backward can run), got {got}")
        expect_close(out.data, math.log1p(math.exp(x)), f"{case}, the value", rel=1e-9, abs_tol=1e-12)
        out.backward()
        if v.grad == 0.0:
            raise Mismatch(f"{case}: backward left v.grad at 0, so the result is not connected to v")
        expect_close(v.grad, stable_sigmoid(x), f"{case}, the gradient v.grad", rel=1e-9, abs_tol=1e-12)


register(
    Exercise(
        id="5.4",
        title="softplus from the operations you have",
        checker=_check_softplus,
        reference=softplus,
        hints=[
            "softplus(v) = ln(1 + e**v): one exp, one addition, one log.",
            "Use Value operations (v.exp(), +, .log()) so the graph connects the result to v.",
            "return (1 + v.exp()).log()",
        ],
        wrong_answers=[
            lambda v: v.exp().log() + 1,  # log and + in the wrong order: that is v + 1
            lambda v: Value(math.log1p(math.exp(v.data))),  # right value, but a new leaf: no gradient
            lambda v: (1 + v.exp()).log().data,  # a float, not a Value
            lambda v: (1 + v).exp().log(),  # that is 1 + v again
        ],
    )
)
