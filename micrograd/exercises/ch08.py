"""Chapter 8 — Neurons, layers, MLPs."""

from __future__ import annotations

import math
from typing import Any

from micrograd.engine import Value
from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    expect_close,
    expect_close_sequence,
    expect_number,
    fmt,
    register,
)

# ---- 8.1 one neuron, by hand ------------------------------------------------------


def neuron(x: list[Value], w: list[Value], b: Value) -> Value:
    """tanh(w_1 x_1 + ... + w_n x_n + b), made of Value operations.

    Built from the Values it is given, so backward() reaches x, w and b.
    """
    z = b
    for wi, xi in zip(w, x, strict=True):
        z = z + wi * xi
    return z.tanh()


_NEURON_CASES = [
    ([0.5, -1.0], [0.8, 0.3], 0.1),
    ([2.0, 1.0, -0.5], [-0.4, 0.25, 1.2], -0.3),
    ([1.5], [-0.7], 0.6),
    ([0.0, 0.0], [1.0, -1.0], 0.0),
]


def _check_neuron(answer: Any) -> None:
    for xs, ws, bias in _NEURON_CASES:
        case = f"neuron(x={xs}, w={ws}, b={bias})"
        x, w, b = [Value(v) for v in xs], [Value(v) for v in ws], Value(bias)
        out = answer(x, w, b)
        if not isinstance(out, Value):
            raise Mismatch(
                f"{case}: expected a Value (built from x, w and b, so that backward() works), "
                f"got {type(out).__name__} {out!r}"
            )
        z = bias + sum(wi * xi for wi, xi in zip(ws, xs, strict=True))
        t = math.tanh(z)
        expect_close(out.data, t, f"{case}, the output", rel=1e-9, abs_tol=1e-12)
        out.backward()
        slope = 1.0 - t * t
        for i, (wi, xi) in enumerate(zip(ws, xs, strict=True)):
            expect_close(w[i].grad, slope * xi, f"{case}, after backward(): w[{i}].grad", 1e-9, 1e-12)
            expect_close(x[i].grad, slope * wi, f"{case}, after backward(): x[{i}].grad", 1e-9, 1e-12)
        expect_close(b.grad, slope, f"{case}, after backward(): b.grad", rel=1e-9, abs_tol=1e-12)


def _neuron_no_bias(x, w, b):
    z = w[0] * x[0]
    for wi, xi in zip(w[1:], x[1:], strict=True):
        z = z + wi * xi
    return z.tanh()


def _neuron_relu(x, w, b):
    return (b + sum(wi * xi for wi, xi in zip(w, x, strict=True))).relu()


def _neuron_floats(x, w, b):
    z = b.data + sum(wi.data * xi.data for wi, xi in zip(w, x, strict=True))
    return Value(math.tanh(z))  # the right number, but cut off from x, w and b: no gradients


def _neuron_tanh_each(x, w, b):
    return sum((wi * xi).tanh() for wi, xi in zip(w, x, strict=True)) + b


register(
    Exercise(
        id="8.1",
        title="one neuron, by hand",
        checker=_check_neuron,
        reference=neuron,
        hints=[
            "Start from the bias and add each product w_i * x_i, using the Values you are given.",
            "Apply the activation once, to the whole sum: z.tanh().",
            "z = b\nfor wi, xi in zip(w, x):\n    z = z + wi * xi\nreturn z.tanh()",
        ],
        wrong_answers=[_neuron_no_bias, _neuron_relu, _neuron_floats, _neuron_tanh_each],
    )
)

# ---- 8.2 counting parameters ------------------------------------------------------


def count_parameters(nin: int, nouts: list[int]) -> int:
    """The number of parameters of MLP(nin, nouts).

    A layer from m inputs to k neurons has k * m weights and k biases:
    k * (m + 1) in all.
    """
    sizes = [nin] + list(nouts)
    layers = zip(sizes[:-1], sizes[1:], strict=True)  # (inputs, neurons)
    return sum(k * (m + 1) for m, k in layers)


_COUNT_CASES = [
    (2, [16, 16, 1], 337),
    (3, [4, 4, 1], 16 + 20 + 5),
    (1, [1], 2),
    (10, [5], 55),
    (2, [1, 3], 3 + 6),
    (784, [128, 10], 784 * 128 + 128 + 128 * 10 + 10),
]


