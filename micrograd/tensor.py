"""A small tensor autograd engine: the scalar engine's design, one node per array operation.

A :class:`Tensor` wraps an array (NumPy by default, CuPy through
:mod:`micrograd.backend`, read at every call) and remembers how it was
computed, exactly like a scalar ``Value``:

* ``_prev``: its parents, the Tensors it was computed from;
* ``_vjp`` and ``_ctx``: the rule that sends the output's gradient back to the
  parents (a plain module-level function, the same for every node of an
  operation) and the arrays that rule needs, saved in the forward pass.

Where the scalar engine multiplies by a local derivative, a tensor operation
applies a **vector-Jacobian product** (VJP): given ``g = dL/d(out)``, with the
shape of ``out``, it returns ``dL/d(input)`` for each input, without ever
building the Jacobian. The rules (``g`` is the output's gradient; ``@`` is the
matrix product; in this table ``.T`` swaps the last two axes, ``swapaxes(-1, -2)``, while a
Tensor's own ``.T`` reverses all its axes, as NumPy's does):

=================================  ============================================
operation                          VJP: gradient sent to each input
=================================  ============================================
``a + b``, ``a - b``               ``g``, ``±g``
``a * b``                          ``g * b``, ``g * a``
``a / b``                          ``g / b``, ``-g * a / b**2``
``a ** n`` (n a number)            ``g * n * a**(n-1)``
``a @ b``                          ``g @ b.T``, ``a.T @ g``
``affine(x, W, b)`` = x @ W + b    ``g @ W.T``, ``x.T @ g``, ``g.sum(axis=0)``
``a.sum(axis)``                    ``g`` copied back along ``axis``
``a.mean(axis)``                   ``g / n`` copied back along ``axis``
``a.max(axis)``                    ``g`` to the largest entries (shared by ties)
``a.reshape(s)``, ``a.transpose``  ``g`` reshaped / transposed back
``a[index]``                       ``g`` added into zeros at ``index``
``exp``, ``log``                   ``g * out``, ``g / a``
``tanh``, ``sigmoid``, ``relu``    ``g * (1 - out**2)``, ``g * out * (1 - out)``, ``g * (a > 0)``
                                   (the first two computed from e**-|a|, see below)
``log_softmax(a)``                 ``g - softmax(a) * g.sum(axis)``
``logsumexp(a)``                   ``g * softmax(a)``
=================================  ============================================

**Broadcasting.** NumPy stretches operands to a common shape (a bias of shape
``(n,)`` is added to every row of an ``(m, n)`` batch). The gradient of an
input that was stretched is the *sum* of the gradients of its copies, so the
VJPs of the operations that broadcast (``+ - * /`` and batched ``@``) sum each
gradient back to its input's shape (:func:`unbroadcast`). Every VJP returns
gradients in its inputs' shapes, as the tests check for every operation.

``backward`` sorts the graph with :func:`micrograd.engine.topological_order`
(the scalar engine's iterative sort: it only reads ``_prev``), then applies
each node's VJP once, in reverse order, and adds what it returns to the parents' grads.

**Constants.** Plain numbers and arrays are constants: they take part in the
computation but are not parents and get no gradient (a network's inputs and
labels are arrays, its weights are Tensors).

A Tensor's data must be floating point (ints are converted from Python
numbers and lists; an integer *array* is refused, since a gradient could not
be stored in it). ``grad`` is ``None`` until ``backward`` reaches the Tensor;
leaves accumulate (``+``) across calls, so clear them between steps
(``model.zero_grad()`` of :mod:`micrograd.tensor_nn` sets them back to
``None``, and so does an optimizer's ``zero_grad()``, as in PyTorch).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from micrograd import backend
from micrograd.engine import topological_order  # the scalar engine's sort: it reads only ``_prev``

backend.limit_blas_threads_from_environment()  # small matrices: one BLAS thread is fastest (see backend)

__all__ = ["Tensor", "affine", "log_softmax", "logsumexp", "topological_order", "unbroadcast"]

ArrayLike = Any  # a number, a nested list, or a NumPy/CuPy array


# ---- input checks --------------------------------------------------------------------------------


def _as_data(data: Any, what: str = "Tensor()") -> Any:
    """A learner's data as a floating-point array of the current backend, or a clear error."""
    xp = backend.xp
    if isinstance(data, Tensor):
        return data.data.copy()
    if isinstance(data, bool):
        raise TypeError(f"{what} needs numbers, got a bool ({data!r}): write 1.0 or 0.0")
    if isinstance(data, numbers.Real):
        return xp.asarray(float(data))
    if backend.is_array(data):
        kind = data.dtype.kind
        if kind == "f":
            return xp.array(data)  # a copy: ``t.data += ...`` must not change the caller's array
        if kind in "iub":
            raise TypeError(
                f"{what} needs floating-point data to hold gradients, got an array of dtype {data.dtype} "
                "(use arr.astype(float); integer labels and indices stay plain arrays)"
            )
        raise TypeError(f"{what} needs numbers, got an array of dtype {data.dtype}")
    if isinstance(data, (list, tuple)):
        try:
            array = numpy.asarray(data)
        except ValueError:
            raise ValueError(f"{what}: the nested lists have different lengths (a ragged list)") from None
        if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
            found = "bools" if array.dtype.kind == "b" else f"{array.dtype} entries"
            raise TypeError(f"{what} needs numbers (ints or floats), got a list of {found}")
        return xp.asarray(array, dtype=xp.float64)
    raise TypeError(f"{what} needs a number, a list of numbers or an array, got {type(data).__name__}")


