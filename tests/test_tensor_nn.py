"""Tensor networks, losses and the shared optimizers agree with the scalar engine, step by step."""

from __future__ import annotations

import random

import numpy as np
import pytest

from micrograd import backend, tensor_nn
from micrograd import losses as scalar_losses
from micrograd import nn as scalar_nn
from micrograd.data import make_moons, make_spirals, to_plus_minus_one
from micrograd.engine import Value
from micrograd.optim import SGD, Adam
from micrograd.tensor import Tensor


def _np(x):
    return backend.asnumpy(x)


def _moons(n=20):
    X, y = make_moons(n_samples=n, noise=0.1, seed=3)
    return np.array(X), np.array(to_plus_minus_one(y), dtype=float)


def _twin_models(sizes=(2, [8, 8, 1]), seed=1337):
    random.seed(seed)
    scalar = scalar_nn.MLP(*sizes)
    random.seed(seed)
    tensor = tensor_nn.MLP(*sizes)
    return scalar, tensor


def test_same_seed_gives_the_same_weights_as_the_scalar_mlp():
    scalar, tensor = _twin_models()
    for layer_s, layer_t in zip(scalar.layers, tensor.layers, strict=True):
        W = np.array([[w.data for w in neuron.w] for neuron in layer_s.neurons]).T
        b = np.array([neuron.b.data for neuron in layer_s.neurons])
        np.testing.assert_array_equal(_np(layer_t.W.data), W)
        np.testing.assert_array_equal(_np(layer_t.b.data), b)
    assert len(tensor.parameters()) == 6
    assert sum(p.size for p in tensor.parameters()) == len(scalar.parameters())


def test_forward_matches_the_scalar_mlp():
    scalar, tensor = _twin_models()
    X, _ = _moons(5)
    out = _np(tensor(X).data)[:, 0]
    expected = [scalar(list(x)).data for x in X]
    np.testing.assert_allclose(out, expected, rtol=1e-13)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_training_matches_the_scalar_engine_step_by_step(momentum):
    scalar, tensor = _twin_models()
    X, y = _moons()
    opt_s = SGD(scalar.parameters(), lr=0.5, momentum=momentum)
    opt_t = SGD(tensor.parameters(), lr=0.5, momentum=momentum)
    for _ in range(6):
        loss_s = scalar_losses.hinge([scalar(list(x)) for x in X], list(y), scalar.parameters(), alpha=1e-4)
        opt_s.zero_grad()
        loss_s.backward()
        opt_s.step()
        loss_t = tensor_nn.hinge(tensor(X), y, tensor.parameters(), alpha=1e-4)
        tensor.zero_grad()
        loss_t.backward()
        opt_t.step()
        assert float(loss_t.data) == pytest.approx(loss_s.data, rel=1e-12, abs=1e-15)


def test_adam_works_on_tensors_like_on_values():
    scalar, tensor = _twin_models((2, [4, 1]))
    X, y = _moons(8)
    opt_s, opt_t = Adam(scalar.parameters(), lr=0.01), Adam(tensor.parameters(), lr=0.01)
    for _ in range(4):
        loss_s = scalar_losses.mse([scalar(list(x)) for x in X], list(y))
        opt_s.zero_grad()
        loss_s.backward()
        opt_s.step()
        loss_t = tensor_nn.mse(tensor(X), y)
        opt_t.zero_grad()
        loss_t.backward()
        opt_t.step()
        assert float(loss_t.data) == pytest.approx(loss_s.data, rel=1e-12)


# ---- losses --------------------------------------------------------------------------------------


def _values(a):
    return [[Value(float(x)) for x in row] for row in a]