def _check_count(answer: Any) -> None:
    for nin, nouts, expected in _COUNT_CASES:
        case = f"count_parameters({nin}, {nouts})"
        raw = answer(nin, list(nouts))  # a list, as MLP takes it (and as the message prints it)
        if expect_number(raw, case) != expected:
            raise Mismatch(f"{case}: expected {fmt(expected)}, got {fmt(raw)}")


def _count_weights_only(nin, nouts):
    sizes = [nin] + list(nouts)
    return sum(k * m for m, k in zip(sizes[:-1], sizes[1:], strict=True))


def _count_one_bias_per_layer(nin, nouts):
    sizes = [nin] + list(nouts)
    return sum(k * m + 1 for m, k in zip(sizes[:-1], sizes[1:], strict=True))


def _count_biases_by_inputs(nin, nouts):
    sizes = [nin] + list(nouts)
    return sum((k + 1) * m for m, k in zip(sizes[:-1], sizes[1:], strict=True))


def _count_by_building(nin, nouts):  # builds the network and counts what it made
    from micrograd.nn import MLP

    return len(MLP(nin, list(nouts)).parameters())


register(
    Exercise(
        id="8.2",
        title="counting parameters",
        checker=_check_count,
        reference=count_parameters,
        shortcuts={
            "micrograd.nn.MLP": _count_by_building,
        },
        hints=[
            "Count one layer at a time: layer i maps sizes[i] inputs to sizes[i + 1] neurons, "
            "where sizes = [nin] + nouts.",
            "Each neuron has one weight per input and one bias: a layer from m inputs to k neurons "
            "has k * (m + 1) parameters.",
            "sizes = [nin] + list(nouts)\nreturn sum(k * (m + 1) for m, k in zip(sizes, sizes[1:]))",
        ],
        wrong_answers=[_count_weights_only, _count_one_bias_per_layer, _count_biases_by_inputs],
    )
)

# ---- 8.3 where is the decision line? ----------------------------------------------


def closest_point(w1: float, w2: float, b: float) -> tuple[float, float]:
    """The point of the line w1*x1 + w2*x2 + b = 0 nearest the origin.

    It lies along w: x = t * w. On the line, t * |w|**2 + b = 0,
    so t = -b / |w|**2 and the point is -b * w / |w|**2.
    """
    t = -b / (w1 * w1 + w2 * w2)
    return (t * w1, t * w2)


_LINE_CASES = [(1.0, 0.0, -2.0), (1.0, 1.0, 1.5), (3.0, 4.0, 5.0), (-0.5, 2.0, 0.0), (2.0, -1.0, 3.0)]


def _check_closest_point(answer: Any) -> None:
    for w1, w2, b in _LINE_CASES:
        case = f"closest_point({w1}, {w2}, {b})"
        expected = closest_point(w1, w2, b)
        expect_close_sequence(answer(w1, w2, b), expected, case, rel=1e-9, abs_tol=1e-12, what="coordinates")


def _closest_wrong_sign(w1, w2, b):
    t = b / (w1 * w1 + w2 * w2)
    return (t * w1, t * w2)


def _closest_unit_length(w1, w2, b):
    t = -b / math.hypot(w1, w2)  # divides by |w|, not |w|**2
    return (t * w1, t * w2)


def _closest_axis_intercepts(w1, w2, b):
    return (-b / w1 if w1 else 0.0, -b / w2 if w2 else 0.0)  # where the line crosses each axis


register(
    Exercise(
        id="8.3",
        title="the decision line's nearest point",
        checker=_check_closest_point,
        reference=closest_point,
        hints=[
            "The nearest point lies in the direction of w from the origin (w is perpendicular to the line): "
            "x = t * (w1, w2) for some number t.",
            "Put x = t * w into w1*x1 + w2*x2 + b = 0: t * (w1**2 + w2**2) + b = 0. Solve for t.",
            "t = -b / (w1 * w1 + w2 * w2)\nreturn (t * w1, t * w2)",
        ],
        wrong_answers=[_closest_wrong_sign, _closest_unit_length, _closest_axis_intercepts],
    )
)
