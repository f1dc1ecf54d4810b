"""A scalar value that remembers how it was computed, and can backpropagate.

Every arithmetic result is a new ``Value`` that keeps two things about the
operation that made it:

* ``_prev``: its parents, the Values it was computed from (in argument order);
* ``_local_grads``: the local derivative of the result with respect to each
  parent, worked out while the result is computed (the forward pass).

``backward()`` then applies the chain rule once per node, in reverse
topological order::

    parent.grad += local_grad * node.grad

Storing plain numbers instead of the reference micrograd's ``_backward``
closures means a graph holds no reference cycles, so Python frees it by
reference counting the moment the last reference goes, without waiting for
the cyclic garbage collector.

Input rules (checked when a Value is made from a learner's number):

* ``int``, ``float`` and numpy scalars (anything ``numbers.Real``) are
  converted to a Python ``float``;
* ``bool`` is rejected: ``Value(True)`` is almost always a bug, so write
  ``Value(1.0)``;
* anything else (``str``, ``None``, lists, ...) raises ``TypeError``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from numbers import Real

Number = int | float


def _as_float(data: object) -> float:
    """Convert a learner's number to float, or raise a TypeError that names its type."""
    if type(data) is float:  # (not isinstance: numpy.float64 is a float subclass, converted below)
        return data
    if type(data) is int:  # the common case, without the slower isinstance(data, Real) check
        return float(data)
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"Value() needs a real number (int or float), got {type(data).__name__}: "
            f"{data!r}" + (" (write 1.0 or 0.0 instead of a bool)" if isinstance(data, bool) else "")
        )
    return float(data)


