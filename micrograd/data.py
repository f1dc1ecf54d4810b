"""Small 2-D datasets for classification, made with the ``random`` and ``math`` modules only.

Every maker returns ``(X, y)``: ``X`` is a list of ``[x1, x2]`` points (floats)
and ``y`` the list of their labels.

**Label convention:** labels are class indices ``0, 1, ..., k-1`` (ints), as in
scikit-learn, so they suit the cross-entropy losses directly. The hinge loss
(and the reference micrograd demo) wants -1/+1 instead: convert with
:func:`to_plus_minus_one`, which maps 0 to -1 and 1 to +1 (the demo's ``y*2 - 1``).

The same ``seed`` always gives the same data (each call uses its own
``random.Random(seed)``, so Python's global random state is neither used nor
changed); ``seed=None`` gives fresh data every call. The points come shuffled.

The datasets are those of TensorFlow Playground: :func:`make_moons`,
:func:`make_circles`, :func:`make_xor`, :func:`make_gaussians` and
:func:`make_spirals`. For training, :func:`train_test_split` holds out a test
set and :func:`batches` walks through the training set in shuffled
mini-batches; :func:`check_dataset` says clearly what is wrong with an ``(X, y)``
pair that does not have the expected shape.

One real dataset ships with the package: :func:`load_digits` (1,797 handwritten
digits of 8×8 pixels, CC BY 4.0, see ``micrograd/datasets/README.md``), with
the course's fixed train / validation / test split :func:`digits_split`, made by
:func:`stratified_split`.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from collections.abc import Iterator, Sequence
from importlib import resources
from numbers import Integral, Real

__all__ = [
    "DIGITS_ATTRIBUTION",
    "batches",
    "check_dataset",
    "digits_split",
    "load_digits",
    "make_circles",
    "make_gaussians",
    "make_moons",
    "make_spirals",
    "make_xor",
    "stratified_split",
    "to_plus_minus_one",
    "train_test_split",
]

Points = list[list[float]]


def _check_args(n_samples: object, noise: object, minimum: int = 1) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < minimum:
        raise ValueError(f"n_samples must be at least {minimum}, got {n_samples}")
    if isinstance(noise, bool) or not isinstance(noise, Real) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")


def _noisy_shuffled(
    points: Points, labels: list[int], noise: float, rng: random.Random
) -> tuple[Points, list[int]]:
    """Add Gaussian noise of standard deviation ``noise`` to each coordinate, then shuffle."""
    data = [
        ([x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)], label)
        for (x1, x2), label in zip(points, labels, strict=True)
    ]
    rng.shuffle(data)
    return [point for point, _ in data], [label for _, label in data]


def _angles(n: int, stop: float, endpoint: bool) -> list[float]:
    """n evenly spaced angles from 0 to ``stop`` (including ``stop`` when ``endpoint``)."""
    if n == 1:
        return [0.0]
    step = stop / (n - 1 if endpoint else n)
    return [i * step for i in range(n)]


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[Points, list[int]]:
    """Two interleaving half circles ("two moons").

    Class 0 is the upper moon ``(cos t, sin t)`` and class 1 the lower one
    ``(1 - cos t, 0.5 - sin t)``, for t evenly spaced in [0, pi]; class 0 gets
    ``n_samples // 2`` points and class 1 the rest. Gaussian noise of standard
    deviation ``noise`` is added to both coordinates.
    """
    _check_args(n_samples, noise)
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    points = [[math.cos(t), math.sin(t)] for t in _angles(n_upper, math.pi, endpoint=True)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _angles(n_lower, math.pi, endpoint=True)]
    labels = [0] * n_upper + [1] * n_lower
    return _noisy_shuffled(points, labels, float(noise), rng)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[Points, list[int]]:
    """Two concentric circles: class 0 on the unit circle, class 1 on a circle of radius ``factor``.

    Class 0 gets ``n_samples // 2`` points, class 1 the rest, evenly spaced
    around each circle, plus Gaussian noise of standard deviation ``noise``.
    """
    _check_args(n_samples, noise)
    if isinstance(factor, bool) or not isinstance(factor, Real) or not 0 < factor < 1:
        raise ValueError(f"factor (the inner radius) must be between 0 and 1, got {factor!r}")
    rng = random.Random(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    points = [[math.cos(t), math.sin(t)] for t in _angles(n_outer, 2 * math.pi, endpoint=False)]
    points += [
        [factor * math.cos(t), factor * math.sin(t)] for t in _angles(n_inner, 2 * math.pi, endpoint=False)
    ]
    labels = [0] * n_outer + [1] * n_inner
    return _noisy_shuffled(points, labels, float(noise), rng)


def make_spirals(
    n_samples: int = 100, n_classes: int = 2, noise: float = 0.1, turns: float = 1.0, seed: int | None = 0
) -> tuple[Points, list[int]]:
    """``n_classes`` spiral arms winding out from the centre, one class per arm.

    Point i of arm c sits at radius r = (i + 1) / n (n points on the arm) and
    angle ``2 pi * (c / n_classes + turns * r)``, so every arm makes ``turns``
    full turns and the arms are evenly rotated copies of each other. Arms get
    ``n_samples // n_classes`` points each (the first arms one more when it
    does not divide evenly); Gaussian noise of standard deviation
    ``noise * r`` (growing outwards, as the arms spread apart) is added.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes must be an int >= 2, got {n_classes!r}")
    _check_args(n_samples, noise, minimum=n_classes)
    if isinstance(turns, bool) or not isinstance(turns, Real) or not turns > 0:
        raise ValueError(f"turns must be a number > 0, got {turns!r}")
    rng = random.Random(seed)
    data = []
    for c in range(n_classes):
        n = n_samples // n_classes + (1 if c < n_samples % n_classes else 0)
        for i in range(n):
            r = (i + 1) / n
            angle = 2 * math.pi * (c / n_classes + turns * r)
            x1 = r * math.cos(angle) + rng.gauss(0.0, noise * r)
            x2 = r * math.sin(angle) + rng.gauss(0.0, noise * r)
            data.append(([x1, x2], c))
    rng.shuffle(data)
    return [point for point, _ in data], [label for _, label in data]


