"""[ch16] micrograd.data.load_digits (the UCI digits shipped with the package) and the stratified split."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from micrograd.data import (
    DIGITS_ATTRIBUTION,
    DIGITS_SEED,
    DIGITS_SPLIT,
    digits_split,
    load_digits,
    stratified_split,
)
from tests.fresh_python import run_python

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "micrograd" / "datasets" / "digits.csv.gz"
# per-digit counts of the UCI test set (optdigits.tes), as documented with the data
UCI_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_shape_values_and_labels():
    images, labels = load_digits()
    assert len(images) == len(labels) == 1797
    assert all(len(image) == 64 for image in images)
    assert all(type(v) is int and 0 <= v <= 16 for image in images for v in image)
    assert [Counter(labels)[d] for d in range(10)] == UCI_COUNTS
    # the first digit is a 0: a ring of ink around a blank middle
    first = images[0]
    assert labels[0] == 0
    assert first[:8] == [0, 0, 5, 13, 9, 1, 0, 0]
    assert first[8 * 3 + 3] == first[8 * 4 + 3] == 0  # blank centre


def test_file_is_the_documented_copy_with_its_attribution():
    digest = hashlib.sha256(DATA.read_bytes()).hexdigest()
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    assert digest in readme, "datasets/README.md names the SHA-256 of the shipped file"
    assert "CC BY 4.0" in readme and "CC BY 4.0" in DIGITS_ATTRIBUTION
    assert "Alpaydin" in readme and "Alpaydin" in DIGITS_ATTRIBUTION
    rows = gzip.decompress(DATA.read_bytes()).decode("ascii").splitlines()
    assert len(rows) == 1797 and all(len(row.split(",")) == 65 for row in rows)


def test_the_file_is_package_data():
    """pyproject ships the file and its README inside the package (a wheel would otherwise lack them)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    shipped = re.search(r"^micrograd = \[(.*)\]", section, re.MULTILINE).group(1)
    assert '"datasets/digits.csv.gz"' in shipped and '"datasets/README.md"' in shipped


def test_loading_needs_no_network_and_no_numpy():
    program = (
        "import socket, sys\n"
        "socket.socket = None  # any network use would fail\n"
        "from micrograd.data import load_digits\n"
        "images, labels = load_digits()\n"
        "assert len(images) == 1797\n"
        "assert 'numpy' not in sys.modules and 'sklearn' not in sys.modules\n"
    )
    run_python(program)


def test_stratified_split_is_a_partition_with_the_same_shares_per_class():
    X = list(range(1000))
    y = [i % 7 if i < 700 else 3 for i in X]  # unbalanced: class 3 is big
    parts = stratified_split(X, y, (0.6, 0.2, 0.2), seed=5)
    seen = sorted(x for part_X, _ in parts for x in part_X)
    assert seen == X  # every example exactly once
    for part_X, part_y in parts:
        assert part_y == [y[x] for x in part_X]  # labels stay with their examples
        assert part_X == sorted(part_X)  # the original order is kept
    counts = Counter(y)
    for (_, part_y), fraction in zip(parts, (0.6, 0.2, 0.2), strict=True):
        got = Counter(part_y)
        for label, n in counts.items():
            assert abs(got[label] - fraction * n) <= 1, (label, got[label], fraction * n)


def test_stratified_split_is_deterministic_and_depends_on_the_seed():
    X, y = list(range(300)), [i % 3 for i in range(300)]
    assert stratified_split(X, y, seed=1) == stratified_split(X, y, seed=1)
    assert stratified_split(X, y, seed=1) != stratified_split(X, y, seed=2)


@pytest.mark.parametrize("fractions", [(0.5, 0.6), (1.0,), (0.5, 0.0, 0.5), (0.7, -0.1, 0.4)])
def test_stratified_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        stratified_split([1, 2, 3], [0, 1, 0], fractions)


def test_the_course_split():
    train, validation, test = digits_split()
    assert [len(part[0]) for part in (train, validation, test)] == [1078, 360, 359]
    for part in (train, validation, test):
        counts = Counter(part[1])
        assert set(counts) == set(range(10))
        assert max(counts.values()) - min(counts.values()) <= 6  # stratified: balanced like the data
    # the parts are the split of the indices: no example is in two parts (the test set is untouched)
    images, labels = load_digits()
    index_parts = stratified_split(list(range(len(images))), labels, DIGITS_SPLIT, seed=DIGITS_SEED)
    assert sorted(i for part, _ in index_parts for i in part) == list(range(len(images)))
    for (indices, _), (part_images, part_labels) in zip(index_parts, (train, validation, test), strict=True):
        assert part_images == [images[i] for i in indices]
        assert part_labels == [labels[i] for i in indices]
    assert digits_split() == (train, validation, test)


def test_module_docstring_mentions_the_licence():
    import micrograd.data

    assert re.search(r"CC BY 4\.0", micrograd.data.__doc__)
