"""Chapter 16 — Capstone: handwritten digits. Exercises on the data, the evaluation and early stopping."""

from __future__ import annotations

from typing import Any

import numpy as np

from micrograd import metrics
from micrograd.exercises.core import Exercise, Mismatch, expect_close_array, expect_number, register

# ---- 16.1 normalising the pixels -------------------------------------------------------------------


def normalise(X_train, X):
    """Standardise ``X`` with the training set's per-pixel mean and std.

    x' = (x - mean_j) / std_j for pixel j, with mean and std computed on
    ``X_train`` only (the validation and test sets must not leak into them).
    A pixel that never changes in the training set (std 0, e.g. a blank corner)
    is only centred: its std is taken as 1.
    """
    X_train = np.asarray(X_train, dtype=float)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (np.asarray(X, dtype=float) - mean) / std


def _pixels(n: int, seed: int, blank: bool = True) -> np.ndarray:
    images = np.random.default_rng(seed).integers(0, 17, size=(n, 64))
    if blank:
        images[:, [0, 7, 56]] = 0  # pixels that are always blank, as the corners of many digits
        images[:, 8] = 5  # and one that never changes but is not 0
    return images


def _check_normalise(answer) -> None:
    cases = [
        (
            "a training set with blank pixels, normalising a different set",
            _pixels(40, 1),
            _pixels(9, 2, False),
        ),
        ("normalising the training set itself", _pixels(30, 3), None),
        ("an integer array of pixels 0..16", _pixels(25, 4), _pixels(5, 5)),
    ]
    for case, train, other in cases:
        X = train if other is None else other
        got = answer(train.copy(), X.copy())
        want = normalise(train, X)
        if isinstance(got, np.ndarray) and got.shape == want.shape and not np.all(np.isfinite(got)):
            raise Mismatch(
                f"{case}: your result holds nan or inf. Some pixels never change in the training set "
                "(standard deviation 0): divide those by 1 instead."
            )
        expect_close_array(got, want, case)


register(
    Exercise(
        id="16.1",
        title="normalise the pixels with the training set's statistics",
        checker=_check_normalise,
        reference=normalise,
        hints=[
            "Compute one mean and one standard deviation per pixel (per column) of X_train: "
            "X_train.mean(axis=0), X_train.std(axis=0). Only X_train: the other sets must not leak in.",
            "Some pixels are 0 in every training image, so their standard deviation is 0. "
            "Replace those by 1 with np.where(std > 0, std, 1.0) before dividing.",
            "return (X - mean) / np.where(std > 0, std, 1.0), with X converted to float",
        ],
        wrong_answers=[
            lambda X_train, X: np.asarray(X, float) / 16.0,  # rescaled, not standardised
            lambda X_train, X: (
                (np.asarray(X, float) - np.mean(X, axis=0))
                / np.where(np.std(X, axis=0) > 0, np.std(X, axis=0), 1.0)
            ),  # the set's own statistics: a leak
            lambda X_train, X: (
                (np.asarray(X, float) - np.mean(X_train)) / np.std(X_train)
            ),  # one mean for all
            lambda X_train, X: (
                (np.asarray(X, float) - np.mean(X_train, axis=0)) / (np.std(X_train, axis=0) + 1e-300)
            ),  # divides blank pixels by (almost) 0: inf
        ],
    )
)

# ---- 16.2 the confusion matrix ----------------------------------------------------------------------


def confusion_matrix(predicted, labels, n_classes):
    """``M[t][p]``: how many examples of true class t were predicted as p.

    Rows are the true classes, columns the predictions; the diagonal
    counts the correct answers, and row t sums to the examples of class t.
    """
    M = np.zeros((n_classes, n_classes), dtype=int)
    for p, t in zip(predicted, labels):
        M[t, p] += 1
    return M


_CONFUSION_CASES = [
    ([0, 1, 2, 2, 1], [0, 2, 2, 1, 1], 3),
    ([3, 3, 0, 1], [0, 3, 0, 2], 4),  # class 3 predicted for a 0: row 0, column 3
    (
        list(np.random.default_rng(7).integers(0, 10, 200)),
        list(np.random.default_rng(8).integers(0, 10, 200)),
        10,
    ),
    ([1, 1], [1, 1], 3),  # classes that never occur still get their (empty) row and column
]


