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
import linecache
import math
import numbers
import os
import sysconfig
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from micrograd.engine import topological_order

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


def _chapter_modules() -> list[str]:
    """The chapter modules of the exercises package (ch01, ch02, ...), in order."""
    import pkgutil

    from micrograd import exercises

    names = (info.name for info in pkgutil.iter_modules(exercises.__path__))
    return sorted(name for name in names if name.startswith("ch"))


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


class _NotAttempted(Exception):
    """Internal: the learner's answer is still the stub."""


class _StubHelper(Exception):
    """Internal: the answer calls another function of the learner's that is still a stub."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _LearnerError(Exception):
    """Internal: the learner's code raised; keeps the error and the inputs it was called with."""

    def __init__(self, error: BaseException, call: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.call = call


def _describe_call(args: tuple, kwargs: dict) -> str:
    return ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])


def _guard(answer: Any) -> Any:
    """Wrap a learner's function so its stubs and errors are recognised wherever it is called."""
    if not callable(answer):
        return answer

    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return answer(*args, **kwargs)
        except RecursionError as error:
            raise Mismatch("your code recursed without end (RecursionError)") from error
        except (Mismatch, _NotAttempted, _StubHelper, _LearnerError):
            raise
        except Exception as error:
            raise _classify(error, answer, _describe_call(args, kwargs)) from error

    guarded.__wrapped__ = answer  # type: ignore[attr-defined]
    return guarded


# ---- whose code raised? -----------------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(
    {
        os.path.abspath(path)
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (path := sysconfig.get_paths().get(key))
    }
)


def _is_learners_file(filename: str) -> bool:
    """True for code the learner wrote: a notebook cell or a file outside the package and libraries."""
    if _is_cell(filename):
        return True
    if filename.startswith("<"):  # <frozen ...>, <string>: no source to show
        return False
    path = os.path.abspath(filename)
    return not path.startswith(_PACKAGE_DIR + os.sep) and not path.startswith(_LIBRARY_DIRS)


def _is_cell(filename: str) -> bool:
    """True for the pseudo-file of a Jupyter / IPython cell."""
    return "ipykernel_" in filename or filename.startswith("<ipython-input")


def _own_code(answer: Any) -> set[CodeType]:
    """The code objects of the answer itself: its function (and the functions nested in it),
    or every method of a class or callable object the learner wrote."""
    found: set[CodeType] = set()

    def add_function(function: Any) -> None:
        function = inspect.unwrap(function) if callable(function) else function
        function = getattr(function, "__func__", function)  # bound methods, classmethods
        code = getattr(function, "__code__", None)
        if isinstance(code, CodeType):
            stack = [code]
            while stack:
                item = stack.pop()
                found.add(item)
                stack.extend(c for c in item.co_consts if isinstance(c, CodeType))

    target = inspect.unwrap(answer) if callable(answer) else answer
    target = getattr(target, "func", target)  # functools.partial
    if isinstance(target, type):
        classes = [c for c in target.__mro__ if c is not object and _is_learners_file(_source_file(c))]
    elif hasattr(target, "__code__") or hasattr(target, "__func__"):
        add_function(target)
        return found
    else:
        classes = [type(target)] if _is_learners_file(_source_file(type(target))) else []
    for cls in classes:
        for member in vars(cls).values():
            if isinstance(member, property):
                for accessor in (member.fget, member.fset, member.fdel):
                    add_function(accessor)
            else:
                add_function(member)
    return found


def _source_file(cls: type) -> str:
    """The file a class was written in: where its methods' code comes from
    (a notebook cell's class has no module file), else its module's file."""
    for member in vars(cls).values():
        function = getattr(member, "__func__", member)
        code = getattr(function, "__code__", None)
        if isinstance(code, CodeType):
            return code.co_filename
    try:
        return inspect.getsourcefile(cls) or "<unknown>"
    except (TypeError, OSError):
        return "<unknown>"


