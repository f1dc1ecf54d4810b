"""Chapter 6 — Checking gradients."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from micrograd.engine import Value
from micrograd.exercises.core import Exercise, Mismatch, _short, expect_close, fmt, is_number, register

# ---- 6.1 relative error --------------------------------------------------------


def my_relative_error(a: float, b: float, floor: float = 1e-2) -> float:
    """|a - b| / max(|a| + |b|, floor).

    0 when a == b, 1 when they have opposite signs.

    The floor keeps two tiny numbers (or two zeros) from dividing by almost
    nothing: below it, the error is the plain difference scaled by 1/floor.
    """
    return abs(a - b) / max(abs(a) + abs(b), floor)


_RELATIVE_CASES = [
    (2.0, 2.0, None, 0.0),
    (3.0, 4.0, None, 1 / 7),
    (-4.0, 3.0, None, 1.0),
    (1e6, 1e6 + 1.0, None, 1.0 / (2e6 + 1.0)),
    (0.0, 0.0, None, 0.0),
    (0.0, 1e-10, None, 1e-8),
    (2e-9, 1e-9, None, 1e-7),
    (0.5, 0.0, None, 1.0),
    (0.0, 1e-10, 1e-6, 1e-4),
]


relative_error = my_relative_error  # the chapter's name, used by the checkers below


def _check_relative_error(answer) -> None:
    for a, b, floor, expected in _RELATIVE_CASES:
        if floor is None:
            case, got = f"my_relative_error({a}, {b})", answer(a, b)
        else:
            case, got = f"my_relative_error({a}, {b}, floor={floor})", answer(a, b, floor)
        expect_close(got, expected, case, rel=1e-9, abs_tol=1e-15)


register(
    Exercise(
        id="6.1",
        title="relative error",
        checker=_check_relative_error,
        reference=my_relative_error,
        hints=[
            "The numerator is the difference |a - b|; the denominator measures how big the numbers are.",
            "Use |a| + |b| as the size, but never less than floor: max(abs(a) + abs(b), floor).",
            "return abs(a - b) / max(abs(a) + abs(b), floor)",
        ],
        wrong_answers=[
            lambda a, b, floor=1e-2: abs(a - b),  # absolute, not relative
            lambda a, b, floor=1e-2: abs(a - b) / max(abs(a), abs(b), floor),  # a different denominator
            lambda a, b, floor=1e-2: abs(a - b) / (abs(a) + abs(b)),  # no floor: 0 / 0
            lambda a, b, floor=1e-2: abs(a - b) / max(abs(a + b), floor),  # |a + b| is 0 for a = -b
            lambda a, b, floor=1e-2: abs(a - b) / max(abs(a) + abs(b), 1e-2),  # ignores the floor argument
        ],
    )
)

# ---- 6.2 a cheaper check: one random direction ---------------------------------


def numerical_grad(f: Callable[..., Value], inputs: list[float], h: float = 1e-6) -> list[float]:
    """df/dx_i ~ (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / (2h), for each input i in turn.

    ``f`` takes Values and returns a Value; ``inputs`` are plain numbers. (The chapter's
    function, used by the reference of exercise 6.3.)
    """
    grads = []
    for i in range(len(inputs)):
        up = list(inputs)
        down = list(inputs)
        up[i] += h
        down[i] -= h
        grads.append((f(*[Value(x) for x in up]).data - f(*[Value(x) for x in down]).data) / (2 * h))
    return grads


def directional_derivative(
    f,
    inputs: list[float],
    direction: list[float],
    h: float = 1e-6,
) -> float:
    """The slope of f along `direction` d, by a central difference.

    (f(x + h d) - f(x - h d)) / (2h). By the chain rule it equals
    sum_i (df/dx_i) * d_i, the dot product of the gradient and d.
    """
    up = [x + h * d for x, d in zip(inputs, direction)]
    down = [x - h * d for x, d in zip(inputs, direction)]
    f_up = f(*[Value(x) for x in up]).data
    f_down = f(*[Value(x) for x in down]).data
    return (f_up - f_down) / (2 * h)


_DIRECTION_CASES = [
    (lambda a, b: a * b + a.tanh(), [0.5, -1.2], [1.0, 0.0], 1e-3, "f(a, b) = a*b + tanh(a), d = [1, 0]"),
    (
        lambda a, b: a * b + a.tanh(),
        [0.5, -1.2],
        [0.6, -0.8],
        1e-3,
        "f(a, b) = a*b + tanh(a), d = [0.6, -0.8]",
    ),
    (lambda a, b: a * b, [3.0, -2.0], [3.0, 4.0], 0.1, "f(a, b) = a*b at [3, -2], d = [3, 4]"),
    (
        lambda a, b, c: (a * b - c).sigmoid() * c,
        [1.5, -0.5, 2.0],
        [-0.3, 1.1, 0.4],
        1e-3,
        "f(a, b, c) = sigmoid(a*b - c) * c, d = [-0.3, 1.1, 0.4]",
    ),
]


def _check_directional(answer) -> None:
    for f, inputs, direction, h, case in _DIRECTION_CASES:
        got = answer(f, list(inputs), list(direction), h)
        expected = directional_derivative(f, inputs, direction, h)
        try:
            expect_close(got, expected, f"{case}, h = {h}", rel=1e-7, abs_tol=1e-9)
        except Mismatch:
            if is_number(got) and math.isclose(got, _exact_slope(f, inputs, direction), rel_tol=1e-9):
                raise Mismatch(
                    f"{case}, h = {h}: you returned the exact slope {fmt(got)} (the gradient dotted with "
                    f"d). This exercise asks for the central difference with the given h, "
                    f"(f(x + h*d) - f(x - h*d)) / (2h), which is {fmt(expected)} here"
                ) from None
            raise


def _exact_slope(f, inputs, direction) -> float:
    """sum_i df/dx_i * d_i, by backward: what the central difference estimates."""
    xs = [Value(x) for x in inputs]
    f(*xs).backward()
    return sum(x.grad * d for x, d in zip(xs, direction, strict=True))


def _unscaled_step(f, inputs, direction, h=1e-6):
    up = [x + d for x, d in zip(inputs, direction)]  # steps by d, not h * d
    down = [x - d for x, d in zip(inputs, direction)]
    return (f(*[Value(x) for x in up]).data - f(*[Value(x) for x in down]).data) / (2 * h)


def _one_sided(f, inputs, direction, h=1e-6):
    up = [x + h * d for x, d in zip(inputs, direction)]
    return (f(*[Value(x) for x in up]).data - f(*[Value(x) for x in inputs]).data) / h


def _unit_direction(f, inputs, direction, h=1e-6):
    norm = math.sqrt(sum(d * d for d in direction))  # normalises d: the slope per unit length
    return directional_derivative(f, inputs, [d / norm for d in direction], h)


register(
    Exercise(
        id="6.2",
        title="a cheaper check: the slope along one direction",
        checker=_check_directional,
        reference=directional_derivative,
        hints=[
            "Move every input at once, each by h times its own entry of the direction: x_i + h * d_i.",
            "Evaluate f on Values made from the two moved points, x + h d and x - h d, and take .data.",
            "The run between the two points is 2h (in units of d): return (f_up - f_down) / (2 * h).",
        ],
        wrong_answers=[
            _unscaled_step,  # a step of size d instead of h * d
            _one_sided,  # a forward difference: an error of order h
            _unit_direction,  # normalises the direction, so the answer is off by |d|
            lambda f, inputs, direction, h=1e-6: numerical_grad(f, inputs, h),  # the whole gradient, a list
        ],
    )
)

# ---- 6.3 which backward rule is wrong? ---------------------------------------------


def find_wrong_rule(ops: dict) -> str | None:
    """The operation whose backward() disagrees with central differences.

    None when every rule agrees.
    """
    for name, op in ops.items():
        # several points, none at 0 where some wrong rules look right
        for x in (-1.3, -0.4, 0.7, 1.6):
            v = Value(x)
            op(v).backward()
            (numerical,) = numerical_grad(op, [x])
            if relative_error(v.grad, numerical) > 1e-6:
                return name
    return None


def _node(v: Value, out: float, local: float, name: str) -> Value:
    """A one-parent node with the given output and local derivative."""
    return Value(out, (v,), name, _local_grads=(local,))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _tanh(v):
    t = math.tanh(v.data)
    return _node(v, t, 1.0 - t * t, "tanh")


def _tanh_bug(v):
    t = math.tanh(v.data)
    return _node(v, t, 1.0 - t, "tanh")  # should be 1 - t**2


def _cube(v):
    return _node(v, v.data**3, 3.0 * v.data**2, "cube")


def _cube_bug(v):
    return _node(v, v.data**3, 3.0 * v.data, "cube")  # should be 3 x**2


def _sin(v):
    return _node(v, math.sin(v.data), math.cos(v.data), "sin")


def _sin_bug(v):
    return _node(v, math.sin(v.data), -math.cos(v.data), "sin")  # sign slip


def _softplus(v):
    return _node(v, math.log1p(math.exp(v.data)), _sigmoid(v.data), "softplus")


def _softplus_bug(v):
    return _node(v, math.log1p(math.exp(v.data)), math.exp(v.data), "softplus")  # forgot / (1 + e**x)


def _small_square(v):
    return _node(v, 1e-3 * v.data**2, 2e-3 * v.data, "small_square")


def _small_square_bug(v):
    return _node(v, 1e-3 * v.data**2, 1e-3 * v.data, "small_square")  # forgot the 2: a small error


_SUSPECT_SETS: list[tuple[dict[str, Callable[[Value], Value]], str | None]] = [
    ({"tanh": _tanh, "cube": _cube_bug, "sin": _sin}, "cube"),
    ({"sin": _sin, "softplus": _softplus, "tanh": _tanh_bug}, "tanh"),
    ({"tanh": _tanh, "sin": _sin, "softplus": _softplus, "cube": _cube}, None),
    ({"softplus": _softplus, "small_square": _small_square_bug, "cube": _cube}, "small_square"),
    ({"cube": _cube, "sin": _sin_bug, "tanh": _tanh}, "sin"),
    ({"small_square": _small_square, "tanh": _tanh, "softplus": _softplus_bug}, "softplus"),
]


def _check_find_wrong_rule(answer: Any) -> None:
    for ops, expected in _SUSPECT_SETS:
        got = answer(dict(ops))
        names = ", ".join(ops)
        if got is not None and not isinstance(got, str):
            raise Mismatch(
                f"for the operations [{names}]: expected a name (a str) or None, "
                f"got {type(got).__name__} {_short(got)}"
            )
        if got == expected:
            continue
        if got in ops:  # a right rule was called wrong: the numerical side is too inaccurate
            raise Mismatch(
                f"for the operations [{names}] your function says {got!r} is wrong, but its rule is "
                "right.\nIf your test compares with a numerical gradient, that gradient is too "
                "inaccurate for it: a forward difference is off by about h, the central difference "
                "(numerical_grad) only by about h**2."
            )
        case = f"for the operations [{names}]"
        if got is None:
            raise Mismatch(f"{case} expected {expected!r} (its rule is wrong), got None")
        raise Mismatch(f"{case} expected {expected!r}, got {got!r}, which is not one of them")


def _forward_difference_check(ops):  # a forward difference is too inaccurate for a 1e-6 test
    for name, op in ops.items():
        for x in (-1.3, -0.4, 0.7, 1.6):
            v = Value(x)
            op(v).backward()
            h = 1e-6
            numerical = (op(Value(x + h)).data - op(Value(x)).data) / h
            if relative_error(v.grad, numerical) > 1e-6:
                return name
    return None


def _only_at_zero(ops):
    for name, op in ops.items():
        v = Value(0.0)
        op(v).backward()
        if relative_error(v.grad, numerical_grad(op, [0.0])[0]) > 1e-6:
            return name
    return None


def _absolute_and_loose(ops):
    for name, op in ops.items():
        for x in (-1.3, -0.4, 0.7, 1.6):
            v = Value(x)
            op(v).backward()
            if abs(v.grad - numerical_grad(op, [x])[0]) > 1e-2:
                return name
    return None


register(
    Exercise(
        id="6.3",
        title="which backward rule is wrong?",
        checker=_check_find_wrong_rule,
        reference=find_wrong_rule,
        kind="function",
        hints=[
            "For each operation, compare v.grad after op(v).backward() with a numerical gradient of op.",
            "Check at several points, and not at x = 0: some wrong rules agree with the right one there.",
            "Use relative_error(v.grad, numerical) > 1e-6 to call a rule wrong; a loose absolute test misses "
            "small errors. Return the name, or None when every operation passes.",
        ],
        wrong_answers=[
            lambda ops: next(iter(ops)),  # always blames the first
            _only_at_zero,  # misses rules that are only wrong away from 0
            _absolute_and_loose,  # misses a small error
            lambda ops: None,  # trusts everything
            _forward_difference_check,  # blames a right rule
        ],
    )
)
