"""Issue 7 §4: the "Where we are" cells of chapters 4 and 5 are the earlier chapters' ``# @save`` cells."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("sync_recap_cells", ROOT / "scripts" / "sync_recap_cells.py")
sync_recap_cells = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_recap_cells)


def test_recap_cells_match_the_saved_cells():
    """Fails when a # @save cell changed and scripts/sync_recap_cells.py was not run."""
    stale = sync_recap_cells.sync(check=True)
    assert not stale, f"out of date: {stale}; run python scripts/sync_recap_cells.py"


def test_check_mode_catches_a_changed_saved_cell_and_sync_fixes_it(tmp_path):
    for path in (ROOT / "notebooks").glob("0[1-6]_*.ipynb"):
        shutil.copy(path, tmp_path / path.name)
    chapter2 = tmp_path / "02_value_object.ipynb"
    notebook = nbformat.read(chapter2, as_version=4)
    saved = next(c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("# @save"))
    saved.source += "\n\n\nCHANGED = True"
    nbformat.write(notebook, chapter2)
    assert sync_recap_cells.sync(tmp_path, check=True) == ["04_backward.ipynb", "05_more_operations.ipynb"]
    assert sync_recap_cells.sync(tmp_path) == ["04_backward.ipynb", "05_more_operations.ipynb"]
    assert sync_recap_cells.sync(tmp_path, check=True) == []
    recap = sync_recap_cells.recap_cell(nbformat.read(tmp_path / "04_backward.ipynb", as_version=4))
    assert "CHANGED = True" in recap.source


def test_recap_cell_rebuilds_the_class_of_the_earlier_chapters():
    """Running chapter 5's recap cell gives a class with chapter 4's methods (and no # @save mark in it)."""
    notebook = nbformat.read(ROOT / "notebooks" / "05_more_operations.ipynb", as_version=4)
    source = sync_recap_cells.recap_cell(notebook).source
    assert "# @save" not in source.replace("`# @save`", "")
    namespace: dict = {}
    exec(compile(source, "<recap>", "exec"), namespace)
    value = namespace["Value"]
    x = value(2.0)
    z = x * x + x
    z.backward()
    assert x.grad == 5.0
    assert hasattr(value, "topological_order")