def make_xor(n_samples: int = 100, noise: float = 0.0, seed: int | None = 0) -> tuple[Points, list[int]]:
    """The XOR pattern: points spread uniformly over the square [-1, 1] x [-1, 1].

    The label is 1 where ``x1 * x2 > 0`` (the top-right and bottom-left
    quadrants) and 0 elsewhere; no line separates the classes. Each point is
    kept at least 0.05 away from the axes (as TensorFlow Playground does), so
    that the noise-free classes have a gap; Gaussian noise of standard
    deviation ``noise`` then moves the points *after* they were labelled, so
    with noise some points sit on the wrong side.
    """
    _check_args(n_samples, noise)
    rng = random.Random(seed)
    pad = 0.05
    points, labels = [], []
    for _ in range(n_samples):
        x1, x2 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        x1 += pad if x1 > 0 else -pad  # away from the axes: [-1.05, -0.05] or [0.05, 1.05]
        x2 += pad if x2 > 0 else -pad
        points.append([x1, x2])
        labels.append(1 if x1 * x2 > 0 else 0)
    return _noisy_shuffled(points, labels, float(noise), rng)


def make_gaussians(
    n_samples: int = 100, noise: float = 0.3, distance: float = 1.4, seed: int | None = 0
) -> tuple[Points, list[int]]:
    """Two Gaussian clouds: class 0 around ``(-d/2, -d/2)``, class 1 around ``(d/2, d/2)``.

    ``d`` is ``distance / sqrt(2)`` so that the centres lie ``distance`` apart,
    and ``noise`` is the standard deviation of each cloud (per coordinate).
    Class 0 gets ``n_samples // 2`` points, class 1 the rest. A straight line
    separates them well unless ``noise`` is large compared with ``distance``.
    """
    _check_args(n_samples, noise)
    if isinstance(distance, bool) or not isinstance(distance, Real) or not distance >= 0:
        raise ValueError(f"distance must be a number >= 0, got {distance!r}")
    rng = random.Random(seed)
    half = float(distance) / (2.0 * math.sqrt(2.0))
    n0 = n_samples // 2
    points = [[-half, -half]] * n0 + [[half, half]] * (n_samples - n0)
    labels = [0] * n0 + [1] * (n_samples - n0)
    return _noisy_shuffled(points, labels, float(noise), rng)


