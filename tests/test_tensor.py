"""The tensor engine: every operation's gradient against finite differences AND the scalar engine.

Every test builds its arrays through ``micrograd.backend`` and compares with
``backend.asnumpy``, so the same file runs against CuPy with
``MICROGRAD_ARRAY=cupy`` (the GPU chapter's check).

For the scalar comparison the same numbers go into object arrays of ``Value`` s:
NumPy applies ``+ - * / ** @`` and ``sum`` to them element by element, so one
expression written for arrays runs on both engines, and the data and every
gradient must agree.
"""

from __future__ import annotations

import gc
import math
import random
import subprocess
import sys
import weakref

import numpy as np
import pytest

from micrograd import backend
from micrograd import losses as scalar_losses
from micrograd.engine import Value
from micrograd.tensor import Tensor, affine, topological_order, unbroadcast

RNG_SEED = 12


def _arr(x):
    return backend.xp.asarray(np.asarray(x, dtype=np.float64))


def _np(x):
    return backend.asnumpy(x)


def numerical_grads(f, arrays, h=1e-6):
    """Central differences of the scalar f(*Tensors) with respect to every entry of every array."""
    grads = []
    for i, base in enumerate(arrays):
        grad = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            values = []
            for sign in (1, -1):
                moved = [a.copy() for a in arrays]
                moved[i][index] += sign * h
                values.append(float(_np(f(*[Tensor(_arr(a)) for a in moved]).data)))
            grad[index] = (values[0] - values[1]) / (2 * h)
        grads.append(grad)
    return grads


def tensor_grads(f, arrays):
    tensors = [Tensor(_arr(a)) for a in arrays]
    out = f(*tensors)
    out.backward()
    return _np(out.data), [_np(t.grad) for t in tensors]


def value_grads(f, arrays):
    """The same function on object arrays of Values: its output and d(out)/d(every entry)."""
    values = [
        np.vectorize(Value, otypes=[object])(a) if a.ndim else np.array(Value(float(a))) for a in arrays
    ]
    out = f(*values)
    out = out.item() if isinstance(out, np.ndarray) else out
    out.backward()
    grads = [np.vectorize(lambda v: v.grad, otypes=[float])(v) for v in values]
    return out.data, grads


def _weights(shape, seed=3):
    """Fixed weights that make a non-scalar result into a scalar with a non-trivial upstream gradient."""
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def _scalar(result, weights):
    """sum(result * weights) for a Tensor or an object array of Values."""
    if isinstance(result, Tensor):
        return (result * _arr(weights)).sum()
    return (result * weights).sum() if np.ndim(result) else result * float(weights)


def _v_apply(name):
    return np.vectorize(lambda v: getattr(v, name)(), otypes=[object])


# name -> (tensor function, Value function or None, input arrays)
rng = np.random.default_rng(RNG_SEED)
A34 = rng.normal(size=(3, 4))
B4 = rng.normal(size=4)
C31 = rng.normal(size=(3, 1))
D14 = rng.normal(size=(1, 4))
POS34 = rng.uniform(0.5, 2.0, size=(3, 4))
POS4 = rng.uniform(0.5, 2.0, size=4)
M42 = rng.normal(size=(4, 2))
AWAY = np.where(np.abs(A34) < 0.1, 0.5, A34)  # no entry near relu's kink
DISTINCT = np.arange(12.0).reshape(3, 4)[:, ::-1] * 0.37 - 1.1  # max without ties

