"""Chapter 9 — Loss functions. The learner works with plain floats; the package's losses use Values."""

from __future__ import annotations

import math
from typing import Any

from micrograd.exercises.core import Exercise, expect_close, register

# ---- 9.1 mean squared error -------------------------------------------------------


def mse_loss(predictions: list[float], targets: list[float]) -> float:
    """(1/n) * sum_i (p_i - t_i)**2, like PyTorch's F.mse_loss (mean)."""
    pairs = zip(predictions, targets, strict=True)
    squares = [(p - t) ** 2 for p, t in pairs]
    return sum(squares) / len(squares)


_MSE_CASES = [
    ([1.0, 2.0, 3.0], [1.5, 2.0, 1.0], (0.25 + 0.0 + 4.0) / 3),
    ([0.0], [-2.0], 4.0),
    ([2.5, -1.0], [2.5, -1.0], 0.0),
    ([0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 0.0, 1.0], (0.01 + 0.04 + 0.09 + 0.36) / 4),
]


def _check_mse(answer: Any) -> None:
    for predictions, targets, expected in _MSE_CASES:
        got = answer(list(predictions), list(targets))
        expect_close(got, expected, f"mse_loss({predictions}, {targets})", rel=1e-9, abs_tol=1e-12)


def _mse_by_package(predictions, targets):  # the package's loss
    from micrograd import losses

    return losses.mse(predictions, targets).data


register(
    Exercise(
        id="9.1",
        title="mean squared error",
        checker=_check_mse,
        reference=mse_loss,
        shortcuts={
            "micrograd.losses.mse": _mse_by_package,
        },
        hints=[
            "Square each difference p_i - t_i, then average: divide the sum by the number of examples.",
            "squares = [(p - t) ** 2 for p, t in zip(predictions, targets)]\n"
            "return sum(squares) / len(squares)",
        ],
        wrong_answers=[
            lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t, strict=True)),  # the sum, not the mean
            lambda p, t: sum(abs(a - b) for a, b in zip(p, t, strict=True)) / len(p),  # mean absolute error
            # the 1/2 convention
            lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t, strict=True)) / (2 * len(p)),
            lambda p, t: (sum(p) / len(p) - sum(t) / len(t)) ** 2,  # the squared difference of the means
        ],
    )
)

# ---- 9.2 log-sum-exp without overflow ---------------------------------------------


def log_sum_exp(zs: list[float]) -> float:
    """log(e**z_1 + ... + e**z_k), computed as m + log(sum_i e**(z_i - m)).

    With m = max z_i, every exponent is <= 0 (no overflow) and the sum
    is >= 1 (no log of 0).
    """
    m = max(zs)
    return m + math.log(sum(math.exp(z - m) for z in zs))


_LSE_CASES = [
    [0.0, 3.0, -2.0, 1.0],
    [1.0, 2.0],
    [1000.0, 1000.0],
    [1000.0, -1000.0, 999.0],
    [-1000.0, -1000.0, -1001.0],
    [5.0],
]


def _lse_exact(zs: list[float]) -> float:
    m = max(zs)
    return m + math.log(math.fsum(math.exp(z - m) for z in zs))


def _check_logsumexp(answer: Any) -> None:
    for zs in _LSE_CASES:
        expect_close(answer(list(zs)), _lse_exact(zs), f"log_sum_exp({zs})", rel=1e-12, abs_tol=1e-12)


def _lse_naive(zs):
    return math.log(sum(math.exp(z) for z in zs))  # exp(1000) overflows


def _lse_forgets_max(zs):
    m = max(zs)
    return math.log(sum(math.exp(z - m) for z in zs))  # shifted, but m is never added back


def _lse_min_shift(zs):
    m = min(zs)
    return m + math.log(sum(math.exp(z - m) for z in zs))  # shifts by the min: still overflows


def _logsumexp_by_package(zs):  # the package's loss
    from micrograd import losses

    return losses.logsumexp(zs).data


register(
    Exercise(
        id="9.2",
        title="log-sum-exp without overflow",
        checker=_check_logsumexp,
        reference=log_sum_exp,
        shortcuts={
            "micrograd.losses.logsumexp": _logsumexp_by_package,
        },
        hints=[
            "log(sum e**z) = m + log(sum e**(z - m)) for any number m: factor e**m out of the sum.",
            "Choose m = max(zs): then every exponent z - m is <= 0, so exp cannot overflow, "
            "and one term is e**0 = 1, so the sum is >= 1 and log never sees 0.",
            "m = max(zs)\nreturn m + math.log(sum(math.exp(z - m) for z in zs))",
        ],
        wrong_answers=[_lse_naive, _lse_forgets_max, _lse_min_shift, lambda zs: max(zs)],
    )
)

# ---- 9.3 binary cross-entropy from a logit ----------------------------------------


