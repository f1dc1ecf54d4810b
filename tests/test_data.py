"""micrograd.data (chapter 10): deterministic, pure-Python toy datasets."""

from __future__ import annotations

import math
import random

import pytest

from micrograd.data import (
    batches,
    check_dataset,
    make_circles,
    make_gaussians,
    make_moons,
    make_spirals,
    make_xor,
    to_plus_minus_one,
    train_test_split,
)
from tests.fresh_python import run_python

MAKERS = [make_moons, make_circles, make_spirals, make_xor, make_gaussians]


@pytest.mark.parametrize("make", MAKERS)
def test_shapes_and_types(make):
    """[ch10] X is a list of [x1, x2] floats, y a list of int labels, both n_samples long."""
    X, y = make(n_samples=37)
    assert len(X) == len(y) == 37
    assert all(isinstance(point, list) and len(point) == 2 for point in X)
    assert all(type(c) is float for point in X for c in point)
    assert all(type(label) is int for label in y)


@pytest.mark.parametrize("make", MAKERS)
def test_deterministic_with_a_seed(make):
    """[ch10] The same seed gives the same data; another seed different data; seed=None fresh data."""
    assert make(seed=3) == make(seed=3)
    assert make(seed=3) != make(seed=4)
    assert make(seed=None) != make(seed=None)


@pytest.mark.parametrize("make", MAKERS)
def test_global_random_state_untouched(make):
    """[ch10] The makers use their own generator: random.random() is not affected."""
    random.seed(99)
    expected = random.random()
    random.seed(99)
    make(seed=1)
    assert random.random() == expected


def test_moons_geometry_without_noise():
    """[ch10] noise=0: class 0 on the unit upper half circle, class 1 on the shifted lower one."""
    X, y = make_moons(n_samples=50, noise=0.0)
    assert y.count(0) == 25 and y.count(1) == 25
    for (x1, x2), label in zip(X, y, strict=True):
        if label == 0:
            assert math.hypot(x1, x2) == pytest.approx(1.0) and x2 >= -1e-12
        else:
            assert math.hypot(x1 - 1.0, x2 - 0.5) == pytest.approx(1.0) and x2 <= 0.5 + 1e-12
    assert [0.0, 0.5] in [[round(a, 12), round(b, 12)] for a, b in X]  # the end of the lower moon: 1 - cos 0


def test_moons_noise_has_the_right_size():
    """[ch10] With noise 0.1 the points stray from their moon by about 0.1 (standard deviation)."""
    X, y = make_moons(n_samples=2000, noise=0.1, seed=0)
    clean, _ = make_moons(n_samples=2000, noise=0.0, seed=0)
    distances = []
    for (x1, x2), label in zip(X, y, strict=True):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        distances.append(abs(math.hypot(x1 - centre[0], x2 - centre[1]) - 1.0))
    assert 0.05 < sum(distances) / len(distances) < 0.12  # E|N(0, 0.1)| ~ 0.08
    assert len(clean) == 2000


def test_odd_number_of_moons():
    """[ch10] Class 0 gets n // 2 points, class 1 the rest."""
    _, y = make_moons(n_samples=7)
    assert (y.count(0), y.count(1)) == (3, 4)


def test_circles_geometry_without_noise():
    """[ch10] noise=0: class 0 on the unit circle, class 1 on radius factor, points evenly spread."""
    X, y = make_circles(n_samples=40, noise=0.0, factor=0.3)
    radii = {0: 1.0, 1: 0.3}
    for (x1, x2), label in zip(X, y, strict=True):
        assert math.hypot(x1, x2) == pytest.approx(radii[label])
    assert y.count(0) == y.count(1) == 20
    angles = sorted(
        round(math.atan2(x2, x1) % (2 * math.pi), 9)
        for (x1, x2), label in zip(X, y, strict=True)
        if label == 0
    )
    assert len(set(angles)) == 20


