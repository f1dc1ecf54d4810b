"""BLAS threads and the tensor engine: chapter 12's three-spiral training with one BLAS thread and with all.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_blas_threads.py               # 1,000 steps, quiet and busy
    .venv/bin/python benchmarks/bench_blas_threads.py --steps 300 --busy 2

The workload is chapter 12's: 300 spiral points, ``MLP(2, [64, 64, 3])``
(kaiming init), softmax cross-entropy, Adam with lr 0.01, ``--steps`` steps.
Each configuration runs in a fresh Python process, so that the BLAS limit is the
one the tensor engine sets when it is imported:

* ``1 thread``: the default (``micrograd.tensor`` limits BLAS to one thread with threadpoolctl);
* ``all threads``: ``MICROGRAD_BLAS_THREADS=all``, BLAS left alone (one thread per core).

"Busy" runs start ``--busy`` processes that spin on the CPU meanwhile (one per
core by default), as other jobs on a shared machine do. Times are wall-clock
seconds (what a reader waits), the best of ``--repeat`` runs, and the CPU seconds
of the same run (BLAS threads that spin while they wait for each other show up there).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WORKER = """
import json, time, sys
import numpy as np
from micrograd import backend
from micrograd.data import make_spirals
from micrograd.optim import Adam
from micrograd.tensor_nn import MLP, cross_entropy

steps = int(sys.argv[1])
Xs, ys = make_spirals(n_samples=300, n_classes=3, noise=0.1, seed=0)
Xs, ys = np.array(Xs), np.array(ys)
model = MLP(2, [64, 64, 3], init="kaiming", rng=np.random.default_rng(0))
optimizer = Adam(model.parameters(), lr=0.01)
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(steps):
    loss = cross_entropy(model(Xs), ys)
    model.zero_grad()
    loss.backward()
    optimizer.step()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "loss": loss.item(), "blas": backend.blas_threads()}))
"""


def _spin(stop_at: float) -> None:
    while time.time() < stop_at:
        pass


def run(threads: str, steps: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MICROGRAD_BLAS_THREADS"):
        env.pop(var, None)
    if threads == "all":
        env["MICROGRAD_BLAS_THREADS"] = "all"
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(steps)], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout)


def measure(threads: str, steps: int, repeat: int, busy: int) -> dict:
    results = []
    for _ in range(repeat):
        stop_at = time.time() + 3600
        spinners = [multiprocessing.Process(target=_spin, args=(stop_at,), daemon=True) for _ in range(busy)]
        for p in spinners:
            p.start()
        try:
            results.append(run(threads, steps))
        finally:
            for p in spinners:
                p.terminate()
                p.join()
    return min(results, key=lambda r: r["wall"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 1, help="spinning processes when busy")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {args.steps} steps, best of {args.repeat}; busy = {args.busy} spinners")
    print(f"{'machine':8} {'BLAS':12} {'wall s':>8} {'CPU s':>8} {'threads':>8}  final loss")
    for load in (0, args.busy):
        for threads in ("1", "all"):
            r = measure(threads, args.steps, args.repeat, load)
            name = "busy" if load else "quiet"
            label = "1 thread" if threads == "1" else "all threads"
            print(
                f"{name:8} {label:12} {r['wall']:8.2f} {r['cpu']:8.2f} {max(r['blas'], default=0):>8}  "
                f"{r['loss']:.6f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
