"""Benchmark the engine: the reference micrograd demo, per-op timings, memory per node.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_engine.py                       # this package only (~1 min)
    .venv/bin/python benchmarks/bench_engine.py --compare-reference   # also micrograd 0.1.0 (~6 min)

The workload is the reference micrograd demo: two moons (100 points, noise
0.1), ``MLP(2, [16, 16, 1])``, the hinge loss plus ``1e-4 * sum(p**2)``, 100
full-batch SGD steps with ``lr = 1.0 - 0.9 * k / 100``. The weights come from
``random.seed(1337)`` in both libraries, which draw them in the same order, so
both train the very same network, and their final losses agree.

Every measurement runs in a fresh Python process (a "worker": this script
started again with ``--worker``), so no run inherits another's heap or
garbage-collector state. ``--compare-reference`` installs micrograd 0.1.0 into
``benchmarks/.venv-ref`` on first use (it is also called ``micrograd``, so it
needs its own virtual environment and process) and runs the same workers there.

Times are CPU seconds of the worker process (``time.process_time``), which
other programs running on the machine disturb much less than wall-clock time;
the wall-clock time is printed too. "GC on" is Python's default; "GC off" runs
the same code after ``gc.disable()``, to separate the garbage collector's cost
from the engine's. The library itself never touches the collector's settings.
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
REPO = HERE.parent
REF_VENV = HERE / ".venv-ref"
REF_PYTHON = REF_VENV / "bin" / "python"
REF_REQUIREMENT = "micrograd==0.1.0"
SEED = 1337

# ---- the workers ----------------------------------------------------------------------------------------
# A worker imports ``micrograd`` (this package, or the reference in its own venv), runs one measurement and
# prints one line of JSON. It uses only the API both libraries share, except where marked "package".


def _peak_rss_mib() -> float:
    import resource

    scale = 1024 if sys.platform != "darwin" else 1  # ru_maxrss is KiB on Linux, bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _demo(X: list[list[float]], y: list[int], steps: int, style: str) -> dict:
    """The demo's training loop: style "package" uses micrograd.losses.hinge, "literal" the demo's code."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    if style == "package":
        from micrograd.losses import hinge
    random.seed(SEED)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    rss_before = _peak_rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    for k in range(steps):
        inputs = [[Value(x1), Value(x2)] for x1, x2 in X]
        scores = [model(x) for x in inputs]
        if style == "package":
            total_loss = hinge(scores, y, params, alpha=1e-4)
        else:  # the reference demo's loss, as written there
            losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = 1e-4 * sum(p * p for p in params)
            total_loss = data_loss + reg_loss
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)) / len(y)
        model.zero_grad()
        total_loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    nodes = len(total_loss.topological_order()) if hasattr(total_loss, "topological_order") else None
    return {
        "seconds": cpu,
        "wall": wall,
        "loss": total_loss.data,
        "accuracy": accuracy,
        "parameters": len(params),
        "nodes_per_step": nodes,
        "peak_rss_mib": _peak_rss_mib(),
        "rss_before_mib": rss_before,
    }


OPS = ["a + b", "a * b", "a - b", "a / b", "a ** 2", "-a", "2.0 * a"]
OPS += ["a.relu()", "a.tanh()", "a.exp()", "a.log()", "a.sigmoid()"]


def _micro() -> dict:
    """Per-op forward time, per-node backward time and bytes per node (all with GC off)."""
    from micrograd.engine import Value

    gc.disable()
    a, b = Value(1.5), Value(0.75)
    # micrograd 0.1.0 has no tanh, exp, log or sigmoid
    ops = [stmt for stmt in OPS if not stmt.startswith("a.") or hasattr(a, stmt[2:-2])]
    timers = {stmt: timeit.Timer(stmt, globals={"a": a, "b": b}, timer=time.process_time) for stmt in ops}
    number = 5_000
    best = dict.fromkeys(ops, float("inf"))
    for _ in range(
        60
    ):  # round-robin, so that a busy moment of the machine slows one sample of each op at most
        for stmt, timer in timers.items():
            best[stmt] = min(best[stmt], timer.timeit(number=number))
    forward = {stmt: best[stmt] / number * 1e6 if stmt in best else None for stmt in OPS}

    # backward: a balanced tree (depth 17, so the reference's recursive sort copes): 2**16 products a_i * b_i,
    # summed pairwise down to one root. The time is per node of the graph, leaves included.
    def tree() -> object:
        level = [Value(random.uniform(-1, 1)) * Value(random.uniform(-1, 1)) for _ in range(2**16)]
        while len(level) > 1:
            level = [level[i] + level[i + 1] for i in range(0, len(level), 2)]
        return level[0]

    nodes = 2**16 * 3 + (2**16 - 1)
    times = []
    for _ in range(5):
        root = tree()
        start = time.process_time()
        root.backward()
        times.append(time.process_time() - start)
        del root

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

    return {
        "forward_us": forward,
        "backward_us_per_node": min(times) / nodes * 1e6,
        "bytes_add": chain_bytes("+"),
        "bytes_mul": chain_bytes("*"),
    }


