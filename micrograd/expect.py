"""Comparing an answer with what was expected: ``Mismatch`` and the ``expect_*`` helpers.

A neutral module: the exercise checkers (``micrograd.exercises``) and chapter 13's kernel
harness (``micrograd.gpu``) both use it, and it imports only the standard library (the
in-page runtime of chapters 1-11 has no numpy; ``expect_close_array`` imports numpy when
called). Every helper raises ``Mismatch("what was wrong, on which case")``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any


class Mismatch(Exception):
    """Raised by a checker: the answer is wrong, and the message says how."""


def _short(obj: Any, limit: int = 60) -> str:
    """A short, run-independent description of an argument (no memory addresses)."""
    if callable(obj):
        name = getattr(obj, "__name__", type(obj).__name__)
        return "a function" if name == "<lambda>" else name
    if _is_numpy_array(obj) and (obj.ndim > 1 or obj.size > 4):  # its shape says more than its digits
        return f"an array of shape {obj.shape}"
    text = repr(obj)
    if " at 0x" in text:
        return f"a {type(obj).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_number(x: Any) -> bool:
    """True for any real number: int, float, Fraction, numpy scalars of any width; not bool.

    This is THE number rule of every checker (``numbers.Real`` minus ``bool``
    and ``numpy.bool_``), so ``np.float32(1.5)`` and ``np.int64(3)`` count as
    numbers, ``True`` does not, and neither does a 1-element array.
    """
    return isinstance(x, numbers.Real) and not isinstance(x, bool)  # (numpy.bool_ is not Real)


def fmt(x: Any) -> str:
    """A number as text with every digit that tells it apart: ``repr(float(x))``.

    The shortest text that reads back as the same float, so two different
    floats never print alike ("expected 6.0, got 6.000000001"). Integers print
    as integers; anything else as a short repr.
    """
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        return str(int(x))
    if is_number(x):
        return repr(float(x))
    return _short(x)


def _describe(obj: Any) -> str:
    """``type value`` of something that is not what was expected, e.g. ``str 'a'``.

    Where the short form already names the type ("a tuple", "a function"), it is used alone.
    """
    short = _short(obj)
    if short.startswith(("a ", "an ")) or callable(obj):
        return short if short.startswith(("a ", "an ")) else f"the function {short}"
    return f"{type(obj).__name__} {short}"


def expect_number(got: Any, case: str) -> float:
    """Return ``got`` as a float, or raise Mismatch unless it is a number (see ``is_number``)."""
    if not is_number(got):
        raise Mismatch(f"{case}: expected a number, got {_describe(got)}")
    return float(got)


def expect_close(
    got: Any,
    expected: float,
    case: str,
    rel: float = 1e-6,
    abs_tol: float = 1e-9,
) -> float:
    """Raise Mismatch unless ``got`` is a number within tolerance of ``expected``; return it as a float.

    Close means ``|got - expected| <= max(rel * max(|got|, |expected|), abs_tol)``
    (``math.isclose``). The message prints both numbers with all their digits
    (``fmt``) and the difference, so it can never read "expected 6, got 6"; where
    the relative error is what failed (a tiny difference between tiny numbers), it says so.
    """
    value = expect_number(got, case)
    if math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        return value
    off = ""
    if math.isfinite(value) and math.isfinite(expected):
        off = f" (off by {value - expected:.3g})"
        if expected != 0 and abs(value - expected) > abs_tol:  # the relative error is what failed
            relative = abs(value - expected) / abs(expected)
            off = (
                f" (off by {value - expected:.3g}: a relative error of {relative:.2g}, "
                f"where the checker allows {rel:g})"
            )
    raise Mismatch(f"{case}: expected {fmt(expected)}, got {fmt(got)}{off}")


def _is_numpy_array(obj: Any) -> bool:
    return type(obj).__module__ == "numpy" and type(obj).__name__ == "ndarray"


def expect_sequence(got: Any, case: str, length: int | None = None, what: str = "numbers") -> list[float]:
    """Return ``got`` as a list of floats, or raise Mismatch saying what is wrong.

    THE sequence rule of every checker: a list, a tuple or a 1-D numpy array
    whose items are numbers (``is_number``). ``length``, if given, is the
    number of items expected; ``what`` names the items in messages.
    """
    count = "" if length is None else f"{length} "
    if _is_numpy_array(got):
        if got.ndim != 1:
            shape = f"a {got.ndim}-D array of shape {got.shape}"
            raise Mismatch(f"{case}: expected a list or tuple of {count}{what}, got {shape}")
        items = list(got)
    elif isinstance(got, (list, tuple)):
        items = list(got)
    else:
        raise Mismatch(f"{case}: expected a list or tuple of {count}{what}, got {_describe(got)}")
    if length is not None and len(items) != length:
        raise Mismatch(f"{case}: expected {length} {what}, got {len(items)}: {_short(got)}")
    for index, item in enumerate(items):
        if not is_number(item):
            raise Mismatch(f"{case}: item {index} should be a number, got {_describe(item)}")
    return [float(item) for item in items]


def expect_close_sequence(
    got: Any,
    expected: Any,
    case: str,
    rel: float = 1e-6,
    abs_tol: float = 1e-9,
    what: str = "numbers",
) -> list[float]:
    """``expect_sequence`` of ``len(expected)`` items, then ``expect_close`` on each; return them."""
    expected = list(expected)
    values = expect_sequence(got, case, length=len(expected), what=what)
    for index, (value, want) in enumerate(zip(values, expected, strict=True)):
        expect_close(value, want, f"{case}, item {index}", rel=rel, abs_tol=abs_tol)
    return values


def expect_close_array(got: Any, expected: Any, case: str, rel: float = 1e-7, abs_tol: float = 1e-10) -> None:
    """Raise Mismatch unless ``got`` is a numpy array of ``expected``'s shape, close entry by entry.

    A plain number is accepted where a 0-d array is expected. The message names the
    first entry that differs (``entry (1, 0)``), with ``expect_close``'s digits.
    """
    import numpy as np  # (only the tensor chapters' checkers need numpy)

    expected = np.asarray(expected)
    if is_number(got) and expected.shape == ():
        got = np.asarray(got)
    if not _is_numpy_array(got):
        raise Mismatch(f"{case}: expected a numpy array of shape {expected.shape}, got {type(got).__name__}")
    if got.shape != expected.shape:
        raise Mismatch(f"{case}: expected an array of shape {expected.shape}, got shape {got.shape}")
    if got.dtype.kind not in "iuf":
        raise Mismatch(f"{case}: expected an array of numbers, got dtype {got.dtype}")
    for index in np.ndindex(expected.shape):
        where = f"{case}, entry {index}" if index else case
        expect_close(got[index].item(), float(expected[index]), where, rel=rel, abs_tol=abs_tol)
