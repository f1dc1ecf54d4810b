"""micrograd.losses (chapter 8): values worked out by hand, gradients by central differences.

Every expected number below is written as the arithmetic that gives it, from
the definition of the loss, not by calling the code under test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from micrograd.engine import Value
from micrograd.gradcheck import gradcheck
from micrograd.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    logsumexp,
    mean,
    mse,
    softmax,
    softmax_cross_entropy,
    sum_of_squares,
)


def grads_by_central_differences(loss_of_floats, xs, h=1e-6):
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((loss_of_floats(up) - loss_of_floats(down)) / (2 * h))
    return grads


def backward_grads(loss_of_values, xs):
    values = [Value(x) for x in xs]
    loss = loss_of_values(values)
    loss.backward()
    return loss.data, [v.grad for v in values]


# ---- mean and sum_of_squares ---------------------------------------------------------------------


def test_mean_and_sum_of_squares():
    """[ch8] mean = sum / n with grads 1/n; sum of squares with grads 2 v; each is one node."""
    values = [Value(1.0), Value(-2.0), Value(4.5)]
    m = mean(values)
    assert m.data == pytest.approx((1.0 - 2.0 + 4.5) / 3)
    m.backward()
    assert [v.grad for v in values] == pytest.approx([1 / 3] * 3)
    values = [Value(1.0), Value(-2.0), Value(4.5)]
    s = sum_of_squares(values)
    assert s.data == 1.0 + 4.0 + 20.25
    s.backward()
    assert [v.grad for v in values] == [2.0, -4.0, 9.0]
    assert sum_of_squares([]).data == 0.0
    with pytest.raises(ValueError, match="empty"):
        mean([])


# ---- mse -----------------------------------------------------------------------------------------


def test_mse_value_and_grads():
    """[ch8] mse([1, 2, 3], [1.5, 2, 1]) = (0.25 + 0 + 4) / 3; d/dp_i = 2 (p_i - t_i) / 3."""
    loss, grads = backward_grads(lambda ps: mse(ps, [1.5, 2.0, 1.0]), [1.0, 2.0, 3.0])
    assert loss == pytest.approx((0.25 + 0.0 + 4.0) / 3)
    assert grads == pytest.approx([2 * -0.5 / 3, 0.0, 2 * 2.0 / 3])


def test_mse_accepts_value_targets_and_numbers():
    """[ch8] Targets may be Values; predictions may be plain numbers (a constant loss)."""
    assert mse([Value(1.0)], [Value(3.0)]).data == 4.0
    assert mse([1.0, 2.0], [1.0, 4.0]).data == 2.0


# ---- hinge ---------------------------------------------------------------------------------------


def test_hinge_value_and_grads():
    """[ch8] Scores [2, -0.5, 0.3], labels [1, 1, -1]: margins 0, 1.5, 1.3; grads 0, -1/3, +1/3."""
    loss, grads = backward_grads(lambda s: hinge(s, [1, 1, -1]), [2.0, -0.5, 0.3])
    assert loss == pytest.approx((0.0 + 1.5 + 1.3) / 3)
    assert grads == pytest.approx([0.0, -1 / 3, 1 / 3])


def test_hinge_with_l2():
    """[ch8] + alpha * sum p**2: the penalty adds alpha * (1 + 4) and 2 alpha p to each grad."""
    params = [Value(1.0), Value(-2.0)]
    scores = [Value(0.5)]
    loss = hinge(scores, [1], params, alpha=0.01)
    assert loss.data == pytest.approx(0.5 + 0.01 * (1.0 + 4.0))
    loss.backward()
    assert [p.grad for p in params] == pytest.approx([0.02, -0.04])
    assert scores[0].grad == -1.0


def test_hinge_matches_the_demo_formula():
    """[ch10] hinge(scores, y, params, 1e-4) equals the demo's own expression, value and grads."""
    ys = [1, -1, -1, 1]
    xs = [0.3, 0.8, -2.0, -0.1]
    ws = [0.5, -0.7, 1.2]

    def demo(values):
        scores, params = values[:4], values[4:]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)

    loss1, grads1 = backward_grads(lambda v: hinge(v[:4], ys, v[4:], alpha=1e-4), xs + ws)
    loss2, grads2 = backward_grads(demo, xs + ws)
    assert loss1 == pytest.approx(loss2, rel=1e-14)
    assert grads1 == pytest.approx(grads2, rel=1e-12)