def _as_matrix(got: Any, n: int, case: str) -> np.ndarray:
    if isinstance(got, np.ndarray):
        matrix = got
    elif isinstance(got, (list, tuple)) and all(isinstance(row, (list, tuple, np.ndarray)) for row in got):
        try:
            matrix = np.array([list(row) for row in got], dtype=object)
        except ValueError:
            raise Mismatch(f"{case}: the rows of your matrix have different lengths") from None
    else:
        raise Mismatch(f"{case}: expected a {n}x{n} matrix (a 2-D array or a list of rows), got {got!r:.60}")
    if matrix.shape != (n, n):
        raise Mismatch(f"{case}: expected a {n}x{n} matrix, got shape {matrix.shape}")
    for value in matrix.ravel():
        if isinstance(value, bool) or float(expect_number(value, case)) != int(value):
            raise Mismatch(f"{case}: a confusion matrix holds counts (whole numbers), got {value!r}")
    return matrix.astype(int)


def _check_confusion_matrix(answer) -> None:
    for predicted, labels, n in _CONFUSION_CASES:
        case = f"confusion_matrix(predicted={predicted!r:.50}, labels={labels!r:.50}, n_classes={n})"
        got = answer(list(predicted), list(labels), n)
        got = _as_matrix(got, n, case)
        want = confusion_matrix(predicted, labels, n)
        if np.array_equal(got, want.T) and not np.array_equal(got, want):
            raise Mismatch(
                f"{case}: rows and columns are swapped. Row t is the TRUE class, column p the prediction."
            )
        if not np.array_equal(got, want):
            t, p = np.argwhere(got != want)[0]
            raise Mismatch(
                f"{case}: M[{t}][{p}] (true {t}, predicted {p}) should be {want[t, p]}, got {got[t, p]}"
            )


def _confusion_by_package(predicted, labels, n_classes):  # the package's own
    return metrics.confusion_matrix(predicted, labels, n_classes)


register(
    Exercise(
        id="16.2",
        title="the confusion matrix",
        checker=_check_confusion_matrix,
        reference=confusion_matrix,
        shortcuts={"micrograd.metrics.confusion_matrix": _confusion_by_package},
        hints=[
            "Start from an n_classes x n_classes matrix of zeros. Each example adds 1 to exactly one entry.",
            "Which entry? The row is the true class, the column the predicted one: M[t, p] += 1 "
            "for each pair (p, t) of zip(predicted, labels).",
            "M = np.zeros((n_classes, n_classes), dtype=int); "
            "for p, t in zip(predicted, labels): M[t, p] += 1",
        ],
        wrong_answers=[
            lambda predicted, labels, n: confusion_matrix(labels, predicted, n),  # rows and columns swapped
            lambda predicted, labels, n: np.diag(np.bincount(labels, minlength=n)),  # as if always right
            lambda predicted, labels, n: confusion_matrix(
                predicted, labels, max(max(labels), max(predicted)) + 1
            ),
        ],
    )
)

# ---- 16.3 early stopping: the epoch to keep ----------------------------------------------------------


def stopping_epoch(val_losses, patience):
    """The epoch early stopping keeps, and the epoch at which it stops.

    Early stopping watches the validation loss after each epoch (epochs
    count from 0). It remembers the best (lowest) loss so far; an epoch
    improves only if its loss is strictly lower. When ``patience`` epochs
    in a row bring no improvement, training stops after that epoch.
    Returns ``(best, stop)``: the best epoch (its weights are kept) and
    the last epoch trained (the list's last if patience never runs out).
    """
    best, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best, epoch
    return best, len(val_losses) - 1


_STOPPING_CASES = [
    ([1.0, 0.8, 0.6, 0.5, 0.55, 0.52, 0.58, 0.6, 0.4], 3),  # stops at 6 before the late dip at 8
    ([1.0, 0.8, 0.6, 0.5, 0.55, 0.52, 0.58, 0.6, 0.4], 5),  # with more patience it reaches the dip
    ([0.9, 0.7, 0.7, 0.7, 0.6], 2),  # a tie is not an improvement: stops at 3, keeps 1
    ([0.5, 0.4, 0.3, 0.2], 2),  # always improving: trains to the end
    ([0.3, 0.4, 0.5, 0.6, 0.7], 1),  # the first epoch is the best
]


def _check_stopping_epoch(answer) -> None:
    for losses, patience in _STOPPING_CASES:
        case = f"stopping_epoch({losses}, patience={patience})"
        got = answer(list(losses), patience)
        want = stopping_epoch(losses, patience)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Mismatch(f"{case}: expected a pair (best, stop), got {got!r:.60}")
        best = expect_number(got[0], f"{case}: best")
        stop = expect_number(got[1], f"{case}: stop")
        if (best, stop) != want:
            raise Mismatch(f"{case}: expected (best, stop) = {want}, got ({got[0]!r}, {got[1]!r})")


