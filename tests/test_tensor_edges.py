"""The tensor engine at its edges: shapes matmul can take, extreme inputs, NaN, -inf, subclasses.

Each test here was written against a bug: 1-D @ 1-D backward, the BCE from logits
that overflowed, a nested tuple of repeated indices, ``a**0`` at 0, tanh and
sigmoid slopes that cancelled to 0, logsumexp of a row of -inf, Tensor subclasses,
targets shaped like the predictions, BLAS threads.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from micrograd import backend, tensor_nn
from micrograd.tensor import Tensor
from tests.fresh_python import run_python
from tests.test_tensor import numerical_grads, tensor_grads


def _np(x):
    return backend.asnumpy(x)


# ---- matmul: every combination of 1-D, 2-D and batched operands ---------------------------------

#: (left shape, right shape): vectors, matrices and batches (with broadcasting batch axes)
MATMUL_SHAPES = [
    ((3,), (3,)),  # 1-D @ 1-D: a number
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((3,), (5, 3, 2)),  # a vector against a batch of matrices
    ((5, 2, 3), (3,)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)),  # batch axes that broadcast: (5, 1) with (4,)
]


@pytest.mark.parametrize(("a_shape", "b_shape"), MATMUL_SHAPES)
@pytest.mark.parametrize("tensors", ["both", "left", "right"])
def test_matmul_backward_matches_finite_differences(a_shape, b_shape, tensors):
    """Every 1-D / 2-D / batched combination, with either operand a constant."""
    rng = np.random.default_rng(len(a_shape) * 10 + len(b_shape))
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    w = rng.uniform(0.5, 1.5, size=np.shape(a @ b))
    if tensors == "both":
        f = lambda x, y: ((x @ y) * backend.xp.asarray(w)).sum()  # noqa: E731
        arrays = [a, b]
    elif tensors == "left":
        f = lambda x: ((x @ backend.xp.asarray(b)) * backend.xp.asarray(w)).sum()  # noqa: E731
        arrays = [a]
    else:
        f = lambda y: ((backend.xp.asarray(a) @ y) * backend.xp.asarray(w)).sum()  # noqa: E731
        arrays = [b]
    out, grads = tensor_grads(f, arrays)
    assert float(out) == pytest.approx(float((a @ b * w).sum()))
    for got, want, array in zip(grads, numerical_grads(f, arrays), arrays, strict=True):
        assert got.shape == array.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_vector_dot_vector_backward():
    """a @ b of two vectors is their dot product: d/da = b, d/db = a."""
    a, b = Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0, 6.0])
    out = a @ b
    out.backward()
    assert out.shape == () and float(out.data) == 32.0
    np.testing.assert_array_equal(_np(a.grad), [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(_np(b.grad), [1.0, 2.0, 3.0])


# ---- binary cross-entropy from logits: one stable node ---------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("z", [-1000.0, -800.0, -104.0, 0.0, 104.0, 745.0, 800.0, 1000.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_is_finite_and_exact_at_extreme_logits(z, y, dtype):
    """loss = max(z, 0) - y z + log1p(e**-|z|), gradient sigmoid(z) - y: finite for every logit."""
    logits = Tensor(np.array([z], dtype=dtype))
    loss = tensor_nn.binary_cross_entropy_with_logits(logits, [y])
    loss.backward()
    expected = max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))
    sigmoid = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    assert loss.dtype == dtype and logits.grad.dtype == dtype
    assert float(loss.data) == pytest.approx(expected, rel=1e-6)
    assert float(logits.grad[0]) == pytest.approx(sigmoid - y, abs=1e-7)
    assert np.isfinite(float(loss.data)) and np.isfinite(logits.grad).all()


def test_bce_with_logits_is_one_node_with_the_vjp():
    z = Tensor([0.5, -2.0, 3.0, 0.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = tensor_nn.binary_cross_entropy_with_logits(z, y)
    assert loss._prev == (z,)
    loss.backward()
    np.testing.assert_allclose(_np(z.grad), (1 / (1 + np.exp(-_np(z.data))) - y) / 4, rtol=1e-14)


def test_bce_with_logits_nan_logit_gives_nan_loss_not_a_log_error():
    loss = tensor_nn.binary_cross_entropy_with_logits(Tensor([np.nan, 1.0]), [1.0, 0.0])
    assert math.isnan(float(loss.data))


# ---- indexing, powers, activations, logsumexp ------------------------------------------------------


@pytest.mark.parametrize(
    "index", [((0, 0),), [0, 0], (np.array([0, 0]),), ([1, 1, 0],), (slice(None), [0, 0])]
)
def test_repeated_indices_accumulate(index):
    """Picking an entry twice (a list, an array, or a nested tuple) sends it two gradients."""
    data = np.arange(6.0).reshape(2, 3) if isinstance(index, tuple) and len(index) == 2 else np.arange(3.0)
    t = Tensor(data)
    t[index].sum().backward()
    expected = np.zeros_like(data)
    np.add.at(expected, index, 1.0)
    np.testing.assert_array_equal(_np(t.grad), expected)
    assert expected.max() == 2.0


def test_power_zero_has_gradient_zero_everywhere():
    """d(a**0)/da = 0, also at a = 0 (0 * 0**-1 would be nan); the scalar engine and PyTorch agree."""
    a = Tensor([0.0, 2.0, -1.0])
    (a**0).sum().backward()
    np.testing.assert_array_equal(_np(a.grad), [0.0, 0.0, 0.0])


@pytest.mark.parametrize("x", [-745.0, -40.0, -20.0, 0.0, 3.0, 20.0, 40.0, 700.0])
def test_sigmoid_and_tanh_slopes_do_not_cancel(x):
    """sigmoid'(x) = e/(1+e)**2 with e = e**-|x| and tanh'(x) = 4 sigmoid'(2x): accurate far out."""
    e = math.exp(-abs(x))
    sigmoid_slope = e / (1 + e) ** 2
    e2 = math.exp(-2 * abs(x))
    tanh_slope = 4 * e2 / (1 + e2) ** 2
    for method, slope in (("sigmoid", sigmoid_slope), ("tanh", tanh_slope)):
        t = Tensor([x])
        getattr(t, method)().sum().backward()
        assert float(t.grad[0]) == pytest.approx(slope, rel=1e-12, abs=0.0)
    if abs(x) == 40.0:
        assert sigmoid_slope == pytest.approx(4.248354255291589e-18)


