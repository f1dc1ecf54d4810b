"""Running an exercise cell in the published page (Pyodide in a Web Worker), as a notebook would.

The book's editor sends the code of one exercise cell, the code of the page's earlier exercise
cells and the chapter's *context* (the imports, functions and classes of the chapter's other
cells, extracted when the book is built by ``definitions``). ``run_cell`` runs them in a fresh
namespace, in notebook order, and returns what the cell printed and the verdict ``check`` gave:

1. the context (a statement whose import fails, say of numpy, is skipped: the page has no numpy);
2. the definitions of the earlier exercise cells, as the learner wrote them (so a cell that calls a
   function from an earlier exercise gets the learner's own, and says "finish exercise 6.1 first"
   while that one is still a stub);
3. the whole cell, printing ✅ / ❌ / ⏳ exactly as in Jupyter.

Each cell is written to a file under ``CELL_DIR`` before it runs, so ``check`` can quote the
learner's line, and tracebacks show it. The folder's name contains "ipykernel_", the mark by which
``check`` recognises a notebook cell, so its messages read "cell line 3" as they do in Jupyter.
This module uses only the standard library; the book's build imports it too (``definitions``).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import linecache
import os
import re
import traceback
from collections.abc import Iterator
from typing import Any

CELL_DIR = "/tmp/ipykernel_page"
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+\.\d+)["']""")
# what every exercise cell has, whether or not the learner kept the import line of the chapter's first one
PRELUDE = "from micrograd.exercises import check, hint, solution"
VERDICTS = {"✅": "correct", "❌": "wrong", "⏳": "not attempted"}


def exercise_ids(source: str) -> list[str]:
    """The ids of the exercises a cell checks: ``check("4.2", ...)`` gives ["4.2"]."""
    return CHECK_CALL.findall(source)


_PLAIN = (
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.BinOp,
    ast.UnaryOp,
)


def _is_plain_value(node: ast.AST) -> bool:
    """True for an expression that computes nothing slow: literals, names, attributes, arithmetic,
    containers of those, and lambdas (no calls, no comprehensions)."""
    if isinstance(node, ast.Lambda):
        return True
    if not isinstance(node, _PLAIN):
        return False
    return all(_is_plain_value(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))


def _is_definition(statement: ast.stmt) -> bool:
    """Imports, functions, classes and assignments of plain values: what later cells may use."""
    if isinstance(
        statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    ):
        return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        return _is_plain_value(statement.value)
    return False


def definitions(source: str) -> str:
    """The definitions of a cell's source (see ``_is_definition``), as source text; "" if it does not parse.

    IPython lines (``%magic``, ``!shell``) are blanked first; everything else (calls, loops,
    plots, training runs) is left out.
    """
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return ""
    kept = []
    for node in tree.body:
        if _is_definition(node):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
    return "\n\n".join(kept)


def cell_file(exercise_id: str) -> str:
    """The file a cell's code is written to, e.g. /tmp/ipykernel_page/exercise_4_2.py."""
    return os.path.join(CELL_DIR, "exercise_" + exercise_id.replace(".", "_") + ".py")


def _write(filename: str, code: str) -> None:
    os.makedirs(os.path.dirname(filename), exist_ok=True)
    with open(filename, "w", encoding="utf-8") as file:
        file.write(code)
    linecache.checkcache(filename)


def _define(code: str, filename: str, namespace: dict) -> None:
    """Run the definitions of ``code`` one statement at a time; skip those that fail (an import
    of numpy, a class whose base the page cannot import). Line numbers stay the code's own."""
    try:
        tree = ast.parse(code, filename)
    except SyntaxError:
        return
    for statement in tree.body:
        if not _is_definition(statement):
            continue
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec(compile(module, filename, "exec"), namespace)  # noqa: S102  (the learner's own code)
        except Exception:  # noqa: BLE001, S112  (a definition the page cannot run is left out)
            continue


def _show_error(error: BaseException, filename: str) -> None:
    """Print a traceback as Jupyter does, keeping only the frames of the learner's cell."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    lines = ["Traceback (most recent call last):"] if frames else []
    for frame in frames:
        where = "<module>" if frame.name == "<module>" else frame.name
        lines.append(f"  Cell line {frame.lineno}, in {where}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    lines += traceback.format_exception_only(type(error), error)
    print("\n".join(line.rstrip("\n") for line in lines))


_kept: list | None = None  # while a cell runs: every node made, oldest first


def _new_node(cls: type, *args: Any, **kwargs: Any) -> Any:
    """``__new__`` of the page's node classes: a plain new object, kept while a cell runs."""
    node = object.__new__(cls)
    if _kept is not None:
        _kept.append(node)
    return node