def test_hinge_bad_labels():
    """[ch8] Labels must be -1 or +1; 0/1 labels get a hint; bools and strings are refused."""
    with pytest.raises(ValueError, match="to_plus_minus_one"):
        hinge([Value(1.0), Value(2.0)], [0, 1])
    with pytest.raises(TypeError):
        hinge([Value(1.0)], [True])
    with pytest.raises(TypeError):
        hinge([Value(1.0)], ["1"])
    with pytest.raises(ValueError):
        hinge([Value(1.0)], [1], alpha=-1.0)


# ---- binary cross-entropy ------------------------------------------------------------------------


def bce_of_probability(p, y):
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


def test_bce_with_logits_value_and_grads():
    """[ch8] z = [2, -1, 0], y = [1, 0, 1]: -log(sigmoid) or -log(1 - sigmoid); grads (sigmoid - y) / n."""
    zs, ys = [2.0, -1.0, 0.0], [1, 0, 1]

    def sig(z):
        return 1 / (1 + math.exp(-z))

    loss, grads = backward_grads(lambda v: binary_cross_entropy_with_logits(v, ys), zs)
    expected = (-math.log(sig(2.0)) - math.log(1 - sig(-1.0)) + math.log(2.0)) / 3
    assert loss == pytest.approx(expected, rel=1e-14)
    assert grads == pytest.approx([(sig(2.0) - 1) / 3, (sig(-1.0) - 0) / 3, (0.5 - 1) / 3], rel=1e-12)


@pytest.mark.parametrize(
    "z, y, expected",
    [(1000.0, 1, 0.0), (-1000.0, 1, 1000.0), (1000.0, 0, 1000.0), (-1000.0, 0, 0.0), (40.0, 1, 0.0)],
)
def test_bce_with_logits_is_stable(z, y, expected):
    """[ch8] Huge logits give finite, correct losses and grads (no exp overflow, no log 0)."""
    v = Value(z)
    loss = binary_cross_entropy_with_logits([v], [y])
    loss.backward()
    assert loss.data == pytest.approx(expected, abs=1e-15)
    assert math.isfinite(v.grad) and abs(v.grad) <= 1.0


def test_bce_from_probabilities():
    """[ch8] p = [0.9, 0.2], y = [1, 0]: (-log 0.9 - log 0.8) / 2; grads -1/(2 p) and 1/(2 (1 - p))."""
    loss, grads = backward_grads(lambda v: binary_cross_entropy(v, [1, 0]), [0.9, 0.2])
    assert loss == pytest.approx((-math.log(0.9) - math.log(0.8)) / 2, rel=1e-14)
    assert grads == pytest.approx([-1 / (2 * 0.9), 1 / (2 * 0.8)], rel=1e-12)


def test_bce_soft_labels_match_the_formula():
    """[ch8] A label between 0 and 1 weighs both terms."""
    p, y = 0.3, 0.25
    loss, (grad,) = backward_grads(lambda v: binary_cross_entropy(v, [y]), [p])
    assert loss == pytest.approx(bce_of_probability(p, y), rel=1e-14)
    assert grad == pytest.approx(grads_by_central_differences(lambda q: bce_of_probability(q[0], y), [p])[0])
    loss2, _ = backward_grads(lambda v: binary_cross_entropy_with_logits(v, [y]), [math.log(p / (1 - p))])
    assert loss2 == pytest.approx(loss, rel=1e-12)


def test_bce_clips_probabilities_of_exactly_0_and_1():
    """[ch8] p = 1 with y = 1 costs 0; p = 0 with y = 1 costs -log(eps) instead of failing."""
    assert binary_cross_entropy([Value(1.0)], [1]).data == 0.0
    clipped = binary_cross_entropy([Value(0.0)], [1], eps=1e-12)
    assert clipped.data == pytest.approx(-math.log(1e-12))