def to_plus_minus_one(labels: Sequence[int]) -> list[int]:
    """Map 0/1 labels to -1/+1 (``2 * y - 1``), the labels the hinge loss needs."""
    out = []
    for i, y in enumerate(labels):
        if isinstance(y, bool) or y not in (0, 1):
            raise ValueError(f"to_plus_minus_one: labels must be 0 or 1, got {y!r} at index {i}")
        out.append(2 * int(y) - 1)
    return out


def train_test_split(
    X: Sequence, y: Sequence, test_fraction: float = 0.25, seed: int | None = 0
) -> tuple[list, list, list, list]:
    """Shuffle the examples and split them: ``X_train, X_test, y_train, y_test``.

    ``round(test_fraction * n)`` examples go to the test set (at least one of
    each side when n >= 2 and 0 < test_fraction < 1).
    """
    _check_lengths("train_test_split", X, y)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 < test_fraction < 1:
        raise ValueError(
            f"train_test_split: test_fraction must be a number strictly between 0 and 1 "
            f"(0.25 holds out a quarter), got {test_fraction!r}"
        )
    n = len(X)
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_test = round(test_fraction * n)
    if n >= 2:
        n_test = min(max(n_test, 1), n - 1)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def _check_lengths(func: str, X: object, y: object) -> None:
    """X and y must be sequences (lists, tuples, arrays) of the same length."""
    for name, obj in (("X", X), ("y", y)):
        if isinstance(obj, (str, bytes, dict)) or not hasattr(obj, "__getitem__"):
            raise TypeError(f"{func}: {name} must be a list, got {type(obj).__name__}")
    if len(X) != len(y):
        raise ValueError(f"{func}: {len(X)} points in X but {len(y)} labels in y")


def check_dataset(
    X: Sequence, y: Sequence, n_features: int | None = None, n_classes: int | None = None
) -> None:
    """Raise a clear error unless ``(X, y)`` is a labelled dataset of the expected shape.

    ``X`` must be a non-empty list of points, each a list of ``n_features``
    numbers (any length, but the same for every point, when ``n_features`` is
    None); ``y`` a list of as many labels, each an int class index
    ``0 .. n_classes - 1`` (any int >= 0 when ``n_classes`` is None).
    """
    _check_lengths("check_dataset", X, y)
    if len(X) == 0:
        raise ValueError("check_dataset: the dataset is empty")
    width = n_features
    for i, point in enumerate(X):
        if isinstance(point, (str, bytes)) or not hasattr(point, "__len__"):
            raise TypeError(
                f"check_dataset: X[{i}] should be a point (a list of numbers), got {type(point).__name__}: "
                f"{point!r}"
            )
        if width is None:
            width = len(point)
        if len(point) != width:
            raise ValueError(
                f"check_dataset: X[{i}] has {len(point)} coordinates, expected {width}: {point!r}"
            )
        for c in point:
            if isinstance(c, bool) or not isinstance(c, Real):
                raise TypeError(f"check_dataset: X[{i}] holds {type(c).__name__} {c!r}, expected numbers")
    for i, label in enumerate(y):
        if isinstance(label, bool) or not isinstance(label, Integral):
            raise TypeError(f"check_dataset: y[{i}] should be an int class index, got {type(label).__name__}")
        if label < 0 or (n_classes is not None and label >= n_classes):
            allowed = "an int >= 0" if n_classes is None else f"one of 0..{n_classes - 1}"
            raise ValueError(f"check_dataset: y[{i}] is {label!r}, expected a class index: {allowed}")