def bce_with_logits(z: float, y: float) -> float:
    """-(y log s + (1 - y) log(1 - s)), s = sigmoid(z), stable for every z.

    It equals log(1 + e**z) - y z = max(z, 0) + log(1 + e**-|z|) - y z,
    the form PyTorch's binary_cross_entropy_with_logits computes.
    """
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z


_BCE_CASES = [
    (0.0, 1),
    (2.0, 1),
    (2.0, 0),
    (-3.0, 1),
    (0.7, 0.3),
    (40.0, 0),
    (40.0, 1),
    (1000.0, 0),
    (-1000.0, 0),
]


def _bce_exact(z: float, y: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z


def _check_bce(answer: Any) -> None:
    for z, y in _BCE_CASES:
        expect_close(answer(z, y), _bce_exact(z, y), f"bce_with_logits({z}, {y})", rel=1e-9, abs_tol=1e-12)


def _bce_from_probability(z, y):
    s = 1.0 / (1.0 + math.exp(-z))  # s rounds to 1.0 at z = 40, and log(1 - s) fails
    return -(y * math.log(s) + (1 - y) * math.log(1 - s))


def _bce_naive_softplus(z, y):
    return math.log(1 + math.exp(z)) - y * z  # exp(1000) overflows


def _bce_sign_slip(z, y):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) + y * z


def _bce_by_package(z, y):  # the package's loss
    from micrograd import losses

    return losses.binary_cross_entropy_with_logits([z], [y]).data


register(
    Exercise(
        id="9.3",
        title="binary cross-entropy from a logit",
        checker=_check_bce,
        reference=bce_with_logits,
        shortcuts={
            "micrograd.losses.binary_cross_entropy_with_logits": _bce_by_package,
        },
        hints=[
            "With s = sigmoid(z), the loss -(y log s + (1 - y) log(1 - s)) "
            "simplifies to log(1 + e**z) - y*z.",
            "log(1 + e**z) overflows for large z. For z > 0 write it as z + log(1 + e**-z); in one line: "
            "max(z, 0) + log(1 + e**-|z|). math.log1p(u) is log(1 + u), accurate for tiny u.",
            "return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z",
        ],
        wrong_answers=[_bce_from_probability, _bce_naive_softplus, _bce_sign_slip],
    )
)

# ---- 9.4 softmax cross-entropy ----------------------------------------------------


def cross_entropy_loss(logits: list[float], label: int) -> float:
    """-log softmax(z)[label] = logsumexp(z) - z[label].

    cross_entropy_loss([0, 3, -2, 1], 3) is 2.1755.
    """
    m = max(logits)
    lse = m + math.log(sum(math.exp(z - m) for z in logits))
    return lse - logits[label]


_CE_CASES = [
    ([0.0, 3.0, -2.0, 1.0], 3),
    ([0.0, 3.0, -2.0, 1.0], 1),
    ([2.0, 2.0], 0),
    ([1000.0, 0.0], 1),
    ([1000.0, 0.0, -5.0], 0),
    ([-1.5, 0.25, 4.0], 0),
]


def _check_cross_entropy(answer: Any) -> None:
    for logits, label in _CE_CASES:
        expected = _lse_exact(logits) - logits[label]
        case = f"cross_entropy_loss({logits}, {label})"
        expect_close(answer(list(logits), label), expected, case, rel=1e-9, abs_tol=1e-12)


def _ce_naive(logits, label):
    total = sum(math.exp(z) for z in logits)  # overflows at 1000
    return -math.log(math.exp(logits[label]) / total)


def _ce_plus(logits, label):
    return log_sum_exp(logits) + logits[label]  # sign slip


def _ce_probability(logits, label):
    return math.exp(logits[label] - log_sum_exp(logits))  # the probability, not its negative log


def _ce_one_based(logits, label):
    return log_sum_exp(logits) - logits[label - 1]  # counts classes from 1


def _cross_entropy_by_package(logits, label):  # the package's loss
    from micrograd import losses

    return losses.softmax_cross_entropy(logits, label).data


def _batch_cross_entropy_by_package(logits, label):  # the package's batch loss, on a batch of one
    from micrograd import losses

    return losses.cross_entropy([logits], [label]).data


register(
    Exercise(
        id="9.4",
        title="softmax cross-entropy",
        checker=_check_cross_entropy,
        reference=cross_entropy_loss,
        shortcuts={
            "micrograd.losses.softmax_cross_entropy": _cross_entropy_by_package,
            "micrograd.losses.cross_entropy": _batch_cross_entropy_by_package,
        },
        hints=[
            "-log(e**z_label / sum_j e**z_j) = log(sum_j e**z_j) - z_label: a log-sum-exp minus one logit.",
            "Compute the log-sum-exp stably, as in exercise 9.2 (shift by the largest logit).",
            "m = max(logits)\nlse = m + math.log(sum(math.exp(z - m) for z in logits))\n"
            "return lse - logits[label]",
        ],
        wrong_answers=[_ce_naive, _ce_plus, _ce_probability, _ce_one_based],
    )
)
