"""A new operation for the tensor engine, written as for ``torch.autograd.Function``.

Chapter 14 teaches that ``torch.autograd.Function`` is a local derivative rule: a
``forward`` on arrays and a ``backward`` that returns the vector-Jacobian product.
:class:`Function` is a torch-free stand-in that plugs such a rule into
:class:`micrograd.tensor.Tensor`; :class:`FunctionCtx` is its ``ctx``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from micrograd.tensor import Tensor, unbroadcast

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """What ``forward`` and ``backward`` share, as torch's ``ctx``.

    ``ctx.save_for_backward(a, b)`` keeps arrays for the backward pass, and
    ``ctx.saved_tensors`` gives them back as a tuple. Any other attribute
    (``ctx.n = 3``) can be set too, as in PyTorch.
    """

    def __init__(self) -> None:
        self.saved_tensors: tuple[Any, ...] = ()

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep ``arrays`` for ``backward`` (read them back from ``ctx.saved_tensors``)."""
        self.saved_tensors = tuple(arrays)


class Function:
    """A new operation for :class:`micrograd.tensor.Tensor`, written as for ``torch.autograd.Function``.

    Subclass it with two static methods:

    * ``forward(ctx, *inputs)`` gets the input *arrays* and returns the output
      array; it may ``ctx.save_for_backward(...)`` whatever ``backward`` needs;
    * ``backward(ctx, grad_output)`` gets ``g = dL/d(output)`` and returns
      ``dL/d(input)`` for each input (one array, or a tuple of them): the
      operation's vector-Jacobian product, its local derivative rule.

    ``MyOp.apply(t)`` runs ``forward`` on the Tensors' data and returns a
    Tensor node whose backward rule is ``MyOp.backward``: the engine's
    ``backward()`` then goes through it like through any built-in operation.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *inputs: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor) -> Tensor:
        """``cls.forward`` on the inputs' data: a Tensor that backpropagates with ``cls.backward``."""
        if cls is Function:
            raise TypeError(
                "Function.apply: subclass Function with forward and backward, then call MyOp.apply(x)"
            )
        if not inputs:
            raise TypeError(f"{cls.__name__}.apply needs at least one Tensor")
        for index, item in enumerate(inputs):
            if not isinstance(item, Tensor):
                raise TypeError(
                    f"{cls.__name__}.apply takes Tensors, got {type(item).__name__} as input {index} "
                    "(wrap it: Tensor(x))"
                )
        ctx = FunctionCtx()
        out = cls.forward(ctx, *(t.data for t in inputs))
        if not hasattr(out, "shape") and not isinstance(out, (int, float)):
            raise TypeError(f"{cls.__name__}.forward must return an array, got {type(out).__name__}")
        data = np.asarray(out, dtype=float)
        shapes = tuple(t.data.shape for t in inputs)
        return Tensor._result(data, tuple(inputs), _function_vjp, (cls, ctx, shapes), cls.__name__)


def _function_vjp(g: Any, ctx: tuple[type[Function], FunctionCtx, tuple]) -> tuple[Any, ...]:
    """The VJP of a Function node: its class's ``backward``, one gradient per input, in the input's shape."""
    cls, fctx, shapes = ctx
    grads = cls.backward(fctx, g)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(shapes):
        raise TypeError(
            f"{cls.__name__}.backward returned {len(grads)} gradient(s) for {len(shapes)} input(s): "
            "return one per input of forward, in the same order"
        )
    return tuple(
        _input_grad(cls, i, grad, shape) for i, (grad, shape) in enumerate(zip(grads, shapes, strict=True))
    )


def _input_grad(cls: type[Function], index: int, grad: Any, shape: tuple[int, ...]) -> Any:
    """``grad`` as a float array of ``shape``: summed back if it is the input broadcast (as PyTorch does)."""
    grad = np.asarray(grad, dtype=float)
    if grad.shape == shape:
        return grad
    try:
        broadcast = np.broadcast_shapes(shape, grad.shape) == grad.shape
    except ValueError:
        broadcast = False
    if not broadcast:
        raise ValueError(
            f"{cls.__name__}.backward returned a gradient of shape {grad.shape} for input {index}, "
            f"which has shape {shape}: a gradient has the shape of its input"
        )
    return unbroadcast(grad, shape)