def test_bce_errors():
    """[ch8] Probabilities outside [0, 1] and labels outside [0, 1] are refused with a clear message."""
    with pytest.raises(ValueError, match="with_logits"):
        binary_cross_entropy([Value(1.5)], [1])
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        binary_cross_entropy([Value(0.5)], [2])
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        binary_cross_entropy_with_logits([Value(0.5)], [-1])
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        binary_cross_entropy_with_logits([Value(0.5), Value(1.0)], [1])


# ---- softmax cross-entropy -----------------------------------------------------------------------


def test_softmax_cross_entropy_reference_example():
    """[ch8] logits [0, 3, -2, 1], label 3 -> 2.1755 (the course's example)."""
    loss = softmax_cross_entropy([0, 3, -2, 1], 3)
    assert round(loss.data, 4) == 2.1755
    # log(e^0 + e^3 + e^-2 + e^1) - 1, written out
    assert loss.data == pytest.approx(math.log(1 + math.e**3 + math.e**-2 + math.e) - 1, rel=1e-14)


def test_softmax_cross_entropy_grads():
    """[ch8] d loss / d z_i = softmax_i - [i == label]."""
    zs = [0.0, 3.0, -2.0, 1.0]
    _, grads = backward_grads(lambda v: softmax_cross_entropy(v, 3), zs)
    total = sum(math.exp(z) for z in zs)
    expected = [math.exp(z) / total - (1 if i == 3 else 0) for i, z in enumerate(zs)]
    assert grads == pytest.approx(expected, rel=1e-12)
    assert sum(grads) == pytest.approx(0.0, abs=1e-15)


def test_softmax_cross_entropy_is_stable():
    """[ch8] Logits of 1000 do not overflow: [1000, 0] costs ~0 for label 0 and 1000 for label 1."""
    assert softmax_cross_entropy([1000.0, 0.0], 0).data == pytest.approx(0.0, abs=1e-15)
    assert softmax_cross_entropy([1000.0, 0.0], 1).data == pytest.approx(1000.0)
    assert softmax_cross_entropy([-1000.0, -1000.0], 0).data == pytest.approx(math.log(2))


def test_softmax_cross_entropy_bad_labels():
    """[ch8] The label is an int index 0..k-1; anything else is a clear error."""
    with pytest.raises(ValueError, match="0..3"):
        softmax_cross_entropy([0, 3, -2, 1], 4)
    with pytest.raises(ValueError):
        softmax_cross_entropy([0, 3, -2, 1], -1)
    with pytest.raises(TypeError):
        softmax_cross_entropy([0, 3, -2, 1], 1.0)
    with pytest.raises(TypeError):
        softmax_cross_entropy([0, 3, -2, 1], True)
    with pytest.raises(ValueError):
        softmax_cross_entropy([], 0)
    with pytest.raises(TypeError):
        softmax_cross_entropy(Value(1.0), 0)


def test_logsumexp_and_softmax():
    """[ch8] logsumexp([1, 2]) = log(e + e^2); softmax sums to 1 and matches e^z / sum e^z."""
    assert logsumexp([1.0, 2.0]).data == pytest.approx(math.log(math.e + math.e**2), rel=1e-14)
    probs = softmax([Value(1.0), Value(2.0), Value(-1.0)])
    total = math.e + math.e**2 + math.e**-1
    assert [p.data for p in probs] == pytest.approx([math.e / total, math.e**2 / total, math.e**-1 / total])
    assert sum(p.data for p in probs) == pytest.approx(1.0)


# ---- every loss against finite differences -------------------------------------------------------