def test_logsumexp_of_minus_infinity():
    """A row of -inf: logsumexp is -inf (PyTorch too), not nan; the other rows are untouched."""
    a = Tensor([[-np.inf, -np.inf], [0.0, np.log(3.0)], [-np.inf, 1.0]])
    out = a.logsumexp(axis=1)
    np.testing.assert_allclose(_np(out.data), [-np.inf, np.log(4.0), 1.0])
    out.backward(np.ones(3))
    grad = _np(a.grad)
    np.testing.assert_allclose(grad[1], [0.25, 0.75])
    np.testing.assert_array_equal(grad[0], [0.0, 0.0])
    np.testing.assert_array_equal(grad[2], [0.0, 1.0])
    assert not np.isnan(grad).any()


def test_log_names_the_bad_entry_and_lets_nan_through():
    with pytest.raises(ValueError, match=r"has -1.0 \(at index \(1,\)\)"):
        Tensor([np.nan, -1.0, 2.0]).log()
    out = Tensor([np.nan, 1.0]).log()  # NaN in, NaN out, as every operation (and the scalar engine)
    assert math.isnan(float(out.data[0])) and float(out.data[1]) == 0.0


# ---- subclasses ------------------------------------------------------------------------------------


class Parameter(Tensor):
    """A learner's subclass (as PyTorch's nn.Parameter is one of Tensor)."""

    __slots__ = ()


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "@"])
def test_tensor_subclasses_are_tensors(op):
    a, p = Tensor([[1.0, 2.0], [3.0, 4.0]]), Parameter([[0.5, 1.0], [1.5, 2.0]])
    out = {"+": a + p, "-": a - p, "*": a * p, "/": a / p, "@": a @ p}[op]
    out.sum().backward()
    assert p.grad is not None and a.grad is not None and p in out._prev


def test_affine_takes_a_subclass_input():
    from micrograd.tensor import affine

    x, W, b = Parameter([[1.0, 2.0]]), Tensor([[1.0], [1.0]]), Tensor([0.5])
    affine(x, W, b).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), [[1.0, 1.0]])


# ---- losses: targets shaped like the predictions ---------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy_with_logits", "hinge"])
@pytest.mark.parametrize(("p_shape", "t_shape"), list(itertools.product([(4,), (4, 1)], repeat=2)))
def test_losses_take_targets_as_n_or_n_by_1(loss, p_shape, t_shape):
    rng = np.random.default_rng(0)
    p = rng.normal(size=4)
    t = np.array([1.0, 0.0, 1.0, 1.0]) if loss != "hinge" else np.array([1.0, -1.0, 1.0, 1.0])
    reference = getattr(tensor_nn, loss)(Tensor(p), t)
    got = getattr(tensor_nn, loss)(Tensor(p.reshape(p_shape)), t.reshape(t_shape))
    assert float(got.data) == pytest.approx(float(reference.data), rel=1e-14)


def test_losses_say_which_target_shapes_fit():
    with pytest.raises(
        ValueError,
        match=r"4 predictions \(shape \(4, 1\)\) need 4 targets, of shape \(4,\) or \(4, 1\); "
        r"got targets of shape \(3,\)",
    ):
        tensor_nn.mse(Tensor(np.zeros((4, 1))), np.zeros(3))
    with pytest.raises(ValueError, match="targets contain NaN"):
        tensor_nn.mse(Tensor(np.zeros(2)), [0.0, np.nan])


# ---- BLAS threads ----------------------------------------------------------------------------------


def _blas_threads_in_a_fresh_process(env_value):
    code = (
        "import numpy, threadpoolctl\n"
        "before = [i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']\n"
        "import micrograd.tensor\n"
        "from micrograd import backend\n"
        "print(max(before), max(backend.blas_threads()))"
    )
    import os

    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "2"  # as on a 2-core machine, whatever this one has (BLAS may cap it at its cores)
    if env_value is not None:
        env["MICROGRAD_BLAS_THREADS"] = env_value
    return [int(n) for n in run_python(code, env=env).split()]


def test_importing_the_tensor_engine_limits_blas_to_one_thread():
    pytest.importorskip("threadpoolctl")
    before, after = _blas_threads_in_a_fresh_process(None)
    assert after == 1
    assert _blas_threads_in_a_fresh_process("all") == [before, before]  # left alone
    if before >= 2:
        assert _blas_threads_in_a_fresh_process("2") == [before, 2]


def test_limit_blas_threads_can_be_undone():
    pytest.importorskip("threadpoolctl")
    backend.limit_blas_threads(None)
    original = backend.blas_threads()
    try:
        assert backend.limit_blas_threads(1) is True
        assert set(backend.blas_threads()) == {1}
        backend.limit_blas_threads(None)
        assert backend.blas_threads() == original
    finally:
        backend.limit_blas_threads(1)
    with pytest.raises(ValueError, match="threads must be"):
        backend.limit_blas_threads(0)
