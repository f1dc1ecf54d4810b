"""Benchmark the tensor engine against the same network by hand in NumPy, in PyTorch and in the scalar engine.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_tensor.py              # about a minute
    /path/to/venv-with-torch/bin/python benchmarks/bench_tensor.py   # adds PyTorch eager (CPU)

PyTorch is not a dependency of the course: the script measures it when
``import torch`` works in the interpreter that runs it (that interpreter needs
NumPy too; the script puts this checkout first on ``sys.path``).

Two workloads, each trained from the same weights by every engine:

* **small** (the reference micrograd demo): two moons, 100 points, ``MLP(2, [16, 16, 1])``,
  hinge loss + 1e-4 * L2, full-batch SGD with ``lr = 1.0 - 0.9 * k / 100``, 100 steps, float64;
* **large**: a 784 -> 256 -> 10 MLP on a synthetic batch of 256 (Gaussian inputs, random labels),
  softmax cross-entropy, SGD with lr = 0.01, 30 steps, float32.

Engines: ``tensor`` (``micrograd.tensor`` + ``micrograd.tensor_nn`` + ``micrograd.optim.SGD``),
``numpy`` (forward and backward written out by hand: the floor for this design),
``torch`` (eager mode, raw tensors and a hand-written SGD step: PyTorch's fastest
eager form) and, on the small workload, ``scalar`` (``micrograd.nn`` + ``micrograd.optim.SGD``).

Times are CPU seconds of this process (``time.process_time``), the fastest of
``--repeat`` rounds; the engines run in turn within each round, so a busy
machine slows them alike. BLAS runs on ``--threads`` threads (default 1) in
NumPy and PyTorch alike. Peak memory is ``tracemalloc``'s peak during one
run (NumPy reports its arrays to it; PyTorch does not, so it shows "n/a") and
the process's peak RSS at the end.
"""

from __future__ import annotations

import argparse
import os
import sys

if __name__ == "__main__":  # the thread count must be set before NumPy is imported
    _threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _threads
    os.environ["MICROGRAD_BLAS_THREADS"] = _threads  # else importing micrograd.tensor would set 1

import gc
import platform
import random
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from micrograd import tensor_nn  # noqa: E402
from micrograd.data import make_moons, to_plus_minus_one  # noqa: E402
from micrograd.optim import SGD  # noqa: E402

SEED = 1337


# ---- the workloads -------------------------------------------------------------------------------


def small_workload():
    X, labels = make_moons(n_samples=100, noise=0.1, seed=SEED)
    y = np.array(to_plus_minus_one(labels), dtype=np.float64)
    random.seed(SEED)  # the scalar engine's order of draws: both engines get the same weights
    weights = [p.data.copy() for p in tensor_nn.MLP(2, [16, 16, 1]).parameters()]
    return {"name": "small", "X": np.array(X), "y": y, "weights": weights, "steps": 100}


def large_workload():
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((256, 784)).astype(np.float32)
    y = rng.integers(0, 10, size=256)
    model = tensor_nn.MLP(784, [256, 10], init="kaiming", rng=rng, dtype=np.float32)
    weights = [p.data.copy() for p in model.parameters()]
    return {"name": "large", "X": X, "y": y, "weights": weights, "steps": 30, "lr": 0.01}


def small_lr(k: int) -> float:
    return 1.0 - 0.9 * k / 100


# ---- the engines: each trains from copies of the weights and returns the loss of every step ------


def run_tensor(w):
    sizes = [W.shape[1] for W in w["weights"][::2]]
    model = tensor_nn.MLP(w["weights"][0].shape[0], sizes, rng=np.random.default_rng(0))
    params = model.parameters()
    for p, weights in zip(params, w["weights"], strict=True):
        p.data = weights.copy()
    optimizer = SGD(model.parameters(), lr=w.get("lr", 1.0))
    X, y, losses = w["X"], w["y"], []
    small = w["name"] == "small"
    for k in range(w["steps"]):
        out = model(X)
        if small:
            loss = tensor_nn.hinge(out, y, params, alpha=1e-4)
            optimizer.lr = small_lr(k)
        else:
            loss = tensor_nn.cross_entropy(out, y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.data))
    return losses


def run_numpy(w):
    """The same network with the forward and the backward pass written out by hand."""
    P = [p.copy() for p in w["weights"]]
    X, y, losses = w["X"], w["y"], []
    n = len(y)
    if w["name"] == "small":
        W1, b1, W2, b2, W3, b3 = P
        for k in range(w["steps"]):
            z1 = X @ W1 + b1
            h1 = np.maximum(z1, 0.0)
            z2 = h1 @ W2 + b2
            h2 = np.maximum(z2, 0.0)
            s = (h2 @ W3 + b3)[:, 0]
            margins = 1.0 - y * s
            active = margins > 0
            loss = float((margins * active).sum()) / n + 1e-4 * sum(float((p * p).sum()) for p in P)
            ds = ((y * active) * (-1.0 / n))[:, None]
            dh2 = (ds @ W3.T) * (z2 > 0)
            dh1 = (dh2 @ W2.T) * (z1 > 0)
            grads = (X.T @ dh1, dh1.sum(0), h1.T @ dh2, dh2.sum(0), h2.T @ ds, ds.sum(0))
            lr = small_lr(k)
            for p, g in zip(P, grads, strict=True):
                p -= lr * (g + 2e-4 * p)
            losses.append(loss)
        return losses
    W1, b1, W2, b2 = P
    lr, rows = w["lr"], np.arange(n)
    for _ in range(w["steps"]):
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0.0)
        z = h1 @ W2 + b2
        shifted = z - z.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        loss = float((np.log(sums[:, 0]) - shifted[rows, y]).sum()) / n
        dz = exps / sums
        dz[rows, y] -= 1.0
        dz *= 1.0 / n
        dh1 = (dz @ W2.T) * (z1 > 0)
        grads = (X.T @ dh1, dh1.sum(0), h1.T @ dz, dz.sum(0))
        for p, g in zip(P, grads, strict=True):
            p -= lr * g
        losses.append(loss)
    return losses