def _constant(x: Any, op: str) -> Any:
    """The other operand of ``tensor <op> x`` when x is not a Tensor: a number or an array (no gradient)."""
    kind = type(x)
    if kind is float or kind is int:
        return x
    if kind is numpy.ndarray and x.dtype.kind in "biuf":
        return x
    if isinstance(x, bool) or isinstance(x, (str, bytes)) or x is None:
        raise TypeError(
            f"Tensor {op} {type(x).__name__}: the other operand must be a number, array or Tensor"
        )
    if isinstance(x, numbers.Real):
        return x
    if backend.is_array(x):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"Tensor {op} array of dtype {x.dtype}: the array must hold numbers")
        return x
    if isinstance(x, (list, tuple)):
        return _as_data(x, f"Tensor {op} list")
    raise TypeError(f"Tensor {op} {type(x).__name__}: the other operand must be a number, array or Tensor")


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(getattr(x, "shape", ()))


def _broadcast_error(op: str, a: Any, b: Any) -> ValueError:
    return ValueError(
        f"{op}: shapes {_shape(a)} and {_shape(b)} do not broadcast (line them up from the right: each "
        "pair of sizes must be equal, or one of them 1)"
    )


def _axes(axis: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` as a sorted tuple of non-negative axes (all axes for None), or a clear error."""
    if axis is None:
        return tuple(range(ndim))
    items = (axis,) if isinstance(axis, (int, numpy.integer)) else tuple(axis)
    result = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (int, numpy.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} axes")
        result.append(int(a) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: axis {axis!r} names an axis twice")
    return tuple(sorted(result))


# ---- the graph -----------------------------------------------------------------------------------


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` down to ``shape``: the mirror of broadcasting in the backward pass.

    Broadcasting adds leading axes and stretches axes of size 1; each copy of an
    entry passed its gradient on separately, so the entry's gradient is their
    sum: sum over the added leading axes, then over the stretched ones (keeping
    them, with size 1).
    """
    if grad.shape == shape:
        return grad
    if grad.ndim == 2 and len(shape) == 1 and grad.shape[1] == shape[0]:  # the usual case: a bias
        return grad.sum(axis=0)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return backend.xp.asarray(grad) if not shape else grad


# ---- the VJP rules: (g, ctx) -> one gradient per parent, in the parent's shape --------------------
# ``which`` says which operands of a binary operation are Tensors: 3 both, 1 the left one, 2 the right one.

BOTH, LEFT, RIGHT = 3, 1, 2


def _summed_back(which, a, b, grad_a, grad_b):
    """The gradients of the operands that are Tensors, each summed back to its operand's shape.

    The element-wise operations broadcast their operands, so their rules end here.
    """
    if which == BOTH:
        return (unbroadcast(grad_a, _shape(a)), unbroadcast(grad_b, _shape(b)))
    if which == LEFT:
        return (unbroadcast(grad_a, _shape(a)),)
    return (unbroadcast(grad_b, _shape(b)),)


def _add_vjp(g, ctx):
    a, b, which = ctx
    return _summed_back(which, a, b, g, g)


def _sub_vjp(g, ctx):
    a, b, which = ctx
    return _summed_back(which, a, b, g, -g if which & RIGHT else None)


def _mul_vjp(g, ctx):
    a, b, which = ctx
    grad_a = g * b if which & LEFT else None
    grad_b = g * a if which & RIGHT else None
    return _summed_back(which, a, b, grad_a, grad_b)


def _div_vjp(g, ctx):
    a, b, out, which = ctx  # d(a/b)/da = 1/b;  d(a/b)/db = -a/b**2 = -out/b
    grad_a = g / b
    grad_b = -grad_a * out if which & RIGHT else None
    return _summed_back(which, a, b, grad_a, grad_b)


def _pow_vjp(g, ctx):
    a, n = ctx
    if n == 0:  # a**0 = 1 is a constant: d/da = 0, also at a = 0 (where 0 * a**-1 would be nan)
        return (backend.xp.zeros_like(g * a),)
    if n == 2:
        return (g * (2.0 * a),)
    return (g * (n * a ** (n - 1)),)


def _neg_vjp(g, _):
    return (-g,)


def _matmul_vjp(g, ctx):
    a, b, which = ctx
    if a.ndim == 2 and b.ndim == 2:
        if which == BOTH:
            return (g @ b.T, a.T @ g)
        return (g @ b.T,) if which == LEFT else (a.T @ g,)
    # 1-D operands: make them matrices (a row, b a column), as matmul itself does; the
    # leading (batch) axes broadcast, so the gradients are summed back to the operands' shapes
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if b.ndim == 1:  # first the column axis, so that 1-D @ 1-D (g a 0-d array) becomes a 1 x 1 matrix
        g = g[..., None]
    if a.ndim == 1:
        g = g[..., None, :]
    grad_a = grad_b = None
    if which & LEFT:
        grad_a = g @ b2.swapaxes(-1, -2)
        if a.ndim == 1:
            grad_a = grad_a[..., 0, :]  # drop the row axis that made a a matrix
    if which & RIGHT:
        grad_b = a2.swapaxes(-1, -2) @ g
        if b.ndim == 1:
            grad_b = grad_b[..., 0]  # drop the column axis that made b a matrix
    return _summed_back(which, a, b, grad_a, grad_b)


def _affine_vjp(g, ctx):
    x, W, which = ctx  # which: 3 = x, W and b are Tensors; 2 = x is a constant (W and b are)
    grads = (g @ W.T,) if which == BOTH else ()
    return (*grads, x.T @ g, g.sum(axis=0))


def _expand(g, axes, keepdims):
    """``g`` with the reduced axes put back (size 1), so it broadcasts against the input."""
    if keepdims or not axes:
        return g
    return g.reshape(_kept_shape(g.shape, axes))


def _kept_shape(shape, axes):
    shape = list(shape)
    for a in axes:  # axes are sorted, so inserting in order puts each at its place
        shape.insert(a, 1)
    return tuple(shape)


def _spread(g, shape):
    """A new array of ``shape`` filled with ``g`` (broadcast): one copy of g per entry summed over."""
    out = backend.xp.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


def _sum_vjp(g, ctx):
    shape, axes, keepdims = ctx
    return (_spread(_expand(g, axes, keepdims), shape),)


def _mean_vjp(g, ctx):
    shape, axes, keepdims, count = ctx
    return (_spread(_expand(g, axes, keepdims) / count, shape),)


def _max_vjp(g, ctx):
    a, out_kept, axes, keepdims = ctx
    winners = a == out_kept  # the entries that equal the max (ties share the gradient)
    share = winners / winners.sum(axis=axes, keepdims=True)
    return (_expand(g, axes, keepdims) * share,)


def _reshape_vjp(g, shape):
    return (g.reshape(shape),)


def _transpose_vjp(g, inverse):
    return (g.transpose(inverse),)


def _getitem_vjp(g, ctx):
    shape, index, advanced = ctx
    xp = backend.xp
    full = xp.zeros(shape, dtype=g.dtype)
    if advanced:  # an index array may pick one entry twice: add.at adds both gradients
        xp.add.at(full, index, g)
    else:
        full[index] = g
    return (full,)


def _exp_vjp(g, out):
    return (g * out,)


def _log_vjp(g, a):
    return (g / a,)


def _slope_vjp(g, slope):
    """tanh and sigmoid: the local derivative, computed in the forward pass, times g."""
    return (g * slope,)


def _sigmoid_slope(e):
    """sigmoid'(x) = e / (1 + e)**2 with e = e**-|x|: no ``1 - out``, which cancels to 0 for large |x|."""
    one_plus_e = 1.0 + e
    return e / (one_plus_e * one_plus_e)


def _relu_vjp(g, out):
    return (g * (out > 0),)


def _log_softmax_vjp(g, ctx):
    out, axis = ctx
    return (g - backend.xp.exp(out) * g.sum(axis=axis, keepdims=True),)


def _logsumexp_vjp(g, ctx):
    a, out_kept, axes, keepdims = ctx
    xp = backend.xp
    empty = out_kept == -xp.inf  # a row of -inf: no entry has any weight (softmax would be 0 / 0)
    softmax = xp.exp(a - xp.where(empty, 0.0, out_kept))
    return (_expand(g, axes, keepdims) * softmax,)


# ---- the Tensor ----------------------------------------------------------------------------------


class Tensor:
    """An array with a gradient: ``Tensor([[1.0, 2.0], [3.0, 4.0]], label="W")``."""

    __slots__ = ("data", "grad", "label", "_prev", "_vjp", "_ctx", "_op", "__weakref__")
    # Make NumPy hand ``array * tensor`` (and @, +, ...) to the Tensor's reflected methods.
    __array_ufunc__ = None

    def __init__(self, data: ArrayLike, label: str = "") -> None:
        self.data = _as_data(data)
        self.grad = None
        self.label = label
        self._prev: tuple[Tensor, ...] = ()
        self._vjp: Callable | None = None
        self._ctx: Any = None
        self._op = ""

    @staticmethod
    def _result(data: Any, parents: tuple[Tensor, ...], vjp: Callable, ctx: Any, op: str) -> Tensor:
        """The output node of an operation: its data, parents, VJP rule and what the rule needs."""
        out = Tensor.__new__(Tensor)
        out.data = data
        out.grad = None
        out.label = ""
        out._prev = parents
        out._vjp = vjp
        out._ctx = ctx
        out._op = op
        return out

    # ---- a few array properties -----------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> Any:
        return self.data.dtype

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-entry Tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a Tensor with one entry, this one has shape {self.shape}")
        return float(self.data.reshape(()))

    def numpy(self) -> numpy.ndarray:
        """The data as a NumPy array (a copy from the GPU under CuPy)."""
        return backend.asnumpy(self.data)

    # ---- element-wise arithmetic (with broadcasting) -------------------------------------------------

    def __add__(self, other: Tensor | ArrayLike) -> Tensor:
        """out = a + b;  VJP: g to a, g to b (each summed back to its shape)."""
        if isinstance(other, Tensor):
            try:
                out = self.data + other.data
                return Tensor._result(out, (self, other), _add_vjp, (self.data, other.data, BOTH), "+")
            except ValueError:
                raise _broadcast_error("+", self.data, other.data) from None
        b = _constant(other, "+")
        try:
            return Tensor._result(self.data + b, (self,), _add_vjp, (self.data, b, LEFT), "+")
        except ValueError:
            raise _broadcast_error("+", self.data, b) from None

    __radd__ = __add__

    def __sub__(self, other: Tensor | ArrayLike) -> Tensor:
        """out = a - b;  VJP: g to a, -g to b."""
        if isinstance(other, Tensor):
            try:
                out = self.data - other.data
                return Tensor._result(out, (self, other), _sub_vjp, (self.data, other.data, BOTH), "-")
            except ValueError:
                raise _broadcast_error("-", self.data, other.data) from None
        b = _constant(other, "-")
        try:
            return Tensor._result(self.data - b, (self,), _sub_vjp, (self.data, b, LEFT), "-")
        except ValueError:
            raise _broadcast_error("-", self.data, b) from None

    def __rsub__(self, other: ArrayLike) -> Tensor:
        """out = c - a for a constant c;  VJP: -g to a."""
        c = _constant(other, "-")
        try:
            return Tensor._result(c - self.data, (self,), _sub_vjp, (c, self.data, RIGHT), "-")
        except ValueError:
            raise _broadcast_error("-", c, self.data) from None

    def __mul__(self, other: Tensor | ArrayLike) -> Tensor:
        """out = a * b;  VJP: g * b to a, g * a to b."""
        if isinstance(other, Tensor):
            a, b = self.data, other.data
            try:
                return Tensor._result(a * b, (self, other), _mul_vjp, (a, b, BOTH), "*")
            except ValueError:
                raise _broadcast_error("*", a, b) from None
        b = _constant(other, "*")
        try:
            return Tensor._result(self.data * b, (self,), _mul_vjp, (self.data, b, LEFT), "*")
        except ValueError:
            raise _broadcast_error("*", self.data, b) from None

    __rmul__ = __mul__

    def __truediv__(self, other: Tensor | ArrayLike) -> Tensor:
        """out = a / b;  VJP: g / b to a, -g * a / b**2 to b."""
        is_tensor = isinstance(other, Tensor)
        b = other.data if is_tensor else _constant(other, "/")
        _check_divisor(b, "/")
        try:
            out = self.data / b
        except ValueError:
            raise _broadcast_error("/", self.data, b) from None
        if is_tensor:
            return Tensor._result(out, (self, other), _div_vjp, (self.data, b, out, BOTH), "/")
        return Tensor._result(out, (self,), _div_vjp, (self.data, b, None, LEFT), "/")

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        """out = c / a for a constant c;  VJP: -g * c / a**2 = -g * out / a to a."""
        c = _constant(other, "/")
        _check_divisor(self.data, "/")
        try:
            out = c / self.data
        except ValueError:
            raise _broadcast_error("/", c, self.data) from None
        return Tensor._result(out, (self,), _div_vjp, (c, self.data, out, RIGHT), "/")

    def __pow__(self, exponent: float) -> Tensor:
        """out = a**n for a number n;  VJP: g * n * a**(n-1)."""
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"the exponent of Tensor ** n must be a number, got {type(exponent).__name__}; "
                "for a Tensor exponent b write (b * a.log()).exp()"
            )
        n = float(exponent)
        a = self.data
        if n < 0 and (a == 0).any():
            raise ZeroDivisionError(f"Tensor ** {exponent!r}: a negative power of an entry 0 is undefined")
        if not n.is_integer() and (a < 0).any():
            raise ValueError(f"Tensor ** {exponent!r}: negative entries need an integer exponent")
        return Tensor._result(a**n, (self,), _pow_vjp, (a, n), f"**{exponent:g}")

    def __neg__(self) -> Tensor:
        """out = -a;  VJP: -g."""
        return Tensor._result(-self.data, (self,), _neg_vjp, None, "neg")

    # ---- matrix product -----------------------------------------------------------------------------

    def __matmul__(self, other: Tensor | ArrayLike) -> Tensor:
        """out = a @ b;  VJP: g @ b.T to a, a.T @ g to b."""
        is_tensor = isinstance(other, Tensor)
        b = other.data if is_tensor else _constant(other, "@")
        a = self.data
        out = _matmul(a, b)
        if is_tensor:
            return Tensor._result(out, (self, other), _matmul_vjp, (a, b, BOTH), "@")
        return Tensor._result(out, (self,), _matmul_vjp, (a, b, LEFT), "@")

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        """out = c @ a for a constant c (e.g. a batch of inputs);  VJP: c.T @ g to a."""
        c = _constant(other, "@")
        out = _matmul(c, self.data)
        return Tensor._result(out, (self,), _matmul_vjp, (c, self.data, RIGHT), "@")

    # ---- reductions ----------------------------------------------------------------------------------

    def sum(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        """out = the sum over ``axis`` (all axes for None);  VJP: g copied back along the summed axes."""
        axes = _axes(axis, self.data.ndim, "sum")
        out = self.data.sum(axis=axes, keepdims=keepdims)
        return Tensor._result(_array(out), (self,), _sum_vjp, (self.data.shape, axes, keepdims), "sum")

    def mean(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        """out = the mean over ``axis``;  VJP: g / n copied back, n = the number of entries averaged."""
        axes = _axes(axis, self.data.ndim, "mean")
        shape = self.data.shape
        count = 1
        for a in axes:
            count *= shape[a]
        if count == 0:
            raise ValueError(f"mean over axis {axis!r} of a tensor of shape {shape}: there are no entries")
        out = self.data.sum(axis=axes, keepdims=keepdims) / count
        return Tensor._result(_array(out), (self,), _mean_vjp, (shape, axes, keepdims, count), "mean")

    def max(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        """out = the largest entry over ``axis``;  VJP: g to the entries that are the max (ties share it)."""
        axes = _axes(axis, self.data.ndim, "max")
        if self.data.size == 0:
            raise ValueError("max of an empty tensor")
        kept = self.data.max(axis=axes, keepdims=True)
        out = kept if keepdims else kept.reshape([n for i, n in enumerate(kept.shape) if i not in axes])
        return Tensor._result(out, (self,), _max_vjp, (self.data, kept, axes, keepdims), "max")

    def logsumexp(self, axis: int | Sequence[int] | None = -1, keepdims: bool = False) -> Tensor:
        """out = log(sum(exp(a))) over ``axis``, stably (max subtracted first);  VJP: g * softmax(a)."""
        axes = _axes(axis, self.data.ndim, "logsumexp")
        a = self.data
        xp = backend.xp
        m = a.max(axis=axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0.0)  # a row of -inf (or with +inf): shift by 0, not by inf - inf
        with numpy.errstate(divide="ignore"):  # log(0) = -inf is the right answer for a row of -inf
            kept = m + xp.log(xp.exp(a - m).sum(axis=axes, keepdims=True))
        out = kept if keepdims else kept.reshape([n for i, n in enumerate(kept.shape) if i not in axes])
        return Tensor._result(out, (self,), _logsumexp_vjp, (a, kept, axes, keepdims), "logsumexp")

    def log_softmax(self, axis: int = -1) -> Tensor:
        """out = a - logsumexp(a) along ``axis``, stably;  VJP: g - softmax(a) * g.sum(axis)."""
        (axis,) = _axes(axis, self.data.ndim, "log_softmax")
        a = self.data
        xp = backend.xp
        shifted = a - a.max(axis=axis, keepdims=True)  # every exponent <= 0: no overflow, a sum >= 1
        out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        return Tensor._result(out, (self,), _log_softmax_vjp, (out, axis), "log_softmax")

    # ---- shapes ---------------------------------------------------------------------------------------

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """out = a with a new shape (same entries, same order);  VJP: g reshaped back."""
        if len(shape) == 1 and not isinstance(shape[0], (int, numpy.integer)):
            shape = tuple(shape[0])
        try:
            out = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(
                f"reshape: cannot make a tensor of shape {self.shape} ({self.size} entries) "
                f"into shape {tuple(shape)}"
            ) from None
        return Tensor._result(out, (self,), _reshape_vjp, self.data.shape, "reshape")

    def transpose(self, *axes: int) -> Tensor:
        """out = a with its axes permuted (reversed by default);  VJP: g permuted back."""
        if len(axes) == 1 and not isinstance(axes[0], (int, numpy.integer)):
            axes = tuple(axes[0])
        ndim = self.data.ndim
        order = tuple(range(ndim))[::-1] if not axes else tuple(int(a) % ndim if ndim else a for a in axes)
        if sorted(order) != list(range(ndim)):
            raise ValueError(f"transpose: {axes!r} is not an order of the {ndim} axes of shape {self.shape}")
        inverse = tuple(order.index(i) for i in range(ndim))
        return Tensor._result(self.data.transpose(order), (self,), _transpose_vjp, inverse, "transpose")

    @property
    def T(self) -> Tensor:  # noqa: N802  (NumPy's name)
        """All axes reversed, as NumPy's ``.T``: a matrix's transpose; shape (a, b, c) gives (c, b, a)."""
        return self.transpose()

    def __getitem__(self, index: Any) -> Tensor:
        """out = a[index] (NumPy indexing);  VJP: g added into zeros of a's shape at ``index``."""
        if isinstance(index, Tensor) or (
            isinstance(index, tuple) and any(isinstance(i, Tensor) for i in index)
        ):
            raise TypeError("index a Tensor with ints, slices or integer arrays, not with a Tensor")
        advanced = _is_advanced(index)
        try:
            out = self.data[index]
        except IndexError as error:
            raise IndexError(f"indexing a tensor of shape {self.shape}: {error}") from None
        return Tensor._result(_array(out), (self,), _getitem_vjp, (self.data.shape, index, advanced), "[]")

    # ---- functions applied to every entry ------------------------------------------------------------

    def exp(self) -> Tensor:
        """out = e**a;  VJP: g * out."""
        out = backend.xp.exp(self.data)
        return Tensor._result(out, (self,), _exp_vjp, out, "exp")

    def log(self) -> Tensor:
        """out = ln(a) for a > 0;  VJP: g / a.  A NaN entry gives NaN (as in the scalar engine and NumPy)."""
        a = self.data
        bad = a <= 0  # False for NaN: a NaN is not a non-positive number, it propagates
        if bad.any():
            raise ValueError(
                f"log: the logarithm needs positive entries, this tensor has {float(a[bad].min())!r} "
                f"(at index {tuple(int(i) for i in backend.xp.argwhere(bad)[0])})"
            )
        return Tensor._result(backend.xp.log(a), (self,), _log_vjp, a, "log")

    def tanh(self) -> Tensor:
        """out = tanh(a);  VJP: g * (1 - out**2) = g * 4 e / (1 + e)**2 with e = e**(-2|a|).

        ``1 - out**2`` cancels to 0 once tanh(a) rounds to 1 (|a| > 19); the form
        with e stays accurate until e itself underflows (tanh(a) = 2 sigmoid(2a) - 1).
        """
        xp = backend.xp
        a = self.data
        slope = 4.0 * _sigmoid_slope(xp.exp(-2.0 * xp.abs(a)))  # tanh'(a) = 4 sigmoid'(2a)
        return Tensor._result(xp.tanh(a), (self,), _slope_vjp, slope, "tanh")

    def sigmoid(self) -> Tensor:
        """out = 1 / (1 + e**-a), no overflow;  VJP: g * out * (1 - out) = g * e / (1 + e)**2, e = e**-|a|.

        Like the scalar engine's ``Value.sigmoid``: ``1 - out`` would cancel to 0
        for large a (sigmoid'(40) = 4.2e-18, not 0).
        """
        xp = backend.xp
        a = self.data
        e = xp.exp(-xp.abs(a))  # e**-|a| <= 1: never overflows
        out = xp.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return Tensor._result(out, (self,), _slope_vjp, _sigmoid_slope(e), "sigmoid")

    def relu(self) -> Tensor:
        """out = max(0, a);  VJP: g where a > 0, else 0."""
        out = backend.xp.maximum(self.data, 0.0)
        return Tensor._result(out, (self,), _relu_vjp, out, "ReLU")

    # ---- backpropagation -----------------------------------------------------------------------------

    def backward(self, gradient: Tensor | ArrayLike | None = None) -> None:
        """Fill in ``node.grad`` = d(self)/d(node) for every Tensor this one was computed from.

        A one-entry Tensor (a loss) seeds its own gradient with 1. Any other
        needs ``gradient``, an array of its shape: the gradient of some final
        number with respect to this Tensor. The nodes are visited in reverse
        topological order; each applies its VJP, which gives one gradient per
        parent in that parent's shape, and adds it to the parent's grad. Leaves accumulate their grads
        (``+``); the other nodes' grads are recomputed on every call.
        """
        xp = backend.xp
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() on a Tensor of shape {self.shape} needs a gradient of that shape: "
                    "only a one-number Tensor (a loss) has the obvious gradient 1. Reduce it first "
                    "(.sum() or .mean()), or call backward(gradient) with d(something)/d(this tensor)"
                )
            seed = xp.array(1.0, dtype=self.data.dtype).reshape(self.data.shape)
        else:
            seed = gradient.data if isinstance(gradient, Tensor) else _as_data(gradient, "backward(gradient)")
            if seed.shape != self.data.shape:
                raise ValueError(
                    f"backward(gradient): the gradient has shape {tuple(seed.shape)}, "
                    f"but this tensor has shape {self.shape}; they must be the same"
                )
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = None  # an inner node's grad is recomputed, not added to
        self.grad = seed if self.grad is None else self.grad + seed
        for node in reversed(order):
            out_grad = node.grad
            if out_grad is None or not node._prev:
                continue  # a leaf, or a node the gradient does not reach
            # (strict=False: every VJP returns one gradient per parent, as the tests check)
            for parent, grad in zip(node._prev, node._vjp(out_grad, node._ctx), strict=False):
                if parent.grad is not None:
                    parent.grad = parent.grad + grad
                elif parent._prev or not (grad is out_grad or grad.base is not None):
                    parent.grad = grad
                else:  # a leaf's grad is the learner's to change: never the same memory as another grad
                    parent.grad = grad.copy()

    def __repr__(self) -> str:
        text = numpy.array_repr(backend.asnumpy(self.data)).replace("\n", "\n ")
        label = f", label={self.label!r}" if self.label else ""
        return "Tensor" + text[len("array") :][:-1] + label + ")"


# ---- helpers of the operations -------------------------------------------------------------------


def _array(x: Any) -> Any:
    """NumPy reductions return a NumPy scalar for a full reduction: keep a 0-d array instead."""
    return x if backend.is_array(x) else backend.xp.asarray(x)


def _matmul(a: Any, b: Any) -> Any:
    """``a @ b``, or an error that says which sizes must agree."""
    try:
        return a @ b
    except ValueError:
        sa, sb = _shape(a), _shape(b)
        if not sa or not sb:
            raise ValueError(f"@: shapes {sa} and {sb}: matmul needs arrays with at least one axis") from None
        inner_b = sb[0] if len(sb) == 1 else sb[-2]
        raise ValueError(
            f"@: shapes {sa} and {sb} do not fit: the last size of the left ({sa[-1]}) must equal "
            f"the {'only' if len(sb) == 1 else 'second-to-last'} size of the right ({inner_b})"
        ) from None


def _check_divisor(b: Any, op: str) -> None:
    if isinstance(b, (int, float)):
        if b == 0:
            raise ZeroDivisionError(f"{op}: division by zero")
    elif (b == 0).any():
        raise ZeroDivisionError(f"{op}: the divisor has an entry 0")


def _is_advanced(index: Any) -> bool:
    """True when the index holds an array, a list or a tuple inside the tuple (NumPy's "advanced" indexing).

    ``t[((0, 0),)]`` picks entry 0 twice, like ``t[[0, 0]]``: its gradient must be added twice.
    """
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (list, tuple)) or backend.is_array(i) for i in items)


