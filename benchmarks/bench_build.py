"""Time what a contributor waits for: every notebook cell, the full book build, the whole `make test`.

    python benchmarks/bench_build.py               # cells, `make book`, `make test`
    python benchmarks/bench_build.py --no-test     # cells and `make book` only
    python benchmarks/bench_build.py --json out.json
    python benchmarks/bench_build.py --keep-going  # `make -k`: time every step even if one fails

Targets on a 2-core machine: no cell over 10 s, `make book` (executing every notebook)
within 5 minutes, `make test` within 15 minutes. The figures go into benchmarks/BUILD.md.
This is a benchmark, not a test: it reports, and its exit status says whether the targets
were met. It runs `make clean` first (`make book` alone only rebuilds changed pages), so
the book figure is a full build; `make test` then rebuilds `_build/` as it always does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cell": 10.0, "book": 5 * 60.0, "test": 15 * 60.0}


def _seconds(start: str, end: str) -> float:
    return (
        datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z"))
    ).total_seconds()


def time_cells(path: Path) -> tuple[float, list[tuple[int, float, str]]]:
    """Run a notebook in memory (not saved): its wall time, and (cell number, seconds, first line)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    client.execute()
    total = time.perf_counter() - started
    cells = []
    for number, cell in enumerate(notebook.cells, 1):
        timing = cell.metadata.get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            seconds = _seconds(timing["iopub.execute_input"], timing["shell.execute_reply"])
            first_line = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            cells.append((number, seconds, first_line))
    return total, cells


def time_make(target: str, keep_going: bool = False) -> tuple[float, int]:
    """Run `make <target>` from the repository root; return (seconds, exit status)."""
    started = time.perf_counter()
    done = subprocess.run(["make", *(["--keep-going"] if keep_going else []), target], cwd=ROOT)
    return time.perf_counter() - started, done.returncode


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "ci": os.environ.get("CI", ""),
        "date": datetime.now().isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-book", action="store_true", help="skip `make book`")
    parser.add_argument("--no-test", action="store_true", help="skip `make test`")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--keep-going", action="store_true", help="make -k: time every step even when one fails"
    )
    args = parser.parse_args(argv)

    results: dict = {"machine": machine(), "targets": TARGETS, "notebooks": {}}
    ok = True
    print(f"{'notebook':<34} {'total s':>8} {'slowest cell s':>15}  slowest cell")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        try:
            total, cells = time_cells(path)
        except Exception as error:  # a broken notebook: report it, time the rest
            ok = False
            results["notebooks"][path.name] = {"error": f"{type(error).__name__}: {str(error)[-300:]}"}
            print(f"{path.name:<34} FAILED: {type(error).__name__}", flush=True)
            continue
        slowest = max(cells, key=lambda cell: cell[1], default=(0, 0.0, ""))
        over = [cell for cell in cells if cell[1] > TARGETS["cell"]]
        ok &= not over
        results["notebooks"][path.name] = {
            "seconds": round(total, 2),
            "slowest_cell": {"cell": slowest[0], "seconds": round(slowest[1], 2), "source": slowest[2]},
            "cells_over_target": [{"cell": c[0], "seconds": round(c[1], 2), "source": c[2]} for c in over],
        }
        print(f"{path.name:<34} {total:8.1f} {slowest[1]:15.2f}  #{slowest[0]}: {slowest[2]}", flush=True)

    for target, skip in (("book", args.no_book), ("test", args.no_test)):
        if skip:
            continue
        if target == "book":  # Sphinx rebuilds only changed pages: start clean for a full build
            subprocess.run(["make", "clean"], cwd=ROOT, check=True)
        print(f"\n$ make {target}", flush=True)
        seconds, status = time_make(target, args.keep_going)
        results[f"make_{target}"] = {"seconds": round(seconds, 1), "exit_status": status}
        ok &= status == 0 and seconds <= TARGETS[target]
        print(
            f"make {target}: {seconds:.0f} s (target {TARGETS[target]:.0f} s), exit status {status}",
            flush=True,
        )

    print("\n" + json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