register(
    Exercise(
        id="16.3",
        title="early stopping: the epoch to keep and the epoch to stop",
        checker=_check_stopping_epoch,
        reference=stopping_epoch,
        hints=[
            "Walk through the losses in order, keeping two things: the best epoch so far, and how many "
            "epochs have passed since it improved.",
            "An epoch improves only if its loss is strictly lower than the best so far; then reset the "
            "counter. Otherwise add 1, and stop (return) the moment the counter reaches patience. "
            "You cannot look ahead: training stopped, so later epochs never happened.",
            "best, waited = 0, 0; loop epoch over 1..n-1: if lower: best, waited = epoch, 0; "
            "else waited += 1, and if waited == patience: return best, epoch. "
            "After the loop: return best, n - 1",
        ],
        wrong_answers=[
            lambda losses, patience: (int(np.argmin(losses)), len(losses) - 1),  # looks into the future
            lambda losses, patience: (
                max(i for i, v in enumerate(losses) if v == min(losses[: i + 1])),
                stopping_epoch(losses, patience)[1],
            ),  # a tie counts as an improvement
            lambda losses, patience: (
                stopping_epoch(losses, patience)[1],
                stopping_epoch(losses, patience)[1],
            ),  # keeps the last weights, not the best
            lambda losses, patience: stopping_epoch(losses, patience + 1),  # off by one in the patience
        ],
    )
)

# ---- 16.4 shifting images by a pixel -----------------------------------------------------------------


def shift(images, dr, dc):
    """Shift 8×8 images (rows of 64 pixels) ``dr`` down and ``dc`` right.

    Pixels that move out of the image are lost; the pixels that come in are 0
    (blank paper), not the ones that fell off the other edge.
    """
    images = np.asarray(images).reshape(-1, 8, 8)
    out = np.zeros_like(images)
    rows_to = slice(max(dr, 0), 8 + min(dr, 0))
    rows_from = slice(max(-dr, 0), 8 + min(-dr, 0))
    cols_to = slice(max(dc, 0), 8 + min(dc, 0))
    cols_from = slice(max(-dc, 0), 8 + min(-dc, 0))
    out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out.reshape(-1, 64)


def _check_shift(answer) -> None:
    images = np.random.default_rng(16).integers(1, 17, size=(3, 64))  # no blank pixel: a wrap shows
    for dr, dc in [(1, 0), (0, 1), (-1, 0), (0, -1), (1, -1), (0, 0), (2, 1)]:
        case = f"shift(images, dr={dr}, dc={dc})"
        got = answer(images.copy(), dr, dc)
        want = shift(images, dr, dc)
        if isinstance(got, np.ndarray) and got.shape == (3, 8, 8):
            raise Mismatch(f"{case}: return the images as rows of 64 pixels (shape (3, 64)), not (3, 8, 8)")
        if isinstance(got, np.ndarray) and got.shape == want.shape:
            wrapped = np.roll(images.reshape(-1, 8, 8), (dr, dc), axis=(1, 2)).reshape(-1, 64)
            if np.array_equal(got, wrapped) and not np.array_equal(got, want):
                raise Mismatch(
                    f"{case}: the pixels that fall off one edge come back on the other (as np.roll does). "
                    "The new row or column must be blank (0)."
                )
        expect_close_array(got, want, case)


register(
    Exercise(
        id="16.4",
        title="shift the images by a pixel",
        checker=_check_shift,
        reference=shift,
        hints=[
            "Reshape to (n, 8, 8) first, so rows and columns are axes 1 and 2; reshape back to (n, 64) at "
            "the end.",
            "Start from np.zeros_like(images) and copy a slice: for dr = 1, "
            "out[:, 1:, :] = images[:, :-1, :]. Beware np.roll: it wraps the last row around to the top.",
            "rows_to = slice(max(dr, 0), 8 + min(dr, 0)); rows_from = slice(max(-dr, 0), 8 + min(-dr, 0)); "
            "the same for the columns; out[:, rows_to, cols_to] = images[:, rows_from, cols_from]",
        ],
        wrong_answers=[
            lambda images, dr, dc: np.roll(
                np.asarray(images).reshape(-1, 8, 8), (dr, dc), axis=(1, 2)
            ).reshape(-1, 64),  # wraps around
            lambda images, dr, dc: shift(images, dc, dr),  # rows and columns swapped
            lambda images, dr, dc: shift(images, -dr, -dc),  # the wrong direction
            lambda images, dr, dc: np.roll(np.asarray(images), 8 * dr + dc, axis=1),  # shifts the flat rows
        ],
    )
)
