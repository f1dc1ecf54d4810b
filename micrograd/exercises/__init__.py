"""Exercises with immediate feedback: ``check``, ``hint``, ``solution``, ``registry``.

Usage in a notebook::

    from micrograd.exercises import check, hint, solution
    check("1.2", central_difference)   # ✅ / ❌ with the failing case / ⏳
    hint("1.2")                        # the next hint
    solution("1.2")                    # the reference, folded until opened
"""

from micrograd.exercises import ch01, ch02, ch03, ch04, ch05, ch06  # noqa: F401  (registers the chapters' exercises)
from micrograd.exercises.core import Exercise, Mismatch, check, hint, registry, reset_hints, solution

__all__ = ["Exercise", "Mismatch", "check", "hint", "registry", "reset_hints", "solution"]