def _frames(error: BaseException) -> list[tuple[CodeType, str, int, dict]]:
    """(code, file name, line number, globals) of every frame of the traceback, outermost first."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        frames.append(
            (
                frame.f_code,
                frame.f_code.co_filename,
                tb.tb_lineno,
                frame.f_globals,
            )
        )
        tb = tb.tb_next
    return frames


def _classify(error: BaseException, answer: Any, call: str | None = None) -> Exception:
    """What the learner's code raising ``error`` means: not attempted, a stub helper, or an error.

    A NotImplementedError means "not attempted" only when the answer's own code
    raised it. Raised by another function of the learner's (say a helper from an
    earlier exercise, still a stub), it names that helper instead.
    """
    frames = _frames(error)
    if isinstance(error, NotImplementedError) and frames:
        code, filename, _line, _globals = frames[-1]
        if code in _own_code(answer):
            return _NotAttempted()
        if _is_learners_file(filename):
            return _StubHelper(code.co_name)
    return _LearnerError(error, call)


def _learner_line(error: BaseException) -> str | None:
    """'in f (cell line 3):' and the source text of the innermost line of the learner's that raised."""
    for code, filename, line, globals_ in reversed(_frames(error)):
        if not _is_learners_file(filename):
            continue
        name = "a lambda" if code.co_name == "<lambda>" else code.co_name
        where = f"cell line {line}" if _is_cell(filename) else f"{os.path.basename(filename)}, line {line}"
        text = linecache.getline(filename, line, globals_).strip()
        return f"in {name} ({where}):" + (f"\n{_CODE_INDENT}{text}" if text else "")
    return None


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


def _short(obj: Any, limit: int = 60) -> str:
    """A short, run-independent description of an argument (no memory addresses)."""
    if callable(obj):
        name = getattr(obj, "__name__", type(obj).__name__)
        return "a function" if name == "<lambda>" else name
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
    """``type value`` of something that is not what was expected, e.g. ``str 'a'``."""
    return f"{type(obj).__name__} {_short(obj)}"


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
    (``fmt``) and the difference, so it can never read "expected 6, got 6".
    """
    value = expect_number(got, case)
    if math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        return value
    if math.isfinite(value) and math.isfinite(expected):
        off = f" (off by {value - expected:.3g})"
    else:
        off = ""
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
_CODE_INDENT = "    "  # a line of code inside a message


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
    try:
        try:
            exercise.checker(_guard(answer) if exercise.kind == "function" else answer)
        except (
            Mismatch,
            _NotAttempted,
            _StubHelper,
            _LearnerError,
            RecursionError,
        ):
            raise
        except Exception as error:  # raised outside a guarded call, e.g. in a method the checker called
            raise _classify(error, answer) from error
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


def hint(exercise_id: str) -> None:
    """Print the next hint for an exercise, one more each call."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        return
    shown = _hints_shown.get(exercise.id, 0)
    index = min(shown, len(exercise.hints) - 1)
    _hints_shown[exercise.id] = index + 1
    suffix = "" if index + 1 < len(exercise.hints) else " (that was the last hint)"
    _say(f"💡 Hint {index + 1}/{len(exercise.hints)} for {exercise.id}{suffix}: {exercise.hints[index]}")


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


# ---- graphs a checker can hand to a learner ---------------------------------------


class BareNode:
    """A node with only a Value's data attributes: data, grad, label, _prev, _local_grads, _op.

    Checkers hand learners graphs of these (see ``bare_copy``), so an answer
    cannot skip its work by calling a method of the package's ``Value``
    (``backward``, ``topological_order``, ``_backward``) that already does it.
    A subclass adds the methods an exercise allows.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local_grads", "_op")

    def __init__(
        self,
        data: float,
        prev: tuple[BareNode, ...] = (),
        local_grads: tuple[float, ...] = (),
        op: str = "",
        label: str = "",
    ) -> None:
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = prev
        self._local_grads = local_grads
        self._op = op

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Node(data={self.data}, grad={self.grad}{label})"

    def __getattr__(self, name: str) -> Any:
        """Only called for a missing attribute: say what these nodes have, and why."""
        if name.startswith("__"):  # copy, pickle and friends probe for these
            raise AttributeError(name)
        methods = sorted(
            f"{key}()"
            for cls in type(self).__mro__
            if cls not in (BareNode, object)
            for key, member in vars(cls).items()
            if callable(member) and not key.startswith("__")
        )
        have = ", ".join(["data", "grad", "label", "_prev", "_local_grads", "_op", *methods])
        raise AttributeError(
            f"the checker's nodes have no {name!r}, only {have}: the exercise asks you to do that part"
        )


def bare_copy(root: Any, node_class: type[BareNode] = BareNode) -> BareNode:
    """A copy of the graph of ``root`` (any Value-like object) made of ``node_class`` nodes.

    Same shape (a node used twice stays one node used twice), data, grads,
    labels, local derivatives and ops; works for graphs of any depth.
    """
    copies: dict[int, BareNode] = {}
    for node in topological_order(root):
        copy = node_class(
            node.data,
            tuple(copies[id(parent)] for parent in node._prev),
            tuple(getattr(node, "_local_grads", ())),
            getattr(node, "_op", ""),
            getattr(node, "label", ""),
        )
        copy.grad = node.grad
        copies[id(node)] = copy
    return copies[id(root)]
