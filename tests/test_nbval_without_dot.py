"""scripts/nbval_without_dot.py: an honest PATH without dot, and the notebooks that draw graphs."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("nbval_without_dot", ROOT / "scripts" / "nbval_without_dot.py")
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)


def _program(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_path_without_dot_keeps_every_other_program(tmp_path, monkeypatch):
    first, second, links = tmp_path / "bin1", tmp_path / "bin2", tmp_path / "links"
    links.mkdir()
    _program(first, "dot")
    _program(first, "python-ish")
    _program(second, "python-ish")  # shadowed by the first
    _program(second, "neato")
    monkeypatch.setenv("PATH", f"{first}:{second}")
    assert shutil.which("dot") is not None
    path = script.path_without({"dot"}, links)
    assert shutil.which("dot", path=path) is None
    assert Path(shutil.which("neato", path=path)).resolve() == second / "neato"
    assert Path(shutil.which("python-ish", path=path)).resolve() == first / "python-ish"


def test_graph_drawing_notebooks_are_found():
    names = {p.name for p in (ROOT / "notebooks").glob("*.ipynb") if script.draws_graphs(p)}
    assert {"02_value_object.ipynb", "04_backward.ipynb", "05_more_operations.ipynb"} <= names
