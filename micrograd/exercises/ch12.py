"""Chapter 12 — Why not tensors? Exercises on the vector-Jacobian products of array operations."""

from __future__ import annotations

import numpy as np

from micrograd.exercises.core import Exercise, Mismatch, expect_close_array, register


def _data(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.round(np.random.default_rng(seed).uniform(-2, 2, size=shape), 2)


# ---- 12.1 unbroadcast ----------------------------------------------------------------------------


def unbroadcast(grad, shape):
    """Sum ``grad`` back to ``shape``, undoing NumPy's broadcasting.

    Broadcasting added leading axes and stretched axes of size 1; every copy of
    an entry received its own gradient, so the entry's gradient is their sum.
    """
    while grad.ndim > len(shape):  # the added leading axes
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # the stretched axes (size 1 in shape)
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


_UNBROADCAST_CASES = [
    ((3, 4), (4,)),
    ((3, 4), (3, 1)),
    ((3, 4), (1, 4)),
    ((2, 3, 4), (3, 1)),
    ((2, 3), ()),
    ((2, 3), (2, 3)),
    ((5, 2, 3), (2, 1)),
]


def _check_unbroadcast(answer) -> None:
    for k, (grad_shape, shape) in enumerate(_UNBROADCAST_CASES):
        grad = _data(grad_shape, k)
        case = f"unbroadcast(grad of shape {grad_shape}, {shape})"
        expect_close_array(answer(grad.copy(), shape), unbroadcast(grad, shape), case)


def _unbroadcast_by_package(grad, shape):  # the tensor engine's own
    from micrograd.tensor import unbroadcast as package_unbroadcast

    return package_unbroadcast(grad, shape)


register(
    Exercise(
        id="12.1",
        title="unbroadcast: sum a gradient back to its input's shape",
        checker=_check_unbroadcast,
        reference=unbroadcast,
        shortcuts={
            "micrograd.tensor.unbroadcast": _unbroadcast_by_package,
        },
        hints=[
            "Line the shapes up from the right. Broadcasting did two things: it added axes on the left, and "
            "it stretched axes of size 1. Undo each with a sum.",
            "First sum over axis 0 while grad has more axes than shape. Then, for every axis where shape has "
            "size 1 but grad does not, sum over that axis with keepdims=True.",
            "while grad.ndim > len(shape): grad = grad.sum(axis=0)  — then loop over enumerate(shape).",
        ],
        wrong_answers=[
            lambda grad, shape: grad.sum(axis=tuple(range(grad.ndim - len(shape)))),  # forgets stretched axes
            lambda grad, shape: grad.reshape(-1)[: int(np.prod(shape))].reshape(shape),  # drops copies
            lambda grad, shape: np.broadcast_to(grad.mean(axis=0), shape) if shape else grad.mean(),  # a mean
            lambda grad, shape: unbroadcast(grad, shape) / max(1, grad.size // max(1, int(np.prod(shape)))),
        ],
    )
)

# ---- 12.2 the two VJPs of matmul -----------------------------------------------------------------


def matmul_vjp(a, b, g):
    """For out = a @ b and g = dL/d(out): (dL/da, dL/db) = (g @ b.T, a.T @ g).

    out[i, j] = sum_k a[i, k] * b[k, j], so
    dL/da[i, k] = sum_j g[i, j] * b[k, j]  and
    dL/db[k, j] = sum_i a[i, k] * g[i, j].
    """
    return g @ b.T, a.T @ g


_MATMUL_CASES = [((2, 3), (3, 4)), ((3, 3), (3, 3)), ((1, 5), (5, 1)), ((4, 2), (2, 2))]


def _check_matmul_vjp(answer) -> None:
    for k, (sa, sb) in enumerate(_MATMUL_CASES):
        a, b = _data(sa, 10 + k), _data(sb, 20 + k)
        g = _data((sa[0], sb[1]), 30 + k)
        case = f"a of shape {sa} @ b of shape {sb}"
        got = answer(a.copy(), b.copy(), g.copy())
        if not isinstance(got, tuple) or len(got) != 2:
            raise Mismatch(f"{case}: expected a pair (grad_a, grad_b), got {type(got).__name__}")
        want_a, want_b = matmul_vjp(a, b, g)
        expect_close_array(got[0], want_a, f"{case}: grad_a")
        expect_close_array(got[1], want_b, f"{case}: grad_b")


def _matmul_vjp_by_backward(a, b, g):  # the tensor engine's backward does the VJP
    from micrograd.tensor import Tensor

    ta, tb = Tensor(a), Tensor(b)
    (ta @ tb).backward(g)
    return ta.grad, tb.grad


register(
    Exercise(
        id="12.2",
        title="the two VJPs of matmul",
        checker=_check_matmul_vjp,
        reference=matmul_vjp,
        shortcuts={
            "micrograd.tensor.Tensor.backward": _matmul_vjp_by_backward,
        },
        hints=[
            "Write one entry: out[i, j] = sum_k a[i, k] * b[k, j]. Which entries of out does a[i, k] "
            "appear in, and with which factor?",
            "a[i, k] appears in out[i, j] for every j, with factor b[k, j]: "
            "dL/da[i, k] = sum_j g[i, j] b[k, j]. "
            "That is a matrix product of g with b transposed. Check the shapes: dL/da must have a's shape.",
            "return g @ b.T, a.T @ g",
        ],
        wrong_answers=[
            lambda a, b, g: (g @ b, a @ g),  # no transposes (shapes fit only for square matrices)
            lambda a, b, g: (b.T @ g.T, g.T @ a),  # transposes in the wrong places
            lambda a, b, g: (a.T @ g, g @ b.T),  # the two swapped
            lambda a, b, g: (np.ones_like(a) * b.sum(), np.ones_like(b) * a.sum()),  # elementwise thinking
        ],
    )
)

# ---- 12.3 the backward of mean over an axis ------------------------------------------------------


def mean_backward(g, shape, axis):
    """For out = x.mean(axis) (x of ``shape``) and g = dL/d(out): return dL/dx.

    Each x entry counts 1/n towards one output entry (n = shape[axis]), so it
    receives that entry's gradient divided by n: put the axis back (size 1),
    then broadcast along it.
    """
    n = shape[axis]
    return np.broadcast_to(np.expand_dims(g, axis) / n, shape).copy()


_MEAN_CASES = [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), -1), ((5,), 0)]