@pytest.mark.parametrize(
    "name, loss_of_values, loss_of_floats, xs",
    [
        (
            "mse",
            lambda v: mse(v, [0.5, -1.0, 2.0]),
            lambda x: ((x[0] - 0.5) ** 2 + (x[1] + 1.0) ** 2 + (x[2] - 2.0) ** 2) / 3,
            [0.1, 0.2, 0.3],
        ),
        (
            "hinge + l2",
            lambda v: hinge(v[:2], [1, -1], v[2:], alpha=0.1),
            lambda x: (max(0, 1 - x[0]) + max(0, 1 + x[1])) / 2 + 0.1 * (x[2] ** 2 + x[3] ** 2),
            [0.4, -0.3, 1.5, -0.5],
        ),
        (
            "bce with logits",
            lambda v: binary_cross_entropy_with_logits(v, [1, 0, 1]),
            lambda x: (
                (math.log(1 + math.exp(-x[0])) + math.log(1 + math.exp(x[1])) + math.log(1 + math.exp(-x[2])))
                / 3
            ),
            [0.7, 2.5, -3.0],
        ),
        (
            "bce",
            lambda v: binary_cross_entropy(v, [1, 0]),
            lambda x: (-math.log(x[0]) - math.log(1 - x[1])) / 2,
            [0.6, 0.3],
        ),
        (
            "softmax ce",
            lambda v: softmax_cross_entropy(v, 1),
            lambda x: math.log(sum(math.exp(z) for z in x)) - x[1],
            [0.2, -1.0, 2.0],
        ),
    ],
)
def test_losses_against_finite_differences(name, loss_of_values, loss_of_floats, xs):
    """[ch8] Each loss's backward agrees with central differences of its plain-float formula."""
    loss, grads = backward_grads(loss_of_values, xs)
    assert loss == pytest.approx(loss_of_floats(xs), rel=1e-12)
    assert grads == pytest.approx(grads_by_central_differences(loss_of_floats, xs), rel=1e-6, abs=1e-8)


def test_mismatched_and_empty_batches():
    """[ch8] Lengths must match and batches must not be empty, for every loss."""
    for loss in (mse, hinge, binary_cross_entropy_with_logits, binary_cross_entropy):
        with pytest.raises(ValueError, match="predictions but"):
            loss([Value(0.5), Value(0.5)], [1, 1, 1])
        with pytest.raises(ValueError, match="empty"):
            loss([], [])
        with pytest.raises(TypeError):
            loss(Value(0.5), [1])


# ---- PyTorch's definitions, reductions and numbers (chapter 9) -----------------------------------
#
# PyTorch is not installed: each expected number is PyTorch's documented formula, evaluated here with
# the math module.
#   mse_loss(x, t)                           = mean((x - t)**2)
#   binary_cross_entropy_with_logits(z, y)   = mean(max(z, 0) - z * y + log(1 + exp(-|z|)))
#   binary_cross_entropy(p, y)               = mean(-(y * clamp(log p, min=-100)
#                                                      + (1 - y) * clamp(log(1 - p), min=-100)))
#   cross_entropy(z, y)  (z of shape (n, k)) = mean_i(logsumexp(z_i) - z_i[y_i])


def torch_bce_with_logits(z, y):
    return max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))


def torch_bce(p, y):
    log_p = max(math.log(p), -100.0) if p > 0 else -100.0
    log_q = max(math.log(1 - p), -100.0) if p < 1 else -100.0
    return -(y * log_p + (1 - y) * log_q)


def test_mse_matches_pytorch_mean_reduction():
    """[ch9] mse_loss([0.5, 2, -1], [1, 1, 1]) = (0.25 + 1 + 4) / 3 = 1.75."""
    assert mse([0.5, 2.0, -1.0], [1.0, 1.0, 1.0]).data == pytest.approx(1.75, rel=1e-15)


@pytest.mark.parametrize("z, y", [(0.0, 1), (2.0, 0), (-3.0, 1), (0.7, 0.3), (40.0, 0), (-40, 1), (500, 1)])
def test_bce_with_logits_matches_pytorch_formula(z, y):
    """[ch9] Each example equals PyTorch's max(z, 0) - z y + log(1 + e^-|z|)."""
    expected = torch_bce_with_logits(z, y)
    assert binary_cross_entropy_with_logits([z], [y]).data == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_bce_with_logits_batch_is_the_mean():
    """[ch9] A batch averages: (softplus(1) - 1 + softplus(-2)) / 2 for z = [1, -2], y = [1, 0]."""
    expected = (torch_bce_with_logits(1.0, 1) + torch_bce_with_logits(-2.0, 0)) / 2
    assert binary_cross_entropy_with_logits([1.0, -2.0], [1, 0]).data == pytest.approx(expected, rel=1e-14)


