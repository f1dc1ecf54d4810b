"""Before and after: this checkout's engine against another checkout's, runs interleaved.

Usage (from the repository root)::

    git archive <commit> | tar -x -C /tmp/before          # the engine before a change
    .venv/bin/python benchmarks/compare_engines.py /tmp/before --rounds 8

On a shared machine one run of the demo varies by ±20%, more than most changes to the engine.
So the two checkouts take turns (before, after, after, before, ...), each run in a fresh process
with ``bench_engine.py``'s own workers (the demo, GC on, both ways of writing its loss; then the
per-op forward times, backward per node and bytes per node), and the script prints the median and
the fastest run of each. Chapter 15's figures (``grad`` with ``create_graph``) were measured so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _worker(tree: Path, flags: list[str], stdin: str = "") -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / "bench_engine.py"), *flags],
        input=stdin, capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(result["engine"]).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the worker for {tree} imported {result['engine']}")
    return result


def _turns(trees: dict[str, Path], rounds: int):
    """(name, tree) pairs taking turns: before, after, then after, before, ..."""
    names = list(trees)
    for k in range(rounds):
        for name in names if k % 2 == 0 else names[::-1]:
            yield name, trees[name]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path, help="another checkout of the repository (the engine before)")
    parser.add_argument("--rounds", type=int, default=6, help="runs of each configuration per checkout")
    args = parser.parse_args()
    trees = {"before": args.before, "after": REPO}
    sys.path.insert(0, str(REPO))
    from micrograd.data import make_moons, to_plus_minus_one

    X, labels = make_moons(n_samples=100, noise=0.1, seed=1337)
    data = json.dumps([X, to_plus_minus_one(labels)])
    for style in ("package", "literal"):
        seconds: dict[str, list[float]] = {name: [] for name in trees}
        for name, tree in _turns(trees, args.rounds):
            flags = ["--worker", "demo", "--gc", "on", "--style", style]
            seconds[name].append(_worker(tree, flags, data)["seconds"])
        for name, runs in seconds.items():
            print(
                f"demo ({style} loss), GC on, {name:6}: median {statistics.median(runs):.2f} s, "
                f"fastest {min(runs):.2f} s over {len(runs)} runs"
            )
    micro: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for name, tree in _turns(trees, max(2, args.rounds // 2)):
        result = _worker(tree, ["--worker", "micro"])
        rows = {f"forward {op} (us)": t for op, t in result["forward_us"].items()}
        rows["backward per node (us)"] = result["backward_us_per_node"]
        rows["bytes per node, a + b"] = result["bytes_add"]
        rows["bytes per node, a * b"] = result["bytes_mul"]
        for key, value in rows.items():
            micro[name].setdefault(key, []).append(value)
    print(f"\n{'fastest of the runs':<28} {'before':>8} {'after':>8}")
    for key in micro["before"]:
        print(f"{key:<28} {min(micro['before'][key]):>8.3f} {min(micro['after'][key]):>8.3f}")


if __name__ == "__main__":
    main()
