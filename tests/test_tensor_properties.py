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


@st.composite
def matmul_shapes(draw):
    """Shapes for a @ b: each operand a vector, a matrix or a batch of matrices (batch axes broadcast)."""
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    left, right = (
        draw(st.sampled_from(["vector", "matrix", "batch"])),
        draw(st.sampled_from(["vector", "matrix", "batch"])),
    )
    batch_a, batch_b = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3)
    ).input_shapes
    a_shape = {"vector": (k,), "matrix": (n, k), "batch": (*batch_a, n, k)}[left]
    b_shape = {"vector": (k,), "matrix": (k, m), "batch": (*batch_b, k, m)}[right]
    return a_shape, b_shape


@settings(max_examples=80, deadline=None, derandomize=True)
@given(shapes=matmul_shapes(), seed=st.integers(0, 2**16))
def test_matmul_of_vectors_matrices_and_batches(shapes, seed):
    """Every kind of operand on both sides, 1-D @ 1-D included; one case in four by finite differences."""
    a_shape, b_shape = shapes
    a, b = _data(a_shape, seed), _data(b_shape, seed + 3)
    _agree(lambda x, y: x @ y, [a, b], seed, check_numerical=seed % 4 == 0)


def test_the_matmul_strategy_draws_every_kind_of_operand():
    """The strategy above reaches vectors, matrices and batches on both sides (it did not once)."""
    seen = set()

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(shapes=matmul_shapes())
    def collect(shapes):
        seen.add(tuple(min(len(shape), 3) for shape in shapes))

    collect()
    assert {(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (3, 3)} <= seen


@st.composite
def stretched_shapes(draw):
    """(small, big): big is small broadcast: extra leading axes and/or size-1 axes stretched; big != small."""
    small = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3))
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    stretched = tuple(
        draw(st.integers(2, 4)) if side == 1 and draw(st.booleans()) else side for side in small
    )
    big = (*lead, *stretched)
    if big == small:  # force a change: a leading axis of 2
        big = (2, *small)
    return small, big


@SETTINGS
@given(shapes=stretched_shapes(), seed=st.integers(0, 99))
def test_unbroadcast_inverts_broadcasting(shapes, seed):
    """Summing a stretched gradient back: each entry gets one gradient per copy made of it."""
    small, big = shapes
    assert big != small and np.broadcast_shapes(small, big) == big
    x = _data(small, seed)
    stretched = np.broadcast_to(x, big)
    copies = int(np.prod(big)) // int(np.prod(small))
    got = backend.asnumpy(unbroadcast(backend.xp.asarray(stretched), small))
    assert got.shape == small
    np.testing.assert_allclose(got, x * copies)


def test_unbroadcast_of_an_unstretched_gradient_is_itself():
    g = backend.xp.asarray(_data((2, 3), 0))
    assert unbroadcast(g, (2, 3)) is g


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    keepdims=st.booleans(),
    data=st.data(),
    seed=st.integers(0, 2**16),
)
def test_max_shares_the_gradient_among_ties(shape, keepdims, data, seed):
    """Entries drawn from {-1, 0, 1}, so ties are common: each tied maximum gets g / (number of ties)."""
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    a = np.random.default_rng(seed).integers(-1, 2, size=shape).astype(float)
    t = Tensor(backend.xp.asarray(a))
    out = t.max(axis=axis, keepdims=keepdims)
    g = _data(out.shape, seed + 1, 0.5, 1.5)
    out.backward(backend.xp.asarray(g))
    kept = a.max(axis=axis, keepdims=True)
    winners = a == kept
    ties = winners.sum(axis=axis, keepdims=True)
    g_kept = g if keepdims else np.asarray(g).reshape(kept.shape)
    expected = winners * g_kept / ties
    np.testing.assert_allclose(backend.asnumpy(t.grad), expected, rtol=1e-15)
    # the gradient is shared, not copied: each reduced group passes on exactly its g
    np.testing.assert_allclose(backend.asnumpy(t.grad).sum(axis=axis, keepdims=True), g_kept, rtol=1e-14)


def test_max_tie_examples():
    t = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    t.max(axis=1).sum().backward()
    np.testing.assert_allclose(backend.asnumpy(t.grad), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