def batches(
    X: Sequence, y: Sequence, batch_size: int, shuffle: bool = True, seed: int | None = 0
) -> Iterator[tuple[list, list]]:
    """One pass (an *epoch*) over the data in mini-batches: yields ``(X_batch, y_batch)`` pairs.

    Every example appears in exactly one batch. The order is shuffled with
    ``random.Random(seed)`` when ``shuffle`` (pass a different seed each epoch,
    e.g. the epoch number, to get a different order each time). All batches
    hold ``batch_size`` examples except the last, which holds the
    ``n % batch_size`` left over (when that is not 0). ``batch_size >= n``
    gives one batch: plain (full-batch) gradient descent.
    """
    _check_lengths("batches", X, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be an int >= 1, got {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]


# ---------------------------------------------------------------------------
# A real dataset: the UCI handwritten digits (8x8), shipped with the package
# ---------------------------------------------------------------------------

DIGITS_ATTRIBUTION = (
    "Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak, UCI Machine Learning "
    "Repository (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/)"
)
DIGITS_FILE = "digits.csv.gz"
DIGITS_SPLIT = (0.6, 0.2, 0.2)  # train, validation, test
DIGITS_SEED = 0


def load_digits() -> tuple[list[list[int]], list[int]]:
    """The 1,797 handwritten digits: ``(images, labels)``, read from the copy inside the package.

    ``images[i]`` is a list of 64 ints from 0 to 16 (the 8×8 grey levels, row by
    row: pixel ``(r, c)`` is ``images[i][8 * r + c]``) and ``labels[i]`` its digit
    0–9. The data is the UCI "Optical Recognition of Handwritten Digits" test set
    (CC BY 4.0, :data:`DIGITS_ATTRIBUTION`), the same file scikit-learn bundles;
    nothing is downloaded. Each 8×8 value counts the pixels that are on in a 4×4
    block of a size-normalised 32×32 bitmap of the digit.
    """
    raw = resources.files("micrograd").joinpath("datasets", DIGITS_FILE).read_bytes()
    images, labels = [], []
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="ascii") as text:
        for row in csv.reader(text):
            values = [int(float(v)) for v in row]
            images.append(values[:64])
            labels.append(values[64])
    return images, labels


def stratified_split(
    X: Sequence, y: Sequence, fractions: Sequence[float] = DIGITS_SPLIT, seed: int | None = 0
) -> list[tuple[list, list]]:
    """Split ``(X, y)`` into parts of the given ``fractions``, each class divided in the same proportions.

    Returns one ``(X_part, y_part)`` per fraction (e.g. train, validation, test).
    Within each class the examples are shuffled with ``random.Random(seed)``; the
    first ``round(f1 * n_class)`` go to the first part, and so on (the cumulative
    fractions are rounded, so every example lands in exactly one part). Each part
    keeps the examples in the order of the original data. The same ``seed`` gives
    the same split.
    """
    _check_lengths("stratified_split", X, y)
    fractions = [float(f) for f in fractions]
    if len(fractions) < 2 or any(not f > 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(
            f"stratified_split: fractions must be >= 2 positive numbers summing to 1, got {fractions}"
        )
    rng = random.Random(seed)
    by_class: dict[object, list[int]] = {}
    for i, label in enumerate(y):
        by_class.setdefault(label, []).append(i)
    parts: list[list[int]] = [[] for _ in fractions]
    for label in sorted(by_class):
        members = by_class[label]
        rng.shuffle(members)
        cumulative, start = 0.0, 0
        for k, fraction in enumerate(fractions):
            cumulative += fraction
            stop = len(members) if k == len(fractions) - 1 else round(cumulative * len(members))
            parts[k].extend(members[start:stop])
            start = stop
    return [([X[i] for i in sorted(part)], [y[i] for i in sorted(part)]) for part in parts]


def digits_split() -> tuple[tuple[list, list], tuple[list, list], tuple[list, list]]:
    """The course's fixed split of :func:`load_digits`: ``(train, validation, test)``, 60 / 20 / 20 %.

    Stratified by digit (:func:`stratified_split` with seed 0), so every part has
    about the same share of each digit. Each part is ``(images, labels)``. The
    test part is for the one final measurement, after every choice was made on
    the validation part.
    """
    train, validation, test = stratified_split(*load_digits(), DIGITS_SPLIT, seed=DIGITS_SEED)
    return train, validation, test