def test_bce_clamps_the_log_at_minus_100_like_pytorch():
    """[ch9] p = 0 with y = 1 (or p = 1 with y = 0) costs exactly 100, PyTorch's clamp."""
    assert binary_cross_entropy([0.0], [1]).data == pytest.approx(100.0, rel=1e-15)
    assert binary_cross_entropy([1.0], [0]).data == pytest.approx(100.0, rel=1e-15)
    ps, ys = [0.9, 0.2, 0.0, 1e-50], [1, 0, 1, 1]
    expected = sum(torch_bce(p, y) for p, y in zip(ps, ys, strict=True)) / 4
    assert binary_cross_entropy(ps, ys).data == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_batch_matches_pytorch():
    """[ch9] cross_entropy([[0, 3, -2, 1], [2, .5, .5, -1]], [3, 0]) = the mean of the two examples."""
    first = math.log(1 + math.e**3 + math.e**-2 + math.e) - 1  # 2.1755
    second = math.log(math.e**2 + 2 * math.e**0.5 + math.e**-1) - 2
    loss = cross_entropy([[0.0, 3.0, -2.0, 1.0], [2.0, 0.5, 0.5, -1.0]], [3, 0])
    assert round(first, 4) == 2.1755
    assert loss.data == pytest.approx((first + second) / 2, rel=1e-14)


def test_cross_entropy_grads_are_softmax_minus_one_hot_over_n():
    """[ch9] d loss / d z_ij = (softmax(z_i)_j - [j == y_i]) / n."""
    rows = [[0.0, 3.0, -2.0, 1.0], [2.0, 0.5, 0.5, -1.0]]
    labels = [3, 0]
    values = [[Value(z) for z in row] for row in rows]
    cross_entropy(values, labels).backward()
    for row, row_values, label in zip(rows, values, labels, strict=True):
        total = sum(math.exp(z) for z in row)
        expected = [(math.exp(z) / total - (j == label)) / 2 for j, z in enumerate(row)]
        assert [v.grad for v in row_values] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_cross_entropy_errors():
    """[ch9] Flat logits, mismatched lengths, out-of-range labels: clear errors naming the example."""
    with pytest.raises(TypeError, match="list of lists"):
        cross_entropy([0.0, 3.0, -2.0, 1.0], [3])
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        cross_entropy([[0.0, 1.0], [1.0, 0.0]], [1])
    with pytest.raises(ValueError, match="example 1: label 2 is not a class index 0..1"):
        cross_entropy([[0.0, 1.0], [1.0, 0.0]], [1, 2])
    with pytest.raises(TypeError, match="example 0: the label must be a class index"):
        cross_entropy([[0.0, 1.0]], [0.5])
    with pytest.raises(ValueError, match="empty"):
        cross_entropy([], [])
    with pytest.raises(TypeError):
        cross_entropy(Value(1.0), [0])


def test_naive_softmax_overflows_where_logsumexp_does_not():
    """[ch9] e^1000 overflows a float; the loss at logits [1000, 0, -5] is ~0 (label 0) and 1000 (label 1)."""
    with pytest.raises(OverflowError):
        math.exp(1000.0)
    assert softmax_cross_entropy([1000.0, 0.0, -5.0], 0).data == pytest.approx(0.0, abs=1e-15)
    assert softmax_cross_entropy([1000.0, 0.0, -5.0], 1).data == pytest.approx(1000.0, rel=1e-15)


# ---- property tests: every loss's gradient by micrograd.gradcheck ---------------------------------

logit = st.floats(-8, 8, allow_nan=False)
label01 = st.sampled_from([0, 1, 0.25])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(logit, label01), min_size=1, max_size=4))
def test_bce_with_logits_gradcheck(batch):
    """[ch9] backward agrees with finite differences; the value with PyTorch's formula."""
    zs, ys = [z for z, _ in batch], [y for _, y in batch]
    expected = sum(torch_bce_with_logits(z, y) for z, y in batch) / len(batch)
    assert binary_cross_entropy_with_logits(zs, ys).data == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert gradcheck(lambda *v: binary_cross_entropy_with_logits(list(v), ys), zs, rtol=1e-4, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(logit, min_size=2, max_size=5), st.data())
