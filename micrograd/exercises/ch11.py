"""Chapter 11 — Training a network: accuracy, mini-batches, one training step."""

from __future__ import annotations

import math
import random
from typing import Any

from micrograd.data import make_moons, to_plus_minus_one
from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    expect_close,
    expect_close_sequence,
    register,
)
from micrograd.losses import hinge
from micrograd.nn import MLP

# ---- 11.1 accuracy from scores -------------------------------------------------------------


def accuracy(scores: list[float], labels: list[int]) -> float:
    """The fraction of examples with (label > 0) == (score > 0).

    Labels are -1/+1; a score of exactly 0 counts as a -1 prediction,
    as in the reference micrograd demo.
    """
    correct = [(y > 0) == (s > 0) for s, y in zip(scores, labels, strict=True)]
    return sum(correct) / len(correct)


_ACCURACY_CASES = [
    ([2.0, -1.5, 0.3, -0.2], [1, -1, 1, -1], 1.0),
    ([2.0, -1.5, 0.3, -0.2], [1, -1, -1, 1], 0.5),
    ([0.7, 0.1, -3.0], [-1, -1, 1], 0.0),
    ([0.0, 0.0, 1.0, -1.0, 5.0], [-1, 1, 1, 1, 1], 0.6),
    ([-0.25], [-1], 1.0),
    ([0.0, 1.0, -2.0, 0.0], [-1, 1, -1, -1], 1.0),
]


def _check_accuracy(answer: Any) -> None:
    for scores, labels, expected in _ACCURACY_CASES:
        got = answer(list(scores), list(labels))
        expect_close(got, expected, f"accuracy({scores}, {labels})", rel=1e-12, abs_tol=1e-12)


def _accuracy_by_package(scores, labels):  # the package's metric
    from micrograd.metrics import binary_accuracy

    return binary_accuracy(scores, labels)


def _accuracy_of_signs_by_package(scores, labels):  # the package's accuracy of predicted classes
    from micrograd.metrics import accuracy as package_accuracy

    return package_accuracy([1 if s > 0 else -1 for s in scores], labels)


register(
    Exercise(
        id="11.1",
        title="accuracy from scores",
        checker=_check_accuracy,
        reference=accuracy,
        shortcuts={
            "micrograd.metrics.binary_accuracy": _accuracy_by_package,
            "micrograd.metrics.accuracy": _accuracy_of_signs_by_package,
        },
        hints=[
            "An example is right when the score and the label are on the same side of 0.",
            "Compare the booleans (y > 0) and (s > 0); a score of exactly 0 is a -1 prediction.",
            "True counts as 1: return sum((y > 0) == (s > 0) for s, y in zip(scores, labels)) / len(labels)",
        ],
        wrong_answers=[
            lambda s, y: sum(
                (b > 0) == (a > 0) for a, b in zip(s, y, strict=True)
            ),  # a count, not a fraction
            lambda s, y: (
                100 * sum((b > 0) == (a > 0) for a, b in zip(s, y, strict=True)) / len(y)
            ),  # a percentage
            lambda s, y: (
                sum(a * b > 0 for a, b in zip(s, y, strict=True)) / len(y)
            ),  # a zero score is never right
            lambda s, y: (
                sum((b > 0) == (a >= 0) for a, b in zip(s, y, strict=True)) / len(y)
            ),  # 0 counted as +1
        ],
    )
)

# ---- 11.2 mini-batches of indices --------------------------------------------------------


def minibatch_indices(n: int, batch_size: int, seed: int) -> list[list[int]]:
    """Shuffle 0..n-1 with random.Random(seed), cut into batch_size pieces.

    Every index appears exactly once; the last batch holds what is left.
    """
    order = list(range(n))
    random.Random(seed).shuffle(order)
    starts = range(0, n, batch_size)
    return [order[start : start + batch_size] for start in starts]


_BATCH_CASES = [(10, 3), (12, 4), (7, 7), (5, 10), (50, 8), (1, 1)]


def _check_minibatches(answer: Any) -> None:
    for n, batch_size in _BATCH_CASES:
        case = f"minibatch_indices({n}, {batch_size}, seed=0)"
        got = answer(n, batch_size, 0)
        if not isinstance(got, (list, tuple)):
            raise Mismatch(f"{case}: expected a list of batches (lists of indices), got {type(got).__name__}")
        sizes = []
        for k, batch in enumerate(got):
            if not isinstance(batch, (list, tuple)):
                raise Mismatch(f"{case}: batch {k} should be a list of indices, got {type(batch).__name__}")
            if not all(isinstance(i, int) and not isinstance(i, bool) for i in batch):
                raise Mismatch(f"{case}: batch {k} should hold int indices, got {list(batch)!r}")
            sizes.append(len(batch))
        everything = sorted(i for batch in got for i in batch)
        if everything != list(range(n)):
            missing = sorted(set(range(n)) - set(everything))
            repeated = sorted({i for i in everything if everything.count(i) > 1})
            raise Mismatch(
                f"{case}: every index 0..{n - 1} must appear exactly once; "
                f"missing {missing}, repeated {repeated}, out of range "
                f"{sorted(i for i in everything if not 0 <= i < n)}"
            )
        expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if sizes != expected_sizes:
            raise Mismatch(f"{case}: expected batches of sizes {expected_sizes}, got {sizes}")
    first = answer(50, 8, 0)
    if [list(b) for b in first] != [list(b) for b in answer(50, 8, 0)]:
        raise Mismatch(
            "minibatch_indices(50, 8, seed=0) twice gave different batches: use random.Random(seed)"
        )
    if [i for batch in first for i in batch] == list(range(50)):
        raise Mismatch(
            "minibatch_indices(50, 8, seed=0) kept the indices in order 0, 1, 2, ...: shuffle them"
        )
    if all([list(b) for b in answer(50, 8, seed)] == [list(b) for b in first] for seed in (1, 2, 3)):
        raise Mismatch("seeds 0, 1, 2 and 3 all gave the same batches: shuffle with random.Random(seed)")


