"""Chapter 3 — The chain rule by hand."""

from __future__ import annotations

import math

from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    expect_close,
    expect_number,
    expect_sequence,
    register,
)

# ---- 3.1  the local derivatives of a product ----------------------------------
# n = p * q at p = 4, q = -5:  dn/dp = q = -5,  dn/dq = p = 4.

PRODUCT_LOCAL_GRADS = (-5.0, 4.0)


def _as_numbers(answer: object, count: int, what: str) -> tuple[float, ...]:
    """The answer as a tuple of ``count`` numbers (list, tuple or 1-D array), or a Mismatch."""
    return tuple(expect_sequence(answer, what, length=count))


def _check_product_local_grads(answer) -> None:
    dn_dp, dn_dq = _as_numbers(answer, 2, "the pair (dn/dp, dn/dq)")
    if (dn_dp, dn_dq) == (4.0, -5.0):
        raise Mismatch("you swapped them: the derivative with respect to p is the *other* factor, q.")
    if (dn_dp, dn_dq) == (1.0, 1.0):
        raise Mismatch(
            "(1, 1) are the local derivatives of a + b; for a product each factor scales the other."
        )
    expect_close(dn_dp, PRODUCT_LOCAL_GRADS[0], "dn/dp")
    expect_close(dn_dq, PRODUCT_LOCAL_GRADS[1], "dn/dq")


register(
    Exercise(
        id="3.1",
        title="the local derivatives of a product",
        kind="value",
        checker=_check_product_local_grads,
        reference=PRODUCT_LOCAL_GRADS,
        hints=[
            "Hold q fixed: n = p * q is a straight line in p. What is its slope?",
            "Nudge p by h: n changes by (p + h) * q - p * q = h * q.",
            "dn/dp = q and dn/dq = p.",
        ],
        wrong_answers=[(4.0, -5.0), (1.0, 1.0), (-20.0, -20.0), -5.0],
    )
)

# ---- 3.2  one more step of the chain rule --------------------------------------
# M = ((a*b + c) * f) * k at a=2, b=-3, c=10, f=-2, k=0.5:
# dM/da = dM/dL * dL/dd * dd/de * de/da = k * f * 1 * b = 0.5 * -2 * -3 = 3.

EXTENDED_DM_DA = 3.0

_EXTENDED_MISTAKES = {
    6.0: "6 is dL/da from the chapter: the new multiplication by k scales every gradient before it by k.",
    -3.0: "-3 is only the last local derivative de/da = b; multiply all the local derivatives on the path.",
    -1.5: "-1.5 = k * b leaves out the step through L = d * f, whose local derivative dL/dd is f.",
    -2.0: "-2 uses a as the local derivative of e = a * b with respect to a; it is the other factor, b.",
}


def _check_extended(answer) -> None:
    answer = expect_number(answer, "dM/da")
    for mistake, message in _EXTENDED_MISTAKES.items():
        if math.isclose(answer, mistake):
            raise Mismatch(message)
    expect_close(answer, EXTENDED_DM_DA, "dM/da at a=2, b=-3, c=10, f=-2, k=0.5")


register(
    Exercise(
        id="3.2",
        title="one more step of the chain rule",
        kind="value",
        checker=_check_extended,
        reference=EXTENDED_DM_DA,
        hints=[
            "Start at M with grad 1 and walk back one node at a time: M, then L, then d, then e, then a.",
            "Each step multiplies by one local derivative: dM/dL = k, dL/dd = f, dd/de = 1, de/da = b.",
            "dM/da = k * f * 1 * b.",
        ],
        wrong_answers=[6.0, -3.0, -1.5, -2.0, 0.5],
    )
)

# ---- 3.3  every gradient of L = (a*b + c) * f -----------------------------------


