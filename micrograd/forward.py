"""Forward-mode differentiation with dual numbers (chapter 7).

A ``Dual`` carries a value and its derivative along one chosen direction,
``Dual(val, der)``, and every operation applies the derivative rule at once::

    (a, a') + (b, b') = (a + b, a' + b')
    (a, a') * (b, b') = (a * b, a' * b + a * b')       the product rule
    f((a, a'))        = (f(a), f'(a) * a')             the chain rule

Seed the input of interest with ``der = 1`` (every other input with 0) and the
output's ``der`` is the derivative with respect to that input: one forward
pass per input, and no graph is kept. Seeding a whole direction ``v`` gives
the Jacobian-vector product ``J v`` in one pass (see :func:`jvp`).

``val`` and ``der`` may themselves be Duals (or ``Value`` s): a Dual of Duals
gives second derivatives, because every rule is written with ordinary
arithmetic on ``val`` and ``der``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

__all__ = ["Dual", "derivative", "jvp"]


def _lift(x: Any) -> Dual:
    """A number as a constant Dual (derivative 0); a Dual unchanged."""
    if isinstance(x, Dual):
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"Dual arithmetic needs a Dual or a real number, got {type(x).__name__}: {x!r}")
    return Dual(float(x), 0.0)


def _call(x: Any, name: str, fallback: Callable[[float], float]) -> Any:
    """x.exp() etc. for a Dual or Value component, math.exp(x) for a number."""
    return getattr(x, name)() if hasattr(x, name) else fallback(x)


def _number(x: Any) -> float:
    """The plain number inside a Dual (of Duals) or a Value."""
    while isinstance(x, Dual):
        x = x.val
    return x.data if hasattr(x, "data") else x


class Dual:
    """A value and its derivative: ``Dual(2.0, 1.0)`` is "x = 2, dx/dx = 1"."""

    __slots__ = ("val", "der")

    def __init__(self, val: Any, der: Any = 0.0) -> None:
        self.val = val
        self.der = der

    def __add__(self, other: Any) -> Dual:
        """(a + b)' = a' + b'."""
        other = _lift(other)
        return Dual(self.val + other.val, self.der + other.der)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        """(-a)' = -a'."""
        return Dual(-self.val, -self.der)

    def __sub__(self, other: Any) -> Dual:
        """(a - b)' = a' - b'."""
        return self + (-_lift(other))

    def __rsub__(self, other: Any) -> Dual:
        return _lift(other) + (-self)

    def __mul__(self, other: Any) -> Dual:
        """(a * b)' = a' * b + a * b'  (the product rule)."""
        other = _lift(other)
        return Dual(self.val * other.val, self.der * other.val + self.val * other.der)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        """(a / b)' = (a' * b - a * b') / b**2  (the quotient rule)."""
        other = _lift(other)
        return Dual(self.val / other.val, (self.der * other.val - self.val * other.der) / other.val**2)

    def __rtruediv__(self, other: Any) -> Dual:
        return _lift(other) / self

    def __pow__(self, n: Real) -> Dual:
        """(a**n)' = n * a**(n-1) * a'  for a number n."""
        if isinstance(n, bool) or not isinstance(n, Real):
            raise TypeError(f"the exponent of Dual ** n must be a number, got {type(n).__name__}")
        if n == 0:  # a**0 = 1, a constant: derivative 0, also at a = 0 (0 * 0**-1 would divide by 0)
            return Dual(self.val**n, 0.0 * self.der)
        if _number(self.val) == 0 and n < 1:  # the slope of e.g. sqrt at 0 is infinite (the scalar engine's)
            return Dual(self.val**n, math.inf * self.der)
        return Dual(self.val**n, n * self.val ** (n - 1) * self.der)

    def exp(self) -> Dual:
        """(e**a)' = e**a * a'."""
        e = _call(self.val, "exp", math.exp)
        return Dual(e, e * self.der)

    def log(self) -> Dual:
        """(ln a)' = a' / a."""
        return Dual(_call(self.val, "log", math.log), self.der / self.val)

    def tanh(self) -> Dual:
        """(tanh a)' = (1 - tanh(a)**2) * a'."""
        t = _call(self.val, "tanh", math.tanh)
        return Dual(t, (1 - t * t) * self.der)

    def relu(self) -> Dual:
        """relu(a)' = a' where a > 0, else 0 (the engine's choice at the kink)."""
        positive = _number(self.val) > 0
        return Dual(self.val, self.der) if positive else Dual(0.0 * self.val, 0.0 * self.der)

    def __repr__(self) -> str:
        return f"Dual(val={self.val!r}, der={self.der!r})"


def jvp(f: Callable[..., Any], point: Sequence[float], direction: Sequence[float]) -> tuple[Any, Any]:
    """(f(point), J v): one forward pass with input i seeded as Dual(point[i], direction[i]).

    For a scalar f the Jacobian-vector product is the directional derivative
    sum_i df/dx_i * v_i.
    """
    if len(point) != len(direction):
        raise ValueError(f"jvp: {len(point)} inputs but a direction of {len(direction)} numbers")
    out = _lift(f(*[Dual(x, v) for x, v in zip(point, direction, strict=True)]))
    return out.val, out.der


def derivative(f: Callable[..., Any], point: Sequence[float], i: int) -> float:
    """df/dx_i at ``point`` by forward mode: seed input i with 1, every other input with 0."""
    seeds = [1.0 if j == i else 0.0 for j in range(len(point))]
    return jvp(f, point, seeds)[1]