def _unshuffled(n, batch_size, seed):
    order = list(range(n))
    return [order[s : s + batch_size] for s in range(0, n, batch_size)]


def _drop_last(n, batch_size, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[s : s + batch_size] for s in range(0, n - batch_size + 1, batch_size)]


def _with_replacement(n, batch_size, seed):
    rng = random.Random(seed)
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    return [[rng.randrange(n) for _ in range(size)] for size in sizes]


def _off_by_one(n, batch_size, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[s : s + batch_size - 1] for s in range(0, n, batch_size)]


register(
    Exercise(
        id="11.2",
        title="mini-batches of indices",
        checker=_check_minibatches,
        reference=minibatch_indices,
        hints=[
            "Make the list 0..n-1, shuffle it with a generator of your own, then cut it into slices.",
            "rng = random.Random(seed); rng.shuffle(order) changes the list in place.",
            "Slices of batch_size start at 0, batch_size, 2*batch_size, ...: "
            "[order[s:s + batch_size] for s in range(0, n, batch_size)]",
        ],
        wrong_answers=[_unshuffled, _drop_last, _with_replacement, _off_by_one],
    )
)

# ---- 11.3 one training step ------------------------------------------------------------------


def train_step(
    model: Any,
    X: list,
    y: list[int],
    lr: float,
    alpha: float = 1e-4,
) -> float:
    """One gradient-descent step on hinge + alpha * L2; the loss before it.

    Forward (scores, loss), zero the grads, backward, p = p - lr * dL/dp.
    """
    scores = [model(x) for x in X]
    loss = hinge(scores, y, model.parameters(), alpha=alpha)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def _model(seed: int) -> MLP:
    state = random.getstate()
    random.seed(seed)
    try:
        return MLP(2, [4, 4, 1])
    finally:
        random.setstate(state)


def _check_train_step(answer: Any) -> None:
    X, labels = make_moons(n_samples=12, noise=0.1, seed=3)
    y = to_plus_minus_one(labels)
    for seed, lr, alpha in ((1, 0.1, 1e-4), (7, 0.5, 0.01)):
        mine, theirs, stale = _model(seed), _model(seed), _model(seed)
        for k in range(3):
            case = f"step {k + 1} with lr={lr}, alpha={alpha} (a 2-4-4-1 MLP, 12 moons)"
            expected = train_step(mine, X, y, lr, alpha)
            _no_zero_grad(stale, X, y, lr, alpha)  # what a step without zero_grad gives
            before = [p.data for p in theirs.parameters()]
            got = answer(theirs, [list(x) for x in X], list(y), lr, alpha)
            expect_close(got, expected, f"{case}: the returned loss", rel=1e-9, abs_tol=1e-12)
            after = [p.data for p in theirs.parameters()]
            try:
                expect_close_sequence(
                    after,
                    [p.data for p in mine.parameters()],
                    f"{case}: the parameters after the step",
                    rel=1e-9,
                    abs_tol=1e-12,
                )
            except Mismatch as wrong:
                raise Mismatch(_diagnose_step(str(wrong), case, before, after, stale)) from None


def _diagnose_step(message: str, case: str, before: list, after: list, stale: Any) -> str:
    """The checker's message, with the likely cause when the parameters did not move or used stale grads."""
    if after == before:
        return (
            f"{case}: your step left every parameter as it was. `p -= lr * p.grad` makes a new Value "
            "and rebinds the name p, leaving the model's parameter alone: change the number inside, "
            "p.data -= lr * p.grad"
        )
    if all(math.isclose(a, p.data, rel_tol=1e-9, abs_tol=1e-12) for a, p in zip(after, stale.parameters())):
        return (
            f"{case}: your step is what a step gives whose gradients still hold the previous steps' "
            "(backward adds into p.grad): call model.zero_grad() before loss.backward()"
        )
    return message


def _no_zero_grad(model, X, y, lr, alpha=1e-4):
    loss = hinge([model(x) for x in X], y, model.parameters(), alpha=alpha)
    loss.backward()  # grads pile up from one step to the next
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def _uphill(model, X, y, lr, alpha=1e-4):
    loss = hinge([model(x) for x in X], y, model.parameters(), alpha=alpha)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data += lr * p.grad
    return loss.data


def _no_l2(model, X, y, lr, alpha=1e-4):
    loss = hinge([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def _loss_after(model, X, y, lr, alpha=1e-4):
    train_step(model, X, y, lr, alpha)
    return hinge([model(x) for x in X], y, model.parameters(), alpha=alpha).data


register(
    Exercise(
        id="11.3",
        title="one training step",
        checker=_check_train_step,
        reference=train_step,
        hints=[
            "Four moves: forward (scores and loss), zero the grads, backward, update every parameter.",
            "loss = hinge([model(x) for x in X], y, model.parameters(), alpha=alpha); "
            "then model.zero_grad() BEFORE loss.backward().",
            "Step downhill: p.data -= lr * p.grad for every p in model.parameters(); return loss.data.",
        ],
        wrong_answers=[_no_zero_grad, _uphill, _no_l2, _loss_after],
    )
)
