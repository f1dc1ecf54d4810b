"""The exercise machinery: a registry, ``check``, ``hint`` and ``solution``.

An exercise is registered once, with its reference solution, its hints and a
*checker*: a function that receives the learner's answer and raises
``Mismatch("what was wrong, on which case")`` when the answer is wrong.

``check`` turns everything that can go wrong into a friendly message and a
``False``: it never raises because of a learner's mistake, so a notebook with
unfinished exercises still runs from top to bottom.
"""

from __future__ import annotations

import contextlib
import functools
import html
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from micrograd.exercises.bare import BareNode, bare_copy
from micrograd.exercises.learner import (
    CODE_INDENT,
    ShortcutTrap,
    _classify,
    _guard,
    _learner_line,
    _LearnerError,
    _NotAttempted,
    _Shortcut,
    _StubHelper,
    shortcut_itself,
)
from micrograd.expect import (
    Mismatch,
    _describe,
    _short,
    expect_close,
    expect_close_array,
    expect_close_sequence,
    expect_number,
    expect_sequence,
    fmt,
    is_number,
)

# Chapter modules (and chapters added later) import these from here: they stay importable.
__all__ = [
    "CORRECT",
    "NOT_ATTEMPTED",
    "WRONG",
    "BareNode",
    "Exercise",
    "Mismatch",
    "bare_copy",
    "check",
    "expect_close",
    "expect_close_array",
    "expect_close_sequence",
    "expect_number",
    "expect_sequence",
    "fmt",
    "hint",
    "is_number",
    "load_chapter",
    "register",
    "registry",
    "reset_hints",
    "solution",
    "solution_source",
    "_short",
]

NOT_ATTEMPTED = "⏳"
CORRECT = "✅"
WRONG = "❌"


@dataclass
class Exercise:
    """One exercise: ``id`` like "1.2", its checker, reference and hints.

    ``kind`` is "function" when the learner writes a function (a stub raises
    NotImplementedError) or "value" when they fill in a number or object
    (a stub is ``...``). ``wrong_answers`` are plausible mistakes the tests
    feed to the checker, which must reject every one of them.

    ``shortcuts`` maps the dotted name of each package function or class that does
    the exercise's work (``"micrograd.engine.topological_order"``) to an answer that
    calls it: ``check`` rejects an answer that calls one and names the call, and the
    tests feed it every listed shortcut. An exercise where using the package is fine
    says so in its text and lists none.
    """

    id: str
    title: str
    checker: Callable[[Any], None]
    reference: Any
    hints: list[str]
    kind: str = "function"
    wrong_answers: list[Any] = field(default_factory=list)
    shortcuts: dict[str, Any] = field(default_factory=dict)

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


@functools.cache
def _chapter_modules() -> tuple[str, ...]:
    """The chapter modules of the exercises package (ch01, ch02, ...), in order (listed once)."""
    import pkgutil

    from micrograd import exercises

    names = (info.name for info in pkgutil.iter_modules(exercises.__path__))
    return tuple(sorted(name for name in names if name.startswith("ch")))


def load_chapter(chapter: int) -> None:
    """Import one chapter's module, which registers its exercises (once; a missing chapter is a no-op).

    Chapters load lazily, so checking a chapter-4 exercise never imports numpy or Numba:
    the in-page runtime of the published book has neither.
    """
    import importlib

    name = f"ch{chapter:02d}"
    if name in _chapter_modules():
        importlib.import_module(f"micrograd.exercises.{name}")


def registry() -> dict[str, Exercise]:
    """Every exercise of every chapter, by id, in chapter order (imports every chapter module)."""
    for name in _chapter_modules():
        load_chapter(int(name[2:]))
    return dict(sorted(_REGISTRY.items(), key=lambda item: _id_key(item[0])))


def _lookup(exercise_id: str) -> Exercise | None:
    exercise_id = str(exercise_id)
    chapter = exercise_id.split(".")[0]
    if chapter.isdigit():
        load_chapter(int(chapter))
    exercise = _REGISTRY.get(exercise_id)
    if exercise is None:
        known = ", ".join(registry())
        _say(f"{WRONG} There is no exercise {exercise_id!r}. Known exercises: {known}")
    return exercise


def _exercise_named(function_name: str, before: Exercise) -> str | None:
    """The id of the exercise, up to ``before``, whose reference function has this name (the latest)."""
    found = None
    for exercise in sorted(_REGISTRY.values(), key=lambda exercise: _id_key(exercise.id)):
        if _id_key(exercise.id) > _id_key(before.id):
            break
        if getattr(exercise.reference, "__name__", None) == function_name:
            found = exercise.id
    return found


def _id_key(exercise_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in exercise_id.split("."))


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


_WIDTH = 80  # the book's code column
_INDENT = "   "  # under the emoji
_CODE_INDENT = CODE_INDENT