def run_torch(w):
    """PyTorch eager mode at its leanest: raw tensors, autograd, an SGD step by hand, grads set to None."""
    import torch

    P = [torch.tensor(p, requires_grad=True) for p in w["weights"]]
    X, losses = torch.from_numpy(w["X"]), []
    if w["name"] == "small":
        y = torch.from_numpy(w["y"])
        W1, b1, W2, b2, W3, b3 = P
        for k in range(w["steps"]):
            h1 = torch.relu(X @ W1 + b1)
            h2 = torch.relu(h1 @ W2 + b2)
            s = (h2 @ W3 + b3)[:, 0]
            loss = torch.relu(1.0 - y * s).mean() + 1e-4 * sum((p * p).sum() for p in P)
            loss.backward()
            lr = small_lr(k)
            with torch.no_grad():
                for p in P:
                    p -= lr * p.grad
                    p.grad = None
            losses.append(loss.item())
        return losses
    y = torch.from_numpy(w["y"])
    W1, b1, W2, b2 = P
    for _ in range(w["steps"]):
        z = torch.relu(X @ W1 + b1) @ W2 + b2
        loss = torch.nn.functional.cross_entropy(z, y)
        loss.backward()
        with torch.no_grad():
            for p in P:
                p -= w["lr"] * p.grad
                p.grad = None
        losses.append(loss.item())
    return losses


def run_scalar(w):
    from micrograd import losses as scalar_losses
    from micrograd.nn import MLP

    random.seed(SEED)
    model = MLP(2, [16, 16, 1])  # the same draws as the workload's weights
    inputs = [list(map(float, row)) for row in w["X"]]
    y = [float(v) for v in w["y"]]
    optimizer = SGD(model.parameters(), lr=1.0)
    losses = []
    for k in range(w["steps"]):
        scores = [model(x) for x in inputs]
        loss = scalar_losses.hinge(scores, y, model.parameters(), alpha=1e-4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = small_lr(k)
        optimizer.step()
        losses.append(loss.data)
    return losses


# ---- measuring -----------------------------------------------------------------------------------


def timed(func, w):
    gc.collect()
    start = time.process_time()
    losses = func(w)
    return time.process_time() - start, losses


def traced_peak_mib(func, w):
    tracemalloc.start()
    func(w)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds; the fastest run of each engine counts")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for NumPy and PyTorch")
    parser.add_argument("--no-scalar", action="store_true", help="skip the scalar engine (about 5 s)")
    args = parser.parse_args()

    engines = {"tensor": run_tensor, "numpy": run_numpy}
    try:
        import torch

        torch.set_num_threads(args.threads)
        engines["torch"] = run_torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, PyTorch {torch_version}, "
        f"{os.cpu_count()} CPUs, BLAS threads {args.threads}, best of {args.repeat} rounds"
    )

    results = {}
    for workload in (small_workload(), large_workload()):
        name = workload["name"]
        best, losses = {}, {}
        for _ in range(args.repeat):
            for engine, func in engines.items():
                seconds, losses[engine] = timed(func, workload)
                best[engine] = min(best.get(engine, float("inf")), seconds)
        if name == "small" and not args.no_scalar:
            best["scalar"], losses["scalar"] = timed(run_scalar, workload)
        peaks = {e: traced_peak_mib(f, workload) for e, f in engines.items() if e != "torch"}
        if name == "small" and not args.no_scalar:
            peaks["scalar"] = traced_peak_mib(run_scalar, workload)
        results[name] = (best, losses, peaks)

        steps = workload["steps"]
        print(f"\n{name} workload: {steps} steps")
        print(
            f"  {'engine':<8} {'per step':>12} {'vs tensor':>10} {'peak traced':>12}  "
            "final loss   max |loss diff| vs tensor"
        )
        for engine in best:
            per_step = best[engine] / steps * 1e6
            ratio = best[engine] / best["tensor"]
            peak = f"{peaks[engine]:.1f} MiB" if engine in peaks else "n/a"
            diff = max(abs(a - b) for a, b in zip(losses[engine], losses["tensor"], strict=True))
            print(
                f"  {engine:<8} {per_step:>9.0f} µs {ratio:>9.2f}x {peak:>12}  "
                f"{losses[engine][-1]:.8f}   {diff:.1e}"
            )

    print("\ntargets")
    for name in ("small", "large"):
        best = results[name][0]
        ratio = best["tensor"] / best["numpy"]
        print(
            f"  {name}: tensor / hand-written numpy = {ratio:.2f}  "
            f"(target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})"
        )
        if "torch" in best:
            ratio = best["tensor"] / best["torch"]
            target = 1.0 if name == "small" else 1.5
            verdict = "met" if (ratio < 1.0 if name == "small" else ratio <= 1.5) else "MISSED"
            print(
                f"  {name}: tensor / PyTorch eager = {ratio:.2f}  "
                f"(target {'< 1' if target == 1.0 else '<= 1.5'}: {verdict})"
            )
    if "scalar" in results["small"][0]:
        best = results["small"][0]
        print(f"  small: scalar / tensor = {best['scalar'] / best['tensor']:.0f}x")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
