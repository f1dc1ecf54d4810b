"""Run strict nbval on the notebooks that draw graphs, with the system Graphviz ``dot`` hidden from PATH.

The stored SVG outputs of the notebooks must be the same whether or not a
reader has the system Graphviz installed (``micrograd.viz`` renders with the
pinned graphviz-pure unless ``MICROGRAD_DOT`` chooses another program). ``make
notebooks`` runs strict nbval once as the machine is, and then this script,
which runs it again on every notebook that draws a graph, with a PATH that is
the same as the current one except that no ``dot`` can be found on it: a
temporary folder of links to every other program.

    python scripts/nbval_without_dot.py            # the notebooks that draw graphs
    python scripts/nbval_without_dot.py --list     # only list them
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = {"dot"}
# code that draws a graph: the course's draw_dot, its Graph class, or graphviz directly
GRAPH_MARKERS = ("draw_dot", "micrograd.viz", "graphviz", "backprop_stepper")


def draws_graphs(path: Path) -> bool:
    notebook = nbformat.read(path, as_version=4)
    return any(
        cell.cell_type == "code" and any(marker in cell.source for marker in GRAPH_MARKERS)
        for cell in notebook.cells
    )


def path_without(hidden: set[str], folder: Path) -> str:
    """A PATH that finds every program the current PATH finds, except those named in ``hidden``."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = folder / entry.name
            if entry.name in hidden or link.exists() or link.is_symlink():
                continue  # hidden, or an earlier PATH entry already provides it
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--list", action="store_true", help="only list the notebooks that draw graphs")
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/*.ipynb that draws a graph")
    args = parser.parse_args(argv)
    candidates = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    chosen = [p for p in candidates if draws_graphs(p)]
    if args.list or not chosen:
        print("\n".join(str(p.relative_to(ROOT)) for p in chosen))
        return 0
    with tempfile.TemporaryDirectory(prefix="path-without-dot-") as folder:
        env = dict(os.environ, PATH=path_without(HIDDEN, Path(folder)))
        env.pop("MICROGRAD_DOT", None)
        if shutil.which("dot", path=env["PATH"]) is not None:
            raise RuntimeError("dot is still on the PATH built without it")
        print(f"strict nbval, no system dot on PATH: {len(chosen)} notebooks that draw graphs", flush=True)
        command = [sys.executable, "-m", "pytest", "--nbval", *map(str, chosen), "-q", "-p", "no:randomly"]
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
