"""Keep every chapter's first code cell the standard Colab setup cell.

On Google Colab the course package is not installed, so each notebook starts with a cell
that installs it there (and does nothing anywhere else). The repository it installs from is
the one documented setting ``repository: url`` in ``_config.yml`` (the launch buttons use
it too). After changing that setting, run

    python scripts/sync_colab_cells.py            # rewrite the setup cells that differ
    python scripts/sync_colab_cells.py --check    # only report; exit status 1 if any differ

A notebook without a setup cell gets one inserted before its first code cell. The cell
carries the tag ``remove-cell``, so the book's pages (myst-nb) leave it out: it matters only
where the notebook runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = "micrograd-from-scratch[course]"
HIDDEN_TAG = "remove-cell"  # myst-nb leaves cells with this tag out of the book's pages
FIRST_LINE = "# Setup: on Google Colab, install the course package first (elsewhere this does nothing)."


def repository_url(config: Path = CONFIG) -> str:
    """The course repository, as ``_config.yml`` names it under ``repository: url``."""
    url = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]["url"]
    return str(url).rstrip("/")


def setup_cell_source(url: str) -> str:
    """The exact text of the setup cell for a repository URL."""
    return (
        f"{FIRST_LINE}\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "{PACKAGE} @ git+{url}"'
    )


def _is_setup_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(FIRST_LINE)


def _hidden(cell) -> bool:
    """Give the cell the tag that hides it in the book; True if it did not have it yet."""
    tags = cell.metadata.setdefault("tags", [])
    if HIDDEN_TAG in tags:
        return False
    tags.append(HIDDEN_TAG)
    return True


def synced(notebook, source: str) -> bool:
    """Make the notebook's first code cell the setup cell with ``source``, hidden in the book.

    Returns True if anything changed.
    """
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if code and _is_setup_cell(code[0]):
        changed = code[0].source != source
        code[0].source = source
        return _hidden(code[0]) or changed
    # no setup cell first: drop a misplaced one, insert a fresh one before the first code cell
    notebook.cells = [cell for cell in notebook.cells if not _is_setup_cell(cell)]
    position = next(
        (i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"), len(notebook.cells)
    )
    cell = nbformat.v4.new_code_cell(source)
    _hidden(cell)
    notebook.cells.insert(position, cell)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook differs")
    args = parser.parse_args(argv)

    source = setup_cell_source(repository_url())
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    stale = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if synced(notebook, source):
            stale.append(path)
            if not args.check:
                nbformat.write(notebook, path)
    verb = "differ from" if args.check else "updated to"
    for path in stale:
        print(f"{path}: first code cell {verb} the (hidden) setup cell for {repository_url()}")
    if args.check and stale:
        print("run: python scripts/sync_colab_cells.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