OPS = {
    "add broadcast": (lambda a, b: a + b, lambda a, b: a + b, [A34, B4]),
    "add column + row": (lambda a, b: a + b, lambda a, b: a + b, [C31, D14]),
    "add constant": (lambda a: 2.5 + a, lambda a: 2.5 + a, [A34]),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, [A34, B4]),
    "rsub constant": (lambda a: 1.0 - a, lambda a: 1.0 - a, [A34]),
    "mul broadcast": (lambda a, b: a * b, lambda a, b: a * b, [A34, C31]),
    "mul itself": (lambda a: a * a, lambda a: a * a, [A34]),
    "div": (lambda a, b: a / b, lambda a, b: a / b, [A34, POS4]),
    "rdiv constant": (lambda a: 3.0 / a, lambda a: 3.0 / a, [POS34]),
    "pow 2": (lambda a: a**2, lambda a: a**2, [A34]),
    "pow 3": (lambda a: a**3, lambda a: a**3, [A34]),
    "pow 0.5": (lambda a: a**0.5, lambda a: a**0.5, [POS34]),
    "pow -1": (lambda a: a**-1, lambda a: a**-1, [POS34]),
    "neg": (lambda a: -a, lambda a: -a, [A34]),
    "matmul": (lambda a, b: a @ b, lambda a, b: a @ b, [A34, M42]),
    "matmul vector @ matrix": (lambda a, b: a @ b, lambda a, b: a @ b, [B4, M42]),
    "matmul matrix @ vector": (lambda a, b: a @ b, lambda a, b: a @ b, [A34, B4]),
    "matmul constant @ tensor": (lambda b: _arr(A34) @ b, lambda b: A34 @ b, [M42]),
    "matmul batch @ matrix": (lambda a, b: a @ b, lambda a, b: a @ b, [A34.reshape(2, 3, 2), M42[:2]]),
    "matmul vector @ batch": (lambda a, b: a @ b, lambda a, b: a @ b, [B4[:3], A34.reshape(2, 3, 2)]),
    "affine": (lambda x, w, b: affine(x, w, b), lambda x, w, b: x @ w + b, [A34, M42, rng.normal(size=2)]),
    "affine constant input": (
        lambda w, b: affine(_arr(A34), w, b),
        lambda w, b: A34 @ w + b,
        [M42, POS4[:2]],
    ),
    "sum": (lambda a: a.sum(), lambda a: a.sum(), [A34]),
    "sum axis 0": (lambda a: a.sum(axis=0), lambda a: a.sum(axis=0), [A34]),
    "sum axis 1 keepdims": (
        lambda a: a.sum(axis=1, keepdims=True),
        lambda a: a.sum(axis=1, keepdims=True),
        [A34],
    ),
    "mean": (lambda a: a.mean(), lambda a: a.sum() * (1 / 12), [A34]),
    "mean axis 0": (lambda a: a.mean(axis=0), lambda a: a.sum(axis=0) * (1 / 3), [A34]),
    "mean axis -1 keepdims": (
        lambda a: a.mean(axis=-1, keepdims=True),
        lambda a: a.sum(axis=-1, keepdims=True) * 0.25,
        [A34],
    ),
    "max": (lambda a: a.max(), lambda a: max(a.ravel(), key=lambda v: v.data), [DISTINCT]),
    "max axis 1": (
        lambda a: a.max(axis=1),
        lambda a: np.array([max(row, key=lambda v: v.data) for row in a], dtype=object),
        [DISTINCT],
    ),
    "reshape": (lambda a: a.reshape(2, 6), lambda a: a.reshape(2, 6), [A34]),
    "reshape -1": (lambda a: a.reshape(-1), lambda a: a.reshape(-1), [A34]),
    "transpose": (lambda a: a.T, lambda a: a.T, [A34]),
    "transpose axes": (
        lambda a: a.reshape(3, 2, 2).transpose(2, 0, 1),
        lambda a: a.reshape(3, 2, 2).transpose(2, 0, 1),
        [A34],
    ),
    "index slice": (lambda a: a[1:, ::2], lambda a: a[1:, ::2], [A34]),
    "index int": (lambda a: a[2], lambda a: a[2], [A34]),
    "index pick labels": (
        lambda a: a[np.arange(3), np.array([3, 0, 3])],
        lambda a: a[np.arange(3), np.array([3, 0, 3])],
        [A34],
    ),
    "index repeated rows": (lambda a: a[[0, 2, 0]], lambda a: a[[0, 2, 0]], [A34]),
    "exp": (lambda a: a.exp(), _v_apply("exp"), [A34]),
    "log": (lambda a: a.log(), _v_apply("log"), [POS34]),
    "tanh": (lambda a: a.tanh(), _v_apply("tanh"), [A34]),
    "sigmoid": (lambda a: a.sigmoid(), _v_apply("sigmoid"), [A34 * 4]),
    "relu": (lambda a: a.relu(), _v_apply("relu"), [AWAY]),
    "log_softmax": (
        lambda a: a.log_softmax(axis=1),
        lambda a: np.array(
            [[z - scalar_losses.logsumexp(list(row)) for z in row] for row in a], dtype=object
        ),
        [A34 * 3],
    ),
    "log_softmax axis 0": (
        lambda a: a.log_softmax(axis=0),
        lambda a: (
            np.array([[z - scalar_losses.logsumexp(list(col)) for z in col] for col in a.T], dtype=object).T
        ),
        [A34],
    ),
    "logsumexp": (
        lambda a: a.logsumexp(axis=1),
        lambda a: np.array([scalar_losses.logsumexp(list(row)) for row in a], dtype=object),
        [A34 * 3],
    ),
    "a chain of everything": (
        lambda a, b: ((a * b + 1.0).tanh() @ _arr(M42)).sigmoid().log_softmax(axis=1).mean(),
        None,
        [A34, B4],
    ),
}


