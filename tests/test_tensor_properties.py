"""Property tests of the tensor engine over random shapes, with broadcasting.

Hypothesis draws shapes that broadcast together (and reduction axes, matmul
sizes); each case is computed by the tensor engine and, on the same numbers,
by the scalar engine (object arrays of ``Value`` s, which NumPy broadcasts the
same way). The outputs and every gradient must agree; a sample is also
checked against central differences.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from micrograd import backend
from micrograd.tensor import Tensor, unbroadcast
from tests.test_tensor import numerical_grads, tensor_grads, value_grads

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


def _data(shape, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _weighted_sum(result, seed):
    """sum(result * w) for fixed weights w (a Tensor or an object array of Values)."""
    shape = result.shape if isinstance(result, Tensor) else np.shape(result)
    w = _data(shape, seed + 1, 0.5, 1.5)
    if isinstance(result, Tensor):
        return (result * backend.xp.asarray(w)).sum()
    return (result * w).sum() if shape else result * float(w)


def _agree(f, arrays, seed, check_numerical=False):
    loss = lambda *xs: _weighted_sum(f(*xs), seed)  # noqa: E731
    out_t, grads_t = tensor_grads(loss, arrays)
    out_v, grads_v = value_grads(loss, arrays)
    np.testing.assert_allclose(float(out_t), out_v, rtol=1e-10, atol=1e-12)
    for got, want, array in zip(grads_t, grads_v, arrays, strict=True):
        assert got.shape == array.shape
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    if check_numerical:
        for got, want in zip(grads_t, numerical_grads(loss, arrays), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@SETTINGS
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    op=st.sampled_from(list(BINARY)),
    seed=st.integers(0, 2**16),
)
def test_binary_operations_with_broadcasting(shapes, op, seed):
    a_shape, b_shape = shapes.input_shapes
    a = _data(a_shape, seed)
    b = _data(b_shape, seed + 7, 0.5, 2.0) if op == "/" else _data(b_shape, seed + 7)
    _agree(BINARY[op], [a, b], seed, check_numerical=seed % 4 == 0)


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    reduction=st.sampled_from(["sum", "mean", "max"]),
    keepdims=st.booleans(),
    data=st.data(),
    seed=st.integers(0, 2**16),
)
def test_reductions_over_random_axes(shape, reduction, keepdims, data, seed):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    a = _data(shape, seed)

    def tensor_or_values(x):
        if isinstance(x, Tensor):
            return getattr(x, reduction)(axis=axis, keepdims=keepdims)
        if reduction == "max":
            # the Value whose data is largest, along the axis, as the tensor engine picks it
            index = np.argmax(np.vectorize(lambda v: v.data)(x), axis=axis)
            picked = (
                np.take_along_axis(x, np.expand_dims(index, axis), axis)
                if axis is not None
                else x.ravel()[index]
            )
            if axis is None:
                return np.array(picked).reshape((1,) * x.ndim) if keepdims else picked
            return picked if keepdims else np.squeeze(picked, axis)
        total = x.sum(axis=axis, keepdims=keepdims)
        if reduction == "mean":
            count = x.size if axis is None else x.shape[axis]
            return total * (1.0 / count)
        return total

    # the scalar engine's mean multiplies by 1/n where the tensor engine divides by n: 1 ulp apart
    _agree(tensor_or_values, [a], seed)


@SETTINGS
@given(
    n=st.integers(1, 3),
    k=st.integers(1, 4),
    m=st.integers(1, 3),
    vector=st.sampled_from(["none", "left", "right"]),
    seed=st.integers(0, 2**16),
)
def test_matmul_of_random_sizes(n, k, m, vector, seed):
    a = _data((k,) if vector == "left" else (n, k), seed)
    b = _data((k,) if vector == "right" else (k, m), seed + 3)
    _agree(lambda x, y: x @ y, [a, b], seed, check_numerical=seed % 3 == 0)


@SETTINGS
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=3, max_side=4),
    seed=st.integers(0, 99),
)
def test_unbroadcast_inverts_broadcasting(shapes, seed):
    (small,) = shapes.input_shapes
    big = shapes.result_shape
    x = _data(small, seed)
    stretched = np.broadcast_to(x, big)
    copies = int(np.prod(big)) // max(int(np.prod(small)), 1) if np.prod(small) else 1
    got = backend.asnumpy(unbroadcast(backend.xp.asarray(stretched), small))
    assert got.shape == small
    np.testing.assert_allclose(got, x * copies)
