"""Issue 7 §5: every notebook still gives its stored outputs when its defining cells run twice in a row.

A reader often runs a cell again: after an edit, or by accident. A cell that
defines or patches something (a class, a function, ``@add_to_class``, a
monkey-patch and its undo, an assignment to an attribute of a class) must be
safe to re-run: running it twice must leave the notebook in the same state as
running it once. This test executes each notebook top to bottom in a fresh
kernel, runs every such cell twice in a row, and compares every output with the
stored one, as strict nbval compares them (text, HTML and SVG; PNG images and
widget ids are not compared). In the same kernel, every code cell then runs once
more, in order, and must not raise (issue 16: a reader who walks through the
notebook again after a full run).
"""

from __future__ import annotations

import ast
import copy
import importlib.util
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

nbclient = pytest.importorskip("nbclient")

_spec = importlib.util.spec_from_file_location(
    "execute_notebooks", Path(__file__).resolve().parent.parent / "scripts" / "execute_notebooks.py"
)
_execute_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_execute_notebooks)

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
# what strict nbval leaves out of its comparison (nbval.plugin.IPyNbFile.skip_compare)
SKIP = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
}


def _is_patch_target(target: ast.expr) -> bool:
    """``Value.__add__ = ...``, ``Value.__hash__ = ...``: an attribute of a capitalised name (a class)."""
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id[:1].isupper()
    )


def defines_or_patches(source: str) -> bool:
    """True for a cell with a top-level class or def, a class attribute assignment, setattr, or a `with`."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.With)):
            return True
        if isinstance(node, ast.Assign) and any(_is_patch_target(t) for t in node.targets):
            return True
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)) and _is_patch_target(node.target):
            return True
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id == "setattr"
            ):
                return True
    return False


def _merged(outputs: list) -> list:
    """Consecutive pieces of one stream joined, as scripts/execute_notebooks.py stores them.

    (On a copy: ``merge_streams`` joins the pieces in place.)
    """
    return _execute_notebooks.merge_streams(copy.deepcopy(outputs))


def comparable(outputs: list) -> dict[str, list]:
    """nbval's view of a cell's outputs: key (stream name or MIME type) -> values in order."""
    view: dict[str, list] = defaultdict(list)
    for output in _merged(outputs):
        if output.get("output_type") == "stream":
            view[output["name"]].append(output["text"])
            continue
        for key, value in output.items():
            if key == "data":
                for mime, content in value.items():
                    if mime not in SKIP:
                        view[mime].append(content)
            elif key not in SKIP:
                view[key].append(value)
    return dict(view)


def run_defining_cells_twice_then_all_again(
    path: Path,
) -> tuple[list[tuple[int, nbformat.NotebookNode, list]], list[str]]:
    """Execute the notebook top to bottom with each defining cell run twice in a row, then every code
    cell once more in order, in the same kernel (one kernel per notebook keeps the suite fast).

    Returns (index, stored cell, outputs of the first pass) for every code cell, and the cells that
    raised in the second pass.
    """
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    results = []
    failures = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if defines_or_patches(cell.source):
                client.execute_cell(cell, index)
                cell.outputs = []  # only the second run's outputs count
            client.execute_cell(cell, index)
            results.append((index, stored.cells[index], cell.outputs))
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            try:
                client.execute_cell(cell, index)
            except nbclient.exceptions.CellExecutionError as error:
                first_line = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
                failures.append(f"cell {index} ({first_line!r}): {str(error).splitlines()[-1]}")
    return results, failures


def test_detects_defining_cells():
    assert defines_or_patches("def f():\n    pass")
    assert defines_or_patches("# @save\n@add_to_class(Value)\ndef __add__(self, other):\n    return 1")
    assert defines_or_patches("class A:\n    pass")
    assert defines_or_patches("Value.__add__ = good_add")
    assert defines_or_patches("with replaced(Value, '__add__', f):\n    x = 1")
    assert defines_or_patches("for n in names:\n    setattr(Value, n, None)")
    assert defines_or_patches("%matplotlib inline\ndef f():\n    pass")
    assert not defines_or_patches("x = Value(2.0)\nx.label = 'x'\nprint(x)")
    assert not defines_or_patches("draw_dot(L)")


def test_comparison_ignores_png_and_widget_ids_only():
    a = [
        {
            "output_type": "display_data",
            "data": {"image/png": "AAA", "text/plain": "<Figure>"},
            "metadata": {},
        }
    ]
    b = [
        {
            "output_type": "display_data",
            "data": {"image/png": "BBB", "text/plain": "<Figure>"},
            "metadata": {},
        }
    ]
    assert comparable(a) == comparable(b)
    c = [{"output_type": "stream", "name": "stdout", "text": "1.0\n"}]
    d = [{"output_type": "stream", "name": "stdout", "text": "4.0\n"}]
    assert comparable(c) != comparable(d)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_safe_to_rerun_defining_cells_and_every_cell_after_a_full_run(path):
    """Each cell that defines or patches something gives its stored output when run twice in a row; and a
    reader who runs the whole notebook and then walks through it again meets no error."""
    results, failures_on_second_pass = run_defining_cells_twice_then_all_again(path)
    differ = []
    for index, stored, outputs in results:
        if comparable(outputs) != comparable(stored.outputs):
            first_line = stored.source.strip().splitlines()[0] if stored.source.strip() else ""
            differ.append(f"cell {index} ({first_line[:60]!r})")
    assert not differ, f"{path.name}: outputs differ after running the defining cells twice: " + "; ".join(
        differ
    )
    assert not failures_on_second_pass, f"{path.name}, every cell run again in order: " + "; ".join(
        failures_on_second_pass
    )


def _names_defined(source: str) -> set[str]:
    """Top-level functions, classes and plain names a cell defines (decorated functions excluded:
    ``@add_to_class`` puts them on a class)."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.decorator_list:
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_exercise_stubs_do_not_replace_the_chapters_names(path):
    """An exercise cell (one that calls check) must not redefine a name the chapter defined before it:
    its stub would replace the chapter's working version for every cell run after it."""
    chapter: dict[str, int] = {}
    clashes = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        names = _names_defined(cell.source)
        if 'check("' in cell.source:
            clashes += [
                f"cell {index} redefines {n} (cell {chapter[n]})" for n in sorted(names) if n in chapter
            ]
        else:
            for name in names:
                chapter.setdefault(name, index)
    assert not clashes, f"{path.name}: " + "; ".join(clashes)


def test_chapter_4_closure_cycle_cell_survives_a_rerun_after_the_fix():
    """Run chapter 4 to the end (the closure-free design), then its closure-cycle cell again: same output."""
    path = next(p for p in NOTEBOOKS if p.stem == "04_backward")
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    index = next(
        i
        for i, cell in enumerate(notebook.cells)
        if "weakref" in cell.source and "gc.disable()" in cell.source
    )
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    with client.setup_kernel():
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        notebook.cells[index].outputs = []
        client.execute_cell(notebook.cells[index], index)
    assert comparable(notebook.cells[index].outputs) == comparable(stored.cells[index].outputs)
