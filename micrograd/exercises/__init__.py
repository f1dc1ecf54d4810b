"""Exercises with immediate feedback: ``check``, ``hint``, ``solution``, ``registry``.

Usage in a notebook::

    from micrograd.exercises import check, hint, solution
    check("1.2", central_difference)   # ✅ / ❌ with the failing case / ⏳
    hint("1.2")                        # the next hint
    solution("1.2")                    # the reference, folded until opened
"""

import importlib
import pkgutil

from micrograd.exercises.core import Exercise, Mismatch, check, hint, registry, reset_hints, solution


def _register_chapters() -> None:
    """Import every chapter module (ch01, ch02, ...): importing one registers its exercises."""
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("ch"))
    for name in names:
        importlib.import_module(f"{__name__}.{name}")


_register_chapters()

__all__ = ["Exercise", "Mismatch", "check", "hint", "registry", "reset_hints", "solution"]