def _say(first: str, *paragraphs: str) -> None:
    """Print a message wrapped to the book's width: the first line, then indented paragraphs.

    A paragraph may hold several lines ("\n"); a line that starts with four
    spaces is code and is printed as it is.
    """
    out = textwrap.wrap(
        first,
        _WIDTH,
        subsequent_indent=_INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    )
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            if line.startswith(_CODE_INDENT):
                out.append(_INDENT + line)
            else:
                out.extend(
                    textwrap.wrap(
                        line,
                        _WIDTH,
                        initial_indent=_INDENT,
                        subsequent_indent=_INDENT,
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
    print("\n".join(out))


def _check(exercise_id: str, answer: Any) -> bool:
    exercise = _lookup(exercise_id)
    if exercise is None:
        return False
    header = f"Exercise {exercise.id} ({exercise.title}):"
    if answer is ...:
        _say(
            f"{NOT_ATTEMPTED} {header} not attempted yet.",
            "Replace the ... with your answer.",
        )
        return False
    if exercise.kind == "function" and not callable(answer):
        _say(f"{WRONG} {header} expected a function, got {_describe(answer)}.")
        return False
    names = list(exercise.shortcuts)
    used = shortcut_itself(names, answer)
    if used is not None:
        _say(f"{WRONG} {header} not yet.", _shortcut_text(used, "is"))
        return False
    trap = ShortcutTrap(names, answer) if names else None
    try:
        try:
            with trap or contextlib.nullcontext():
                exercise.checker(_guard(answer) if exercise.kind == "function" else answer)
        except (
            Mismatch,
            _NotAttempted,
            _StubHelper,
            _LearnerError,
            _Shortcut,
            RecursionError,
        ):
            if trap is not None and trap.seen:
                raise _Shortcut(trap.seen) from None
            raise
        except Exception as error:  # raised outside a guarded call, e.g. in a method the checker called
            if trap is not None and trap.seen:
                raise _Shortcut(trap.seen) from None
            raise _classify(error, answer) from error
        if trap is not None and trap.seen:  # the answer swallowed the exception that stopped it
            raise _Shortcut(trap.seen)
    except _Shortcut as shortcut:
        _say(f"{WRONG} {header} not yet.", _shortcut_text(shortcut.name, "calls"))
        return False
    except _NotAttempted:
        _say(
            f"{NOT_ATTEMPTED} {header} not attempted yet.",
            "Replace `raise NotImplementedError` with your code.",
        )
        return False
    except _StubHelper as stub:
        exercise_of = _exercise_named(stub.name, exercise)
        first = f"finish exercise {exercise_of}" if exercise_of else f"write {stub.name}"
        _say(
            f"{WRONG} {header} not yet.",
            f"Your code calls {stub.name}, which is still a stub (it raises NotImplementedError): "
            f"{first} first.",
        )
        return False
    except Mismatch as wrong:
        _say(f"{WRONG} {header} not yet.", str(wrong))
        return False
    except _LearnerError as failure:
        error = failure.error
        where = _learner_line(error)
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if where is None and failure.call is None:  # e.g. a value the checker could not use
            _say(f"{WRONG} {header} your answer could not be checked:", text)
            return False
        lines = [where] if where else []
        lines.append(text)
        if failure.call is not None:
            lines.append(f"(called with {failure.call})")
        _say(f"{WRONG} {header} your code raised an error", *lines)
        return False
    except RecursionError:
        _say(f"{WRONG} {header} your answer recursed without end (RecursionError).")
        return False
    _say(f"{CORRECT} {header} correct!")
    return True


def _shortcut_text(name: str, verb: str) -> str:
    """What to say when an answer calls (or is) the package's own version of the exercise's work."""
    short = name.rsplit(".", 2)
    shown = ".".join(short[-2:]) if short[-2][:1].isupper() else short[-1]
    return (
        f"Your answer {verb} the package's {shown} ({name}), which already does what this "
        f"exercise asks you to write. Write that part yourself; the checker accepts your own code only."
    )


def hint(exercise_id: str) -> None:
    """Print the next hint for an exercise, one more each call."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        return
    shown = _hints_shown.get(exercise.id, 0)
    index = min(shown, len(exercise.hints) - 1)
    _hints_shown[exercise.id] = index + 1
    suffix = "" if index + 1 < len(exercise.hints) else " (that was the last hint)"
    title = f"💡 Hint {index + 1}/{len(exercise.hints)} for {exercise.id}{suffix}:"
    text = exercise.hints[index]
    if "\n" in text:  # a hint of several lines is code: its line breaks and indents stay
        _say(title, "\n".join(_CODE_INDENT + line for line in text.split("\n")))
    else:
        _say(f"{title} {text}")


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