def _scalarized(f, seed_shape_of):
    def g(*args):
        result = f(*args)
        return _scalar(
            result, _weights(np.shape(result.data) if isinstance(result, Tensor) else np.shape(result))
        )

    return g


@pytest.mark.parametrize("name", list(OPS))
def test_gradient_matches_finite_differences(name):
    f, _, arrays = OPS[name]
    loss = _scalarized(f, None)
    _, grads = tensor_grads(loss, arrays)
    expected = numerical_grads(loss, arrays)
    for got, want, array in zip(grads, expected, arrays, strict=True):
        assert got.shape == array.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("name", [name for name, (_, vf, _) in OPS.items() if vf is not None])
def test_gradient_matches_the_scalar_engine(name):
    f, vf, arrays = OPS[name]
    out_t, grads_t = tensor_grads(_scalarized(f, None), arrays)
    out_v, grads_v = value_grads(_scalarized(vf, None), arrays)
    assert float(out_t) == pytest.approx(out_v, rel=1e-12, abs=1e-12)
    for got, want in zip(grads_t, grads_v, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", list(OPS))
def test_every_vjp_returns_gradients_in_its_parents_shapes(name):
    """backward() adds each gradient to its parent's grad as it is: a VJP must sum it back itself."""
    f, _, arrays = OPS[name]
    out = f(*[Tensor(_arr(a)) for a in arrays])
    for node in topological_order(out):
        if node._prev:
            g = backend.xp.ones(node.data.shape)
            grads = node._vjp(g, node._ctx)
            assert [np.shape(grad) for grad in grads] == [p.data.shape for p in node._prev], node._op


def test_forward_values_match_numpy():
    a, b = Tensor(_arr(A34)), Tensor(_arr(M42))
    np.testing.assert_allclose(_np((a @ b).data), A34 @ M42)
    np.testing.assert_allclose(_np(a.sigmoid().data), 1 / (1 + np.exp(-A34)))
    z = A34 * 3
    np.testing.assert_allclose(
        _np(Tensor(_arr(z)).log_softmax().data), z - np.log(np.exp(z).sum(1, keepdims=True))
    )


# ---- broadcasting and unbroadcast ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("grad_shape", "shape", "expected"),
    [
        ((3, 4), (4,), [3.0] * 4),
        ((3, 4), (3, 1), [[4.0]] * 3),
        ((2, 3, 4), (), 24.0),
        ((3, 4), (1, 4), [[3.0] * 4]),
    ],
)
def test_unbroadcast_sums_the_copies(grad_shape, shape, expected):
    got = unbroadcast(backend.xp.ones(grad_shape), shape)
    assert tuple(got.shape) == shape
    np.testing.assert_array_equal(_np(got), np.array(expected))