def test_spirals():
    """[ch10] n_classes arms, labels 0..k-1, the same number of points per arm (+-1), radius at most 1."""
    X, y = make_spirals(n_samples=100, n_classes=3, noise=0.0)
    assert sorted(set(y)) == [0, 1, 2]
    assert sorted(y.count(c) for c in range(3)) == [33, 33, 34]
    assert max(math.hypot(*point) for point in X) == pytest.approx(1.0)
    # without noise (and arms of equal size), arm 1 is arm 0 rotated by a third of a turn
    X, y = make_spirals(n_samples=99, n_classes=3, noise=0.0)
    arm0 = sorted(
        (math.hypot(*p), math.atan2(p[1], p[0])) for p, label in zip(X, y, strict=True) if label == 0
    )
    arm1 = sorted(
        (math.hypot(*p), math.atan2(p[1], p[0])) for p, label in zip(X, y, strict=True) if label == 1
    )
    r0, a0 = arm0[5]
    r1, a1 = arm1[5]
    assert r0 == pytest.approx(r1)
    assert (a1 - a0) % (2 * math.pi) == pytest.approx(2 * math.pi / 3)


def test_to_plus_minus_one():
    """[ch10] 0 -> -1 and 1 -> +1 (the demo's y*2 - 1); anything else is refused."""
    assert to_plus_minus_one([0, 1, 1, 0]) == [-1, 1, 1, -1]
    with pytest.raises(ValueError):
        to_plus_minus_one([0, 2])
    with pytest.raises(ValueError):
        to_plus_minus_one([-1, 1])


def test_train_test_split():
    """[ch10] A shuffled split with round(fraction * n) test points, nothing lost or duplicated."""
    X, y = make_moons(n_samples=40)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (30, 10, 30, 10)
    pairs = sorted(
        map(tuple, (p + [label] for p, label in zip(X_train + X_test, y_train + y_test, strict=True)))
    )
    assert pairs == sorted(map(tuple, (p + [label] for p, label in zip(X, y, strict=True))))
    assert train_test_split(X, y, seed=1) == train_test_split(X, y, seed=1)
    assert len(train_test_split(X[:2], y[:2], test_fraction=0.01)[1]) == 1
    with pytest.raises(ValueError):
        train_test_split(X, y[:3])
    with pytest.raises(ValueError):
        train_test_split(X, y, test_fraction=1.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_moons(n_samples=0),
        lambda: make_moons(noise=-0.1),
        lambda: make_circles(factor=1.5),
        lambda: make_spirals(n_classes=1),
        lambda: make_spirals(turns=0),
    ],
)
def test_bad_arguments(call):
    """[ch10] Impossible sizes and parameters are refused with ValueError."""
    with pytest.raises(ValueError):
        call()


def test_n_samples_must_be_an_int():
    """[ch10] n_samples=100.0 is a TypeError."""
    with pytest.raises(TypeError):
        make_moons(n_samples=100.0)


def test_no_numpy_needed():
    """[ch10] The datasets need neither numpy nor scikit-learn: data.py imports only the standard library.

    (Importing ``micrograd.data`` runs ``micrograd/__init__.py`` too, whose other modules may use
    numpy, so the imports of data.py itself are what is checked.)
    """
    import ast

    import micrograd.data

    tree = ast.parse(open(micrograd.data.__file__, encoding="utf-8").read())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    # csv, gzip, importlib, io: load_digits reads the shipped file (standard library only)
    allowed = {"__future__", "math", "random", "collections", "numbers", "csv", "gzip", "importlib", "io"}
    assert imported <= allowed, imported
    code = "import sys, micrograd.data; assert 'sklearn' not in sys.modules"
    run_python(code)


# ---- chapter 11: xor, gaussians, mini-batches, clear errors -----------------------------


def test_xor_labels_follow_the_quadrants():
    """[ch11] Without noise the label is 1 exactly where x1 * x2 > 0, and points keep off the axes."""
    X, y = make_xor(n_samples=300, noise=0.0, seed=2)
    assert all(label == (1 if x1 * x2 > 0 else 0) for (x1, x2), label in zip(X, y, strict=True))
    assert min(min(abs(x1), abs(x2)) for x1, x2 in X) >= 0.05
    assert max(max(abs(x1), abs(x2)) for x1, x2 in X) <= 1.05
    assert 100 < sum(y) < 200  # about half in each class


def test_xor_noise_moves_points_after_labelling():
    """[ch11] With noise, some points land in the other class's quadrant (the label stays)."""
    X, y = make_xor(n_samples=500, noise=0.3, seed=0)
    wrong_side = sum(label != (1 if x1 * x2 > 0 else 0) for (x1, x2), label in zip(X, y, strict=True))
    assert 10 < wrong_side < 250


