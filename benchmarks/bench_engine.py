"""Benchmark the engine: the reference micrograd demo, per-op timings, memory per node.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_engine.py                       # this package only (~10 s)
    .venv/bin/python benchmarks/bench_engine.py --compare-reference   # also micrograd 0.1.0 (~5 min)

The workload is the reference micrograd demo: two moons (100 points, noise
0.1), ``MLP(2, [16, 16, 1])``, the hinge loss plus ``1e-4 * sum(p**2)``, 100
full-batch SGD steps with ``lr = 1.0 - 0.9 * k / 100``. The weights come from
``random.seed(1337)`` in both libraries, which draw them in the same order, so
both train the very same network and their final losses must agree.

Every measurement runs in a fresh Python process (a "worker": this script
started again with ``--worker``), so no run inherits another's heap or
garbage-collector state. ``--compare-reference`` installs micrograd 0.1.0 into
``benchmarks/.venv-ref`` on first use (it is also called ``micrograd``, so it
needs its own virtual environment and process) and runs the same workers there.

"GC on" is Python's default; "GC off" runs the same code after
``gc.disable()``, to separate the garbage collector's cost from the engine's.
The library itself never touches the collector's settings.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
import timeit
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
REF_VENV = HERE / ".venv-ref"
REF_PYTHON = REF_VENV / "bin" / "python"
REF_REQUIREMENT = "micrograd==0.1.0"
SEED = 1337

# ---- the workers ------------------------------------------------------------------------------------------
# A worker imports ``micrograd`` (this package, or the reference in its own venv), runs one measurement and
# prints one line of JSON. Only the API both libraries share is used, except where marked "package".


def _peak_rss_mib() -> float:
    import resource

    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss is KiB on Linux, bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _demo(X: list[list[float]], y: list[int], steps: int, style: str) -> dict:
    """The demo's training loop; ``style`` "package" uses micrograd.losses.hinge, "literal" the demo's code."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    if style == "package":
        from micrograd.losses import hinge
    random.seed(SEED)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    rss_before = _peak_rss_mib()
    start = time.perf_counter()
    for k in range(steps):
        inputs = [[Value(x1), Value(x2)] for x1, x2 in X]
        scores = [model(x) for x in inputs]
        if style == "package":
            total_loss = hinge(scores, y, params, alpha=1e-4)
        else:  # the reference demo's loss, as written there
            losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = 1e-4 * sum(p * p for p in params)
            total_loss = data_loss + reg_loss
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
        model.zero_grad()
        total_loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "loss": total_loss.data,
        "accuracy": accuracy,
        "parameters": len(params),
        "peak_rss_mib": _peak_rss_mib(),
        "rss_before_mib": rss_before,
    }


OPS = {
    "a + b": "a + b",
    "a * b": "a * b",
    "a - b": "a - b",
    "a / b": "a / b",
    "a ** 2": "a ** 2",
    "-a": "-a",
    "2.0 * a": "2.0 * a",
    "a.relu()": "a.relu()",
    "a.tanh()": "a.tanh()",
    "a.exp()": "a.exp()",
    "a.log()": "a.log()",
    "a.sigmoid()": "a.sigmoid()",
}


