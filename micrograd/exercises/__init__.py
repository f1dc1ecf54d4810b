"""Exercises with immediate feedback: ``check``, ``hint``, ``solution``, ``registry``.

Usage in a notebook::

    from micrograd.exercises import check, hint, solution
    check("1.2", central_difference)   # ✅ / ❌ with the failing case / ⏳
    hint("1.2")                        # the next hint
    solution("1.2")                    # the reference, folded until opened

A chapter's exercises are registered when one of them is first asked for
(``load_chapter``), so chapter 4's checkers never import numpy; ``registry()``
imports every chapter.
"""

from micrograd.exercises.core import (
    Exercise,
    Mismatch,
    check,
    hint,
    load_chapter,
    register,
    registry,
    reset_hints,
    solution,
)

__all__ = [
    "Exercise",
    "Mismatch",
    "check",
    "hint",
    "load_chapter",
    "register",
    "registry",
    "reset_hints",
    "solution",
]
