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

Each operation's local derivatives come from its *derivative rule* (``_d_mul``,
``_d_tanh``, ...), written once in arithmetic that floats and Values share. The
forward pass applies it to numbers (the floats a node stores);
``grad(outputs, inputs, create_graph=True)`` applies it to the nodes themselves,
so the gradients it returns are graphs that can be differentiated again, to any
order (chapter 15). A rule that is a constant (``+``, ``-``, ``relu``) has
derivative 0: relu's second derivative is 0 everywhere, the kink included.

Input rules (checked when a Value is made from a learner's number):

* ``int``, ``float`` and numpy scalars (anything ``numbers.Real``) are
  converted to a Python ``float``;
* ``bool`` is rejected: ``Value(True)`` is almost always a bug, so write
  ``Value(1.0)``;
* anything else (``str``, ``None``, lists, ...) raises ``TypeError``;
* an ``int`` too large for a float (``Value(10**400)``) raises ``OverflowError``,
  as ``float(10**400)`` does.

A Value behaves like a Python float
-----------------------------------

* ``+``, ``-``, ``*`` and ``/`` follow float arithmetic: a result too large
  for a float is ``inf`` (as ``1e308 * 10`` is in Python), ``nan`` stays
  ``nan`` (``relu(nan)`` too), and dividing by zero raises
  ``ZeroDivisionError``;
* the functions that Python's ``math`` module refuses raise, with a message
  that says why: ``exp`` of more than about 709 and a ``**`` whose result is
  too large (``OverflowError``), ``log`` of a number <= 0 and a negative base
  with a fractional exponent (``ValueError``), ``0 ** -1``
  (``ZeroDivisionError``);
* with a numpy array on either side, numpy does the operation element by
  element: ``Value(3.0) + np.array([1.0, 2.0])`` is an array of two Values,
  as ``np.array([1.0, 2.0]) + Value(3.0)`` is.

A Value is a node of a graph, not a number
------------------------------------------

* ``v == w`` for two Values is ``v is w`` (the same node), and ``hash(v)`` is
  the node's identity, so sets and dicts of nodes work;
* ``v == 1.0`` raises ``TypeError``: compare the numbers, ``v.data == 1.0``;
* ``if v:`` raises ``TypeError``: write ``if v.data > 0:`` (or whatever test
  you mean); ``<`` and ``>`` are not defined either.

Calling ``backward()`` twice
----------------------------

``backward()`` first sets the grad of every interior node (a node with
parents, the root included) to 0, then seeds ``root.grad`` with 1 and
backpropagates. Leaves accumulate: a second ``backward()`` on the same graph
adds exactly one more copy of d(root)/d(leaf) to every leaf's grad, as in
PyTorch (with ``retain_graph=True``). Call ``zero_grad`` on the leaves (a
model's parameters) between steps. A node whose grad is 0 passes nothing on,
so ``0 * sqrt(x)`` at ``x = 0`` gives ``x.grad == 0``, not ``0 * inf = nan``.

``no_grad()`` switches recording off: inside ``with no_grad():`` results are
plain leaves with no parents, for fast evaluation (e.g. a model on a grid).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from numbers import Real
from typing import Any

Number = int | float


def _as_float(data: object) -> float:
    """Convert a learner's number to float, or raise a TypeError that names its type."""
    if type(data) is float:  # (not isinstance: numpy.float64 is a float subclass, converted below)
        return data
    if type(data) is int:  # the common case, without the slower isinstance(data, Real) check
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(
                f"Value(...): an int of about 10**{int(data.bit_length() * 0.30103)} is too large "
                "for a float (the largest is about 1.8e308)"
            ) from None
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"Value() needs a real number (int or float), got {type(data).__name__}: "
            f"{data!r}" + (" (write 1.0 or 0.0 instead of a bool)" if isinstance(data, bool) else "")
        )
    try:
        return float(data)
    except OverflowError:
        raise OverflowError(
            f"Value({data!r}): too large for a float (the largest is about 1.8e308)"
        ) from None


# ---- the derivative rules, each written once ---------------------------------------------------------
# A rule takes the operation's output and its inputs and returns the local derivative of the output with
# respect to each input. It uses only arithmetic and methods that floats, Values and dual numbers share,
# so the same rule gives
#   * floats, when an operation runs: the numbers a node stores for backward() (first order);
#   * Values, in grad(..., create_graph=True): derivatives that are graphs themselves (any order);
#   * Duals, in micrograd.higher's forward-over-reverse Hessian-vector product.
# A rule that returns a constant (+, -, neg, relu) returns floats in every case: its derivative is 0.

_D_ADD = (1.0, 1.0)  # d(a + b)/da = 1, d(a + b)/db = 1
_D_SUB = (1.0, -1.0)  # d(a - b)/da = 1, d(a - b)/db = -1
_D_NEG = (-1.0,)  # d(-a)/da = -1
_D_RELU_ON, _D_RELU_OFF = (1.0,), (0.0,)  # d(relu(a))/da for a > 0 and a <= 0


def _number(x: Any) -> float:
    """The plain number inside a float, a Value or a dual number (of dual numbers)."""
    while type(x) is not float:
        if isinstance(x, Value):
            return x.data
        if not hasattr(x, "val"):
            return float(x)
        x = x.val
    return x


def _d_mul(out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """out = a * b:  d(out)/da = b,  d(out)/db = a."""
    return (b, a)


def _d_div(out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """out = a / b:  d(out)/da = 1/b,  d(out)/db = -a/b**2 = -out/b.

    -out/b rather than -out * (1/b): 1/b overflows for a tiny b even when out/b is 0.
    """
    return (1.0 / b, -out / b)


def _d_pow(out: Any, a: Any, n: float) -> tuple[Any]:
    """out = a**n for a number n:  d(out)/da = n * a**(n-1)  (0 for n = 0; inf at a = 0 for n < 1)."""
    if n == 0.0:
        return (0.0,)
    if n < 1.0 and (a if type(a) is float else _number(a)) == 0.0:
        return (math.inf,)  # e.g. the slope of sqrt(x) at 0
    return (n * a ** (n - 1.0),)


def _d_exp(out: Any, a: Any) -> tuple[Any]:
    """out = e**a:  d(out)/da = e**a = out."""
    return (out,)


def _d_log(out: Any, a: Any) -> tuple[Any]:
    """out = ln(a):  d(out)/da = 1/a."""
    return (1.0 / a,)


def _d_tanh(out: Any, a: Any) -> tuple[Any]:
    """out = tanh(a):  d(out)/da = 1 - tanh(a)**2 = 1 - out**2."""
    return (1.0 - out * out,)


def _sigmoid_slope(e: Any) -> Any:
    """d(sigmoid(a))/da = e / (1 + e)**2, from e = e**-|a| (see ``_d_sigmoid``)."""
    one_plus_e = 1.0 + e
    return e / (one_plus_e * one_plus_e)


def _d_sigmoid(out: Any, a: Any) -> tuple[Any]:
    """out = 1 / (1 + e**-a):  d(out)/da = out * (1 - out) = e / (1 + e)**2  with e = e**-|a|.

    The second form never overflows and has no 1 - out in it, which would lose every digit for a large
    a (1 - out cancels), so the slope is the same for a and -a, and nonzero until e**-|a| itself is too
    small for a float (|a| > 745). ``Value.sigmoid`` computes e anyway, for its output, and passes it to
    ``_sigmoid_slope`` directly.
    """
    if type(a) is float:
        e = math.exp(-abs(a))
    else:  # a Value or a dual number: e**-|a| made of their own operations
        e = (-a if _number(a) >= 0.0 else a).exp()
    return (_sigmoid_slope(e),)


def _d_relu(out: Any, a: float) -> tuple[float]:
    """out = max(0, a):  d(out)/da = 1 if a > 0 else 0 — a constant, so every higher derivative is 0.

    ``a`` is the input's number (the slope depends on nothing else); relu(nan) is nan, and so is its slope.
    """
    return _D_RELU_ON if a > 0.0 else _D_RELU_OFF if a <= 0.0 else (a,)


def _d_weighted_sum(
    weights: Sequence[Any], inputs: Sequence[Any], linked: Sequence[int] | None
) -> tuple[Any, ...]:
    """out = sum_i w_i * x_i + b:  d(out)/db = 1,  d(out)/dw_i = x_i,  d(out)/dx_i = w_i.

    In the order of the node's parents: b, every w_i, then the x_i that are Values (``linked``: their
    indices, None when every input is a Value; an input that is a plain number is a constant, not a
    parent).
    """
    if linked is None:
        return (1.0, *inputs, *weights)
    return (1.0, *inputs, *[weights[i] for i in linked])


class _WeightedSumOp(str):
    """The ``_op`` of a weighted_sum node whose inputs are partly numbers: "w·x+b", plus where the Value
    inputs are (``n`` weights; ``linked``: the indices of the inputs that are parents)."""

    n: int
    linked: tuple[int, ...]


_RULES: dict[str, Any] = {
    "+": lambda out, a, b: _D_ADD,
    "-": lambda out, a, b: _D_SUB,
    "neg": lambda out, a: _D_NEG,
    "*": _d_mul,
    "/": _d_div,
    "exp": _d_exp,
    "log": _d_log,
    "tanh": _d_tanh,
    "sigmoid": _d_sigmoid,
    "ReLU": lambda out, a: _d_relu(out, _number(a)),  # a constant: it needs only the number
}


def derivative_rule(node: Value) -> Any:
    """The derivative rule of the operation that made ``node``, as a function of stand-ins.

    ``derivative_rule(node)(out, *parents)`` gives the local derivatives of ``node`` with respect to its
    parents, where ``out`` and ``parents`` stand for the node and its parents: the nodes themselves (the
    derivatives are then Values, differentiable again), their numbers, or dual numbers. Constants the
    operation used (the exponent of ``**``, a weighted_sum's plain-number inputs) come from the node.
    A node made by hand, with no rule the engine knows, raises a TypeError.
    """
    op = node._op
    rule = _RULES.get(op)
    if rule is not None:
        return rule
    if op.startswith("**"):
        n = float(op[2:])
        return lambda out, a: _d_pow(out, a, n)
    if op == "w·x+b":
        if isinstance(op, _WeightedSumOp):
            n, linked = op.n, op.linked
            constants = node._local_grads[1 : 1 + n]
        else:  # every input is a Value: parents b, w_0..w_n-1, x_0..x_n-1
            n, linked, constants = (len(node._prev) - 1) // 2, None, ()

        def weighted_sum_rule(out: Any, bias: Any, *rest: Any) -> tuple[Any, ...]:
            weights, inputs = rest[:n], list(rest[n:])
            if linked is not None:  # the plain-number inputs are the constants the node stored
                inputs = list(constants)
                for j, i in enumerate(linked):
                    inputs[i] = rest[n + j]
            return _d_weighted_sum(weights, inputs, linked)

        return weighted_sum_rule
    raise TypeError(
        f"cannot differentiate through a node made by {op or 'Value()'!r} more than once: the engine has no "
        "derivative rule for it, only the numbers it was made with (first-order backward() works)"
    )


def topological_order(root: Any) -> list[Any]:
    """Every node ``root`` depends on (``root`` included), each after all of its parents.

    Works for any Value-like object: it only reads ``node._prev`` (a tuple of
    parents), and keeps the visited nodes in a set, so nodes must hash by
    identity (Python's default, and ``Value``'s). A depth-first search with an
    explicit stack instead of recursion, so a graph of any depth works
    (recursion stops at about 1,000 levels). Each node is pushed as
    ``(node, False)``, "order its parents first", and then again as
    ``(node, True)``, "now add it". A leaf has no parents to wait for, so it
    goes into the order as soon as it is found.
    """
    order: list[Any] = []
    visited: set[Any] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
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


class Value:
    """A scalar with a gradient: ``Value(2.0, label="x")``.

    The other arguments are the engine's own: ``Value(data, _children, _op,
    *, label, _local_grads)`` makes a node with the parents ``_children`` (a
    tuple of Values, as in the reference micrograd) and one local derivative
    per parent.
    """

    # __slots__ keeps each node small (no per-node __dict__); __weakref__ lets
    # weakref.ref(node) observe when a graph is freed.
    __slots__ = ("data", "grad", "label", "_prev", "_local_grads", "_op", "__weakref__")

    def __init__(
        self,
        data: Number,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        *,
        label: str = "",
        _local_grads: tuple[float, ...] = (),
    ) -> None:
        self.data = _as_float(data)
        self.grad = 0.0
        self.label = label
        if type(_children) is tuple and not _children and type(_local_grads) is tuple and not _local_grads:
            self._prev = ()  # a leaf: the usual case
        else:
            self._prev = _check_parents(data, _children, _local_grads)
        # parents without local derivatives (chapter 2's stage, or the reference's custom op): None, so
        # that backward() stops with a message instead of silently passing nothing on
        self._local_grads = tuple(_local_grads) if len(_local_grads) or not self._prev else None
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
        if not isinstance(other, Value):
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        return Value._result(self.data + other.data, (self, other), _D_ADD, "+")

    def __mul__(self, other: Value | Number) -> Value:
        """out = a * b;  d(out)/da = b,  d(out)/db = a."""
        if not isinstance(other, Value):
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        a, b = self.data, other.data
        product = a * b
        return Value._result(product, (self, other), _d_mul(product, a, b), "*")

    def __sub__(self, other: Value | Number) -> Value:
        """out = a - b;  d(out)/da = 1,  d(out)/db = -1."""
        if not isinstance(other, Value):
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        return Value._result(self.data - other.data, (self, other), _D_SUB, "-")

    def __truediv__(self, other: Value | Number) -> Value:
        """out = a / b;  d(out)/da = 1/b,  d(out)/db = -a/b**2 = -out/b."""
        if not isinstance(other, Value):
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / 0 (the divisor Value is 0)")
        quotient = self.data / other.data
        return Value._result(quotient, (self, other), _d_div(quotient, self.data, other.data), "/")

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
            local_grads = _d_pow(result, self.data, n)
        except OverflowError:
            raise OverflowError(f"({self.data!r}) ** {exponent!r} is too large for a float") from None
        # the label holds the exponent (grad(..., create_graph=True) reads it back): written so that
        # float(label[2:]) == n, also for number types whose str() does not round-trip (e.g. Fraction)
        op = f"**{exponent}" if type(exponent) is int or type(exponent) is float else f"**{n!r}"
        return Value._result(result, (self,), local_grads, op)

    def __rpow__(self, base: Number) -> Value:
        """out = c**a for a number c > 0;  d(out)/da = c**a * ln(c)."""
        base_value = Value(base)
        if base_value.data <= 0.0:
            raise ValueError(f"{base!r} ** Value: the base must be positive to differentiate c**x")
        return (self * math.log(base_value.data)).exp()

    def __neg__(self) -> Value:
        """out = -a;  d(out)/da = -1."""
        return Value._result(-self.data, (self,), _D_NEG, "neg")

    # other + self and other * self: the same as self + other and self * other
    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Value:  # other - self
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other - self

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other / self

    # ---- functions of one value ---------------------------------------------

    def exp(self) -> Value:
        """out = e**a;  d(out)/da = e**a = out."""
        try:
            result = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) overflows a float (the limit is about exp(709))"
            ) from None
        return Value._result(result, (self,), _d_exp(result, self.data), "exp")

    def log(self) -> Value:
        """out = ln(a) for a > 0;  d(out)/da = 1/a."""
        if self.data <= 0.0:
            raise ValueError(f"log({self.data!r}): the logarithm needs a positive number")
        result = math.log(self.data)
        return Value._result(result, (self,), _d_log(result, self.data), "log")

    def tanh(self) -> Value:
        """out = tanh(a);  d(out)/da = 1 - tanh(a)**2."""
        t = math.tanh(self.data)
        return Value._result(t, (self,), _d_tanh(t, self.data), "tanh")

    def sigmoid(self) -> Value:
        """out = 1 / (1 + e**-a);  d(out)/da = out * (1 - out) = e**-|a| / (1 + e**-|a|)**2.

        Computed from e = e**-|a|, which never overflows: out = 1 / (1 + e) for
        a >= 0 and e / (1 + e) for a < 0. The derivative e / (1 + e)**2 has no
        1 - out in it, which would lose every digit for large a (1 - out
        cancels), so it is the same for a and -a, and nonzero until e**-|a|
        itself is too small for a float (|a| > 745).
        """
        x = self.data
        e = math.exp(-abs(x))
        s = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
        return Value._result(s, (self,), (_sigmoid_slope(e),), "sigmoid")  # the slope of _d_sigmoid

    def relu(self) -> Value:
        """out = max(0, a);  d(out)/da = 1 if a > 0 else 0 (relu(nan) is nan, like every op on nan)."""
        x = self.data
        out = x if x > 0.0 else 0.0 if x <= 0.0 else x  # (nan stays nan)
        return Value._result(out, (self,), _d_relu(out, x), "ReLU")

    # ---- a Value is a graph node, not a number ------------------------------

    def __eq__(self, other: object) -> bool:
        """Two Values are equal only if they are the same node; a Value and a number: TypeError."""
        if isinstance(other, Value):
            return self is other
        if isinstance(other, Real):
            raise TypeError(
                f"comparing a Value with a number ({other!r}) is ambiguous: a Value is a node of a graph. "
                f"Compare its number instead: v.data == {other!r}"
            )
        return NotImplemented

    __hash__ = object.__hash__  # identity, so sets and dicts of nodes work

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a Value is ambiguous (a Value is a node of a graph, not a number). "
            "Test its number instead, e.g. `if v.data > 0:`"
        )

    # ---- backpropagation ----------------------------------------------------

    def _backward(self) -> None:
        """Chain rule at one node: each parent's grad += local_grad * self.grad."""
        for parent, local_grad in zip(self._prev, self._local_grads, strict=True):
            parent.grad += local_grad * self.grad

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after all of its parents (see ``topological_order``)."""
        return topological_order(self)

    def backward(self) -> None:
        """Fill in d(self)/d(node) as ``node.grad`` for every node in the graph.

        First sets the grad of every interior node (one with parents, ``self``
        included) to 0, then seeds ``self.grad`` with 1 (d(self)/d(self) = 1)
        and visits the nodes in reverse topological order, so a node's grad is
        complete before it is passed on. Leaves accumulate (``+=``): a second
        call adds one more copy of d(self)/d(leaf) to each leaf's grad, so call
        ``zero_grad`` on the leaves between steps. A leaf whose grad was set
        to ``None`` (a PyTorch habit) starts from 0. A node whose grad is 0
        passes nothing on (so a 0 upstream times an infinite slope gives 0,
        not nan).
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0
            elif type(node.grad) is not float:
                node.grad = _leaf_grad(node)
        self.grad += 1.0
        try:
            for node in reversed(order):
                grad = node.grad
                if grad and node._prev:  # (0 passes nothing on; a leaf has no parents)
                    # node._backward(), written out here: a method call per node costs time
                    # (strict=False: lengths are checked when a node is made; strict costs time here)
                    for parent, local_grad in zip(node._prev, node._local_grads, strict=False):
                        parent.grad += local_grad * grad
        except TypeError:  # zip(parents, None): a node made without local derivatives
            bad = next((n for n in order if n._local_grads is None), None)
            if bad is None:
                raise
            raise TypeError(
                f"cannot backpropagate through a node made by {bad._op or 'Value()'!r}: it has "
                f"{_count(len(bad._prev), 'parent')} but no local derivatives; make it with one per parent, "
                f"Value(data, parents, op, _local_grads=(...))"
            ) from None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