def _micro() -> dict:
    """Per-op forward time, per-node backward time and bytes per node (all with GC off)."""
    from micrograd.engine import Value

    gc.disable()
    a, b = Value(1.5), Value(0.75)
    forward = {}
    for name, stmt in OPS.items():
        if stmt.startswith("a.") and not hasattr(a, stmt[2:-2]):
            forward[name] = None  # the reference 0.1.0 has no tanh/exp/log/sigmoid
            continue
        number = 20_000
        best = min(timeit.repeat(stmt, globals={"a": a, "b": b}, number=number, repeat=40))
        forward[name] = best / number * 1e6

    # backward: a balanced tree (depth 17, so the reference's recursive sort copes): 2**16 products a_i * b_i,
    # summed pairwise down to one root. Time per node of the graph, leaves included.
    def tree() -> object:
        level = [Value(random.uniform(-1, 1)) * Value(random.uniform(-1, 1)) for _ in range(2**16)]
        while len(level) > 1:
            level = [level[i] + level[i + 1] for i in range(0, len(level), 2)]
        return level[0]

    nodes = 2**16 * 3 + (2**16 - 1)
    times = []
    for _ in range(5):
        root = tree()
        start = time.perf_counter()
        root.backward()
        times.append(time.perf_counter() - start)
        del root
    backward_us = min(times) / nodes * 1e6

    # bytes per node: a chain y = y (op) x of n nodes, measured with tracemalloc (GC header included)
    def chain_bytes(op: str, n: int = 100_000) -> float:
        x = Value(1.0)
        y = Value(0.5)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            y = y + x if op == "+" else y * x
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return (after - before) / n

    bytes_add = chain_bytes("+")
    bytes_mul = chain_bytes("*")
    return {
        "forward_us": forward,
        "backward_us_per_node": backward_us,
        "bytes_add": bytes_add,
        "bytes_mul": bytes_mul,
    }


def _deep_chain(n: int = 1_000_000) -> dict:
    """Package only: forward and backward of a chain a million nodes deep (the reference would recurse)."""
    from micrograd.engine import Value

    x = Value(0.5)
    start = time.perf_counter()
    y = x
    for _ in range(n):
        y = y + 0.0  # one op node and one constant leaf per step
    forward = time.perf_counter() - start
    start = time.perf_counter()
    y.backward()
    backward = time.perf_counter() - start
    assert x.grad == 1.0
    return {"nodes": 2 * n + 1, "forward_s": forward, "backward_s": backward}


def worker_main(args: argparse.Namespace) -> None:
    if args.gc == "off":
        gc.disable()
    if args.worker == "demo":
        X, y = json.loads(sys.stdin.read())
        result = _demo(X, y, args.steps, args.style)
    elif args.worker == "micro":
        result = _micro()
    else:
        result = _deep_chain()
    import micrograd.engine

    result["engine"] = micrograd.engine.__file__
    print(json.dumps(result))


# ---- the driver --------------------------------------------------------------------------------------------


