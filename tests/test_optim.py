"""micrograd.optim (chapter 9): SGD, momentum and Adam against steps worked out by hand.

The expected numbers are the update rules' arithmetic written out for one
parameter (so a reader can follow them with pencil and paper), not results of
the code under test.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from micrograd.engine import Value
from micrograd.optim import SGD, Adam


def param(data, grad):
    p = Value(data)
    p.grad = grad
    return p


def test_sgd_step():
    """[ch9] p = 1.0, grad = 0.5, lr = 0.1: p becomes 1.0 - 0.05 = 0.95."""
    p = param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(0.95, abs=1e-15)


def test_sgd_momentum_two_steps():
    """[ch9] mu = 0.9: v = 0.5, p = 0.95; then v = 0.9*0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855."""
    p = param(1.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    assert p.data == pytest.approx(0.95, abs=1e-15)
    opt.step()  # the same grad again
    assert p.data == pytest.approx(0.855, abs=1e-15)
    p.grad = -1.0
    opt.step()  # v = 0.9 * 0.95 - 1.0 = -0.145, p = 0.855 + 0.0145 = 0.8695
    assert p.data == pytest.approx(0.8695, abs=1e-15)


def test_sgd_learning_rate_can_change_between_steps():
    """[ch9] A schedule: lr = 1.0 then 0.5 with grad 1 moves p by 1.0 then 0.5."""
    p = param(0.0, 1.0)
    opt = SGD([p], lr=1.0)
    opt.step()
    opt.lr = 0.5
    opt.step()
    assert p.data == -1.5


def test_adam_first_step():
    """[ch9] lr 0.1, grad 0.5: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25: step 0.1 * 0.5 / 0.5."""
    p = param(1.0, 0.5)
    Adam([p], lr=0.1).step()
    # 0.1 * 0.5 / 0.50000001 = 0.099999998 (to 9 digits)
    assert p.data == pytest.approx(1.0 - 0.099999998, abs=1e-12)


def test_adam_two_steps():
    """[ch9] A second step with grad -1, the bias corrections 1 - 0.9**2 and 1 - 0.999**2 written out."""
    p = param(1.0, 0.5)
    opt = Adam([p], lr=0.1)
    opt.step()
    p.grad = -1.0
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -1.0  # = -0.055
    v = 0.999 * 0.00025 + 0.001 * 1.0  # = 0.00124975
    m_hat = m / 0.19  # 1 - 0.81
    v_hat = v / 0.001999  # 1 - 0.998001
    expected = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert m == pytest.approx(-0.055) and v == pytest.approx(0.00124975)
    assert p.data == pytest.approx(expected, abs=1e-12)
    assert p.data == pytest.approx(0.9366103, abs=1e-7)  # the same number, by calculator


def test_adam_moves_every_parameter_by_about_lr():
    """[ch9] Whatever the gradient's scale, Adam's first step is lr (up to eps)."""
    params = [param(0.0, g) for g in (1e-3, 1.0, 1e3, -5.0)]
    Adam(params, lr=0.01).step()
    assert [p.data for p in params] == pytest.approx([-0.01, -0.01, -0.01, 0.01], rel=1e-4)


def test_zero_grad():
    """[ch9] zero_grad clears the grads of the optimizer's parameters."""
    params = [param(1.0, 3.0), param(2.0, -1.0)]
    for opt in (SGD(params, lr=0.1), Adam(params)):
        opt.zero_grad()
        assert [p.grad for p in params] == [0.0, 0.0]
        params[0].grad = 3.0


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), lambda ps: Adam(ps, lr=0.1)])
def test_minimises_a_quadratic(make):
    """[ch9] f(x, y) = (x - 3)**2 + 10 (y + 1)**2 is driven to its minimum at (3, -1)."""
    x, y = Value(0.0), Value(0.0)
    opt = make([x, y])
    for _ in range(300):
        loss = (x - 3) ** 2 + 10 * (y + 1) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert (x.data, y.data) == pytest.approx((3.0, -1.0), abs=1e-2)


def test_duck_typed_parameters():
    """[ch9] Anything with .data and .grad works (e.g. the notebooks' own Value)."""
    p = SimpleNamespace(data=1.0, grad=2.0)
    SGD([p], lr=0.25).step()
    assert p.data == 0.5
    with pytest.raises(TypeError):
        SGD([1.0], lr=0.1)


def test_bad_arguments():
    """[ch9] Clear errors: no parameters, negative lr, momentum >= 1, bad betas."""
    p = param(1.0, 0.0)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError):
        SGD([p], lr=-0.1)
    with pytest.raises(TypeError):
        SGD([p], lr="0.1")
    with pytest.raises(ValueError):
        SGD([p], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError):
        Adam([p], betas=(0.9,))
    with pytest.raises(ValueError):
        Adam([p], betas=(0.9, 1.5))
    with pytest.raises(ValueError):
        Adam([p], eps=-1.0)


def test_parameters_from_a_generator():
    """[ch9] params may be any iterable, consumed once."""
    values = [param(1.0, 1.0), param(2.0, 1.0)]
    opt = SGD((v for v in values), lr=0.5)
    opt.step()
    opt.step()
    assert [v.data for v in values] == [0.0, 1.0]
