"""Execute notebooks in place, so their stored outputs match the current code.

python scripts/execute_notebooks.py notebooks/*.ipynb
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    """Run every cell of one notebook in its own folder and save it; return seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:  # no per-cell timestamps: re-running must not change unchanged cells
        cell.metadata.pop("execution", None)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - started


def main(paths: list[str]) -> None:
    for index, name in enumerate(paths, 1):
        print(f"[{index}/{len(paths)}] {name} ...", end=" ", flush=True)
        print(f"{execute(Path(name)):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
