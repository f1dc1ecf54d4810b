"""Loss functions: one number that says how wrong a model is, as a ``Value`` to backpropagate.

Every loss takes a model's outputs (``Value`` s, or plain numbers) and the
targets, and returns a single ``Value``; ``loss.backward()`` then fills in the
gradients. Batches are averaged, so the size of a loss does not grow with the
number of examples.

=======================================  ==========================  =======================================
loss                                     targets                     formula (one example)
=======================================  ==========================  =======================================
:func:`mse`                              any numbers                 ``(p - t)**2``
:func:`hinge`                            labels -1 or +1             ``max(0, 1 - y * s)``
:func:`binary_cross_entropy_with_logits` labels in [0, 1] (0 or 1)   ``log(1 + e**z) - y * z``
:func:`binary_cross_entropy`             labels in [0, 1] (0 or 1)   ``-(y * log(p) + (1 - y) * log(1 - p))``
:func:`softmax_cross_entropy`            a class index 0..k-1        ``logsumexp(z) - z[label]``
:func:`cross_entropy`                    one index per example       the mean of softmax_cross_entropy
=======================================  ==========================  =======================================

Each loss gives the same number as its PyTorch namesake with the default
``reduction="mean"`` (``mse_loss``, ``binary_cross_entropy_with_logits``,
``binary_cross_entropy``, ``cross_entropy``); the docstrings give the formulas.

Prefer the ``*_with_logits`` / softmax forms that start from raw scores
(logits): they are computed without overflow or ``log(0)`` for any input,
while probabilities that round to exactly 0 or 1 lose information.

:func:`mean` and :func:`sum_of_squares` make one graph node out of a whole sum
(with :func:`micrograd.engine.weighted_sum`), which keeps the graphs of a batch
small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real

from micrograd.engine import Number, Value, weighted_sum

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "logsumexp",
    "mean",
    "mse",
    "softmax",
    "softmax_cross_entropy",
    "sum_of_squares",
]


# ---- helpers -------------------------------------------------------------------


def _values(name: str, items: Sequence[Value | Number]) -> list[Value]:
    """The items as a list of Values (numbers are wrapped); a single Value or a str is an error."""
    if isinstance(items, (Value, str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{name} must be a list of Values or numbers, got {type(items).__name__}")
    return [item if isinstance(item, Value) else Value(item) for item in items]


def _pair(func: str, outputs: Sequence[Value | Number], targets: Sequence) -> tuple[list[Value], list]:
    """Check that a batch of outputs and its targets are non-empty lists of the same length."""
    outputs = _values(f"{func}: the predictions", outputs)
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__iter__"):
        raise TypeError(f"{func}: the targets must be a list, got {type(targets).__name__}")
    targets = list(targets)
    if len(outputs) != len(targets):
        raise ValueError(f"{func}: {len(outputs)} predictions but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{func}: the batch is empty")
    return outputs, targets


def _label(func: str, label: object, index: int, allowed: str) -> float:
    """A label as a float, or a TypeError (bools and non-numbers are refused)."""
    if isinstance(label, Value):
        label = label.data
    if isinstance(label, bool) or not isinstance(label, Real):
        raise TypeError(f"{func}: label {index} must be a number ({allowed}), got {type(label).__name__}")
    return float(label)


def mean(values: Sequence[Value | Number]) -> Value:
    """``(v_1 + ... + v_n) / n`` as one node;  d(mean)/dv_i = 1/n."""
    values = _values("mean: the values", values)
    if not values:
        raise ValueError("mean of an empty list")
    n = len(values)
    return weighted_sum(values, [1.0 / n] * n, Value(0.0))


def sum_of_squares(values: Sequence[Value | Number]) -> Value:
    """``v_1**2 + ... + v_n**2`` as one node;  d/dv_i = 2 * v_i.

    It is ``weighted_sum(values, values, 0)``: each v_i appears once as a
    weight and once as an input, so it receives v_i from each, 2 * v_i in all.
    Used for the L2 penalty ``alpha * sum(p * p for p in parameters)``.
    """
    values = _values("sum_of_squares: the values", values)
    return weighted_sum(values, values, Value(0.0))


# ---- regression ----------------------------------------------------------------


def mse(predictions: Sequence[Value | Number], targets: Sequence[Value | Number]) -> Value:
    """Mean squared error ``(1/n) * sum_i (p_i - t_i)**2``;  d/dp_i = 2 (p_i - t_i) / n.

    PyTorch: ``torch.nn.functional.mse_loss(input, target)`` (``reduction="mean"``,
    the default) is the same number.
    """
    predictions, targets = _pair("mse", predictions, targets)
    return mean([(p - t) ** 2 for p, t in zip(predictions, targets, strict=True)])


# ---- classification with labels -1 / +1 ------------------------------------------


def hinge(
    scores: Sequence[Value | Number],
    labels: Sequence[Number],
    parameters: Sequence[Value] = (),
    alpha: float = 0.0,
) -> Value:
    """Max-margin loss ``(1/n) * sum_i max(0, 1 - y_i * s_i)  +  alpha * sum_p p**2``.

    The labels must be -1 or +1 (use :func:`micrograd.data.to_plus_minus_one`
    for 0/1 labels). A score on the right side of 0 by a margin of at least 1
    costs nothing; the optional L2 term (``alpha`` times the sum of the squared
    ``parameters``) keeps the weights small. The reference micrograd demo uses
    ``hinge(scores, y, model.parameters(), alpha=1e-4)``.

    PyTorch has no function for exactly this; per example it is
    ``torch.clamp(1 - y * s, min=0)`` (``F.multi_margin_loss`` is the k-class
    version). The L2 term's gradient is ``2 * alpha * p``, what PyTorch's
    optimizers add with ``weight_decay = 2 * alpha``.
    """
    scores, labels = _pair("hinge", scores, labels)
    ys = []
    for i, label in enumerate(labels):
        y = _label("hinge", label, i, "-1 or +1")
        if y not in (-1.0, 1.0):
            raise ValueError(
                f"hinge: labels must be -1 or +1, got {label!r} at index {i} "
                "(for 0/1 labels use micrograd.data.to_plus_minus_one)"
            )
        ys.append(y)
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or alpha < 0:
        raise ValueError(f"hinge: alpha must be a number >= 0, got {alpha!r}")
    loss = mean([(1 - y * s).relu() for s, y in zip(scores, ys, strict=True)])
    if alpha:
        loss = loss + float(alpha) * sum_of_squares(parameters)
    return loss


# ---- classification with labels 0 / 1 -----------------------------------------------


def _labels_01(func: str, labels: list) -> list[float]:
    ys = []
    for i, label in enumerate(labels):
        y = _label(func, label, i, "0 or 1")
        if not 0.0 <= y <= 1.0:
            raise ValueError(
                f"{func}: labels must be 0 or 1 (or a probability in between), got {label!r} at index {i}"
            )
        ys.append(y)
    return ys


def _softplus(z: Value) -> Value:
    """``log(1 + e**z)`` without overflow: for z > 0 it is ``z + log(1 + e**-z)``."""
    if z.data > 0.0:
        return z + (1 + (-z).exp()).log()
    return (1 + z.exp()).log()


def binary_cross_entropy_with_logits(logits: Sequence[Value | Number], labels: Sequence[Number]) -> Value:
    """Binary cross-entropy of raw scores ``z`` (logits), the stable way.

    With p = sigmoid(z), the loss ``-(y log p + (1 - y) log(1 - p))`` equals
    ``log(1 + e**z) - y * z``, computed here so that no ``exp`` overflows and no
    ``log`` sees 0 for any z. Averaged over the batch;
    d(loss_i)/dz_i = sigmoid(z_i) - y_i.

    PyTorch: ``torch.nn.functional.binary_cross_entropy_with_logits(z, y)``
    (mean reduction), which computes ``max(z, 0) - z * y + log(1 + exp(-|z|))``:
    the same number (for z > 0 that is ``z + log(1 + e**-z) - y z`` here).
    """
    logits, labels = _pair("binary_cross_entropy_with_logits", logits, labels)
    ys = _labels_01("binary_cross_entropy_with_logits", labels)
    losses = []
    for z, y in zip(logits, ys, strict=True):
        loss = _softplus(z)
        if y:
            loss = loss - y * z
        losses.append(loss)
    return mean(losses)


#: PyTorch's floor for ``p (1 - p)`` in the gradient of ``binary_cross_entropy``: its ``EPSILON``,
#: 1e-12 stored as a float32 (so the gradient at p = 0, y = 1 is -1.000000004e12, as PyTorch's).
BCE_GRAD_FLOOR = 9.999999960041972e-13


def binary_cross_entropy(
    probabilities: Sequence[Value | Number], labels: Sequence[Number], eps: float = math.exp(-100)
) -> Value:
    """Binary cross-entropy ``-(y log p + (1 - y) log(1 - p))`` of probabilities, averaged.

    The probabilities must lie in [0, 1] (e.g. outputs of ``sigmoid``). A
    probability that rounded to exactly 0 or 1 would make ``log`` fail, so each
    log is clamped to at least ``log(eps)``: with the default ``eps = e**-100``,
    ``>= -100``, PyTorch's rule (p = 0 with y = 1 costs 100 in both). Each
    example is one node whose local derivative is PyTorch's too::

        d(loss_i)/dp_i = (p_i - y_i) / max(p_i (1 - p_i), 1e-12)

    (the exact derivative, except that the denominator never drops below
    1e-12, :data:`BCE_GRAD_FLOOR`: finite at p = 0 and p = 1, and equal to
    PyTorch's gradient there).
    Prefer :func:`binary_cross_entropy_with_logits`, which never needs clamping.
    """
    probabilities, labels = _pair("binary_cross_entropy", probabilities, labels)
    ys = _labels_01("binary_cross_entropy", labels)
    if isinstance(eps, bool) or not isinstance(eps, Real) or not 0.0 < eps < 1.0:
        raise ValueError(f"binary_cross_entropy: eps must be a number in (0, 1), got {eps!r}")
    floor = math.log(eps)
    losses = []
    for i, (p, y) in enumerate(zip(probabilities, ys, strict=True)):
        q = p.data
        if not 0.0 <= q <= 1.0:
            raise ValueError(
                f"binary_cross_entropy: probabilities must be in [0, 1], got {q!r} at index {i} "
                "(for raw scores use binary_cross_entropy_with_logits)"
            )
        loss = 0.0
        if y:  # a term with a zero coefficient is left out, so its clamped log cannot matter
            loss -= y * max(_log(q), floor)
        if y != 1.0:
            loss -= (1.0 - y) * max(_log(1.0 - q), floor)
        local = (q - y) / max(q * (1.0 - q), BCE_GRAD_FLOOR)
        losses.append(Value._result(loss, (p,), (local,), "BCE"))
    return mean(losses)


def _log(q: float) -> float:
    """ln(q), with ln(0) = -inf (to be clamped)."""
    return math.log(q) if q > 0.0 else -math.inf


# ---- classification with k classes ----------------------------------------------------


def logsumexp(logits: Sequence[Value | Number]) -> Value:
    """``log(e**z_1 + ... + e**z_k)``, stable: ``m + log(sum_i e**(z_i - m))`` with m = max z_i.

    Subtracting the largest logit makes every exponent <= 0 (no overflow) and
    the sum >= 1 (no log of 0). m is used as a plain number: the result does
    not depend on it, so no gradient flows through it.
    """
    logits = _values("logsumexp: the logits", logits)
    if not logits:
        raise ValueError("logsumexp of an empty list")
    m = max(z.data for z in logits)
    return sum((z - m).exp() for z in logits).log() + m


def softmax(logits: Sequence[Value | Number]) -> list[Value]:
    """``softmax(z)_i = e**z_i / sum_j e**z_j``, computed as ``e**(z_i - logsumexp(z))``."""
    logits = _values("softmax: the logits", logits)
    lse = logsumexp(logits)
    return [(z - lse).exp() for z in logits]


def softmax_cross_entropy(logits: Sequence[Value | Number], label: int) -> Value:
    """Cross-entropy of one example with k classes: ``-log(softmax(z)[label]) = logsumexp(z) - z[label]``.

    ``logits`` are the k raw scores, ``label`` the index of the right class
    (0..k-1). d(loss)/dz_i = softmax(z)_i - (1 if i == label else 0).
    ``softmax_cross_entropy([0, 3, -2, 1], 3)`` is 2.1755. For a batch, use
    :func:`cross_entropy`, the mean over the examples.
    """
    logits = _values("softmax_cross_entropy: the logits", logits)
    if not logits:
        raise ValueError("softmax_cross_entropy: no logits")
    if isinstance(label, bool) or not isinstance(label, Integral):
        raise TypeError(
            f"softmax_cross_entropy: the label must be a class index (an int), got {type(label).__name__}"
        )
    if not 0 <= label < len(logits):
        raise ValueError(
            f"softmax_cross_entropy: label {label} is not a class index 0..{len(logits) - 1} "
            f"for {len(logits)} logits"
        )
    return logsumexp(logits) - logits[int(label)]


def cross_entropy(batch_logits: Sequence[Sequence[Value | Number]], labels: Sequence[int]) -> Value:
    """Softmax cross-entropy of a batch, averaged: ``(1/n) * sum_i (logsumexp(z_i) - z_i[y_i])``.

    ``batch_logits`` holds one list of k logits per example, ``labels`` one
    class index (0..k-1) per example. PyTorch:
    ``torch.nn.functional.cross_entropy(logits, labels)`` with logits of shape
    (n, k) and the default ``reduction="mean"`` is the same number;
    d(loss)/dz_ij = (softmax(z_i)_j - [j == y_i]) / n.
    """
    if isinstance(batch_logits, (Value, str, bytes)) or not hasattr(batch_logits, "__iter__"):
        raise TypeError(
            f"cross_entropy: the logits must be a list with one list of k logits per example, "
            f"got {type(batch_logits).__name__}"
        )
    batch_logits = list(batch_logits)
    if batch_logits and isinstance(batch_logits[0], (Value, Real)):
        raise TypeError(
            "cross_entropy: the logits must be a list of lists (one per example); "
            "for one example write cross_entropy([logits], [label]) or softmax_cross_entropy(logits, label)"
        )
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
        raise TypeError(
            f"cross_entropy: the labels must be a list of class indices, got {type(labels).__name__}"
        )
    labels = list(labels)
    if len(batch_logits) != len(labels):
        raise ValueError(f"cross_entropy: {len(batch_logits)} predictions but {len(labels)} targets")
    if not labels:
        raise ValueError("cross_entropy: the batch is empty")
    losses = []
    for i, (logits, label) in enumerate(zip(batch_logits, labels, strict=True)):
        try:
            losses.append(softmax_cross_entropy(logits, label))
        except (TypeError, ValueError) as error:
            message = str(error).replace("softmax_cross_entropy:", f"cross_entropy, example {i}:")
            raise type(error)(message) from None
    return mean(losses)