def test_softmax_cross_entropy_gradcheck(zs, data):
    """[ch9] Softmax cross-entropy: value = log sum e^z - z_y, and backward agrees with finite differences."""
    label = data.draw(st.integers(0, len(zs) - 1))
    expected = math.log(math.fsum(math.exp(z) for z in zs)) - zs[label]
    assert softmax_cross_entropy(zs, label).data == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert gradcheck(lambda *v: softmax_cross_entropy(list(v), label), zs, rtol=1e-4, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(logit, logit), min_size=1, max_size=4))
def test_mse_gradcheck(pairs):
    """[ch9] MSE against targets: backward agrees with finite differences."""
    ps, ts = [p for p, _ in pairs], [t for _, t in pairs]
    assert gradcheck(lambda *v: mse(list(v), ts), ps, rtol=1e-4, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(logit, st.sampled_from([-1, 1])), min_size=1, max_size=4),
    st.lists(logit, min_size=0, max_size=3),
)
def test_hinge_gradcheck_away_from_the_kink(batch, params):
    """[ch9] Hinge + L2: backward agrees with finite differences wherever the margin is not at the kink."""
    assume(all(abs(1 - y * s) > 1e-3 for s, y in batch))
    scores, ys = [s for s, _ in batch], [y for _, y in batch]
    n = len(scores)

    def loss(*v):
        return hinge(list(v[:n]), ys, list(v[n:]), alpha=0.01)

    assert gradcheck(loss, scores + params, rtol=1e-4, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.02, 0.98), label01), min_size=1, max_size=4))
def test_bce_from_probabilities_gradcheck(batch):
    """[ch9] BCE of probabilities: PyTorch's value, and backward agrees with finite differences."""
    ps, ys = [p for p, _ in batch], [y for _, y in batch]
    expected = sum(torch_bce(p, y) for p, y in batch) / len(batch)
    assert binary_cross_entropy(ps, ys).data == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda *v: binary_cross_entropy(list(v), ys), ps, rtol=1e-4, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(logit, min_size=3, max_size=3), min_size=1, max_size=3), st.data())
def test_cross_entropy_batch_gradcheck(rows, data):
    """[ch9] The batch cross-entropy: every logit's gradient agrees with finite differences."""
    labels = [data.draw(st.integers(0, 2)) for _ in rows]
    flat = [z for row in rows for z in row]

    def loss(*v):
        return cross_entropy([list(v[3 * i : 3 * i + 3]) for i in range(len(rows))], labels)

    assert gradcheck(loss, flat, rtol=1e-4, atol=1e-6)


FLOOR = 9.999999960041972e-13  # PyTorch's EPSILON: 1e-12 as a float32


@pytest.mark.parametrize(
    ("p", "y", "loss", "grad"),
    [
        (0.0, 1, 100.0, -1 / FLOOR),  # log(0) clamped at -100; the slope's denominator p (1 - p) at FLOOR
        (1.0, 0, 100.0, 1 / FLOOR),
        (1e-50, 1, 100.0, -1 / FLOOR),  # not -1/p = -1e50
        (1.0 - 2**-50, 0, 50 * math.log(2), (1.0 - 2**-50) / FLOOR),
        (1e-13, 1, -math.log(1e-13), -(1 - 1e-13) / FLOOR),
        (1.0, 1, 0.0, 0.0),
        (0.3, 1, -math.log(0.3), -1 / 0.3),
        (0.3, 0.25, -(0.25 * math.log(0.3) + 0.75 * math.log(0.7)), (0.3 - 0.25) / (0.3 * 0.7)),
    ],
)
def test_bce_of_probabilities_matches_pytorch_value_and_gradient_at_the_extremes(p, y, loss, grad):
    """[ch9] PyTorch clamps each log at -100 and the slope (p - y) / (p (1 - p)) at a denominator of 1e-12.

    The numbers are PyTorch 2.13's (F.binary_cross_entropy in float64): at p = 0, y = 1 the gradient is
    -1000000003995.8029, since PyTorch's 1e-12 is a float32.
    """
    assert -1 / FLOOR == -1000000003995.8029
    v = Value(p)
    out = binary_cross_entropy([v], [y])
    out.backward()
    assert out.data == pytest.approx(loss, rel=1e-12, abs=1e-300)
    assert v.grad == pytest.approx(grad, rel=1e-9, abs=1e-300)