class Value:
    """A scalar with a gradient: ``Value(2.0, label="x")``."""

    # __slots__ keeps each node small (no per-node __dict__); __weakref__ lets
    # weakref.ref(node) observe when a graph is freed.
    __slots__ = ("data", "grad", "label", "_prev", "_local_grads", "_op", "__weakref__")

    def __init__(
        self,
        data: Number,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        label: str = "",
        _local_grads: tuple[float, ...] = (),
    ) -> None:
        self.data = _as_float(data)
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._local_grads = _local_grads
        self._op = _op

    @staticmethod
    def _result(data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], op: str) -> Value:
        """Make the output node of an operation (data is already a float)."""
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._prev = parents
        out._local_grads = local_grads
        out._op = op
        return out

    # ---- binary operations -------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        """out = a + b;  d(out)/da = 1,  d(out)/db = 1."""
        other = other if isinstance(other, Value) else Value(other)
        return Value._result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | Number) -> Value:
        """out = a * b;  d(out)/da = b,  d(out)/db = a."""
        other = other if isinstance(other, Value) else Value(other)
        return Value._result(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __sub__(self, other: Value | Number) -> Value:
        """out = a - b;  d(out)/da = 1,  d(out)/db = -1."""
        other = other if isinstance(other, Value) else Value(other)
        return Value._result(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __truediv__(self, other: Value | Number) -> Value:
        """out = a / b;  d(out)/da = 1/b,  d(out)/db = -a/b**2."""
        other = other if isinstance(other, Value) else Value(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / 0 (the divisor Value is 0)")
        quotient = self.data / other.data
        inverse = 1.0 / other.data
        return Value._result(quotient, (self, other), (inverse, -quotient * inverse), "/")

    def __pow__(self, exponent: Number) -> Value:
        """out = a**n for a number n;  d(out)/da = n * a**(n-1)."""
        if type(exponent) not in (int, float) and (
            isinstance(exponent, bool) or not isinstance(exponent, Real)
        ):
            raise TypeError(
                f"the exponent of Value ** n must be a number (int or float), got "
                f"{type(exponent).__name__}; for a Value exponent b write (b * a.log()).exp()"
            )
        n = float(exponent)
        if self.data == 0.0 and n < 0:
            raise ZeroDivisionError(f"0 ** {exponent!r}: a negative power of zero is undefined")
        if self.data < 0.0 and not n.is_integer():
            raise ValueError(f"({self.data!r}) ** {exponent!r}: a negative base needs an integer exponent")
        try:
            result = self.data**n
            if n == 0.0:
                local_grad = 0.0
            elif self.data == 0.0 and n < 1.0:
                local_grad = math.inf  # e.g. the slope of sqrt(x) at 0
            else:
                local_grad = n * self.data ** (n - 1)
        except OverflowError:
            raise OverflowError(f"({self.data!r}) ** {exponent!r} is too large for a float") from None
        return Value._result(result, (self,), (local_grad,), f"**{exponent}")

    def __rpow__(self, base: Number) -> Value:
        """out = c**a for a number c > 0;  d(out)/da = c**a * ln(c)."""
        base_value = Value(base)
        if base_value.data <= 0.0:
            raise ValueError(f"{base!r} ** Value: the base must be positive to differentiate c**x")
        return (self * math.log(base_value.data)).exp()

    def __neg__(self) -> Value:
        """out = -a;  d(out)/da = -1."""
        return Value._result(-self.data, (self,), (-1.0,), "neg")

    # other + self and other * self: the same as self + other and self * other
    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Value:  # other - self
        return Value(other) - self

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        return Value(other) / self

    # ---- functions of one value ---------------------------------------------

    def exp(self) -> Value:
        """out = e**a;  d(out)/da = e**a = out."""
        try:
            result = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) is too large for a float (the limit is about exp(709))"
            ) from None
        return Value._result(result, (self,), (result,), "exp")

    def log(self) -> Value:
        """out = ln(a) for a > 0;  d(out)/da = 1/a."""
        if self.data <= 0.0:
            raise ValueError(f"log({self.data!r}): the logarithm needs a positive number")
        return Value._result(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def tanh(self) -> Value:
        """out = tanh(a);  d(out)/da = 1 - tanh(a)**2."""
        t = math.tanh(self.data)
        return Value._result(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        """out = 1 / (1 + e**-a);  d(out)/da = out * (1 - out).

        Computed without overflow for any float: for a < 0 it uses the equal
        form e**a / (1 + e**a), so exp never sees a large positive number.
        """
        if self.data >= 0.0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        return Value._result(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self) -> Value:
        """out = max(0, a);  d(out)/da = 1 if a > 0 else 0."""
        if self.data > 0.0:
            return Value._result(self.data, (self,), (1.0,), "ReLU")
        return Value._result(0.0, (self,), (0.0,), "ReLU")

    # ---- backpropagation ----------------------------------------------------

    def _backward(self) -> None:
        """Chain rule at one node: each parent's grad += local_grad * self.grad."""
        for parent, local_grad in zip(self._prev, self._local_grads):
            parent.grad += local_grad * self.grad

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after all of its parents.

        A depth-first search with an explicit stack instead of recursion, so a
        graph of any depth works (recursion stops at about 1,000 levels). Each
        node is pushed as (node, False), "order its parents first", and then
        again as (node, True), "now add it". A leaf has no parents to wait
        for, so it goes into the order as soon as it is found.
        """
        order: list[Value] = []
        visited: set[Value] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                for parent in node._prev:
                    if parent not in visited:
                        if parent._prev:
                            stack.append((parent, False))
                        else:  # a leaf
                            visited.add(parent)
                            order.append(parent)
        return order

    def backward(self) -> None:
        """Fill in d(self)/d(node) as ``node.grad`` for every node in the graph.

        Seeds ``self.grad = 1`` (d(self)/d(self) = 1), then visits the nodes in
        reverse topological order so a node's grad is complete before it is
        passed on. Grads accumulate (``+=``): call ``zero_grad`` between steps.
        """
        order = self.topological_order()
        self.grad = 1.0
        for node in reversed(order):
            if node._prev:  # (a leaf has no parents to pass its grad on to)
                # node._backward(), written out here: a method call per node costs time
                grad = node.grad
                for parent, local_grad in zip(node._prev, node._local_grads):
                    parent.grad += local_grad * grad

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad = 0`` on every Value given (e.g. a model's parameters)."""
    for value in values:
        value.grad = 0.0


def weighted_sum(weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value) -> Value:
    """out = sum_i w_i * x_i + b as ONE node (what a neuron computes).

    d(out)/dw_i = x_i,  d(out)/dx_i = w_i,  d(out)/db = 1.

    The same result as ``b + w_0*x_0 + w_1*x_1 + ...``, with one node instead
    of 2n, which makes networks several times faster and smaller. The parents
    are ``(b, w_0, ..., w_n-1, x_0, ..., x_n-1)``; inputs that are plain
    numbers are constants, not parents.
    """
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs")
    w_data = [w.data for w in weights]
    if set(map(type, inputs)) <= {Value}:  # the usual case: every input is a Value
        x_data = [x.data for x in inputs]
        parents = (bias, *weights, *inputs)
        local_grads = (1.0, *x_data, *w_data)
    else:  # some inputs are numbers (e.g. a network's input data)
        x_data = [x.data if isinstance(x, Value) else _as_float(x) for x in inputs]
        linked = [i for i, x in enumerate(inputs) if isinstance(x, Value)]
        parents = (bias, *weights, *[inputs[i] for i in linked])
        local_grads = (1.0, *x_data, *[w_data[i] for i in linked])
    total = sum(map(operator.mul, w_data, x_data), bias.data)
    return Value._result(total, parents, local_grads, "w·x+b")