def grads_by_hand(a, b, c, f):
    """(dL/da, dL/db, dL/dc, dL/df) for L = (a*b + c) * f (chain rule)."""
    d = a * b + c  # the value that f multiplies
    dL_dd = f  # L = d * f
    dL_dc = dL_dd * 1.0  # d = e + c
    dL_de = dL_dd * 1.0  # d = e + c, and e = a * b
    dL_da = dL_de * b
    dL_db = dL_de * a
    dL_df = d
    return (dL_da, dL_db, dL_dc, dL_df)


_GRAD_POINTS = [(2.0, -3.0, 10.0, -2.0), (1.5, 4.0, -1.0, 0.5), (-0.5, 2.5, 3.0, 7.0), (3.0, 3.0, 0.0, -1.0)]
_GRAD_NAMES = ("dL/da", "dL/db", "dL/dc", "dL/df")


# With c = 1e17 the spacing of floats near d = a*b + c is 16, so a nudge of a, b or c by
# any small h does not change d at all: nudging finds 0 where the chain rule gives f*b.
_FAR_POINT = (2.0, -3.0, 1e17, -2.0)


def _check_grads_by_hand(answer) -> None:
    for point in [*_GRAD_POINTS, _FAR_POINT]:
        a, b, c, f = point
        where = f"at a={a:g}, b={b:g}, c={c:g}, f={f:g}"
        got = _as_numbers(answer(a, b, c, f), 4, f"(dL/da, dL/db, dL/dc, dL/df) {where}")
        expected = grads_by_hand(a, b, c, f)
        for name, g, e in zip(_GRAD_NAMES, got, expected, strict=True):
            try:
                expect_close(g, e, f"{name} {where}")
            except Mismatch as wrong:
                if point is _FAR_POINT:
                    raise Mismatch(
                        f"{wrong}\nRight at the other points, wrong here: this is what nudging gives. "
                        "Near c = 1e17 floats are 16 apart, so a small nudge of a, b or c does not "
                        "change a*b + c at all. Use the chain rule, which is exact here."
                    ) from None
                raise


def _grads_by_nudging(a, b, c, f, h=1e-5):  # central differences instead of the chain rule
    def L(a, b, c, f):
        return (a * b + c) * f

    return (
        (L(a + h, b, c, f) - L(a - h, b, c, f)) / (2 * h),
        (L(a, b + h, c, f) - L(a, b - h, c, f)) / (2 * h),
        (L(a, b, c + h, f) - L(a, b, c - h, f)) / (2 * h),
        (L(a, b, c, f + h) - L(a, b, c, f - h)) / (2 * h),
    )


def _grads_by_backward(a, b, c, f):  # the engine's backward does the chain rule
    from micrograd.engine import Value

    a, b, c, f = Value(a), Value(b), Value(c), Value(f)
    ((a * b + c) * f).backward()
    return (a.grad, b.grad, c.grad, f.grad)


register(
    Exercise(
        id="3.3",
        title="every gradient of L = (a*b + c) * f",
        checker=_check_grads_by_hand,
        reference=grads_by_hand,
        shortcuts={
            "micrograd.engine.Value.backward": _grads_by_backward,
        },
        hints=[
            "Walk backwards: L = d * f, then d = e + c, then e = a * b.",
            "dL/dd = f and dL/df = d = a*b + c. The + passes dL/dd unchanged to e and c.",
            "dL/da = dL/de * b = f * b, and dL/db = f * a.",
        ],
        wrong_answers=[
            lambda a, b, c, f: (b, a, 1.0, a * b + c),  # forgets to multiply by dL/dd = f
            lambda a, b, c, f: (f * a, f * b, f, a * b + c),  # local derivatives of the product swapped
            lambda a, b, c, f: (f * b, f * a, 1.0, a * b + c),  # dL/dc taken as the local 1 only
            lambda a, b, c, f: (f * b, f * a, f, (a * b + c) * f),  # dL/df = L instead of d
            _grads_by_nudging,  # the exercise says: no nudging
        ],
    )
)