def test_stable_functions_at_extreme_inputs():
    z = Tensor([[1000.0, -1000.0, 0.0]])
    assert np.isfinite(_np(z.log_softmax().data)).all()
    assert np.isfinite(_np(z.logsumexp().data)).all()
    s = z.sigmoid()
    np.testing.assert_allclose(_np(s.data), [[1.0, 0.0, 0.5]])
    s.sum().backward()
    assert np.isfinite(_np(z.grad)).all()


# ---- the graph: accumulation, no cycles, deep graphs ---------------------------------------------


def test_leaves_accumulate_and_inner_nodes_are_recomputed():
    x = Tensor([1.0, 2.0])
    y = x * 3.0
    loss = y.sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(_np(x.grad), [6.0, 6.0])
    np.testing.assert_array_equal(_np(y.grad), [1.0, 1.0])


def test_a_tensor_used_twice_gets_both_gradients():
    x = Tensor([1.0, -2.0])
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), [3.0, -3.0])


def test_leaf_grads_do_not_share_memory():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    (a + b).sum().backward()
    a.grad *= 0  # a learner changing one grad in place must not change the other
    np.testing.assert_array_equal(_np(b.grad), [1.0, 1.0])
    assert a.grad.flags.writeable


def test_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Tensor(_arr(A34))
        w = Tensor(_arr(M42))
        hidden = (x @ w).tanh()
        loss = hidden.log_softmax().mean()
        loss.backward()
        refs = [weakref.ref(t) for t in (hidden, loss)]
        del hidden, loss
        assert all(r() is None for r in refs), "the graph was not freed by reference counting"
    finally:
        gc.enable()


def test_deep_graph_backward_is_iterative():
    x = Tensor([0.5])
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(_np(x.grad), [1.0])


def test_topological_order_puts_parents_first():
    a, b = Tensor(1.0), Tensor(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order.index(a) < order.index(c) < order.index(d)
    assert order.index(b) < order.index(c)
    assert len(order) == 4


# ---- clear errors at the learner's call ----------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Tensor("3"), TypeError, "str"),
        (lambda: Tensor(None), TypeError, "NoneType"),
        (lambda: Tensor(True), TypeError, "bool"),
        (lambda: Tensor([[1.0, 2.0], [3.0]]), ValueError, "different lengths"),
        (lambda: Tensor(["a", "b"]), TypeError, "numbers"),
        (lambda: Tensor(np.arange(3)), TypeError, "int64"),
        (lambda: Tensor([1.0]) + "a", TypeError, "str"),
        (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones(4)), ValueError, "(2, 3) and (4,)"),
        (lambda: Tensor(np.ones((2, 3))) * np.ones((3, 2)), ValueError, "(2, 3) and (3, 2)"),
        (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))), ValueError, "(2, 3) and (2, 3)"),
        (lambda: Tensor(np.ones((2, 3))).reshape(4), ValueError, "(2, 3)"),
        (lambda: Tensor(np.ones((2, 3))).sum(axis=2), ValueError, "axis 2"),
        (lambda: Tensor([-1.0, 2.0]).log(), ValueError, "positive"),
        (lambda: Tensor([0.0, 2.0]) ** -1, ZeroDivisionError, "0"),
        (lambda: Tensor([1.0]) / Tensor([0.0]), ZeroDivisionError, "0"),
        (lambda: Tensor([1.0]) ** Tensor([2.0]), TypeError, "exponent"),
        (lambda: Tensor(np.ones((2, 3))).backward(), ValueError, "shape (2, 3)"),
        (lambda: Tensor(np.ones(3)).backward(np.ones(2)), ValueError, "(2,)"),
        (lambda: Tensor(np.ones((2, 2)))[Tensor([0.0])], TypeError, "index"),
        (lambda: affine(np.ones((2, 3)), Tensor(np.ones((4, 2))), Tensor(np.ones(2))), ValueError, "(2, 3)"),
    ],
)
def test_clear_errors(make, error, words):
    with pytest.raises(error) as raised:
        make()
    assert words in str(raised.value)


