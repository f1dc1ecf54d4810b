"""Chapter 14's ``Function``: a learner-written backward plugs into the tensor engine, with clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd.function import Function
from micrograd.tensor import Tensor


class AddRow(Function):
    """x + row for x of shape (n, k) and row of shape (k,); backward hands back g for both, unsummed."""

    @staticmethod
    def forward(ctx, x, row):
        return x + row

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, grad_output  # the row's gradient still has the batch axis


class OneGradient(AddRow):
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class WrongShape(AddRow):
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, grad_output[:, :1]


def test_a_broadcast_gradient_is_summed_back_as_in_pytorch():
    x = Tensor(np.arange(6.0).reshape(3, 2))
    row = Tensor([10.0, 20.0])
    (AddRow.apply(x, row) * np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(row.grad, [9.0, 12.0])


def test_one_gradient_per_input():
    out = OneGradient.apply(Tensor(np.ones((3, 2))), Tensor(np.ones(2))).sum()
    with pytest.raises(TypeError, match="returned 1 gradient.*for 2 input"):
        out.backward()


def test_a_gradient_of_another_shape_is_a_clear_error():
    out = WrongShape.apply(Tensor(np.ones((3, 2))), Tensor(np.ones(2))).sum()
    with pytest.raises(ValueError, match=r"shape \(3, 1\) for input 1, which has shape \(2,\)"):
        out.backward()