def _deep_chain(n: int = 1_000_000) -> dict:
    """Package only: a chain a million operations deep (the reference's recursive sort cannot do this)."""
    from micrograd.engine import Value

    x = Value(0.5)
    start = time.process_time()
    y = x
    for _ in range(n):
        y = -y
    forward = time.process_time() - start
    start = time.process_time()
    y.backward()
    backward = time.process_time() - start
    assert x.grad == 1.0
    return {"nodes": n + 1, "forward_s": forward, "backward_s": backward}


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


# ---- the driver -------------------------------------------------------------------------------------------


def ensure_reference_venv() -> Path:
    """Create benchmarks/.venv-ref with micrograd 0.1.0 unless it is there already."""
    if not REF_PYTHON.exists():
        print(f"creating {REF_VENV} with {REF_REQUIREMENT} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(REF_VENV)], check=True)
        subprocess.run([str(REF_PYTHON), "-m", "pip", "install", "--quiet", REF_REQUIREMENT], check=True)
    return REF_PYTHON


def run_worker(python: Path | str, *flags: str, stdin: str = "") -> dict:
    """Run this script as a worker; check that it measured the micrograd it was meant to."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if Path(python) == REF_PYTHON:
        # -I (isolated mode): the reference's python must not import this checkout's micrograd by accident
        cmd = [str(python), "-I", str(HERE / "bench_engine.py"), *flags]
    else:  # this checkout's micrograd, whatever else is installed
        cmd = [str(python), str(HERE / "bench_engine.py"), *flags]
        env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"worker {' '.join(flags)} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    engine = Path(result["engine"]).resolve()
    ours = engine == REPO / "micrograd" / "engine.py"
    if ours == (Path(python) == REF_PYTHON):
        raise RuntimeError(f"the worker imported the wrong micrograd: {engine}")
    return result


def best_of(repeat: int, python: Path | str, *flags: str, stdin: str = "") -> dict:
    """The fastest of ``repeat`` runs (the others were slowed down by something else)."""
    runs = [run_worker(python, *flags, stdin=stdin) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def print_demo_table(rows: list[tuple[str, dict]]) -> None:
    header = f"{'demo run':<46} {'CPU s':>7} {'wall s':>7} {'peak RSS':>10} {'final loss':>11} {'acc.':>5}"
    print(header)
    print("-" * len(header))
    for name, r in rows:
        print(
            f"{name:<46} {r['seconds']:>7.2f} {r['wall']:>7.2f} {r['peak_rss_mib']:>6.1f} MiB "
            f"{r['loss']:>11.8f} {r['accuracy']:>5.0%}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare-reference", action="store_true", help="also run micrograd 0.1.0")
    parser.add_argument("--steps", type=int, default=100, help="training steps (the demo has 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each demo; the fastest counts")
    parser.add_argument("--skip-reference-gc-on", action="store_true", help="skip the slowest run (~4 min)")
    parser.add_argument("--worker", choices=["demo", "micro", "deep"], help=argparse.SUPPRESS)
    parser.add_argument("--gc", choices=["on", "off"], default="on", help=argparse.SUPPRESS)
    parser.add_argument("--style", choices=["package", "literal"], default="package", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return

    sys.path.insert(0, str(REPO))  # this checkout's micrograd
    from micrograd.data import make_moons, to_plus_minus_one

    X, labels = make_moons(n_samples=100, noise=0.1, seed=SEED)
    data = json.dumps([X, to_plus_minus_one(labels)])
    steps = ("--steps", str(args.steps))
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"demo: two moons (100 points, noise 0.1), MLP(2, [16, 16, 1]), hinge + 1e-4*L2, {args.steps} steps"
    )
    print(f"best of {args.repeat} runs each\n", flush=True)

    ours = {}
    for style in ("package", "literal"):
        for gc_mode in ("on", "off"):
            flags = ("--worker", "demo", "--gc", gc_mode, "--style", style, *steps)
            ours[style, gc_mode] = best_of(args.repeat, sys.executable, *flags, stdin=data)
    micro = run_worker(sys.executable, "--worker", "micro")
    deep = run_worker(sys.executable, "--worker", "deep")

    ref: dict[str, dict] = {}
    ref_micro = None
    if args.compare_reference:
        python = ensure_reference_venv()
        for gc_mode in ("off",) if args.skip_reference_gc_on else ("off", "on"):
            print(f"running micrograd 0.1.0 with GC {gc_mode} ...", flush=True)
            flags = ("--worker", "demo", "--gc", gc_mode, "--style", "literal", *steps)
            ref[gc_mode] = best_of(1 if gc_mode == "on" else args.repeat, python, *flags, stdin=data)
        ref_micro = run_worker(python, "--worker", "micro")
        print()

    rows = [
        ("this package (losses.hinge), GC on", ours["package", "on"]),
        ("this package (losses.hinge), GC off", ours["package", "off"]),
        ("this package (the demo's loss code), GC on", ours["literal", "on"]),
        ("this package (the demo's loss code), GC off", ours["literal", "off"]),
    ]
    rows += [(f"micrograd 0.1.0, GC {mode}", ref[mode]) for mode in ("on", "off") if mode in ref]
    print_demo_table(rows)
    nodes = ours["package", "on"]["nodes_per_step"], ours["literal", "on"]["nodes_per_step"]
    print(f"graph nodes per step: {nodes[0]:,} (losses.hinge), {nodes[1]:,} (the demo's loss code)\n")

    if ref:
        print("speed-up over micrograd 0.1.0 (CPU time):")
        pairs = [
            ("GC on", "on", "on"),
            ("GC off", "off", "off"),
            ("package GC on vs micrograd GC off", "off", "on"),
        ]
        for name, ref_mode, our_mode in pairs:
            if ref_mode in ref:
                theirs = ref[ref_mode]["seconds"]
                fast = theirs / ours["package", our_mode]["seconds"]
                literal = theirs / ours["literal", our_mode]["seconds"]
                print(f"  {name:<36} {fast:6.1f}x   (with the demo's loss code: {literal:.1f}x)")
        diff = abs(ref["off"]["loss"] - ours["literal", "off"]["loss"])
        print(f"  final loss, package vs micrograd on the same code and weights: difference {diff:.1e}\n")

    print(
        f"{'forward, one op (GC off)':<26} {'package (us)':>13}"
        + (f" {'micrograd (us)':>15}" if ref_micro else "")
    )
    for stmt in OPS:
        line = f"{stmt:<26} {micro['forward_us'][stmt]:>13.3f}"
        if ref_micro:
            theirs = ref_micro["forward_us"][stmt]
            line += f" {theirs:>15.3f}" if theirs is not None else f" {'-':>15}"
        print(line)
    print()
    ref_backward = f"   (micrograd 0.1.0: {ref_micro['backward_us_per_node']:.3f} us)" if ref_micro else ""
    print(
        f"backward per node (2**18-node tree, GC off): {micro['backward_us_per_node']:.3f} us{ref_backward}"
    )
    ref_bytes = (
        f"   (micrograd 0.1.0: {ref_micro['bytes_add']:.0f} and {ref_micro['bytes_mul']:.0f})"
        if ref_micro
        else ""
    )
    print(
        f"bytes per node, chain of a + b: {micro['bytes_add']:.0f}, a * b: {micro['bytes_mul']:.0f}"
        + ref_bytes
    )
    print(
        f"a chain {deep['nodes']:,} nodes deep (GC on): forward {deep['forward_s']:.2f} s, "
        f"backward {deep['backward_s']:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