def _operand(other: object) -> Value:
    """The other operand of ``value (op) other`` as a Value; NotImplemented for an array.

    For a numpy array (anything with ``__array_ufunc__``), NotImplemented lets
    numpy apply the operation element by element, so ``Value + array`` gives
    the same object array of Values as ``array + Value``.
    """
    cls = type(other)
    if cls is float or cls is int or not hasattr(cls, "__array_ufunc__") or isinstance(other, Real):
        return Value(other)
    return NotImplemented


def _check_parents(data: object, children: object, local_grads: Any) -> tuple[Value, ...]:
    """The parents of ``Value(data, children, ...)``: a tuple of Values, one local derivative each."""
    if isinstance(children, (str, Real)) or not isinstance(children, Iterable):
        raise TypeError(
            f"Value({data!r}, {children!r}): the second argument is the node's parents (a tuple of Values), "
            f"got {type(children).__name__}; to name a Value write Value({data!r}, label={children!r})"
        )
    parents = tuple(children)
    for parent in parents:
        if not isinstance(parent, Value):
            raise TypeError(f"the parents of a Value must be Values, got {type(parent).__name__}: {parent!r}")
    # () is allowed: a node without a backward rule yet (backward() then says so)
    if len(local_grads) and len(local_grads) != len(parents):
        raise ValueError(
            f"a node needs one local derivative per parent (_local_grads): {_count(len(parents), 'parent')}, "
            f"got {_count(len(local_grads), 'local derivative')}"
        )
    return parents


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _leaf_grad(node: Value) -> float:
    """A leaf's grad before backward: None counts as 0; anything else must be a number."""
    if node.grad is None:
        return 0.0
    if isinstance(node.grad, bool) or not isinstance(node.grad, Real):
        raise TypeError(
            f"{node!r} has grad {node.grad!r}; a grad must be a number (reset it with v.grad = 0.0)"
        )
    return float(node.grad)


