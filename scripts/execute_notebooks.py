"""Execute notebooks in place, so their stored outputs match the current code.

python scripts/execute_notebooks.py notebooks/*.ipynb

First brings the "Where we are" recap cells of chapters 4 and 5 up to date with
the ``# @save`` cells they copy (scripts/sync_recap_cells.py), so a notebook is
never executed with a stale copy of the engine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) pieces into one output, as the reader saw them."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.output_type == previous.output_type == "stream"
            and output.name == previous.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


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
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nbformat.write(notebook, path)
    return time.perf_counter() - started


def main(paths: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sync_recap_cells

    for name in sync_recap_cells.sync():
        print(f"{name}: recap cell brought up to date with the # @save cells", flush=True)
    for index, name in enumerate(paths, 1):
        print(f"[{index}/{len(paths)}] {name} ...", end=" ", flush=True)
        print(f"{execute(Path(name)):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
