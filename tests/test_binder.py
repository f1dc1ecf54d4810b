"""Binder: the repository runs from requirements.txt, apt.txt and runtime.txt alone.

mybinder.org builds the repository with repo2docker: apt-get installs ``apt.txt``, the Python
of ``runtime.txt`` is set up, ``pip install -r requirements.txt`` runs in a fresh clone, and
the notebooks are opened with that environment's kernel. The slow test below does the same
with no Makefile and no editable install: a copy of the repository, a fresh virtual
environment, ``pip install -r requirements.txt``, every module the notebooks import, and the
first chapter executed top to bottom.

It takes a minute or two (pip reuses its cache), so it runs where ``CI=true`` (``make test`` in
CI) or with ``MICROGRAD_TEST_BINDER=1``; elsewhere it is skipped with that hint.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN_SLOW = os.environ.get("CI", "").lower() == "true" or os.environ.get("MICROGRAD_TEST_BINDER") == "1"
# the Python versions repo2docker (mybinder.org) offers through runtime.txt
BINDER_PYTHONS = {"3.10", "3.11", "3.12"}


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_runtime_txt_pins_a_python_binder_supports():
    text = (ROOT / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"runtime.txt should read like python-3.11, not {text!r}"
    assert match.group(1) in BINDER_PYTHONS
    minimum = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert tuple(map(int, match.group(1).split("."))) >= (int(minimum.group(1)), int(minimum.group(2)))


def test_apt_txt_installs_graphviz():
    packages = (ROOT / "apt.txt").read_text().split()
    assert "graphviz" in packages


def test_numba_cuda_is_pinned_alike_in_requirements_and_pyproject():
    """The GPU harness patches numba-cuda's private simulator classes: both files pin one version."""
    pins = [line for line in _requirements() if line.startswith("numba-cuda")]
    assert len(pins) == 1 and re.fullmatch(r"numba-cuda==[\d.]+", pins[0]), pins
    course = re.findall(r'"(numba-cuda[^"]*)"', (ROOT / "pyproject.toml").read_text())
    assert course == pins, f"pyproject.toml has {course}, requirements.txt {pins}"


def test_requirements_install_the_course_package():
    assert "." in _requirements(), "requirements.txt must install the package itself (a line '.')"


def _imports_outside_try(source: str) -> set[str]:
    """Top-level module names a cell imports unconditionally (an import inside try: is optional)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    optional = {
        id(node) for t in ast.walk(tree) if isinstance(t, ast.Try) for s in t.body for node in ast.walk(s)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def notebook_imports() -> set[str]:
    """Every non-standard-library module the notebooks import (outside try blocks)."""
    names: set[str] = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                names |= _imports_outside_try(cell.source)
    return {name for name in names if name not in sys.stdlib_module_names}


def test_notebook_imports_are_found():
    names = notebook_imports()
    assert "micrograd" in names


def _copy_repository(target: Path) -> None:
    """The files a clone would have: tracked and new (not ignored) files, as git lists them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


RUN_ONE_NOTEBOOK = textwrap.dedent(
    """
    import sys, nbformat
    from nbclient import NotebookClient
    path = sys.argv[1]
    notebook = nbformat.read(path, as_version=4)
    # a last cell that reports where the kernel's Python and the package come from
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import sys, micrograd; print('PREFIX', sys.prefix); print('PACKAGE', micrograd.__file__)"))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(__import__('pathlib').Path(path).parent)}}).execute()
    print(notebook.cells[-1].outputs[0]["text"])
    """
)


@pytest.mark.skipif(
    not RUN_SLOW, reason="slow (fresh venv + pip install): set CI=true or MICROGRAD_TEST_BINDER=1"
)
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the repository's files")
def test_fresh_environment_from_requirements_runs_a_notebook(tmp_path):
    repo = tmp_path / "repo"
    _copy_repository(repo)
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")  # no kernelspecs from this user's setup
    env["MPLBACKEND"] = "Agg"

    def run(*command: str | Path, cwd: Path = repo) -> str:
        done = subprocess.run(
            [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, (
            f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    run(sys.executable, "-m", "venv", venv)
    # as repo2docker does (--no-compile: skip writing .pyc files up front, which only costs time here)
    run(python, "-m", "pip", "install", "--quiet", "--no-compile", "-r", "requirements.txt")

    modules = sorted(notebook_imports())
    run(python, "-c", f"import {', '.join(modules)}")

    first_chapter = repo / "notebooks" / NOTEBOOKS[0].name
    report = run(python, "-c", RUN_ONE_NOTEBOOK, first_chapter)
    prefix = re.search(r"PREFIX (.+)", report).group(1).strip()
    package = re.search(r"PACKAGE (.+)", report).group(1).strip()
    assert Path(prefix).resolve() == venv.resolve(), (
        "the notebook did not run on the fresh environment's kernel"
    )
    assert Path(package).resolve().is_relative_to(venv.resolve()), f"micrograd came from {package}"
