"""Chapter 14 — From micrograd to PyTorch.

PyTorch is not a dependency of the course, so these exercises are checked
without it: a concept map (micrograd lines to PyTorch terms), a prediction of
what a PyTorch snippet prints (``tests/test_pytorch_snippets.py`` runs that
snippet with PyTorch and confirms the reference answer), and a ``Function``
for tanh written against :class:`micrograd.function.Function`, a torch-free
stand-in of ``torch.autograd.Function`` that plugs into :mod:`micrograd.tensor`.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np

from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    expect_close_sequence,
    expect_sequence,
    register,
)
from micrograd.function import Function, FunctionCtx
from micrograd.tensor import Tensor

__all__ = ["Function", "FunctionCtx", "MICROGRAD_LINES", "PREDICT_SNIPPET", "PYTORCH_TERMS"]

# ---- 14.1 the concept map ----------------------------------------------------------------------------------

# micrograd line -> its PyTorch counterpart (the keys, in the order the chapter shows them)
_CONCEPT_MAP = {
    "Value(2.0)": "torch.tensor(2.0, requires_grad=True)",
    "v.data": "t.item()",
    "v._op": "t.grad_fn",
    "v._prev": "t.grad_fn.next_functions",
    "MLP(2, [4, 1])": "nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))",
    "for p in params: p.grad = 0.0": "optimizer.zero_grad()",
    "for p in params: p.data -= lr * p.grad": "optimizer.step()",
    "with no_grad():": "with torch.no_grad():",
    "a local derivative rule (sigmoid's)": "torch.autograd.Function",
}

MICROGRAD_LINES = list(_CONCEPT_MAP)

PYTORCH_TERMS = sorted(
    [
        *_CONCEPT_MAP.values(),
        "t.retain_grad()",
        "t.detach()",
        "torch.autograd.grad",
        "model.eval()",
        "t.register_hook(...)",
    ]
)


class _Answer(dict):
    """The reference dict, shown one entry a line (its ``repr`` is the folded solution's text)."""

    def __repr__(self) -> str:
        lines = [f"    {key!r}:\n        {value!r}," for key, value in self.items()]
        return "{\n" + "\n".join(lines) + "\n}"


CONCEPT_MAP_ANSWER = _Answer(_CONCEPT_MAP)

# other answers the chapter's table gives too: v.data is t.item() for one number, t.detach() for a tensor
_ALSO_RIGHT = {"v.data": ("t.detach()",)}

_CONCEPT_HINTS = {
    "Value(2.0)": "a leaf that wants a gradient must say so in PyTorch",
    "v.data": "for a one-number tensor, which method gives the plain Python float?",
    "v._op": "the node that made a tensor, and knows how to send gradients back",
    "v._prev": "the parents: where the gradient goes next",
    "for p in params: p.grad = 0.0": "grads accumulate in PyTorch too; who clears them?",
    "for p in params: p.data -= lr * p.grad": "the update itself",
    "with no_grad():": "a block in which nothing is recorded",
    "a local derivative rule (sigmoid's)": "a class with forward(ctx, x) and backward(ctx, g)",
}


def _check_concept_map(answer: Any) -> None:
    if not isinstance(answer, dict):
        raise Mismatch(f"expected a dict {{micrograd line: PyTorch term}}, got {type(answer).__name__}")
    missing = [line for line in MICROGRAD_LINES if line not in answer]
    if missing:
        raise Mismatch(f"the dict has no entry for {missing[0]!r} (its keys are MICROGRAD_LINES)")
    extra = [key for key in answer if key not in _CONCEPT_MAP]
    if extra:
        raise Mismatch(f"{extra[0]!r} is not one of MICROGRAD_LINES")
    wrong = []
    for line in MICROGRAD_LINES:
        term = answer[line]
        if term is ...:
            raise Mismatch(f"{line!r} is still ...: pick one of PYTORCH_TERMS")
        if not isinstance(term, str) or term not in PYTORCH_TERMS:
            raise Mismatch(f"{line!r} -> {term!r} is not one of PYTORCH_TERMS (copy the text exactly)")
        if term != _CONCEPT_MAP[line] and term not in _ALSO_RIGHT.get(line, ()):
            wrong.append(line)
    if wrong:
        line = wrong[0]
        hint = _CONCEPT_HINTS.get(line, "")
        raise Mismatch(
            f"{len(wrong)} of {len(MICROGRAD_LINES)} entries are not right yet; the first: "
            f"{line!r} -> {answer[line]!r}" + (f" (think: {hint})" if hint else "")
        )


def _swapped(first: str, second: str) -> dict[str, str]:
    answer = dict(_CONCEPT_MAP)
    answer[first], answer[second] = answer[second], answer[first]
    return answer


register(
    Exercise(
        id="14.1",
        title="the concept map",
        checker=_check_concept_map,
        reference=CONCEPT_MAP_ANSWER,
        kind="value",
        hints=[
            "Each PyTorch term is used at most once; five of PYTORCH_TERMS are not used at all.",
            "_op is the operation that made a node (PyTorch keeps it as an object, the grad_fn); "
            "_prev are its parents (grad_fn.next_functions).",
            "Clearing grads and applying the update are both the optimizer's job in PyTorch.",
        ],
        wrong_answers=[
            _swapped("v._op", "v._prev"),
            _swapped("for p in params: p.grad = 0.0", "with no_grad():"),
            {**_CONCEPT_MAP, "v.data": "t.retain_grad()"},
            {key: value for key, value in _CONCEPT_MAP.items() if key != "v._prev"},
        ],
    )
)

# ---- 14.2 predict what PyTorch prints ----------------------------------------------------------------------

PREDICT_SNIPPET = """\
import torch

x = torch.tensor(3.0, requires_grad=True)
y = x**3
y.backward(retain_graph=True)
y.backward()
a = x.grad.item()

(g,) = torch.autograd.grad(x**3, x, create_graph=True)
(h,) = torch.autograd.grad(g, x)
b, c = g.item(), h.item()
print(a, b, c)"""

PREDICTION = (54.0, 27.0, 18.0)  # 2 * 3x**2 (accumulated), 3x**2, 6x at x = 3


def _check_prediction(answer: Any) -> None:
    values = expect_sequence(answer, "(a, b, c)", length=3)
    a, b, c = values
    if not math.isclose(b, PREDICTION[1]):
        raise Mismatch(f"b = {b!r} is not right: g is dy/dx of y = x**3, at x = 3")
    if not math.isclose(c, PREDICTION[2]):
        if math.isclose(c, 6.0):
            raise Mismatch(f"c = {c!r} is d3y/dx3; h is the derivative of g, only one more")
        raise Mismatch(f"c = {c!r} is not right: h is the derivative of g = 3x**2, at x = 3")
    if not math.isclose(a, PREDICTION[0]):
        if math.isclose(a, PREDICTION[1]):
            raise Mismatch(f"a = {a!r}: that is one backward's worth; what does .grad do on the second?")
        raise Mismatch(f"a = {a!r} is not right: x.grad after two backward calls through y = x**3")


register(
    Exercise(
        id="14.2",
        title="predict what PyTorch prints",
        checker=_check_prediction,
        reference=PREDICTION,
        kind="value",
        hints=[
            "dy/dx = 3x**2 and d2y/dx2 = 6x; evaluate at x = 3.",
            "retain_graph=True keeps the graph for a second backward, and .grad accumulates (+=).",
            "torch.autograd.grad returns the gradient instead of adding it to .grad; with "
            "create_graph=True the result g is itself differentiable.",
        ],
        wrong_answers=[(27.0, 27.0, 18.0), (54.0, 27.0, 6.0), (54.0, 54.0, 18.0), [54.0, 27.0]],
    )
)

# ---- 14.3 a Function for tanh ------------------------------------------------------------------------------


class Tanh(Function):
    """tanh as a Function: out = tanh(x);  backward: g * (1 - out**2)."""

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * (1 - out**2)


_TANH_CASES = [  # (input, gradient of the output)
    ([-2.0, -0.5, 0.0, 0.5, 2.0], [1.0, 1.0, 1.0, 1.0, 1.0]),
    ([0.3, -1.2, 4.0], [2.0, -0.5, 3.0]),
    ([[0.1, -0.7], [1.5, -3.0]], [[0.25, -2.0], [1.0, 0.5]]),
]


def _check_tanh_function(answer: Any) -> None:
    cls = inspect.unwrap(answer)
    if not isinstance(cls, type):
        answer()  # a stub function reports "not attempted"; anything else falls through
        raise Mismatch(
            f"expected a class (class Tanh(Function): with forward and backward), got {type(cls).__name__}"
        )
    if not issubclass(cls, Function):
        raise Mismatch(f"{cls.__name__} must subclass Function (the stand-in of torch.autograd.Function)")
    _check_tanh_cases(cls)


def _check_tanh_cases(cls: type) -> None:
    for x, g in _TANH_CASES:
        case = f"{cls.__name__}.apply(Tensor({x}))"
        x_tensor = Tensor(x)
        out = cls.apply(x_tensor)
        want = np.tanh(np.asarray(x))
        expect_close_sequence(out.data.ravel(), want.ravel(), f"{case}, forward", rel=1e-9, abs_tol=1e-12)
        out.backward(np.asarray(g))
        if x_tensor.grad is None or np.shape(x_tensor.grad) != np.shape(want):
            raise Mismatch(
                f"{case}: backward must return one gradient of the input's shape "
                f"{np.shape(want)}, got {_shape_of(x_tensor.grad)}"
            )
        expected = np.asarray(g) * (1 - want**2)
        expect_close_sequence(
            np.asarray(x_tensor.grad).ravel(),
            expected.ravel(),
            f"{case}, backward with grad_output {g}",
            rel=1e-9,
            abs_tol=1e-12,
        )


def _shape_of(grad: Any) -> str:
    return "None" if grad is None else f"shape {np.shape(grad)}"


class _TanhNoUpstream(Function):  # forgets to multiply by grad_output
    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return 1 - out**2


class _TanhFromInput(Function):  # uses the input where the rule needs the output
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (1 - x**2)


class _TanhSigmoidRule(Function):  # sigmoid's rule out * (1 - out)
    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


register(
    Exercise(
        id="14.3",
        title="a Function for tanh",
        checker=_check_tanh_function,
        reference=Tanh,
        hints=[
            "forward gets an array: compute out = np.tanh(x) and keep what backward needs with "
            "ctx.save_for_backward(out).",
            "The local derivative is d tanh(x)/dx = 1 - tanh(x)**2 = 1 - out**2.",
            "backward gets g = dL/d(out) and returns dL/dx = g * (1 - out**2), with "
            "(out,) = ctx.saved_tensors.",
        ],
        wrong_answers=[_TanhNoUpstream, _TanhFromInput, _TanhSigmoidRule],
    )
)
