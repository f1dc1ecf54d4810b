"""Every chapter starts with the Colab setup cell, generated from _config.yml, and it behaves.

The cell is tagged ``remove-cell``, so the book's pages leave it out (myst-nb honours the tag).

The cell installs the course package when the notebook runs on Google Colab and does
nothing anywhere else. Its text comes from ``scripts/sync_colab_cells.py``, which reads the
repository URL from ``_config.yml`` (the one setting the launch buttons use too).
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "sync_colab_cells", ROOT / "scripts" / "sync_colab_cells.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync = _load_script()
SETUP = sync.setup_cell_source(sync.repository_url())


def _first_code(path: Path):
    notebook = nbformat.read(path, as_version=4)
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


def _first_code_cell(path: Path) -> str:
    return _first_code(path).source


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ has no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_setup_cell(path):
    assert _first_code_cell(path) == SETUP, (
        f"run: python scripts/sync_colab_cells.py {path.relative_to(ROOT)}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_is_hidden_in_the_book(path):
    tags = _first_code(path).metadata.get("tags", [])
    assert sync.HIDDEN_TAG in tags, f"run: python scripts/sync_colab_cells.py {path.relative_to(ROOT)}"


def test_the_hiding_tag_is_one_myst_nb_knows():
    assert sync.HIDDEN_TAG == "remove-cell"


def test_setup_cell_installs_from_the_configured_repository():
    import yaml

    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
    assert f'"micrograd-from-scratch[course] @ git+{url}"' in SETUP
    assert url.startswith("https://github.com/")


def test_package_name_and_extra_match_pyproject():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, extra = sync.PACKAGE.rstrip("]").split("[")
    assert name == project["name"]
    assert extra in project["optional-dependencies"]


class _FakeIPython:
    """Records the magics a cell runs instead of running them."""

    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.magics.append((name, line))


def _run_setup_cell(monkeypatch, on_colab: bool) -> list[tuple[str, str]]:
    code = TransformerManager().transform_cell(SETUP)  # %pip -> get_ipython().run_line_magic(...)
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    shell = _FakeIPython()
    exec(compile(code, "<setup cell>", "exec"), {"get_ipython": lambda: shell})
    return shell.magics


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_setup_cell(monkeypatch, on_colab=False) == []


def test_setup_cell_pip_installs_the_package_on_colab(monkeypatch):
    magics = _run_setup_cell(monkeypatch, on_colab=True)
    url = sync.repository_url()
    assert magics == [("pip", f'install --quiet "micrograd-from-scratch[course] @ git+{url}"')]


def test_sync_inserts_replaces_and_leaves_alone(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    assert sync.synced(notebook, SETUP)  # inserted before the first code cell
    assert [c.source for c in notebook.cells] == ["# Title", SETUP, "x = 1"]
    assert notebook.cells[1].metadata["tags"] == ["remove-cell"]
    assert "tags" not in notebook.cells[2].metadata  # only the setup cell is hidden
    assert not sync.synced(notebook, SETUP)  # already right: untouched

    moved = sync.setup_cell_source("https://github.com/someone/fork")
    assert sync.synced(notebook, moved)  # a new URL rewrites the same cell
    assert [c.source for c in notebook.cells] == ["# Title", moved, "x = 1"]


def test_sync_hides_an_existing_setup_cell_and_keeps_its_other_tags():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(SETUP)
    cell.metadata["tags"] = ["keep-me"]
    notebook.cells = [cell]
    assert sync.synced(notebook, SETUP)  # right text, but not hidden yet
    assert notebook.cells[0].metadata["tags"] == ["keep-me", "remove-cell"]
    assert not sync.synced(notebook, SETUP)


def test_check_mode_reports_a_stale_notebook(tmp_path, capsys):
    path = tmp_path / "stale.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(notebook, path)
    assert sync.main(["--check", str(path)]) == 1
    assert nbformat.read(path, as_version=4).cells[0].source == "x = 1"  # --check changes nothing
    assert sync.main([str(path)]) == 0
    assert _first_code_cell(path) == SETUP
    assert sync.main(["--check", str(path)]) == 0
