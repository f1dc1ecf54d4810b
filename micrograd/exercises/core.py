"""The exercise machinery: a registry, ``check``, ``hint`` and ``solution``.

An exercise is registered once, with its reference solution, its hints and a
*checker*: a function that receives the learner's answer and raises
``Mismatch("what was wrong, on which case")`` when the answer is wrong.

``check`` turns everything that can go wrong into a friendly message and a
``False``: it never raises because of a learner's mistake, so a notebook with
unfinished exercises still runs from top to bottom.
"""

from __future__ import annotations

import html
import inspect
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NOT_ATTEMPTED = "⏳"
CORRECT = "✅"
WRONG = "❌"


class Mismatch(Exception):
    """Raised by a checker: the answer is wrong, and the message says how."""


@dataclass
class Exercise:
    """One exercise: ``id`` like "1.2", its checker, reference and hints.

    ``kind`` is "function" when the learner writes a function (a stub raises
    NotImplementedError) or "value" when they fill in a number or object
    (a stub is ``...``). ``wrong_answers`` are plausible mistakes the tests
    feed to the checker, which must reject every one of them.
    """

    id: str
    title: str
    checker: Callable[[Any], None]
    reference: Any
    hints: list[str]
    kind: str = "function"
    wrong_answers: list[Any] = field(default_factory=list)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


_REGISTRY: dict[str, Exercise] = {}
_hints_shown: dict[str, int] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids must be unique)."""
    if exercise.id in _REGISTRY:
        raise ValueError(f"exercise {exercise.id} is registered twice")
    if exercise.kind not in ("function", "value"):
        raise ValueError(f"exercise {exercise.id}: kind must be 'function' or 'value'")
    if not exercise.hints:
        raise ValueError(f"exercise {exercise.id} needs at least one hint")
    _REGISTRY[exercise.id] = exercise
    return exercise


def registry() -> dict[str, Exercise]:
    """Every registered exercise, by id, in chapter order."""
    return dict(sorted(_REGISTRY.items(), key=lambda item: tuple(int(p) for p in item[0].split("."))))


def _lookup(exercise_id: str) -> Exercise | None:
    exercise = _REGISTRY.get(str(exercise_id))
    if exercise is None:
        known = ", ".join(registry())
        print(f"{WRONG} There is no exercise {exercise_id!r}. Known exercises: {known}")
    return exercise


class _NotAttempted(Exception):
    """Internal: the learner's answer is still the stub."""


def _guard(answer: Any) -> Any:
    """Wrap a learner's function so a stub is recognised wherever it is called."""
    if not callable(answer):
        return answer

    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return answer(*args, **kwargs)
        except NotImplementedError as error:
            raise _NotAttempted from error
        except RecursionError as error:
            raise Mismatch("your code recursed without end (RecursionError)") from error
        except Mismatch:
            raise
        except Exception as error:
            raise _LearnerError(error, args, kwargs) from error

    guarded.__wrapped__ = answer  # type: ignore[attr-defined]
    return guarded


class _LearnerError(Exception):
    """Internal: the learner's code raised; keeps the inputs it was called with."""

    def __init__(self, error: Exception, args: tuple, kwargs: dict) -> None:
        super().__init__(str(error))
        self.error = error
        self.call = ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])


def _short(obj: Any, limit: int = 60) -> str:
    """A short, run-independent description of an argument (no memory addresses)."""
    if callable(obj):
        name = getattr(obj, "__name__", type(obj).__name__)
        return "a function" if name == "<lambda>" else name
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def expect_close(got: Any, expected: float, case: str, rel: float = 1e-6, abs_tol: float = 1e-9) -> None:
    """Raise Mismatch unless ``got`` is a number within tolerance of ``expected``."""
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise Mismatch(f"{case}: expected a number, got {type(got).__name__} {_short(got)}")
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol):
        raise Mismatch(f"{case}: expected {expected:.6g}, got {got:.6g}")


class CheckResult(int):
    """True or False, as ``check`` returns it; a notebook shows only the printed message.

    It compares equal to ``True``/``False`` and works in ``if``; Jupyter does not echo it
    under the cell, where a bare ``False`` would only repeat the message above.
    """

    def __repr__(self) -> str:
        return repr(bool(self))

    def _ipython_display_(self) -> None:
        """Display nothing: the message is already printed."""


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Check an answer; print ✅, ❌ (with what was wrong) or ⏳; return True if correct."""
    return CheckResult(_check(exercise_id, answer))


def _check(exercise_id: str, answer: Any) -> bool:
    exercise = _lookup(exercise_id)
    if exercise is None:
        return False
    header = f"Exercise {exercise.id} ({exercise.title}):"
    if answer is ...:
        print(f"{NOT_ATTEMPTED} {header} not attempted yet. Replace the ... with your answer.")
        return False
    if exercise.kind == "function" and not callable(answer):
        print(f"{WRONG} {header} expected a function, got {type(answer).__name__} {_short(answer)}.")
        return False
    try:
        exercise.checker(_guard(answer) if exercise.kind == "function" else answer)
    except _NotAttempted:
        print(
            f"{NOT_ATTEMPTED} {header} not attempted yet. Replace `raise NotImplementedError` with your code."
        )
        return False
    except Mismatch as wrong:
        print(f"{WRONG} {header} not yet. {wrong}")
        return False
    except _LearnerError as failure:
        error = failure.error
        print(
            f"{WRONG} {header} your code raised {type(error).__name__}: {error}  (called with {failure.call})"
        )
        return False
    except RecursionError:
        print(f"{WRONG} {header} your answer recursed without end (RecursionError).")
        return False
    except Exception as error:  # the answer has a shape the checker could not use
        print(f"{WRONG} {header} your answer could not be checked: {type(error).__name__}: {error}")
        return False
    print(f"{CORRECT} {header} correct!")
    return True


def hint(exercise_id: str) -> None:
    """Print the next hint for an exercise, one more each call."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        return
    shown = _hints_shown.get(exercise.id, 0)
    index = min(shown, len(exercise.hints) - 1)
    _hints_shown[exercise.id] = index + 1
    suffix = "" if index + 1 < len(exercise.hints) else " (that was the last hint)"
    print(f"💡 Hint {index + 1}/{len(exercise.hints)} for {exercise.id}{suffix}: {exercise.hints[index]}")


def reset_hints() -> None:
    """Start the hints of every exercise again from the first."""
    _hints_shown.clear()


@dataclass
class Solution:
    """A reference solution that stays folded until the reader opens it.

    In Jupyter, Colab and the HTML book it shows as a collapsed
    ``<details>`` box; as plain text it is just the source code.
    """

    exercise_id: str
    title: str
    source: str

    def __repr__(self) -> str:
        return self.source

    def _repr_html_(self) -> str:
        return (
            f'<details class="micrograd-solution"><summary>Show the solution to exercise '
            f"{html.escape(self.exercise_id)} ({html.escape(self.title)})</summary>"
            f"<pre><code>{html.escape(self.source)}</code></pre></details>"
        )


def solution(exercise_id: str) -> Solution | None:
    """The reference solution's source, folded in notebooks and the book."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        return None
    return Solution(exercise.id, exercise.title, solution_source(exercise))


def solution_source(exercise: Exercise) -> str:
    """Source text of the reference: a function's code, or the value's repr."""
    reference = exercise.reference
    if callable(reference):
        return textwrap.dedent(inspect.getsource(reference)).strip()
    return f"answer = {reference!r}"
