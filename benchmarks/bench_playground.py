"""Benchmark the training playground (chapter 11): how long one Run step takes.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_playground.py          # ~20 s

A Run step is what the live playground does between two frames: one SGD
update (forward pass of the mini-batch, ``backward()``, the optimizer's
step), the train and test losses on every point, the 40 x 40 boundary grid,
and the SVG of the new picture. The target is 200 ms, the most that still
feels live.

Workloads (``MLP(2, [16, 16, 1])``, ReLU, as in the reference demo):

* ``full batch 200``: 250 points, 80 % for training, so every step trains on
  all 200 training points -- the heaviest step (the issue's "200 points");
* ``batch 10``: the playground's default mini-batch on the same data.

Reported: the median and the 90th percentile of the wall-clock time of 30
steps, the median CPU time (the verdict uses it: on a shared machine the wall
clock also counts the time other programs hold the cores), and how the median
wall time splits between the update and the drawing.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micrograd.widgets.playground import Playground  # noqa: E402

STEPS = 30


def measure(batch_size: int) -> dict[str, float]:
    """Median / p90 wall and CPU milliseconds of a Run step, and of its update and drawing parts."""
    p = Playground(dataset="moons", n_samples=250, train_fraction=0.8, hidden=(16, 16), activation="relu")
    p.configure(batch_size=batch_size, lr=0.1)
    p.run(3)  # warm up
    wall, cpu, update, draw = [], [], [], []
    for _ in range(STEPS):
        w0, c0 = time.perf_counter(), time.process_time()
        p.step()  # the update, plus the losses of every point for the curves
        w1 = time.perf_counter()
        svg = p.render_svg()  # the boundary grid and the picture
        w2, c2 = time.perf_counter(), time.process_time()
        assert svg.startswith("<svg")
        wall.append(w2 - w0)
        cpu.append(c2 - c0)
        update.append(w1 - w0)
        draw.append(w2 - w1)

    def ms(xs: list[float]) -> float:
        return 1000 * statistics.median(xs)

    return {
        "wall": ms(wall),
        "p90": 1000 * statistics.quantiles(wall, n=10)[-1],
        "cpu": ms(cpu),
        "update": ms(update),
        "draw": ms(draw),
    }


def main() -> None:
    print(f"Python {platform.python_version()} on {platform.machine()}, {STEPS} steps each")
    print(f"{'workload':<16} {'median':>8} {'p90':>8} {'CPU':>8} {'update':>8} {'draw':>8}   (ms)")
    worst = 0.0
    for name, batch_size in (("full batch 200", 200), ("batch 10", 10)):
        r = measure(batch_size)
        worst = max(worst, r["cpu"])
        cells = " ".join(f"{r[key]:>8.1f}" for key in ("wall", "p90", "cpu", "update", "draw"))
        print(f"{name:<16} {cells}")
    verdict = "within" if worst <= 200 else "OVER"
    print(f"slowest median Run step: {worst:.0f} ms of CPU, {verdict} the 200 ms target")
    print("(wall-clock time equals CPU time on an idle machine; more when other programs share the cores)")


if __name__ == "__main__":
    main()