# ---- functions -----------------------------------------------------------------------------------


def affine(x: Tensor | Any, W: Tensor, b: Tensor) -> Tensor:
    """``x @ W + b`` as ONE node (what a layer of neurons computes for a batch ``x`` of shape (n, nin)).

    VJP: ``g @ W.T`` to x, ``x.T @ g`` to W, ``g.sum(axis=0)`` to b (b was broadcast over the rows).
    The same numbers as ``x @ W + b`` with one node instead of two, like the scalar
    engine's ``weighted_sum``; ``x`` may be a plain array (the inputs: no gradient).
    """
    if not (isinstance(W, Tensor) and isinstance(b, Tensor)):
        raise TypeError("affine(x, W, b): W and b must be Tensors")
    is_tensor = isinstance(x, Tensor)
    xd = x.data if is_tensor else _constant(x, "@")
    Wd, bd = W.data, b.data
    if getattr(xd, "ndim", 0) != 2 or Wd.ndim != 2 or bd.shape != Wd.shape[1:]:
        raise ValueError(
            f"affine(x, W, b) needs x of shape (n, nin), W of shape (nin, nout) and b of shape (nout,); "
            f"got {_shape(xd)}, {Wd.shape} and {bd.shape}"
        )
    out = _matmul(xd, Wd)
    out += bd
    if is_tensor:
        return Tensor._result(out, (x, W, b), _affine_vjp, (xd, Wd, BOTH), "x@W+b")
    return Tensor._result(out, (W, b), _affine_vjp, (xd, Wd, RIGHT), "x@W+b")


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``: the log of the softmax probabilities, computed stably."""
    return x.log_softmax(axis)


def logsumexp(x: Tensor, axis: int | Sequence[int] | None = -1, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` along ``axis``, computed stably."""
    return x.logsumexp(axis, keepdims)
