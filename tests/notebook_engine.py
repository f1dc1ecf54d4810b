"""Rebuild the Value class that Part I's notebooks build, from their ``# @save`` cells.

Chapters 1–6 grow a ``Value`` class step by step. Every code cell whose first line
is ``# @save`` (``#@save`` works too) belongs to that class (or its helpers). Running those cells in order,
in a fresh namespace, gives the class a reader ends Part I with; the engine tests
then run against it exactly as against ``micrograd.engine.Value``, so any drift
between the chapters and the package fails the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PART_ONE = [f"0{n}_" for n in range(1, 7)]
# "#@save", or "# @save" as ruff format writes it
SAVE_MARK = re.compile(r"#\s*@save\b")


def saved_cells(notebook_dir: Path = NOTEBOOKS) -> list[tuple[str, str]]:
    """(notebook name, source) of every ``# @save`` cell of chapters 1–6, in order."""
    cells = []
    for path in sorted(notebook_dir.glob("0[1-6]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and SAVE_MARK.match(cell.source.lstrip()):
                cells.append((path.name, cell.source))
    return cells


def build_namespace() -> dict:
    """Execute the saved cells in order and return the namespace they define."""
    namespace: dict = {"__name__": "notebook_engine"}
    for name, source in saved_cells():
        exec(compile(source, f"<{name} # @save cell>", "exec"), namespace)
    return namespace
