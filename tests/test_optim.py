"""micrograd.optim (chapter 10): every update rule against steps worked out by hand.

The expected numbers are the update rules' arithmetic written out for one
parameter (so a reader can follow them with pencil and paper), not results of
the code under test.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.nn import MLP
from micrograd.optim import SGD, Adam, AdamW, CosineAnnealingLR, LambdaLR, LinearLR, StepLR


def param(data, grad):
    p = Value(data)
    p.grad = grad
    return p


def test_sgd_step():
    """[ch10] p = 1.0, grad = 0.5, lr = 0.1: p becomes 1.0 - 0.05 = 0.95."""
    p = param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(0.95, abs=1e-15)


def test_sgd_momentum_two_steps():
    """[ch10] mu = 0.9: v = 0.5, p = 0.95; then v = 0.9*0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855."""
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
    """[ch10] A schedule: lr = 1.0 then 0.5 with grad 1 moves p by 1.0 then 0.5."""
    p = param(0.0, 1.0)
    opt = SGD([p], lr=1.0)
    opt.step()
    opt.lr = 0.5
    opt.step()
    assert p.data == -1.5


def test_adam_first_step():
    """[ch10] lr 0.1, grad 0.5: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25: step 0.1 * 0.5 / 0.5."""
    p = param(1.0, 0.5)
    Adam([p], lr=0.1).step()
    # 0.1 * 0.5 / 0.50000001 = 0.099999998 (to 9 digits)
    assert p.data == pytest.approx(1.0 - 0.099999998, abs=1e-12)


def test_adam_two_steps():
    """[ch10] A second step with grad -1, the bias corrections 1 - 0.9**2 and 1 - 0.999**2 written out."""
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
    """[ch10] Whatever the gradient's scale, Adam's first step is lr (up to eps)."""
    params = [param(0.0, g) for g in (1e-3, 1.0, 1e3, -5.0)]
    Adam(params, lr=0.01).step()
    assert [p.data for p in params] == pytest.approx([-0.01, -0.01, -0.01, 0.01], rel=1e-4)


def test_zero_grad():
    """[ch10] zero_grad clears the grads of the optimizer's parameters."""
    params = [param(1.0, 3.0), param(2.0, -1.0)]
    for opt in (SGD(params, lr=0.1), Adam(params)):
        opt.zero_grad()
        assert [p.grad for p in params] == [0.0, 0.0]
        params[0].grad = 3.0


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), lambda ps: Adam(ps, lr=0.1)])
def test_minimises_a_quadratic(make):
    """[ch10] f(x, y) = (x - 3)**2 + 10 (y + 1)**2 is driven to its minimum at (3, -1)."""
    x, y = Value(0.0), Value(0.0)
    opt = make([x, y])
    for _ in range(300):
        loss = (x - 3) ** 2 + 10 * (y + 1) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert (x.data, y.data) == pytest.approx((3.0, -1.0), abs=1e-2)


def test_duck_typed_parameters():
    """[ch10] Anything with .data and .grad works (e.g. the notebooks' own Value)."""
    p = SimpleNamespace(data=1.0, grad=2.0)
    SGD([p], lr=0.25).step()
    assert p.data == 0.5
    with pytest.raises(TypeError):
        SGD([1.0], lr=0.1)


def test_bad_arguments():
    """[ch10] Clear errors: no parameters, negative lr, momentum >= 1, bad betas."""
    p = param(1.0, 0.0)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="positive"):
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
    """[ch10] params may be any iterable, consumed once."""
    values = [param(1.0, 1.0), param(2.0, 1.0)]
    opt = SGD((v for v in values), lr=0.5)
    opt.step()
    opt.step()
    assert [v.data for v in values] == [0.0, 1.0]


# ---- PyTorch's conventions, one step at a time ----------------------------------