def ensure_reference_venv() -> Path:
    """Create benchmarks/.venv-ref with micrograd 0.1.0 unless it is there already."""
    if REF_PYTHON.exists():
        return REF_PYTHON
    print(f"creating {REF_VENV} with {REF_REQUIREMENT} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(REF_VENV)], check=True)
    subprocess.run([str(REF_PYTHON), "-m", "pip", "install", "--quiet", REF_REQUIREMENT], check=True)
    return REF_PYTHON


def run_worker(python: Path | str, *flags: str, stdin: str = "") -> dict:
    # -I: isolated mode, so the reference venv's python cannot pick up this checkout's micrograd by accident
    isolated = ["-I"] if Path(python) == REF_PYTHON else []
    cmd = [str(python), *isolated, str(Path(__file__).resolve()), *flags]
    done = subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {' '.join(flags)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(repeat: int, python: Path | str, *flags: str, stdin: str = "") -> dict:
    runs = [run_worker(python, *flags, stdin=stdin) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare-reference", action="store_true", help="also run micrograd 0.1.0")
    parser.add_argument("--steps", type=int, default=100, help="training steps (the demo has 100)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each demo of this package; the best counts"
    )
    parser.add_argument(
        "--skip-reference-gc-on", action="store_true", help="the slow part (~4 min on 2 cores)"
    )
    parser.add_argument("--worker", choices=["demo", "micro", "deep"], help=argparse.SUPPRESS)
    parser.add_argument("--gc", choices=["on", "off"], default="on", help=argparse.SUPPRESS)
    parser.add_argument("--style", choices=["package", "literal"], default="package", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return

    from micrograd.data import make_moons, to_plus_minus_one

    X, labels = make_moons(n_samples=100, noise=0.1, seed=SEED)
    data = json.dumps([X, to_plus_minus_one(labels)])
    steps = ["--steps", str(args.steps)]
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"demo: two moons (100 points, noise 0.1), MLP(2, [16, 16, 1]), hinge + 1e-4*L2, {args.steps} SGD steps\n"
    )

    results = {}
    for style in ("package", "literal"):
        for gc_mode in ("on", "off"):
            flags = ("--worker", "demo", "--gc", gc_mode, "--style", style, *steps)
            results[(style, gc_mode)] = best_of(args.repeat, sys.executable, *flags, stdin=data)
    micro = run_worker(sys.executable, "--worker", "micro")
    deep = run_worker(sys.executable, "--worker", "deep")

    ref = {}
    ref_micro = None
    if args.compare_reference:
        python = ensure_reference_venv()
        modes = ("off",) if args.skip_reference_gc_on else ("off", "on")
        for gc_mode in modes:
            print(f"running micrograd 0.1.0 with GC {gc_mode} ...", flush=True)
            flags = ("--worker", "demo", "--gc", gc_mode, "--style", "literal", *steps)
            ref[gc_mode] = run_worker(python, *flags, stdin=data)
        ref_micro = run_worker(python, "--worker", "micro")
        print()

    header = f"{'demo run':<44} {'time (s)':>9} {'peak RSS':>10} {'final loss':>12} {'accuracy':>9}"
    print(header)
    print("-" * len(header))
    rows = [
        ("this package, losses.hinge", results[("package", "on")], results[("package", "off")]),
        ("this package, the demo's loss code", results[("literal", "on")], results[("literal", "off")]),
    ]
    if ref:
        rows.append(("micrograd 0.1.0", ref.get("on"), ref["off"]))
    for name, on, off in rows:
        for gc_mode, r in (("GC on", on), ("GC off", off)):
            if r is None:
                continue
            print(
                f"{name + ', ' + gc_mode:<44} {r['seconds']:>9.3f} {r['peak_rss_mib']:>7.1f} MiB "
                f"{r['loss']:>12.8f} {r['accuracy']:>8.0%}"
            )
    print()
    if ref:
        base_on, base_off = results[("package", "on")], results[("package", "off")]
        lit_on, lit_off = results[("literal", "on")], results[("literal", "off")]
        if "on" in ref:
            print(
                f"speed-up, GC on  (micrograd GC on / package GC on):   {ref['on']['seconds'] / base_on['seconds']:6.1f}x"
                f"   (demo's loss code: {ref['on']['seconds'] / lit_on['seconds']:.1f}x)"
            )
        print(
            f"speed-up, GC off (micrograd GC off / package GC off): {ref['off']['seconds'] / base_off['seconds']:6.1f}x"
            f"   (demo's loss code: {ref['off']['seconds'] / lit_off['seconds']:.1f}x)"
        )
        print(
            f"speed-up, package with GC on vs micrograd with GC off: {ref['off']['seconds'] / base_on['seconds']:6.1f}x"
        )
        diff = abs(ref["off"]["loss"] - lit_off["loss"])
        print(f"final loss, package vs micrograd (same code, same weights): difference {diff:.1e}\n")

    print(
        f"{'forward, one op (GC off)':<26} {'package (us)':>13}"
        + (f" {'micrograd (us)':>15}" if ref_micro else "")
    )
    for name in OPS:
        ours = micro["forward_us"][name]
        line = f"{name:<26} {ours:>13.3f}"
        if ref_micro:
            theirs = ref_micro["forward_us"][name]
            line += f" {theirs:>15.3f}" if theirs is not None else f" {'-':>15}"
        print(line)
    print()
    print(
        f"backward per node (2**18 nodes, GC off): {micro['backward_us_per_node']:.3f} us"
        + (f"   (micrograd 0.1.0: {ref_micro['backward_us_per_node']:.3f} us)" if ref_micro else "")
    )
    print(
        f"bytes per node, chain of a + b: {micro['bytes_add']:.0f}, of a * b: {micro['bytes_mul']:.0f}"
        + (
            f"   (micrograd 0.1.0: {ref_micro['bytes_add']:.0f} and {ref_micro['bytes_mul']:.0f})"
            if ref_micro
            else ""
        )
    )
    print(
        f"a chain {deep['nodes']:,} nodes deep (GC on): forward {deep['forward_s']:.2f} s, "
        f"backward {deep['backward_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