def _result_without_graph(
    data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], op: str
) -> Value:
    """``Value._result`` inside ``no_grad()``: the output is a leaf (no parents, nothing to backpropagate)."""
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._prev = ()
    out._local_grads = ()
    out._op = ""
    return out


_recording = Value._result
_no_grad_depth = 0


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside ``with no_grad():`` operations record no graph (like ``torch.no_grad()``).

    Results are leaves: the right numbers, but no parents and no local
    derivatives, so nothing links them to the inputs and ``backward()`` on
    them reaches nothing. Use it to evaluate a model many times (e.g. on a grid
    of points for a picture) without building graphs. Blocks may be nested;
    recording resumes when the outermost block ends, even by an exception.
    It switches the engine for the whole process (not per thread).
    """
    global _no_grad_depth
    _no_grad_depth += 1
    Value._result = staticmethod(_result_without_graph)  # type: ignore[method-assign]
    try:
        yield
    finally:
        _no_grad_depth -= 1
        if _no_grad_depth == 0:
            Value._result = staticmethod(_recording)  # type: ignore[method-assign]


def is_grad_enabled() -> bool:
    """False inside a ``no_grad()`` block."""
    return _no_grad_depth == 0


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
    if _no_grad_depth:  # inside no_grad(): only the number, no parents or local derivatives to collect
        x_data = [x.data if isinstance(x, Value) else _as_float(x) for x in inputs]
        return Value._result(sum(map(operator.mul, w_data, x_data), bias.data), (), (), "")
    op = "w·x+b"
    if set(map(type, inputs)) <= {Value}:  # the usual case: every input is a Value
        x_data = [x.data for x in inputs]
        parents = (bias, *weights, *inputs)
        linked: tuple[int, ...] | None = None
    else:  # some inputs are numbers (e.g. a network's input data)
        x_data = [x.data if isinstance(x, Value) else _as_float(x) for x in inputs]
        linked = tuple(i for i, x in enumerate(inputs) if isinstance(x, Value))
        parents = (bias, *weights, *[inputs[i] for i in linked])
        op = _WeightedSumOp(op)
        op.n, op.linked = len(inputs), linked
    total = sum(map(operator.mul, w_data, x_data), bias.data)
    return Value._result(total, parents, _d_weighted_sum(w_data, x_data, linked), op)


def grad(
    outputs: Value | Sequence[Value], inputs: Value | Sequence[Value], create_graph: bool = False
) -> tuple[Value, ...]:
    """The gradient of ``outputs`` with respect to each of ``inputs``, as Values (``torch.autograd.grad``).

    Returns a tuple with one Value per input: d(outputs)/d(input), the sum over the outputs when there are
    several. No ``.grad`` is read or written. An input the outputs do not depend on gets 0 (PyTorch raises
    unless ``allow_unused=True``).

    * ``create_graph=False``: the same chain rule as ``backward()``, with the numbers the nodes stored;
      the results are leaves (plain numbers wrapped as Values).
    * ``create_graph=True``: each node's local derivatives are computed again by the operation's
      derivative rule, on the nodes themselves, so the results are Values with a graph of their own
      that reaches back to the inputs: differentiate them again (with ``grad`` or ``backward()``) for
      second, third, ... derivatives. E.g. for z = x*y + x**2, ``dx, dy = grad(z, [x, y],
      create_graph=True)`` gives dx = y + 2x as a graph, and ``grad(dx, [x, y])`` gives (2, 1).
    """
    outputs = _values(outputs, "outputs")
    inputs = _values(inputs, "inputs")
    if create_graph and _no_grad_depth:
        raise RuntimeError("grad(..., create_graph=True) inside no_grad(): no graph could be recorded")
    if len(outputs) == 1:
        order = topological_order(outputs[0])
    else:  # the order below a stand-in root whose parents are the outputs, without that root
        order = topological_order(_Outputs(tuple(outputs)))[:-1]
    grads: dict[Value, Any] = {}
    for output in outputs:  # d(sum of the outputs)/d(output) = 1 (twice for an output given twice)
        grads[output] = grads.get(output, 0.0) + 1.0
    for node in reversed(order):
        upstream = grads.get(node)
        if not node._prev or upstream is None or (type(upstream) is float and upstream == 0.0):
            continue  # a leaf, or nothing to pass on (0 times an infinite slope stays 0)
        if node._local_grads is None:
            raise TypeError(
                f"cannot backpropagate through a node made by {node._op or 'Value()'!r}: it has "
                "parents but no local derivatives"
            )
        local_grads = derivative_rule(node)(node, *node._prev) if create_graph else node._local_grads
        for parent, local_grad in zip(node._prev, local_grads, strict=True):
            contribution = _times(local_grad, upstream)
            total = grads.get(parent)
            grads[parent] = contribution if total is None else total + contribution
    results = []
    for x in inputs:
        g = grads.get(x, 0.0)
        results.append(g if create_graph and isinstance(g, Value) else Value(_number(g)))
    return tuple(results)


class _Outputs:
    """A stand-in root above several outputs, for topological_order (which reads only ``_prev``)."""

    __slots__ = ("_prev",)

    def __init__(self, outputs: tuple[Value, ...]) -> None:
        self._prev = outputs


def _times(local_grad: Any, upstream: Any) -> Any:
    """local_grad * upstream, without making a node for a factor of 1 or -1."""
    if type(local_grad) is float:
        if local_grad == 1.0:
            return upstream
        if local_grad == -1.0:
            return -upstream
    elif type(upstream) is float and upstream == 1.0:
        return local_grad
    return local_grad * upstream


def _values(values: Value | Sequence[Value], name: str) -> list[Value]:
    """A Value or a sequence of Values as a list, or a TypeError naming what was passed."""
    if isinstance(values, Value):
        return [values]
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"grad(): {name} must be a Value or a list of Values, got {type(values).__name__}")
    values = list(values)
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"grad(): every one of the {name} must be a Value, got {type(v).__name__}: {v!r}")
    if not values:
        raise ValueError(f"grad(): no {name} given")
    return values
