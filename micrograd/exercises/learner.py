"""Whose code went wrong: the learner's answer, a stub, or the package.

``guard`` wraps a learner's function so that a stub (``raise NotImplementedError``), a
helper that is still a stub, and an error in the learner's own code are told apart;
``learner_line`` finds the learner's line in a traceback. ``check`` turns each into a
message (``micrograd.exercises.core``).
"""

from __future__ import annotations

import inspect
import linecache
import os
import sysconfig
from types import CodeType
from typing import Any

from micrograd.expect import Mismatch, _short

CODE_INDENT = "    "  # a line of code inside a message


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
        except (Mismatch, _NotAttempted, _StubHelper, _LearnerError, _Shortcut):
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
        return f"in {name} ({where}):" + (f"\n{CODE_INDENT}{text}" if text else "")
    return None


# ---- package shortcuts: calling the package's own X in the exercise that asks for X ----------------


class _Shortcut(Exception):
    """Internal: the answer called the package's own version of what the exercise asks for."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _shortcut_target(name: str) -> tuple[str, str]:
    """(file, qualified name) of a dotted package name, without importing its module.

    ``micrograd.engine.Value.backward`` -> (the file of ``micrograd.engine``, ``Value.backward``):
    the shortest prefix that is a module (not a package), and the rest. The file is where the
    import system finds the module, the same text its functions' code carries (a zip included);
    not importing keeps the in-page runtime from loading modules (numpy) an exercise never needs.
    """
    import importlib.util

    parts = name.split(".")
    for cut in range(2, len(parts)):
        spec = importlib.util.find_spec(".".join(parts[:cut]))
        if spec is None:
            break
        if spec.submodule_search_locations is None and spec.origin:  # a module, not a package
            return spec.origin, ".".join(parts[cut:])
    raise ValueError(f"{name!r} is not a function or class of a module of the package")


def _qualname(code: CodeType) -> str:
    return getattr(code, "co_qualname", code.co_name)  # (co_qualname: Python 3.11+)


class ShortcutTrap:
    """Watches an answer for calls of the package's own functions that the exercise asks it to write.

    A call counts when the caller is the learner's code (a notebook cell, a file outside the
    package, or the answer's own code): the checker and the package may use the same functions
    freely. A class named in ``names`` covers all its methods. ``seen`` keeps the first call
    caught, even if the answer swallowed the exception that stopped it.
    """

    def __init__(self, names: list[str], answer: Any) -> None:
        self.targets: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            path, qualname = _shortcut_target(name)
            self.targets.setdefault(path, []).append((qualname, name))
        self.own = _own_code(answer)
        self.seen: str | None = None
        self._previous: Any = None

    def _match(self, code: CodeType) -> str | None:
        candidates = self.targets.get(code.co_filename)
        if not candidates:
            return None
        qualname = _qualname(code)
        for target, name in candidates:
            if qualname == target or qualname.startswith(target + "."):
                return name
        return None

    def _hook(self, frame: Any, event: str, arg: Any) -> None:
        if event != "call" or self.seen is not None:
            return
        name = self._match(frame.f_code)
        caller = frame.f_back
        if name is None or caller is None:
            return
        if caller.f_code in self.own or _is_learners_file(caller.f_code.co_filename):
            self.seen = name
            raise _Shortcut(name)

    def __enter__(self) -> ShortcutTrap:
        import sys

        self._previous = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc: Any) -> None:
        import sys

        sys.setprofile(self._previous)


def shortcut_itself(names: list[str], answer: Any) -> str | None:
    """The name in ``names`` that the answer itself is: the package's function, a method of its
    class, the class or a subclass of it (``check("11.1", metrics.binary_accuracy)``); else None."""
    target = inspect.unwrap(answer) if callable(answer) else answer
    target = getattr(target, "func", target)  # functools.partial
    target = getattr(target, "__func__", target)  # a bound method
    candidates = target.__mro__ if isinstance(target, type) else (target,)
    for item in candidates:
        dotted = f"{getattr(item, '__module__', '')}.{getattr(item, '__qualname__', '')}"
        for name in names:
            if dotted == name or dotted.startswith(name + "."):
                return name
    return None