def test_gaussians_centres_and_spread():
    """[ch11] Two clouds `distance` apart on the diagonal, with standard deviation `noise`."""
    X, y = make_gaussians(n_samples=4000, noise=0.2, distance=2.0, seed=0)
    for label, sign in ((0, -1), (1, 1)):
        points = [p for p, c in zip(X, y, strict=True) if c == label]
        mean_x = sum(p[0] for p in points) / len(points)
        mean_y = sum(p[1] for p in points) / len(points)
        assert mean_x == pytest.approx(sign * 2.0 / (2 * math.sqrt(2)), abs=0.02)
        assert mean_y == pytest.approx(sign * 2.0 / (2 * math.sqrt(2)), abs=0.02)
        spread = math.sqrt(sum((p[0] - mean_x) ** 2 for p in points) / len(points))
        assert spread == pytest.approx(0.2, rel=0.1)
    with pytest.raises(ValueError, match="distance"):
        make_gaussians(distance=-1)


def test_batches_cover_every_example_once():
    """[ch11] One epoch: every example in exactly one batch; all full but the last; seeded order."""
    X = [[float(i), 0.0] for i in range(23)]
    y = list(range(23))
    got = list(batches(X, y, batch_size=5, seed=3))
    assert [len(xb) for xb, _ in got] == [5, 5, 5, 5, 3]
    assert sorted(label for _, yb in got for label in yb) == y
    assert all(xb[i][0] == yb[i] for xb, yb in got for i in range(len(yb)))  # pairs stay together
    assert [yb for _, yb in got] == [yb for _, yb in batches(X, y, 5, seed=3)]
    assert [yb for _, yb in got] != [yb for _, yb in batches(X, y, 5, seed=4)]
    assert [yb for _, yb in batches(X, y, 10, shuffle=False)] == [y[:10], y[10:20], y[20:]]
    assert [len(yb) for _, yb in batches(X, y, 100)] == [23]  # one batch: full-batch descent


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: list(batches([[0, 0]] * 3, [0] * 3, 0)), ValueError, "batch_size"),
        (lambda: list(batches([[0, 0]] * 3, [0] * 3, 2.5)), ValueError, "batch_size"),
        (lambda: list(batches([[0, 0]] * 3, [0] * 2, 2)), ValueError, "3 points in X but 2 labels"),
        (lambda: list(batches("abc", [0] * 3, 2)), TypeError, "X must be a list"),
        (lambda: train_test_split([[0, 0]] * 4, [0] * 4, test_fraction=0), ValueError, "strictly between"),
        (lambda: train_test_split([[0, 0]] * 4, [0] * 4, test_fraction=-0.5), ValueError, "strictly between"),
        (lambda: train_test_split([[0, 0]] * 4, [0] * 4, test_fraction="0.2"), ValueError, "test_fraction"),
    ],
)
def test_bad_batches_and_splits(call, error, words):
    """[ch11] Bad batch sizes, mismatched lengths and bad ratios fail at the call, saying what is wrong."""
    with pytest.raises(error, match=words):
        call()


def test_check_dataset():
    """[ch11] check_dataset accepts good data and names the bad point or label otherwise."""
    X, y = make_spirals(n_samples=30, n_classes=3)
    check_dataset(X, y, n_features=2, n_classes=3)
    check_dataset(X, y)
    with pytest.raises(ValueError, match=r"y\[\d+\] is 2, expected a class index: one of 0..1"):
        check_dataset(X, y, n_classes=2)
    with pytest.raises(ValueError, match=r"X\[1\] has 3 coordinates, expected 2"):
        check_dataset([[0, 0], [1, 2, 3]], [0, 1])
    with pytest.raises(TypeError, match=r"X\[0\] should be a point"):
        check_dataset([0.5, 1.5], [0, 1])
    with pytest.raises(TypeError, match="int class index"):
        check_dataset([[0, 0], [1, 1]], [0.0, 1.0])
    with pytest.raises(ValueError, match="-1"):
        check_dataset([[0, 0], [1, 1]], [-1, 1])
    with pytest.raises(ValueError, match="2 points in X but 1 labels"):
        check_dataset([[0, 0], [1, 1]], [0])
    with pytest.raises(ValueError, match="empty"):
        check_dataset([], [])