def test_softmax_cross_entropy_matches_the_scalar_loss_and_its_composed_form():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 3)) * 3
    labels = np.array([0, 2, 1, 2, 0])
    fused = Tensor(z)
    loss = tensor_nn.cross_entropy(fused, labels)
    loss.backward()
    composed = Tensor(z)
    loss2 = -composed.log_softmax(axis=1)[np.arange(5), labels].mean()
    loss2.backward()
    rows = _values(z)
    loss_v = scalar_losses.mean(
        [scalar_losses.softmax_cross_entropy(r, int(k)) for r, k in zip(rows, labels, strict=True)]
    )
    loss_v.backward()
    assert float(loss.data) == pytest.approx(loss_v.data, rel=1e-13)
    assert float(loss2.data) == pytest.approx(loss_v.data, rel=1e-13)
    expected = np.array([[v.grad for v in r] for r in rows])
    np.testing.assert_allclose(_np(fused.grad), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(_np(composed.grad), expected, rtol=1e-12, atol=1e-15)
    softmax = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    np.testing.assert_allclose(_np(fused.grad), (softmax - np.eye(3)[labels]) / 5, rtol=1e-12)


def test_hinge_matches_its_composed_form_and_the_scalar_loss():
    rng = np.random.default_rng(1)
    s, y = rng.normal(size=(6, 1)), np.array([1.0, -1, -1, 1, 1, -1])
    p = rng.normal(size=(3, 2))
    fused_s, fused_p = Tensor(s), Tensor(p)
    tensor_nn.hinge(fused_s, y, [fused_p], alpha=0.1).backward()
    comp_s, comp_p = Tensor(s), Tensor(p)
    ((1.0 - y[:, None] * comp_s).relu().mean() + 0.1 * (comp_p * comp_p).sum()).backward()
    np.testing.assert_allclose(_np(fused_s.grad), _np(comp_s.grad), rtol=1e-13)
    np.testing.assert_allclose(_np(fused_p.grad), _np(comp_p.grad), rtol=1e-13)
    sv, pv = [Value(float(x)) for x in s[:, 0]], [Value(float(x)) for x in p.ravel()]
    loss_v = scalar_losses.hinge(sv, list(y), pv, alpha=0.1)
    assert float(tensor_nn.hinge(Tensor(s), y, [Tensor(p)], alpha=0.1).data) == pytest.approx(loss_v.data)


def test_mse_and_bce_match_the_scalar_losses():
    rng = np.random.default_rng(2)
    z, t = rng.normal(size=7) * 4, (rng.random(7) > 0.5).astype(float)
    for tensor_loss, scalar_loss in [
        (tensor_nn.mse, scalar_losses.mse),
        (tensor_nn.binary_cross_entropy_with_logits, scalar_losses.binary_cross_entropy_with_logits),
    ]:
        zt = Tensor(z)
        loss = tensor_loss(zt, t)
        loss.backward()
        zv = [Value(float(x)) for x in z]
        loss_v = scalar_loss(zv, list(t))
        loss_v.backward()
        assert float(loss.data) == pytest.approx(loss_v.data, rel=1e-12)
        np.testing.assert_allclose(_np(zt.grad), [v.grad for v in zv], rtol=1e-10, atol=1e-15)


def test_sum_of_squares_is_one_node():
    a, b = Tensor([1.0, 2.0]), Tensor([[3.0]])
    total = tensor_nn.sum_of_squares([a, b])
    assert float(total.data) == 14.0 and total._prev == (a, b)
    total.backward()
    np.testing.assert_array_equal(_np(a.grad), [2.0, 4.0])
    np.testing.assert_array_equal(_np(b.grad), [[6.0]])


def test_a_multiclass_network_learns_spirals():
    X, y = make_spirals(n_samples=90, noise=0.05, seed=0)
    X, y = np.array(X), np.array(y)
    model = tensor_nn.MLP(2, [32, 32, 3], init="kaiming", rng=np.random.default_rng(0))
    optimizer = Adam(model.parameters(), lr=0.02)
    for _ in range(300):
        loss = tensor_nn.cross_entropy(model(X), y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    accuracy = (_np(model(X).data).argmax(1) == y).mean()
    assert accuracy > 0.9


# ---- errors --------------------------------------------------------------------------------------


def _with_bias(layer, bias):
    """The layer with its bias replaced by a Tensor of another shape (a learner's slip)."""
    layer.b = Tensor(bias)
    return layer


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: tensor_nn.Linear(2, 3)(np.ones((4, 3))), ValueError, "(n, 2)"),
        (lambda: tensor_nn.Linear(2, 3)(np.ones(2)), ValueError, "(n, 2)"),
        (lambda: _with_bias(tensor_nn.Linear(2, 3), np.ones(2))(np.ones((4, 2))), ValueError, "b of shape"),
        (lambda: tensor_nn.Linear(2.0, 3), TypeError, "nin"),
        (lambda: tensor_nn.Linear(2, 3, init="zeros"), ValueError, "init"),
        (lambda: tensor_nn.MLP(2, 3), TypeError, "list"),
        (lambda: tensor_nn.hinge(Tensor(np.ones(3)), [1, 0, 1]), ValueError, "-1 or +1"),
        (lambda: tensor_nn.hinge(Tensor(np.ones(3)), [1, 1]), ValueError, "3 predictions"),
        (lambda: tensor_nn.hinge(np.ones(3), [1, 1, 1]), TypeError, "Tensor"),
        (lambda: tensor_nn.cross_entropy(Tensor(np.ones((2, 3))), [0, 3]), ValueError, "0..2"),
        (lambda: tensor_nn.cross_entropy(Tensor(np.ones((2, 3))), [0.0, 1.0]), TypeError, "ints"),
        (lambda: tensor_nn.cross_entropy(Tensor(np.ones(3)), [0]), ValueError, "(n, k)"),
        (lambda: tensor_nn.mse(Tensor(np.ones((2, 2))), [1, 1]), ValueError, "(n,) or (n, 1)"),
    ],
)
def test_clear_errors(make, error, words):
    with pytest.raises(error) as raised:
        make()
    assert words in str(raised.value)


def test_zero_grad_sets_none_and_optimizers_skip_nothing():
    model = tensor_nn.MLP(2, [3, 1], rng=np.random.default_rng(0))
    X, y = _moons(4)
    tensor_nn.mse(model(X), y).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
