"""micrograd.metrics (chapter 11): accuracy and friends, with clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd import Value
from micrograd.metrics import accuracy, argmax, binary_accuracy, confusion_matrix, multiclass_accuracy


def test_accuracy():
    """[ch11] The fraction of equal entries; numpy ints count as ints."""
    assert accuracy([0, 1, 1, 2], [0, 1, 2, 2]) == 0.75
    assert accuracy([1], [1]) == 1.0
    assert accuracy(list(np.array([0, 1])), [1, 1]) == 0.5


def test_binary_accuracy_matches_the_reference_demo():
    """[ch11] (y > 0) == (score > 0), for -1/+1 and 0/1 labels, Values or numbers; 0 is negative."""
    scores = [Value(2.0), -0.5, 0.0, 0.3]
    assert binary_accuracy(scores, [1, -1, -1, -1]) == 0.75
    assert binary_accuracy(scores, [1, 0, 0, 0]) == 0.75
    assert binary_accuracy([0.0], [1]) == 0.0
    assert binary_accuracy(np.array([1.0, -1.0]), [1, 0]) == 1.0


def test_argmax_and_multiclass_accuracy():
    """[ch11] The predicted class is the first largest score."""
    assert argmax([0, 3, -2, 1]) == 1
    assert argmax([Value(1.0), Value(5.0)]) == 1
    assert argmax([2.0, 2.0]) == 0
    logits = [[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.0, 0.5]]
    assert multiclass_accuracy(logits, [1, 0, 0]) == pytest.approx(2 / 3)


def test_confusion_matrix():
    """[ch11] M[true][predicted]; the diagonal counts the correct ones."""
    assert confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3) == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: accuracy([0, 1], [0]), ValueError, "2 predictions but 1 labels"),
        (lambda: accuracy([], []), ValueError, "no examples"),
        (lambda: accuracy([0.5], [1]), TypeError, "int class"),
        (lambda: accuracy([True], [1]), TypeError, "int class"),
        (lambda: binary_accuracy([1.0, 2.0], [1, 2]), ValueError, "-1/\\+1 or 0/1"),
        (lambda: binary_accuracy([1.0, 2.0], [-1, 0]), ValueError, "mix"),
        (lambda: binary_accuracy(["a"], [1]), TypeError, "score 0 must be a number"),
        (lambda: binary_accuracy(Value(1.0), [1]), TypeError, "scores must be a list"),
        (lambda: argmax([]), ValueError, "non-empty"),
        (lambda: multiclass_accuracy([[1.0, 2.0], [1.0]], [0, 1]), ValueError, "example 1 should have 2"),
        (lambda: multiclass_accuracy([[1.0, 2.0]], [2]), ValueError, "label 0 is 2"),
        (lambda: confusion_matrix([0], [3], 3), ValueError, "0..2"),
        (lambda: confusion_matrix([0], [0], 0), ValueError, "n_classes"),
    ],
)
def test_bad_input(call, error, words):
    """[ch11] Mismatched lengths, bad labels and non-numbers fail with a message that says so."""
    with pytest.raises(error, match=words):
        call()


def test_a_nan_score_is_named_not_counted():
    """[ch11] NaN > 0 is False: without the check a diverged model's NaN would count as a negative score."""
    nan = float("nan")
    with pytest.raises(ValueError, match=r"binary_accuracy: score 1 is NaN.*check_finite"):
        binary_accuracy([0.5, nan], [1, 0])
    with pytest.raises(ValueError, match="argmax: score 0 is NaN"):
        argmax([nan, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        multiclass_accuracy([[0.1, 0.2], [nan, 0.0]], [1, 0])