def test_sgd_dampening_spares_the_first_step():
    """[ch10] PyTorch: the first step sets buf = g (undamped); later buf = mu*buf + (1 - d)*g.

    p = 1, g = 0.5, lr = 0.1, mu = 0.9, d = 0.5: buf = 0.5, p = 0.95; then
    buf = 0.45 + 0.25 = 0.7, p = 0.95 - 0.07 = 0.88.
    """
    p = param(1.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    opt.step()
    assert p.data == pytest.approx(0.95, abs=1e-15)
    opt.step()
    assert opt.state[0]["momentum_buffer"] == pytest.approx(0.7, abs=1e-15)
    assert p.data == pytest.approx(0.88, abs=1e-15)


def test_sgd_nesterov_two_steps():
    """[ch10] Nesterov steps with g + mu*buf.

    p = 1, g = 0.5, lr = 0.1, mu = 0.9: buf = 0.5, step 0.5 + 0.45 = 0.95, p = 0.905;
    then buf = 0.45 + 0.5 = 0.95, step 0.5 + 0.855 = 1.355, p = 0.905 - 0.1355 = 0.7695.
    """
    p = param(1.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    opt.step()
    assert p.data == pytest.approx(0.905, abs=1e-15)
    opt.step()
    assert p.data == pytest.approx(0.7695, abs=1e-15)


def test_sgd_weight_decay_is_added_to_the_gradient():
    """[ch10] g = g + wd*p, before momentum.

    p = 2, g = 0.5, wd = 0.1, lr = 0.1, mu = 0.9: g' = 0.7, buf = 0.7, p = 1.93;
    then g' = 0.5 + 0.193 = 0.693, buf = 0.63 + 0.693 = 1.323, p = 1.93 - 0.1323 = 1.7977.
    """
    p = param(2.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1)
    opt.step()
    assert p.data == pytest.approx(1.93, abs=1e-15)
    opt.step()
    assert p.data == pytest.approx(1.7977, abs=1e-14)


def test_adam_epsilon_is_outside_the_square_root():
    """[ch10] g = 1e-8: sqrt(v_hat) = 1e-8, so the step is lr * 1e-8 / (1e-8 + 1e-8) = lr / 2.

    With eps inside the root it would be lr * 1e-8 / sqrt(1e-16 + 1e-8), about lr * 1e-4.
    """
    p = param(1.0, 1e-8)
    Adam([p], lr=0.1).step()
    assert p.data == pytest.approx(0.95, abs=1e-9)


def test_adam_weight_decay_goes_through_the_gradient():
    """[ch10] p = 1, g = 0.5, wd = 0.1: g' = 0.6, m_hat = 0.6, v_hat = 0.36: step 0.1 * 0.6 / (0.6 + eps)."""
    p = param(1.0, 0.5)
    Adam([p], lr=0.1, weight_decay=0.1).step()
    assert p.data == pytest.approx(1.0 - 0.1 * 0.6 / (0.6 + 1e-8), abs=1e-15)


def test_adamw_decays_before_the_step():
    """[ch10] p = 1, g = 0.5, lr = 0.1, wd = 0.1: p = 1 * (1 - 0.01) = 0.99, then the plain Adam step.

    0.99 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.890000002 (to 9 digits).
    """
    p = param(1.0, 0.5)
    AdamW([p], lr=0.1, weight_decay=0.1).step()
    assert p.data == pytest.approx(0.99 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)
    assert p.data == pytest.approx(0.890000002, abs=1e-9)
    q = param(1.0, 0.5)
    AdamW([q], lr=0.1).step()  # PyTorch's default weight_decay = 0.01: 1 - 0.001 - 0.099999998
    assert q.data == pytest.approx(0.999 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)


def test_adam_and_adamw_differ_only_with_weight_decay():
    """[ch10] With weight_decay = 0 AdamW is Adam, step for step."""
    a, b = param(1.0, 0.0), param(1.0, 0.0)
    opt_a, opt_b = Adam([a], lr=0.05), AdamW([b], lr=0.05, weight_decay=0.0)
    for g in (0.5, -1.0, 2.0, 0.25):
        a.grad = b.grad = g
        opt_a.step()
        opt_b.step()
    assert a.data == b.data


# ---- the tensor engine's parameters: numpy arrays --------------------------------


class ArrayParam:
    """A stand-in for a tensor parameter: .data and .grad are numpy arrays."""

    def __init__(self, data, grad):
        self.data = np.array(data, dtype=float)
        self.grad = np.array(grad, dtype=float)


_GRADS = [[0.5, -1.0, 2.0], [-1.0, 3.0, 0.5], [0.25, 0.25, -4.0]]


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.1, weight_decay=0.1),
        lambda ps: AdamW(ps, lr=0.1, weight_decay=0.1),
    ],
    ids=["sgd", "momentum+wd", "nesterov", "adam+wd", "adamw"],
)
def test_arrays_step_like_scalars(make):
    """[ch10] An array parameter takes, entry by entry, the steps three scalar parameters take."""
    array = ArrayParam([1.0, -2.0, 0.5], _GRADS[0])
    scalars = [param(x, 0.0) for x in (1.0, -2.0, 0.5)]
    opt_array, opt_scalars = make([array]), make(scalars)
    for grads in _GRADS:
        array.grad = np.array(grads)
        for s, g in zip(scalars, grads, strict=True):
            s.grad = g
        opt_array.step()
        opt_scalars.step()
    assert isinstance(array.data, np.ndarray) and array.data.shape == (3,)
    assert array.data == pytest.approx([s.data for s in scalars], abs=1e-15)


