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
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from numbers import Real

__all__ = ["make_circles", "make_moons", "make_spirals", "to_plus_minus_one", "train_test_split"]

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
        for (x1, x2), label in zip(points, labels)
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
    if len(X) != len(y):
        raise ValueError(f"train_test_split: {len(X)} points but {len(y)} labels")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    n = len(X)
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_test = round(test_fraction * n)
    if n >= 2:
        n_test = min(max(n_test, 1), n - 1)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
