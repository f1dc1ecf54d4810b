"""Networks and losses on :class:`~micrograd.tensor.Tensor` s: a whole batch in a few nodes.

The scalar ``micrograd.nn.MLP`` makes one graph node per neuron per example;
the classes here make one node per layer operation for the whole batch::

    import random
    from micrograd.tensor_nn import MLP, hinge
    from micrograd.optim import SGD

    random.seed(1337)
    model = MLP(2, [16, 16, 1])         # the same weights as micrograd.nn.MLP after the same seed
    optimizer = SGD(model.parameters(), lr=0.1)
    scores = model(X)                   # X: an array of shape (n, 2); scores: (n, 1)
    loss = hinge(scores, y, model.parameters(), alpha=1e-4)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

A :class:`Linear` layer holds ``W`` of shape ``(nin, nout)`` and ``b`` of shape
``(nout,)`` and computes ``x @ W + b`` for a batch ``x`` of shape ``(n, nin)``:
column ``j`` of ``W`` is neuron ``j``'s weights. With the default ``init`` the
weights are drawn from Python's ``random.uniform(-1, 1)`` in the order
``micrograd.nn`` draws them, so both engines build the same network from the
same seed and can be compared step by step. The optimizers of
:mod:`micrograd.optim` work unchanged: a parameter is anything with ``data`` and
``grad``.

The losses take a batch at once and return a one-number Tensor, averaged over
the batch like :mod:`micrograd.losses`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from typing import Any

import numpy

from micrograd import backend, nn
from micrograd.tensor import Tensor, affine

__all__ = [
    "MLP",
    "Linear",
    "Module",
    "binary_cross_entropy_with_logits",
    "hinge",
    "mse",
    "cross_entropy",
    "sum_of_squares",
]

INITS = ("uniform", "kaiming")


class Module(nn.Module):
    """``micrograd.nn.Module`` for Tensors: ``zero_grad()`` sets every grad to ``None``.

    ``None`` means "no gradient yet" (PyTorch's default too): the next
    ``backward`` stores its gradient without adding it to an array of zeros.
    ``optimizer.zero_grad()`` does the same.
    """

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None


def _check_size(name: str, size: object) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, numpy.integer)):
        raise TypeError(f"{name} must be an int, got {type(size).__name__}: {size!r}")
    if size < 1:
        raise ValueError(f"{name} must be at least 1, got {size}")
    return int(size)


class Linear(Module):
    """``out = x @ W + b`` (then ReLU unless ``nonlin=False``) for a batch ``x`` of shape ``(n, nin)``.

    ``init="uniform"`` draws every weight from ``random.uniform(-1, 1)`` (the
    scalar engine's choice and order); ``init="kaiming"`` from
    ``uniform(-sqrt(6 / nin), sqrt(6 / nin))``, which keeps the activations of a
    deep or wide ReLU network at a steady size. ``rng`` (a
    ``numpy.random.Generator``) draws the weights with NumPy instead of Python's
    ``random`` (much faster for big layers). The bias starts at 0.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        *,
        init: str = "uniform",
        rng: numpy.random.Generator | None = None,
        dtype: Any = numpy.float64,
    ) -> None:
        nin, nout = _check_size("nin", nin), _check_size("nout", nout)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        bound = 1.0 if init == "uniform" else math.sqrt(6.0 / nin)
        if rng is None:  # neuron by neuron, as micrograd.nn.Neuron draws them
            draws = [random.uniform(-1, 1) for _ in range(nin * nout)]
            weights = numpy.array(draws).reshape(nout, nin).T * bound
        else:
            weights = rng.uniform(-bound, bound, size=(nin, nout))
        xp = backend.xp
        self.W = Tensor(xp.asarray(numpy.ascontiguousarray(weights, dtype=dtype)), label="W")
        self.b = Tensor(xp.zeros(nout, dtype=dtype), label="b")
        self.nonlin = nonlin

    def __call__(self, x: Tensor | Any) -> Tensor:
        try:
            out = affine(x, self.W, self.b)  # x @ W + b as one node; it checks the shapes
        except ValueError:
            nin, shape = self.W.data.shape[0], tuple(getattr(x, "shape", ()))
            if len(shape) == 2 and shape[1] == nin:
                raise  # not the batch's fault: affine's own message says what is wrong
            raise ValueError(f"{self!r} takes a batch of shape (n, {nin}), got shape {shape}") from None
        return out.relu() if self.nonlin else out

    def parameters(self) -> list[Tensor]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        nin, nout = self.W.data.shape
        return f"{'ReLU' if self.nonlin else ''}Linear({nin}, {nout})"


class MLP(Module):
    """Linear layers of sizes ``[nin] + nouts``, ReLU after each but the last: ``MLP(2, [16, 16, 1])``.

    The keyword arguments (``init``, ``rng``, ``dtype``) go to every layer.
    """

    def __init__(self, nin: int, nouts: Sequence[int], **kwargs: Any) -> None:
        if isinstance(nouts, int) or len(nouts) == 0:
            raise TypeError(f"MLP(nin, nouts) needs a list of layer sizes such as [16, 16, 1], got {nouts!r}")
        sizes = [nin] + list(nouts)
        last = len(nouts) - 1
        self.layers = [Linear(sizes[i], sizes[i + 1], nonlin=i != last, **kwargs) for i in range(len(nouts))]

    def __call__(self, x: Tensor | Any) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"


# ---- losses --------------------------------------------------------------------------------------


def _batch(func: str, outputs: Tensor, targets: Any) -> tuple[Tensor, Any]:
    """Check predictions of shape (n,) or (n, 1) against n targets; the targets in the predictions' shape.

    The n targets may come as shape (n,) or (n, 1), whichever shape the predictions have (the same n
    numbers either way; no broadcasting of (n,) against (n, 1) into an (n, n) table).
    """
    if not isinstance(outputs, Tensor):
        raise TypeError(f"{func}: the predictions must be a Tensor, got {type(outputs).__name__}")
    shape = outputs.data.shape
    if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
        raise ValueError(f"{func}: the predictions must have shape (n,) or (n, 1), got {shape}")
    targets = backend.xp.asarray(targets)
    if targets.dtype.kind not in "iuf":
        raise TypeError(f"{func}: the targets must be numbers, got dtype {targets.dtype}")
    n = shape[0]
    if targets.shape not in ((n,), (n, 1)):
        raise ValueError(
            f"{func}: {n} predictions (shape {shape}) need {n} targets, of shape ({n},) or ({n}, 1); "
            f"got targets of shape {targets.shape}"
        )
    if n == 0:
        raise ValueError(f"{func}: the batch is empty")
    if targets.dtype.kind == "f" and bool(backend.xp.isnan(targets).any()):
        index = int(backend.xp.flatnonzero(backend.xp.isnan(targets.reshape(-1)))[0])
        raise ValueError(f"{func}: the targets contain NaN (at index {index})")
    return outputs, targets.reshape(shape)


def mse(predictions: Tensor, targets: Any) -> Tensor:
    """Mean squared error ``mean((p - t)**2)``;  d/dp_i = 2 (p_i - t_i) / n."""
    predictions, targets = _batch("mse", predictions, targets)
    return ((predictions - targets) ** 2).mean()


def _sum_of_squares_vjp(g, datas):
    scale = 2.0 * float(g)
    return tuple(scale * d for d in datas)


def _parameters(func: str, parameters: Iterable[Tensor]) -> tuple[Tensor, ...]:
    params = tuple(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{func}: the parameters must be Tensors, got {type(p).__name__}")
    return params


def sum_of_squares(parameters: Iterable[Tensor]) -> Tensor:
    """``sum of p**2 over every entry of every parameter``, as ONE node;  d/dp = 2 p.

    (As ``(p**2).sum()`` per parameter and a chain of ``+`` it would be three
    nodes per parameter: the same numbers, more bookkeeping.)
    """
    params = _parameters("sum_of_squares", parameters)
    datas = tuple(p.data for p in params)
    total = sum(float((d * d).sum()) for d in datas)
    return Tensor._result(backend.xp.asarray(total), params, _sum_of_squares_vjp, datas, "sum p²")


def _hinge_vjp(g, ctx):
    dscores, datas, alpha = ctx
    g = float(g)
    scale = 2.0 * alpha * g
    return (dscores * g, *[scale * d for d in datas])


def hinge(scores: Tensor, labels: Any, parameters: Iterable[Tensor] = (), alpha: float = 0.0) -> Tensor:
    """Max-margin loss ``mean(max(0, 1 - y * s)) + alpha * sum of p**2`` (labels y of -1 or +1), ONE node.

    The same as ``(1 - y * s).relu().mean() + alpha * sum_of_squares(parameters)``
    (four nodes and three more), with the gradients written out:
    d/ds_i = -y_i / n where the margin ``1 - y_i s_i`` is positive (else 0), d/dp = 2 alpha p.
    """
    scores, labels = _batch("hinge", scores, labels)
    xp = backend.xp
    if xp.count_nonzero(abs(labels) != 1):
        raise ValueError("hinge: labels must be -1 or +1 (for 0/1 labels use 2 * y - 1)")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha >= 0:
        raise ValueError(f"hinge: alpha must be a number >= 0, got {alpha!r}")
    n = labels.shape[0]
    margins = 1.0 - labels * scores.data
    active = margins > 0
    loss = float((margins * active).sum()) / n
    params = _parameters("hinge", parameters) if alpha else ()
    datas = [p.data for p in params]
    if alpha:
        loss += float(alpha) * sum(float((d * d).sum()) for d in datas)
    dscores = (labels * active) * (-1.0 / n)
    ctx = (dscores, datas, float(alpha))
    return Tensor._result(xp.asarray(loss), (scores, *params), _hinge_vjp, ctx, "hinge")


def _bce_with_logits_vjp(g, ctx):
    probabilities, labels, n = ctx
    return ((probabilities - labels) * (g / n),)


def binary_cross_entropy_with_logits(logits: Tensor, labels: Any) -> Tensor:
    """``mean(log(1 + e**z) - y * z)`` for labels y in [0, 1], ONE node;  d/dz_i = (sigmoid(z_i) - y_i) / n.

    ``log(1 + e**z) = max(z, 0) + log1p(e**-|z|)``: the only exponent is <= 0,
    so the loss and its gradient are finite for every finite z (PyTorch's
    formula, and the same number as the mean of ``-y log p - (1 - y) log(1 - p)``
    with p = sigmoid(z)). NaN logits give a NaN loss, as in PyTorch.
    """
    logits, labels = _batch("binary_cross_entropy_with_logits", logits, labels)
    if not bool(((labels >= 0) & (labels <= 1)).all()):
        raise ValueError("binary_cross_entropy_with_logits: labels must be 0 or 1 (or a probability between)")
    xp = backend.xp
    z = logits.data
    labels = labels.astype(z.dtype, copy=False)
    e = xp.exp(-xp.abs(z))  # e**-|z| <= 1: never overflows
    n = z.shape[0]
    loss = (xp.maximum(z, 0) - labels * z + xp.log1p(e)).sum() / n
    probabilities = xp.where(z >= 0, 1 / (1 + e), e / (1 + e))  # sigmoid(z), stably
    ctx = (probabilities, labels, n)
    return Tensor._result(
        xp.asarray(loss, dtype=z.dtype), (logits,), _bce_with_logits_vjp, ctx, "BCE-with-logits"
    )


def _cross_entropy_vjp(g, ctx):
    probabilities, rows, labels, n = ctx
    grad = probabilities.copy()
    grad[rows, labels] -= 1.0
    return (grad * (g / n),)


def cross_entropy(logits: Tensor, labels: Any) -> Tensor:
    """Mean over the batch of ``logsumexp(z) - z[label]``, as ONE node;  d/dz = (softmax(z) - onehot) / n.

    ``logits`` has shape ``(n, k)``, ``labels`` holds n class indices 0..k-1.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"cross_entropy: the logits must be a Tensor, got {type(logits).__name__}")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: the logits must have shape (n, k), got {logits.shape}")
    xp = backend.xp
    labels = xp.asarray(labels)
    n, k = logits.shape
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: the labels must be class indices (ints), got {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: {n} rows of logits but labels of shape {labels.shape}")
    if n == 0:
        raise ValueError("cross_entropy: the batch is empty")
    if bool((labels < 0).any() or (labels >= k).any()):
        raise ValueError(f"cross_entropy: labels must be class indices 0..{k - 1}")
    z = logits.data
    shifted = z - z.max(axis=1, keepdims=True)
    exps = xp.exp(shifted)
    sums = exps.sum(axis=1, keepdims=True)
    rows = xp.arange(n)
    loss = (xp.log(sums[:, 0]) - shifted[rows, labels]).sum() / n
    ctx = (exps / sums, rows, labels, n)
    return Tensor._result(xp.asarray(loss), (logits,), _cross_entropy_vjp, ctx, "cross-entropy")