def _check_mean_backward(answer) -> None:
    for k, (shape, axis) in enumerate(_MEAN_CASES):
        out_shape = tuple(n for i, n in enumerate(shape) if i != axis % len(shape))
        g = _data(out_shape, 40 + k)
        case = f"x of shape {shape}, mean over axis {axis}"
        expect_close_array(answer(g.copy(), shape, axis), mean_backward(g, shape, axis), case)


def _mean_backward_by_backward(g, shape, axis):  # the tensor engine's backward does the VJP
    from micrograd.tensor import Tensor

    x = Tensor(np.zeros(shape))
    x.mean(axis=axis).backward(g)
    return x.grad


register(
    Exercise(
        id="12.3",
        title="the backward pass of mean over an axis",
        checker=_check_mean_backward,
        reference=mean_backward,
        shortcuts={
            "micrograd.tensor.Tensor.backward": _mean_backward_by_backward,
        },
        hints=[
            "out = x.mean(axis) averages n = shape[axis] entries into each output entry. "
            "d(out)/dx for one of them is 1/n.",
            "So every x entry gets g of its output entry, divided by n. g lacks the averaged axis: "
            "put it back with np.expand_dims(g, axis) (size 1), then np.broadcast_to(..., shape).",
            "return np.broadcast_to(np.expand_dims(g, axis) / shape[axis], shape).copy()",
        ],
        wrong_answers=[
            lambda g, shape, axis: np.broadcast_to(np.expand_dims(g, axis), shape).copy(),  # sum's backward
            lambda g, shape, axis: np.broadcast_to(np.expand_dims(g, axis) / np.prod(shape), shape).copy(),
            lambda g, shape, axis: np.broadcast_to(g / shape[axis], shape).copy(),  # axis not put back
            lambda g, shape, axis: np.broadcast_to(np.expand_dims(g, axis) / len(shape), shape).copy(),
        ],
    )
)