def test_backward_with_a_gradient_argument():
    x = Tensor([1.0, 2.0, 3.0])
    y = x * 2.0
    y.backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(_np(x.grad), [2.0, 0.0, -2.0])


def test_numbers_and_lists_become_float_arrays():
    assert Tensor(3).data.dtype == np.float64
    assert Tensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    original = np.ones(2)
    t = Tensor(original)
    t.data -= 1.0  # an optimizer's in-place update must not change the caller's array
    assert original[0] == 1.0


def test_repr_and_item():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], label="W")
    assert repr(t) == "Tensor([[1., 2.],\n        [3., 4.]], label='W')"
    assert Tensor(2.5).item() == 2.5
    with pytest.raises(ValueError):
        t.item()


def test_numpy_hands_reflected_operations_to_the_tensor():
    t = Tensor([1.0, 2.0])
    for result in (np.ones(2) + t, np.ones(2) * t, np.ones(2) - t, np.ones((3, 2)) @ t):
        assert isinstance(result, Tensor)


# ---- the backend ---------------------------------------------------------------------------------


def _backend_in_a_fresh_process(env_value, code="from micrograd import backend; print(backend.name())"):
    import os

    env = {k: v for k, v in os.environ.items() if k != "MICROGRAD_ARRAY"}
    if env_value is not None:
        env["MICROGRAD_ARRAY"] = env_value
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_backend_default_is_numpy_and_a_bad_name_changes_nothing():
    """A fresh process without MICROGRAD_ARRAY computes with NumPy; use() of an unknown module is refused."""
    code = (
        "import numpy; from micrograd import backend; from micrograd.tensor import Tensor\n"
        "t = Tensor([1.0, 2.0]) * 2\n"
        "print(backend.name(), backend.xp is numpy, type(t.data).__module__)"
    )
    assert _backend_in_a_fresh_process(None, code).stdout.split() == ["numpy", "True", "numpy"]
    before = backend.xp
    with pytest.raises(ValueError, match=r"must be one of \('numpy', 'cupy'\), got 'jax'"):
        backend.use("jax")
    assert backend.xp is before


def test_backend_use_cupy_without_cupy_is_a_clear_error(monkeypatch):
    """With CuPy missing (made so here, whatever this machine has) use("cupy") says what to install."""
    before = backend.xp
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError
    with pytest.raises(ImportError, match="pip install cupy-cuda12x"):
        backend.use("cupy")
    assert backend.xp is before


def test_backend_env_var_is_read_at_import():
    """MICROGRAD_ARRAY picks the module at import (case and spaces ignored); a bad name fails loudly."""
    assert _backend_in_a_fresh_process(" NumPy ").stdout.strip() == "numpy"
    bad = _backend_in_a_fresh_process("jax")
    assert bad.returncode != 0 and "the array module must be one of" in bad.stderr
    no_cupy = "import sys; sys.modules['cupy'] = None; from micrograd import backend"
    missing = _backend_in_a_fresh_process("cupy", no_cupy)
    assert missing.returncode != 0 and "pip install cupy-cuda12x" in missing.stderr


def test_scalar_random_state_is_left_alone():
    random.seed(5)
    expected = random.random()
    random.seed(5)
    Tensor(np.ones(3)).sum().backward()
    assert random.random() == expected
    assert math.isfinite(expected)
