"""Metrics: how good a classifier's predictions are, as plain numbers (no graph, no gradient).

A loss is what training minimises; a metric is what a person wants to know.
Accuracy, the fraction of examples classified correctly, is the usual one, but
it has no useful gradient (it jumps from one value to the next as a score
crosses 0), which is why we train on a loss and only *report* the accuracy.

=====================================  =============================================================
function                               for
=====================================  =============================================================
:func:`accuracy`                       predicted classes against true classes (any number of them)
:func:`binary_accuracy`                raw scores of one output against labels -1/+1 or 0/1
:func:`argmax`                         the predicted class of one example from its k scores (logits)
:func:`multiclass_accuracy`            k scores per example against class indices 0..k-1
:func:`confusion_matrix`               counts of (true class, predicted class) pairs
=====================================  =============================================================

Scores may be ``Value`` s or numbers (a Value's ``.data`` is used). A NaN score
is an error that says so: compared with 0 it would silently count as the negative class.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

from micrograd.engine import Value

__all__ = ["accuracy", "argmax", "binary_accuracy", "confusion_matrix", "multiclass_accuracy"]


def _number(func: str, x: Any, where: str) -> float:
    """A score as a float: a Value's data, or a real number (bool refused)."""
    x = x.data if isinstance(x, Value) else x  # (not getattr: numpy scalars have a .data too)
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{func}: {where} must be a number or a Value, got {type(x).__name__}: {x!r}")
    x = float(x)
    if x != x:  # NaN: every comparison with it is False, so it would count silently as one class
        raise ValueError(
            f"{func}: {where} is NaN, not a score (a model whose training diverged outputs NaN; "
            "micrograd.train.check_finite stops a training loop at the step where that happens)"
        )
    return x


def _same_length(func: str, a: Any, b: Any, a_name: str, b_name: str) -> None:
    for name, obj in ((a_name, a), (b_name, b)):
        if isinstance(obj, (str, bytes)) or not hasattr(obj, "__len__"):
            raise TypeError(f"{func}: {name} must be a list, got {type(obj).__name__}")
    if len(a) != len(b):
        raise ValueError(f"{func}: {len(a)} {a_name} but {len(b)} {b_name}")
    if len(a) == 0:
        raise ValueError(f"{func}: no examples (empty lists)")


def _class_index(func: str, label: Any, i: int, n_classes: int | None = None) -> int:
    if isinstance(label, bool) or not isinstance(label, Integral):
        raise TypeError(
            f"{func}: label {i} must be an int class index, got {type(label).__name__}: {label!r}"
        )
    if label < 0 or (n_classes is not None and label >= n_classes):
        allowed = "an int >= 0" if n_classes is None else f"0..{n_classes - 1}"
        raise ValueError(f"{func}: label {i} is {label!r}, expected a class index {allowed}")
    return int(label)


def accuracy(predicted: Sequence[int], labels: Sequence[int]) -> float:
    """The fraction of examples whose predicted class equals the true one: ``mean(p_i == y_i)``.

    ``accuracy([0, 1, 1, 2], [0, 1, 2, 2])`` is 0.75. Classes are ints (0/1,
    -1/+1 or 0..k-1, as long as both lists use the same convention).
    """
    _same_length("accuracy", predicted, labels, "predictions", "labels")
    for name, items in (("prediction", predicted), ("label", labels)):
        for i, c in enumerate(items):
            if isinstance(c, bool) or not isinstance(c, Integral):
                raise TypeError(f"accuracy: {name} {i} must be an int class, got {type(c).__name__}: {c!r}")
    return sum(int(p) == int(y) for p, y in zip(predicted, labels, strict=True)) / len(labels)


def binary_accuracy(scores: Sequence[Any], labels: Sequence[int]) -> float:
    """Accuracy of one-output scores: the prediction is "positive" when the score is > 0.

    ``labels`` are -1/+1 (hinge loss) or 0/1 (cross-entropy): +1 and 1 are the
    positive class. A score of exactly 0 counts as negative, as in the
    reference micrograd demo: ``(y_i > 0) == (score_i > 0)``.
    """
    _same_length("binary_accuracy", scores, labels, "scores", "labels")
    values = [_number("binary_accuracy", s, f"score {i}") for i, s in enumerate(scores)]
    positives = []
    for i, y in enumerate(labels):
        if isinstance(y, bool) or not isinstance(y, Real) or y not in (-1, 0, 1):
            raise ValueError(f"binary_accuracy: labels must be -1/+1 or 0/1, got {y!r} at index {i}")
        positives.append(y == 1)
    if -1 in labels and 0 in labels:
        raise ValueError("binary_accuracy: the labels mix -1 and 0; use either -1/+1 or 0/1")
    return sum((s > 0) == pos for s, pos in zip(values, positives, strict=True)) / len(values)


def argmax(scores: Sequence[Any]) -> int:
    """The index of the largest score (the first one on a tie): the predicted class."""
    if isinstance(scores, (str, bytes)) or not hasattr(scores, "__len__") or len(scores) == 0:
        raise ValueError(f"argmax needs a non-empty list of scores, got {scores!r}")
    values = [_number("argmax", s, f"score {i}") for i, s in enumerate(scores)]
    return max(range(len(values)), key=values.__getitem__)


def multiclass_accuracy(scores: Sequence[Sequence[Any]], labels: Sequence[int]) -> float:
    """Accuracy of k scores (logits) per example: the predicted class is their argmax."""
    _same_length("multiclass_accuracy", scores, labels, "score lists", "labels")
    k = len(scores[0]) if hasattr(scores[0], "__len__") else None
    predicted = []
    for i, row in enumerate(scores):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or len(row) != k:
            raise ValueError(
                f"multiclass_accuracy: example {i} should have {k} scores (one per class), got {row!r}"
            )
        predicted.append(argmax(row))
    truth = [_class_index("multiclass_accuracy", y, i, k) for i, y in enumerate(labels)]
    return accuracy(predicted, truth)


def confusion_matrix(predicted: Sequence[int], labels: Sequence[int], n_classes: int) -> list[list[int]]:
    """``M[t][p]``: how many examples of true class t were predicted as class p.

    The diagonal holds the correct predictions; a large off-diagonal entry names
    the two classes the model confuses.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 1:
        raise ValueError(f"confusion_matrix: n_classes must be an int >= 1, got {n_classes!r}")
    _same_length("confusion_matrix", predicted, labels, "predictions", "labels")
    matrix = [[0] * n_classes for _ in range(n_classes)]
    for i, (p, t) in enumerate(zip(predicted, labels, strict=True)):
        p = _class_index("confusion_matrix", p, i, n_classes)
        t = _class_index("confusion_matrix", t, i, n_classes)
        matrix[t][p] += 1
    return matrix