# ---- 12.4 softmax cross-entropy's gradient -------------------------------------------------------


def cross_entropy_grad(logits, labels):
    """d/d(logits) of the batch mean of logsumexp(z) - z[label].

    It is (softmax(z) - onehot(label)) / n for each row z.
    The softmax is computed stably: subtracting each row's max changes nothing
    (it cancels) but keeps every exponent <= 0.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    probabilities = exps / exps.sum(axis=1, keepdims=True)
    onehot = np.zeros_like(probabilities)
    onehot[np.arange(n), labels] = 1.0
    return (probabilities - onehot) / n


_CE_CASES = [
    (_data((4, 3), 50), np.array([0, 2, 1, 2])),
    (np.array([[2.0, -1.0, 0.5, 0.0]]), np.array([3])),
    (np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 799.0]]), np.array([1, 2])),
    (_data((6, 5), 51) * 5, np.array([4, 0, 0, 3, 1, 2])),
]


def _check_cross_entropy_grad(answer) -> None:
    for logits, labels in _CE_CASES:
        case = f"logits of shape {logits.shape}" + (" (large logits)" if abs(logits).max() > 100 else "")
        expect_close_array(answer(logits.copy(), labels.copy()), cross_entropy_grad(logits, labels), case)


def _naive_softmax_grad(logits, labels):
    with np.errstate(over="ignore", invalid="ignore"):  # it overflows for large logits: the mistake
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p / len(labels)


def _cross_entropy_grad_by_package(logits, labels):  # the tensor engine's loss and backward
    from micrograd.tensor import Tensor
    from micrograd.tensor_nn import cross_entropy

    z = Tensor(logits)
    cross_entropy(z, labels).backward()
    return z.grad


def _cross_entropy_grad_by_backward(logits, labels):  # the loss from Tensor ops, then backward
    from micrograd.tensor import Tensor

    z = Tensor(logits)
    picked = z.log_softmax(axis=1)[np.arange(len(labels)), labels]
    (-picked.mean()).backward()
    return z.grad


register(
    Exercise(
        id="12.4",
        title="softmax cross-entropy's gradient: softmax minus one-hot",
        checker=_check_cross_entropy_grad,
        reference=cross_entropy_grad,
        shortcuts={
            "micrograd.tensor_nn.cross_entropy": _cross_entropy_grad_by_package,
            "micrograd.tensor.Tensor.backward": _cross_entropy_grad_by_backward,
        },
        hints=[
            "For one example, loss = logsumexp(z) - z[label]. The derivative of logsumexp(z) with respect "
            "to z_i is softmax(z)_i; the derivative of z[label] is 1 at the label and 0 elsewhere.",
            "So each row's gradient is softmax(row) minus a one-hot row; the batch loss is a mean, so "
            "divide by n. Subtract each row's max before exp, or large logits overflow to nan.",
            "shifted = logits - logits.max(axis=1, keepdims=True); p = exp(shifted) / its row sums; "
            "p[np.arange(n), labels] -= 1; return p / n",
        ],
        wrong_answers=[
            lambda z, y: cross_entropy_grad(z, y) * z.shape[0],  # forgets the 1/n of the mean
            _naive_softmax_grad,  # nan for large logits
            lambda z, y: -cross_entropy_grad(z, y),  # onehot - softmax: the wrong sign
            lambda z, y: cross_entropy_grad(z, y) + np.eye(z.shape[1])[y] / z.shape[0],  # softmax only
        ],
    )
)