def test_array_momentum_by_hand():
    """[ch10] data [1, 2], grad [0.5, -1], lr 0.1, mu 0.9: [0.95, 2.1]; same grad again: [0.855, 2.29]."""
    p = ArrayParam([1.0, 2.0], [0.5, -1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    assert p.data == pytest.approx([0.95, 2.1], abs=1e-15)
    opt.step()
    assert p.data == pytest.approx([0.855, 2.29], abs=1e-15)


def test_array_adam_by_hand():
    """[ch10] Adam's first step moves every entry by lr against its gradient's sign."""
    p = ArrayParam([[0.0, 0.0], [0.0, 0.0]], [[1e-3, -1.0], [1e3, 5.0]])
    Adam([p], lr=0.01).step()
    assert p.data.shape == (2, 2)
    assert p.data.ravel() == pytest.approx([-0.01, 0.01, -0.01, -0.01], rel=1e-4)


def test_state_does_not_alias_a_grad_changed_in_place():
    """[ch10] A tensor engine may accumulate into grad in place; the momentum buffer must not follow."""
    p = ArrayParam([1.0, 2.0], [0.5, -1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    p.grad[:] = 0.0  # zeroed in place
    assert opt.state[0]["momentum_buffer"] == pytest.approx([0.5, -1.0])


def test_zero_grad_sets_array_grads_to_none_and_scalar_grads_to_zero():
    """[ch10] zero_grad: an array grad becomes None (PyTorch's set_to_none), a Value's grad 0.0."""
    a = ArrayParam([[1.0, 2.0]], [[3.0, 4.0]])
    s = param(1.0, 2.0)
    SGD([a, s], lr=0.1).zero_grad()
    assert a.grad is None
    assert s.grad == 0.0


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_a_parameter_the_loss_does_not_use_stays_put_after_zero_grad(make):
    """[ch10] As in PyTorch: after zero_grad an unused tensor parameter has grad None; nothing moves it."""
    from micrograd.tensor import Tensor

    used, unused = Tensor([1.0, 2.0]), Tensor([3.0])
    opt = make([used, unused])
    (used * used + unused).sum().backward()  # both get a gradient once
    opt.step()
    before = unused.data.copy()
    for _ in range(3):
        opt.zero_grad()
        (used * used).sum().backward()  # the loss no longer uses `unused`
        assert unused.grad is None
        opt.step()
    np.testing.assert_array_equal(unused.data, before)


def _pytorch_adam_reference(grads_per_step, start, lr, betas, eps, weight_decay, decoupled):
    """PyTorch's Adam/AdamW algorithm (its documentation's pseudo-code) for ONE parameter.

    ``grads_per_step[k]`` is the grad at step k, or None when the parameter had no grad then;
    t counts only the steps with a grad, as PyTorch's per-parameter ``state["step"]`` does.
    """
    beta1, beta2 = betas
    p, m, v, t = start, 0.0, 0.0, 0
    for g in grads_per_step:
        if g is None:
            continue
        t += 1
        if weight_decay and decoupled:
            p = p - lr * weight_decay * p
        elif weight_decay:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


@pytest.mark.parametrize(("cls", "wd"), [(Adam, 0.0), (Adam, 0.1), (AdamW, 0.01), (AdamW, 0.3)])
def test_adam_counts_steps_per_parameter_with_a_late_parameter(cls, wd):
    """[ch10] A parameter whose first gradient arrives at step 3 starts its own bias correction then."""
    early_grads = [0.5, -0.3, 0.8, 0.1, -0.6, 0.4]
    late_grads = [None, None, 2.0, -1.0, 0.5, 1.5]
    early, late = param(1.0, 0.0), param(-2.0, 0.0)
    opt = cls([early, late], lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    for g_early, g_late in zip(early_grads, late_grads, strict=True):
        early.grad = g_early
        late.grad = g_late
        opt.step()
    kwargs = dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd, decoupled=cls is AdamW)
    assert early.data == pytest.approx(_pytorch_adam_reference(early_grads, 1.0, **kwargs), rel=1e-14)
    assert late.data == pytest.approx(_pytorch_adam_reference(late_grads, -2.0, **kwargs), rel=1e-14)
    assert opt.state[0]["step"] == 6 and opt.state[1]["step"] == 4


def test_a_parameter_without_grad_is_skipped():
    """[ch10] As in PyTorch, grad None means "not used in this loss": the parameter stays put."""
    a = ArrayParam([1.0], [1.0])
    a.grad = None
    b = param(1.0, 1.0)
    opt = Adam([a, b], lr=0.1)
    opt.step()
    opt.zero_grad()
    assert a.data == pytest.approx([1.0]) and a.grad is None
    assert b.data == pytest.approx(0.9, abs=1e-7)


# ---- learning-rate schedules ------------------------------------------------------


def test_linear_lr_is_the_reference_demos_schedule():
    """[ch10] LinearLR(SGD(lr=1.0), 1.0, 0.1, 100) gives lr = 1.0 - 0.9*k/100 at step k."""
    opt = SGD([param(0.0, 0.0)], lr=1.0)
    schedule = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    for k in range(100):
        assert opt.lr == pytest.approx(1.0 - 0.9 * k / 100, abs=1e-15)
        opt.step()
        schedule.step()
    assert schedule.get_last_lr() == [pytest.approx(0.1)]  # and it stays there
    schedule.step()
    assert opt.lr == pytest.approx(0.1, abs=1e-15)


def test_linear_lr_pytorch_defaults():
    """[ch10] The defaults warm up from lr/3 to lr over 5 steps: 1/3, 7/15, 9/15, 11/15, 13/15, 1."""
    opt = SGD([param(0.0, 0.0)], lr=1.5)
    schedule = LinearLR(opt)
    lrs = [opt.lr]
    for _ in range(6):
        schedule.step()
        lrs.append(opt.lr)
    assert lrs == pytest.approx([0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.5], abs=1e-15)


def test_the_schedule_sets_the_lr_each_step_uses():
    """[ch10] grad 1, lr = 1, 0.5, 0.25 (StepLR, step_size 1, gamma 0.5): p moves by 1.75."""
    p = param(0.0, 1.0)
    opt = SGD([p], lr=1.0)
    schedule = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        opt.step()
        schedule.step()
    assert p.data == -1.75 and opt.lr == 0.125


def test_step_lr():
    """[ch10] base 1, step_size 3, gamma 0.5: 1, 1, 1, 0.5, 0.5, 0.5, 0.25."""
    opt = SGD([param(0.0, 0.0)], lr=1.0)
    schedule = StepLR(opt, step_size=3, gamma=0.5)
    assert [schedule.lr_at(k) for k in range(7)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_cosine_annealing():
    """[ch10] base 1, T_max 4: 1, (1 + cos(pi/4))/2 = 0.8535534, 0.5, 0.1464466, 0."""
    opt = SGD([param(0.0, 0.0)], lr=1.0)
    schedule = CosineAnnealingLR(opt, T_max=4)
    lrs = [opt.lr]
    for _ in range(4):
        schedule.step()
        lrs.append(opt.lr)
    assert lrs == pytest.approx([1.0, 0.8535534, 0.5, 0.1464466, 0.0], abs=1e-7)
    with_floor = CosineAnnealingLR(SGD([param(0.0, 0.0)], lr=2.0), T_max=2, eta_min=0.5)
    assert [with_floor.lr_at(k) for k in range(3)] == pytest.approx([2.0, 1.25, 0.5])


def test_lambda_lr():
    """[ch10] lr = base * f(k): with f(k) = 1 / (k + 1), base 0.3: 0.3, 0.15, 0.1."""
    opt = Adam([param(0.0, 0.0)], lr=0.3)
    schedule = LambdaLR(opt, lambda k: 1 / (k + 1))
    assert [schedule.lr_at(k) for k in range(3)] == pytest.approx([0.3, 0.15, 0.1])


# ---- bad input: a clear error at the learner's call --------------------------------


@pytest.mark.parametrize("lr", [0, 0.0, -1.0, float("nan"), float("inf")])
def test_learning_rate_must_be_positive(lr):
    """[ch10] lr = 0, negative, nan or inf: ValueError saying what was expected and what came."""
    for make in (SGD, Adam, AdamW):
        with pytest.raises(ValueError, match=r"lr \(the learning rate\) must be a positive number, got"):
            make([param(1.0, 0.0)], lr=lr)


@pytest.mark.parametrize("lr", ["0.1", None, True, [0.1]])
def test_learning_rate_must_be_a_number(lr):
    """[ch10] lr = "0.1", None, True or a list: TypeError naming the type."""
    with pytest.raises(TypeError, match="must be a positive number, got"):
        SGD([param(1.0, 0.0)], lr=lr)


def test_setting_a_bad_lr_fails_where_it_is_set():
    """[ch10] opt.lr = -1 or "x" fails on that line, not at the next step; 0 is allowed (a schedule's end)."""
    opt = SGD([param(1.0, 0.0)], lr=0.1)
    with pytest.raises(ValueError):
        opt.lr = -1.0
    with pytest.raises(TypeError):
        opt.lr = "x"
    opt.lr = 0.0
    assert opt.lr == 0.0


def test_no_parameters():
    """[ch10] An empty list, an exhausted generator: "no parameters", naming the used-up generator."""
    model = MLP(2, [3, 1])
    with pytest.raises(ValueError, match="no parameters"):
        Adam([])
    params = (p for p in model.parameters())
    SGD(params, lr=0.1)
    with pytest.raises(ValueError, match="used up"):
        SGD(params, lr=0.1)  # the same generator, a second time


def test_wrong_kind_of_params():
    """[ch10] A model instead of its parameters, one Value instead of a list, a number, a duplicate."""
    model = MLP(2, [3, 1])
    with pytest.raises(TypeError, match=r"model.parameters\(\)"):
        SGD(model, lr=0.1)
    with pytest.raises(TypeError, match="single Value"):
        SGD(Value(1.0), lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        SGD(3.0, lr=0.1)
    p = param(1.0, 0.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([p, p], lr=0.1)


def test_bad_optimizer_options():
    """[ch10] Nesterov without momentum (or with dampening), negative weight decay, bad schedules."""
    p = param(1.0, 0.0)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError):
        SGD([p], lr=0.1, weight_decay=-0.1)
    with pytest.raises(ValueError):
        AdamW([p], weight_decay=-1.0)
    opt = SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="positive integer"):
        StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="positive integer"):
        CosineAnnealingLR(opt, T_max=2.5)
    with pytest.raises(TypeError, match="optimizer"):
        LinearLR([p])
    with pytest.raises(TypeError, match="function"):
        LambdaLR(opt, 0.5)


# ---- chapter 10's exercise references agree with the package -----------------------


def test_exercise_references_agree_with_the_optimizers():
    """[ch10] momentum_step, adam_step and cosine_lr (exercises 10.1-10.3) take the package's steps."""
    from micrograd.exercises.ch10 import adam_step, cosine_lr, momentum_step

    grads = [0.5, -1.0, 2.0, 0.25, -0.75]
    p_sgd, p_adam = param(1.0, 0.0), param(1.0, 0.0)
    sgd = SGD([p_sgd], lr=0.1, momentum=0.9)
    adam = Adam([p_adam], lr=0.1, betas=(0.8, 0.99), eps=1e-6)
    p1, buf, p2, m, v = 1.0, None, 1.0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        p_sgd.grad = p_adam.grad = g
        sgd.step()
        adam.step()
        p1, buf = momentum_step(p1, g, buf, 0.1, 0.9)
        p2, m, v = adam_step(p2, g, m, v, t, 0.1, 0.8, 0.99, 1e-6)
        assert p_sgd.data == pytest.approx(p1, abs=1e-15)
        assert p_adam.data == pytest.approx(p2, abs=1e-14)
    schedule = CosineAnnealingLR(SGD([param(0.0, 0.0)], lr=0.5), T_max=40, eta_min=0.1)
    assert [schedule.lr_at(k) for k in range(41)] == pytest.approx(
        [cosine_lr(k, 0.5, 40, 0.1) for k in range(41)]
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: Adam(ps, lr=0.1),
        lambda ps: AdamW(ps, lr=0.1, weight_decay=0.1),
    ],
    ids=["nesterov+wd", "adam", "adamw"],
)
def test_the_tensor_engines_parameters(make):
    """[ch10] A micrograd.tensor.Tensor steps like the array stand-in given the gradient 2 (t - target)."""
    tensor = pytest.importorskip("micrograd.tensor")
    target = np.array([[1.0, -2.0], [0.5, 3.0]])
    t = tensor.Tensor([[0.0, 0.0], [1.0, 1.0]])
    stand_in = ArrayParam(t.data, np.zeros((2, 2)))
    opt_t, opt_s = make([t]), make([stand_in])
    for _ in range(5):
        loss = ((t - target) ** 2).sum()
        opt_t.zero_grad()
        loss.backward()
        opt_t.step()
        stand_in.grad = 2 * (stand_in.data - target)
        opt_s.step()
    assert isinstance(t.data, np.ndarray) and t.data.shape == (2, 2)
    assert t.data == pytest.approx(stand_in.data, abs=1e-12)
    start = ((np.array([[0.0, 0.0], [1.0, 1.0]]) - target) ** 2).sum()
    assert float(((t - target) ** 2).sum().data) < start


def test_an_unused_value_is_stepped_with_a_zero_gradient():
    """[ch10] The stated difference: a Value's grad is a number, so after zero_grad it is 0.0, not None,
    and momentum keeps moving a Value the loss no longer uses (PyTorch would leave it alone)."""
    used, unused = Value(1.0), Value(3.0)
    opt = SGD([used, unused], lr=0.1, momentum=0.9)
    (used * used + unused).backward()
    opt.step()  # unused: buffer 1.0, 3.0 -> 2.9
    opt.zero_grad()
    assert unused.grad == 0.0
    (used * used).backward()
    opt.step()  # buffer 0.9 * 1.0 + 0.0 = 0.9: 2.9 -> 2.81
    assert unused.data == pytest.approx(2.81, abs=1e-15)