def _track_nodes() -> None:
    """Route the making of every ``Value`` and checker node through ``_new_node`` (once).

    The engine makes most nodes with ``Value.__new__(Value)``, not ``Value(...)``, so ``__new__``
    is what to replace. It stays replaced: CPython cannot undo an assigned ``__new__`` (after
    ``del Value.__new__``, ``Value(1.0)`` raises "object.__new__() takes exactly one argument"),
    and outside a run ``_new_node`` is just ``object.__new__`` that accepts the constructor's
    arguments.
    """
    from micrograd.engine import Value
    from micrograd.exercises.core import BareNode

    for cls in (Value, BareNode):
        if cls.__dict__.get("__new__") is not _new_node:
            cls.__new__ = _new_node  # type: ignore[method-assign]


@contextlib.contextmanager
def _freed_newest_first() -> Iterator[None]:
    """Free the graphs made during a run one node at a time, newest first.

    Freeing the root of a chain of 5000 nodes (chapter 4's deep case) frees its parent, which
    frees its parent, ... one C call inside another. CPython's safeguard against that measures
    the C stack, but in WebAssembly the calls also use the browser's own stack, which
    overflows first: "RangeError: Maximum call stack size exceeded" kills the page's Python.
    So while a cell runs, every ``Value`` and checker node is also kept in a list; afterwards
    the list lets go of them newest first, so each one freed holds the last reference to no
    other node (a node is always newer than its parents).
    """
    global _kept
    _track_nodes()
    kept: list = []
    _kept = kept
    try:
        yield
    finally:
        _kept = None
        while kept:
            kept.pop()


def _run_like_jupyter(code: str, filename: str, namespace: dict) -> None:
    """Run a cell; as Jupyter does, show the value of its last line when that is an expression
    (not None, and not ``check``'s result, which Jupyter does not echo either)."""
    tree = ast.parse(code, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102  (the learner's own code)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)  # noqa: S307
        if value is not None and not hasattr(value, "_ipython_display_"):
            print(repr(value))


def run_cell(exercise_id: str, code: str, earlier: list[list[str]] | None = None, context: str = "") -> dict:
    """Run one exercise cell after its context and the earlier cells' definitions.

    Returns ``{"output": what it printed, "verdict": "correct" | "wrong" | "not attempted" |
    "error" | "not checked"}``: the verdict of the cell's ``check`` for this exercise, or "error"
    when the cell raised before it finished.
    """
    namespace: dict = {"__name__": "__main__"}
    buffer = io.StringIO()
    filename = cell_file(exercise_id)
    failed = False
    with _freed_newest_first(), contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        _define(PRELUDE + "\n" + context, "<chapter>", namespace)
        for other_id, other_code in earlier or []:
            _write(cell_file(other_id), other_code)
            _define(other_code, cell_file(other_id), namespace)
        _write(filename, code)
        try:
            _run_like_jupyter(code, filename, namespace)
        except SyntaxError as error:
            error.filename = "cell"
            print("".join(traceback.format_exception_only(type(error), error)).rstrip("\n"))
            failed = True
        except BaseException as error:  # noqa: BLE001  (KeyboardInterrupt, SystemExit: the cell's own)
            _show_error(error, filename)
            failed = True
    output = buffer.getvalue()
    return {"output": output, "verdict": "error" if failed else verdict(exercise_id, output)}


def verdict(exercise_id: str, output: str) -> str:
    """What ``check`` said about this exercise in the output: the last of its ✅ / ❌ / ⏳ lines."""
    found = "not checked"
    for line in output.splitlines():
        for mark, meaning in VERDICTS.items():
            if line.startswith(f"{mark} Exercise {exercise_id} "):
                found = meaning
    return found


def run_cell_json(request: str) -> str:
    """``run_cell`` with its arguments and result as JSON (what the Web Worker sends and reads)."""
    args = json.loads(request)
    return json.dumps(run_cell(args["id"], args["code"], args.get("earlier"), args.get("context", "")))
