"""Check backpropagation against finite differences.

``backward()`` computes each gradient with the chain rule, from local
derivatives that someone wrote by hand, and a wrong rule goes unnoticed: the
code still runs. Finite differences need no rules at all. Nudge one input by
a small h either way and watch the output::

    df/dx_i  ~  (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / (2 h)

(the central difference: its error shrinks like h**2, until round-off, which
grows like 1/h, takes over; h = 1e-6 is a good compromise for float64).

``gradcheck(f, inputs)`` compares the two for every input and returns a
:class:`GradcheckResult` that is truthy when all agree. It works with any
Value-like class (anything with ``.data``, ``.grad`` and ``.backward()``), such
as the ``Value`` the notebooks build, by duck typing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

__all__ = ["GradcheckError", "GradcheckResult", "gradcheck", "numerical_grad"]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck(..., raise_on_failure=True)`` when a gradient is wrong."""


def _data(x: Any) -> float:
    """The number inside a Value-like object, or the number itself."""
    value = x.data if hasattr(x, "data") else x
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"expected a number or a Value-like object with .data, got {type(x).__name__}")
    return float(value)


def _output(f: Callable[..., Any], args: list[Any]) -> float:
    return _data(f(*args))


def numerical_grad(f: Callable[..., Any], inputs: Sequence[Any], h: float = 1e-6) -> list[float]:
    """The gradient of ``f(*inputs)`` by central differences, one entry per input.

    ``inputs`` are numbers or Value-like objects; ``f`` gets the same kind
    back (a fresh object of the input's own class, holding the nudged number).
    ``f`` may return a number or a Value-like object (its ``.data`` is used).
    """
    if not h > 0:
        raise ValueError(f"the step h must be > 0, got {h!r}")
    points = [_data(x) for x in inputs]

    def args_at(values: list[float]) -> list[Any]:
        return [type(x)(v) if hasattr(x, "data") else v for x, v in zip(inputs, values, strict=True)]

    grads = []
    for i, x in enumerate(points):
        up = points.copy()
        down = points.copy()
        up[i] = x + h
        down[i] = x - h
        grads.append((_output(f, args_at(up)) - _output(f, args_at(down))) / (2 * h))
    return grads


@dataclass
class GradcheckResult:
    """What ``gradcheck`` found, input by input. Truthy when every gradient agrees.

    ``relative_errors[i]`` is ``|analytic - numeric| / max(|analytic|, |numeric|)``
    (0 when both are 0); an input passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``.
    """

    analytic: list[float]
    numeric: list[float]
    relative_errors: list[float]
    passed: list[bool]
    rtol: float
    atol: float
    labels: list[str]

    @property
    def ok(self) -> bool:
        return all(self.passed)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def worst(self) -> int:
        """The index of the input with the largest relative error (-1 when there are no inputs)."""
        if not self.relative_errors:
            return -1
        return max(range(len(self.relative_errors)), key=lambda i: _sort_key(self.relative_errors[i]))

    @property
    def max_relative_error(self) -> float:
        return self.relative_errors[self.worst] if self.relative_errors else 0.0

    def report(self) -> str:
        """A table: one line per input, the failing ones marked."""
        lines = [f"gradcheck {'passed' if self.ok else 'FAILED'} (rtol={self.rtol:g}, atol={self.atol:g})"]
        lines.append(f"  {'input':<10} {'backward':>14} {'finite diff':>14} {'rel. error':>11}")
        for i, label in enumerate(self.labels):
            mark = "" if self.passed[i] else "   <-- wrong"
            lines.append(
                f"  {label:<10} {self.analytic[i]:>14.8g} {self.numeric[i]:>14.8g} "
                f"{self.relative_errors[i]:>11.2e}{mark}"
            )
        if self.labels:
            lines.append(f"  worst: {self.labels[self.worst]} (relative error {self.max_relative_error:.2e})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def _sort_key(x: float) -> float:
    return math.inf if math.isnan(x) else x


def _relative_error(a: float, n: float) -> float:
    if not (math.isfinite(a) and math.isfinite(n)):
        return 0.0 if a == n else math.inf
    scale = max(abs(a), abs(n))
    return 0.0 if scale == 0.0 else abs(a - n) / scale


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    rtol: float = 1e-5,
    atol: float = 1e-7,
    *,
    h: float = 1e-6,
    value_class: type | None = None,
    raise_on_failure: bool = False,
) -> GradcheckResult:
    """Compare the gradients ``backward()`` gives for ``f(*values)`` with finite differences.

    ``f`` takes Values and returns one scalar Value. ``inputs`` are numbers or
    Values; fresh leaf Values are made from them (of ``value_class``, else the
    class of the Value inputs, else ``micrograd.engine.Value``), so the grads of
    the Values passed in are left untouched. Returns a :class:`GradcheckResult`
    (``bool(result)`` says whether all passed; ``print(result)`` shows the
    table); with ``raise_on_failure=True`` a failure raises
    :class:`GradcheckError` carrying that table instead.
    """
    if value_class is None:
        value_class = next((type(x) for x in inputs if hasattr(x, "data")), None)
    if value_class is None:
        from micrograd.engine import Value as value_class
    points = [_data(x) for x in inputs]
    leaves = [value_class(x) for x in points]
    out = f(*leaves)
    if not (hasattr(out, "backward") and hasattr(out, "data")):
        raise TypeError(f"gradcheck: f must return a Value (one scalar), got {type(out).__name__}")
    out.backward()
    analytic = [float(leaf.grad) for leaf in leaves]
    numeric = numerical_grad(f, leaves, h=h)
    relative_errors = [_relative_error(a, n) for a, n in zip(analytic, numeric, strict=True)]
    passed = [
        (a == n) if not (math.isfinite(a) and math.isfinite(n)) else abs(a - n) <= atol + rtol * abs(n)
        for a, n in zip(analytic, numeric, strict=True)
    ]
    labels = [getattr(x, "label", "") or f"x{i}" for i, x in enumerate(inputs)]
    result = GradcheckResult(analytic, numeric, relative_errors, passed, rtol, atol, labels)
    if raise_on_failure and not result.ok:
        raise GradcheckError(result.report())
    return result
