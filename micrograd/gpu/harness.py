"""The checking harness: run a kernel with instrumented arrays and say what went wrong.

:func:`launch` runs a kernel in the simulator with *instrumented* arrays and returns a
:class:`Trace` of what every thread did: out-of-bounds accesses, reads of shared memory
nobody wrote, two threads touching one element between the same two barriers (a race),
threads that passed different numbers of ``syncthreads()``. :func:`check_launch` turns
the first problem, or the first element that differs from NumPy, into a ``Mismatch``.

The harness patches private classes of numba-cuda's simulator (``BlockThread``,
``FakeCUDAShared``, ``FakeCUDAAtomic``) for the length of one launch, which is why the
project pins numba-cuda. It depends on nothing in ``micrograd.exercises``.
"""

from __future__ import annotations

import inspect
import itertools
import operator
import re
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from micrograd.expect import Mismatch, expect_close
from micrograd.gpu.simulator import cuda

# isort: split
from numba.cuda.simulator import kernel as _sim_kernel  # (after the switch to the simulator)
from numba.cuda.simulator import kernelapi as _sim_api

# ---- instrumented arrays -------------------------------------------------------------------------


def _here() -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """(block index, thread index, barrier phase) of the simulated thread running now."""
    thread = threading.current_thread()
    block = tuple(getattr(thread, "blockIdx", (0, 0, 0)))
    tid = tuple(getattr(thread, "threadIdx", (0, 0, 0)))
    return block, tid, getattr(thread, "_micrograd_phase", 0)


@dataclass(frozen=True)
class Access:
    """One read ("r"), write ("w") or atomic ("a") access to an element by one thread."""

    kind: str
    block: tuple[int, ...]
    thread: tuple[int, ...]
    phase: int
    wrote_before: bool = False  # a read: had this thread already written the element?


class TrackedArray:
    """A NumPy array seen through a kernel: every element access is checked and recorded.

    Reads and writes take one element at a time (``a[i]``, ``a[i, j]``); an
    index outside the array (negative ones included: on a GPU they are out of
    bounds too) is recorded as a problem and reads 0 instead of crashing.
    """

    def __init__(self, data: np.ndarray, name: str, shared: bool, trace: Trace) -> None:
        self._array = data
        self.name = name
        self.shared = shared
        self.trace = trace
        self.shape = data.shape
        self.size = data.size
        self.ndim = data.ndim
        self.dtype = data.dtype
        self.accesses: dict[tuple[int, ...], list[Access]] = {}

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"TrackedArray({self.name}, shape={self.shape})"

    def _index(self, index: Any, verb: str) -> tuple[int, ...] | None:
        if isinstance(index, slice) or (
            isinstance(index, tuple) and any(isinstance(k, slice) for k in index)
        ):
            raise TypeError(
                f"{self.name}[...] with a slice: in a kernel each thread reads and writes single "
                f"elements, like {self.name}[i]" + (", j]" if self.ndim == 2 else "]")
            )
        parts = index if isinstance(index, tuple) else (index,)
        try:
            parts = tuple(operator.index(k) for k in parts)
        except TypeError:
            raise TypeError(
                f"{self.name}[{index!r}]: an index must be a whole number, got {type(index).__name__}"
            ) from None
        if len(parts) != self.ndim:
            raise IndexError(f"{self.name} has {self.ndim} dimension(s), indexed with {len(parts)}")
        if all(0 <= k < size for k, size in zip(parts, self.shape, strict=True)):
            return parts
        self.trace._out_of_bounds(self, parts, verb)
        return None

    def _record(self, index: tuple[int, ...], kind: str) -> None:
        block, tid, phase = _here()
        seen = self.accesses.setdefault(index, [])
        wrote = kind == "r" and any(a.kind != "r" and a.thread == tid and a.block == block for a in seen)
        seen.append(Access(kind, block, tid, phase, wrote))

    def __getitem__(self, index: Any) -> Any:
        where = self._index(index, "read")
        if where is None:
            return self.dtype.type(0)
        self._record(where, "r")
        return self._array[where]

    def __setitem__(self, index: Any, value: Any) -> None:
        where = self._index(index, "wrote")
        if where is None:
            return
        self._record(where, "w")
        self._array[where] = value

    def _whole_array(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"NumPy arithmetic on the whole array {self.name} does not run in a kernel: each thread "
            f"reads and writes single elements, like {self.name}[i] + 1, and loops over what it needs"
        )

    __array__ = __array_ufunc__ = __array_function__ = _whole_array
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _whole_array
    __truediv__ = __rtruediv__ = __pow__ = __neg__ = __matmul__ = __rmatmul__ = _whole_array
    sum = max = min = mean = dot = _whole_array

    def written(self, index: tuple[int, ...]) -> bool:
        return any(a.kind != "r" for a in self.accesses.get(index, ()))


def _who(block: tuple[int, ...], thread: tuple[int, ...], dims: int) -> str:
    """'thread (block 3, thread 21)' for a 1-D launch, 'thread (block (1, 0), thread (2, 3))' in 2-D."""
    if dims == 1:
        return f"thread (block {block[0]}, thread {thread[0]})"
    return f"thread (block {block[:dims]}, thread {thread[:dims]})"


def _at(index: tuple[int, ...]) -> str:
    return ", ".join(str(k) for k in index)


@dataclass
class Trace:
    """What one instrumented launch did: every problem found, in a run-independent order."""

    dims: int
    blocks: tuple[int, ...]
    threads: tuple[int, ...]
    arrays: list[TrackedArray] = field(default_factory=list)
    shared: dict[tuple, TrackedArray] = field(default_factory=dict)
    out_of_bounds: list[tuple] = field(default_factory=list)
    phases: dict[tuple, int] = field(default_factory=dict)
    used_barrier: bool = False
    stopped: bool = False  # set on an interrupt: every simulated thread stops at its next line

    def traffic(self) -> dict[str, tuple[int, int]]:
        """(reads, writes) of every global array, counted element by element over all threads."""
        counts = {}
        for array in self.arrays:
            kinds = [a.kind for seen in array.accesses.values() for a in seen]
            counts[array.name] = (kinds.count("r"), len(kinds) - kinds.count("r"))
        return counts

    def _out_of_bounds(self, array: TrackedArray, index: tuple[int, ...], verb: str) -> None:
        block, tid, _phase = _here()
        self.out_of_bounds.append((block, tid, verb, array.name, index, array.shape))

    # -- the problems, each a message or None; the first in a fixed order wins --

    def problems(self) -> list[str]:
        """Every kind of problem found, one message each (the first instance of each kind)."""
        found = [self._bounds_problem(), self._barrier_problem(), self._race_problem()]
        found.append(self._uninitialised_problem())
        return [p for p in found if p]

    def _bounds_problem(self) -> str | None:
        if not self.out_of_bounds:
            return None
        block, tid, verb, name, index, shape = min(self.out_of_bounds, key=lambda e: (e[0][::-1], e[1][::-1]))
        size = f"size {shape[0]}" if len(shape) == 1 else f"shape {shape}"
        guard = "if i < n" if self.dims == 1 else "if i < rows and j < cols"
        count = len({(e[0], e[1]) for e in self.out_of_bounds})
        more = f" ({count} threads went out of bounds)" if count > 1 else ""
        shown = index[0] if len(index) == 1 else index
        return (
            f"{_who(block, tid, self.dims)} {verb} index {shown} of {name}, an array of {size}"
            f"{more}: either the launch has more threads than elements and the kernel needs a "
            f"guard `{guard}` around its accesses, or the index is computed wrongly"
        )

    def _barrier_problem(self) -> str | None:
        if not self.used_barrier:
            return None
        for block in _points(self.blocks):
            counts = {t: self.phases.get((block, t), 0) for t in _points(self.threads)}
            if len(set(counts.values())) > 1:
                low = min(counts, key=lambda t: (counts[t], t[::-1]))
                high = max(counts, key=lambda t: (counts[t], [-k for k in t[::-1]]))
                where = f"block {_pt(block, self.dims)}"
                return (
                    f"in {where}, thread {_pt(low, self.dims)} passed {counts[low]} cuda.syncthreads() "
                    f"and thread {_pt(high, self.dims)} passed {counts[high]}: every thread of a block "
                    "must reach the same barriers (no syncthreads() inside an `if` that only some "
                    "threads take, no early `return` before one)"
                )
        return None

    def _all_arrays(self) -> list[TrackedArray]:
        return self.arrays + [
            self.shared[key] for key in sorted(self.shared, key=lambda k: (k[1][::-1], k[0]))
        ]

    def _race_problem(self) -> str | None:
        for array in self._all_arrays():
            for index in sorted(array.accesses):
                conflict = _first_conflict(array.accesses[index], array.shared)
                if conflict is None:
                    continue
                first, second = conflict
                what = {
                    ("w", "w"): "both wrote",
                    ("r", "w"): "read and wrote",
                    ("w", "r"): "wrote and read",
                }[(first.kind if first.kind != "a" else "w", second.kind if second.kind != "a" else "w")]
                a = _who(first.block, first.thread, self.dims)[7:]
                b = _who(second.block, second.thread, self.dims)[7:]
                place = (
                    f"shared memory {array.name}[{_at(index)}]"
                    if array.shared
                    else f"{array.name}[{_at(index)}]"
                )
                if _accumulated(array.accesses[index]):
                    fix = (
                        f"each adding into it with `+=`: a read, then a write, so one thread's update "
                        f"overwrites another's. No barrier fixes that; use an atomic add, "
                        f"`cuda.atomic.add({array.name}, {_at(index)}, value)`, which reads, adds and "
                        "writes as one step (or give each thread its own element and sum those after)"
                    )
                elif array.shared:
                    fix = (
                        "with no cuda.syncthreads() between them, so on a GPU the result depends on "
                        "which thread runs first: put a barrier between the write and the read"
                    )
                elif first.block != second.block:
                    fix = (
                        "and threads of different blocks are never ordered: give each thread its own "
                        "elements (use the global index, e.g. cuda.grid(1))"
                    )
                else:
                    fix = "with no cuda.syncthreads() between them: give each thread its own elements"
                return f"a race: threads {a} and {b} {what} {place}, {fix}"
        return None

    def _uninitialised_problem(self) -> str | None:
        for array in self._all_arrays():
            if not array.shared:
                continue
            for index in sorted(array.accesses):
                seen = array.accesses[index]
                for read in sorted(
                    (a for a in seen if a.kind == "r"), key=lambda a: (a.phase, a.thread[::-1])
                ):
                    earlier = any(a.kind != "r" and a.phase < read.phase for a in seen)
                    if not (read.wrote_before or earlier):
                        who = _who(read.block, read.thread, self.dims)
                        return (
                            f"{who} read shared memory {array.name}[{_at(index)}] before any thread "
                            "wrote it: shared memory starts with garbage, so every element a thread "
                            "reads must be written first (with a barrier in between), e.g. 0.0 for "
                            "threads past the end of the input"
                        )
        return None


def _points(dims: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every (x, y, z) index of a launch dimension, padded to 3 numbers like the simulator's."""
    padded = tuple(dims) + (1,) * (3 - len(dims))
    return [tuple(p) for p in itertools.product(*(range(d) for d in padded))]


def _pt(point: tuple[int, ...], dims: int) -> str:
    return str(point[0]) if dims == 1 else str(point[:dims])


def _accumulated(accesses: list[Access]) -> bool:
    """True when two or more threads each read and then wrote the element: ``x[i] += ...`` in each."""
    readers = {(a.block, a.thread) for a in accesses if a.kind == "r"}
    writers = {(a.block, a.thread) for a in accesses if a.kind == "w"}
    return len(readers & writers) >= 2


def _first_conflict(accesses: list[Access], shared: bool) -> tuple[Access, Access] | None:
    """The first pair of accesses by two threads to one element, one a write, that nothing orders.

    Within a block a barrier orders everything before it against everything
    after it (different phases); threads of different blocks are never ordered.
    Atomic operations do not conflict with each other. The answer does not
    depend on the order the simulator happened to run the threads in.
    """
    if all(a.kind == "r" for a in accesses):
        return None
    ordered = sorted(accesses, key=lambda a: (a.phase, a.block[::-1], a.thread[::-1], a.kind))
    for x, y in itertools.combinations(ordered, 2):
        if (x.block, x.thread) == (y.block, y.thread):
            continue
        if x.kind == "r" and y.kind == "r":
            continue
        if x.kind == "a" and y.kind == "a":
            continue
        if x.block == y.block and x.phase != y.phase:
            continue
        return x, y
    return None


# ---- running a kernel with instrumented arrays ---------------------------------------------------

MAX_STEPS = 20_000  # lines of kernel code one simulated thread may run before it is stopped
MAX_BARRIERS = 100  # cuda.syncthreads() one simulated thread may pass (each one is slow to simulate)


class KernelTimeout(Exception):
    """A simulated thread ran more than ``MAX_STEPS`` lines of the kernel, or passed more than
    ``MAX_BARRIERS`` barriers: a loop that never ends."""


_LOCK = threading.Lock()
_ACTIVE: list[Trace] = []


def _kernel_function(kernel: Any) -> Callable:
    """The Python function of a kernel: a ``@cuda.jit`` kernel, or a plain function."""
    function = inspect.unwrap(kernel) if callable(kernel) else kernel
    function = getattr(function, "py_func", function)
    if not inspect.isfunction(function):
        raise TypeError(
            f"expected a kernel (a function, with or without @cuda.jit), got {type(kernel).__name__}"
        )
    return function


@contextmanager
def _instrumented(trace: Trace, kernel_file: str = ""):
    """Patch the simulator for one launch: count barriers, track shared memory and atomics."""
    original_sync = _sim_kernel.BlockThread.syncthreads
    original_run = _sim_kernel.BlockThread.run
    original_shared = _sim_api.FakeCUDAShared.array
    atomic_names = [n for n in vars(_sim_api.FakeCUDAAtomic) if not n.startswith("_")]
    original_atomics = {n: getattr(_sim_api.FakeCUDAAtomic, n) for n in atomic_names}

    def syncthreads(thread: Any) -> None:
        if getattr(thread, "_micrograd_phase", 0) >= MAX_BARRIERS:
            raise KernelTimeout(f"passed {MAX_BARRIERS} cuda.syncthreads() and was not done")
        original_sync(thread)
        thread._micrograd_phase = getattr(thread, "_micrograd_phase", 0) + 1
        trace.used_barrier = True
        trace.phases[(tuple(thread.blockIdx), tuple(thread.threadIdx))] = thread._micrograd_phase

    def shared_array(module: Any, shape: Any, dtype: Any, alignment: Any = None) -> Any:
        if shape == 0:  # dynamic shared memory: not instrumented
            return original_shared(module, shape, dtype, alignment)
        from numba.cuda.np import numpy_support

        if not isinstance(dtype, np.dtype) and not isinstance(dtype, type):
            dtype = numpy_support.as_dtype(dtype)
        caller = tuple(traceback.extract_stack(sys._getframe())[-2][0:2])
        block = _here()[0]
        key = (caller, block)
        with _LOCK:
            found = trace.shared.get(key)
            if found is None:
                data = np.full(shape, np.nan) if np.dtype(dtype).kind == "f" else np.zeros(shape, dtype)
                data = data.astype(dtype)
                found = TrackedArray(data, _shared_name(caller, "shared"), shared=True, trace=trace)
                trace.shared[key] = found
        return found

    def make_atomic(name: str) -> Callable:
        original = original_atomics[name]

        def atomic(self: Any, array: Any, index: Any, *values: Any) -> Any:
            if isinstance(array, TrackedArray):
                where = array._index(index, "wrote")
                if where is None:
                    return array.dtype.type(0)
                block, tid, phase = _here()
                array.accesses.setdefault(where, []).append(Access("a", block, tid, phase))
                return original(self, array._array, where, *values)
            return original(self, array, index, *values)

        return atomic

    def run(thread: Any) -> None:
        """The simulator's thread body, keeping any exception (its own copy fails for some types).

        The kernel's own lines are counted (``sys.settrace`` on the kernel's file only): a thread
        stops with ``KernelTimeout`` after ``MAX_STEPS`` of them, and at its next line once the
        launch is stopped (an interrupt) or aborted (another thread failed).
        """
        steps = 0

        def count_line(frame: Any, event: str, arg: Any) -> Any:
            nonlocal steps
            if event == "line":
                steps += 1
                if trace.stopped or thread.abort:
                    raise KernelTimeout("the launch was stopped")
                if steps > MAX_STEPS:
                    raise KernelTimeout(f"ran {MAX_STEPS:,} lines of the kernel and was not done")
            return count_line

        def watch(frame: Any, event: str, arg: Any) -> Any:
            return count_line if frame.f_code.co_filename == kernel_file else None

        sys.settrace(watch)
        try:
            threading.Thread.run(thread)
        except Exception as error:
            where = f"tid={list(thread.threadIdx)} ctaid={list(thread.blockIdx)}"
            try:
                copy = type(error)(f"{where}: {error}")
            except Exception:  # e.g. exceptions whose constructor needs more arguments
                copy = error
            thread.exception = (copy, sys.exc_info()[2])

    _sim_kernel.BlockThread.syncthreads = syncthreads
    _sim_kernel.BlockThread.run = run
    _sim_api.FakeCUDAShared.array = shared_array
    for n in atomic_names:
        setattr(_sim_api.FakeCUDAAtomic, n, make_atomic(n))
    try:
        yield
    finally:
        _sim_kernel.BlockThread.syncthreads = original_sync
        _sim_kernel.BlockThread.run = original_run
        _sim_api.FakeCUDAShared.array = original_shared
        for n, f in original_atomics.items():
            setattr(_sim_api.FakeCUDAAtomic, n, f)


def _shared_name(caller: tuple, fallback: str) -> str:
    """The variable name a shared array is assigned to in the kernel's source line, e.g. 'cache'."""
    filename, line = caller
    import linecache

    text = linecache.getline(filename, line).strip()
    name = text.split("=")[0].strip() if "=" in text else ""
    return name if name.isidentifier() else fallback


def _as_dims(value: int | Sequence[int]) -> tuple[int, ...]:
    return (int(value),) if isinstance(value, (int, np.integer)) else tuple(int(v) for v in value)


def _stop_simulated_threads(trace: Trace) -> None:
    """Make every simulated thread stop: at its next kernel line, or at the barrier it waits at."""
    trace.stopped = True
    for thread in threading.enumerate():
        if isinstance(thread, _sim_kernel.BlockThread):
            thread.abort = True
            thread.syncthreads_blocked = False
            thread.syncthreads_event.set()


def _wait_for_simulated_threads(timeout: float = 5.0) -> None:
    """Let the threads of an aborted launch finish (the simulator does not wait for them)."""
    for thread in threading.enumerate():
        if isinstance(thread, _sim_kernel.BlockThread):
            thread.join(timeout)


def launch(kernel: Any, blocks: int | Sequence[int], threads: int | Sequence[int], *args: Any) -> Trace:
    """Run ``kernel[blocks, threads](*args)`` in the simulator with instrumented arrays.

    NumPy arrays among ``args`` are handed to the kernel as :class:`TrackedArray`
    views (named after the kernel's parameters) and written back in place;
    numbers pass unchanged. Returns the :class:`Trace`; exceptions raised by
    the kernel's own code propagate (the simulator prefixes the thread).
    """
    function = _kernel_function(kernel)
    if function.__globals__.get("cuda", cuda) is None:  # a module that imports Numba lazily
        function.__globals__["cuda"] = cuda
    names = list(inspect.signature(function).parameters)
    blocks_, threads_ = _as_dims(blocks), _as_dims(threads)
    trace = Trace(dims=max(len(blocks_), len(threads_)), blocks=blocks_, threads=threads_)
    wrapped = []
    for position, arg in enumerate(args):
        if isinstance(arg, np.ndarray):
            name = names[position] if position < len(names) else f"argument {position}"
            tracked = TrackedArray(arg, name, shared=False, trace=trace)
            trace.arrays.append(tracked)
            wrapped.append(tracked)
        else:
            wrapped.append(arg)
    jitted = cuda.jit(function)
    with _LOCK:
        if _ACTIVE:
            raise RuntimeError("one instrumented launch at a time")
        _ACTIVE.append(trace)
    try:
        with _instrumented(trace, function.__code__.co_filename):
            try:
                jitted[blocks_, threads_](*wrapped)
            except BaseException:  # an error, or Kernel > Interrupt: stop every simulated thread
                _stop_simulated_threads(trace)
                raise
            finally:
                _wait_for_simulated_threads()
    finally:
        _ACTIVE.clear()
    return trace


_SIM_INDEX_ERROR = re.compile(
    r"tid=\[(\d+), (\d+), (\d+)\] ctaid=\[(\d+), (\d+), (\d+)\]: "
    r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)"
)


def explain_simulator_error(error: BaseException) -> str | None:
    """The simulator's own out-of-bounds IndexError, in words; None for any other error.

    The simulator reports ``tid=[21, 0, 0] ctaid=[3, 0, 0]: index 117 is out of
    bounds for axis 0 with size 100`` (for arrays it did not get from
    :func:`launch`, e.g. a ``cuda.local.array``); this says which thread, which
    index, and what to do about it.
    """
    found = _SIM_INDEX_ERROR.search(str(error))
    if found is None:
        return None
    tid, block = found.group(1, 2, 3), found.group(4, 5, 6)
    index, axis, size = found.group(7, 8, 9)
    dims = 1 if tid[1:] == ("0", "0") and block[1:] == ("0", "0") else 2
    who = _who(tuple(int(k) for k in block), tuple(int(k) for k in tid), dims)
    where = "" if axis == "0" else f" along axis {axis}"
    return (
        f"{who} read or wrote index {index}{where} of an array of size {size}: add a guard "
        "`if i < n` (or compute the index correctly)"
    )


_SIM_THREAD = re.compile(r"tid=\[(\d+), (\d+), (\d+)\] ctaid=\[(\d+), (\d+), (\d+)\]")


def explain_timeout(error: KernelTimeout) -> str:
    """A thread that ran too long, in words: which thread, and the usual cause."""
    text = str(error)
    found = _SIM_THREAD.search(text)
    who = "a thread"
    if found is not None:
        tid, block = found.group(1, 2, 3), found.group(4, 5, 6)
        dims = 1 if tid[1:] == ("0", "0") and block[1:] == ("0", "0") else 2
        who = _who(tuple(int(k) for k in block), tuple(int(k) for k in tid), dims)
        text = text[found.end() :].lstrip(": ")
    return (
        f"the kernel did not finish: {who} {text}, so it was stopped. "
        "A loop that never ends? Check that every loop's variable changes on each pass "
        "(e.g. `stride //= 2` in a `while stride > 0` loop)"
    )


def first_wrong(got: np.ndarray, expected: np.ndarray, rel: float = 1e-9, abs_tol: float = 1e-9):
    """The first index (in C order) where ``got`` differs from ``expected``, or None."""
    ok = np.isclose(got, expected, rtol=rel, atol=abs_tol, equal_nan=False)
    bad = np.argwhere(~ok)
    return None if len(bad) == 0 else tuple(int(k) for k in bad[0])


def check_launch(
    kernel: Any,
    blocks: int | Sequence[int],
    threads: int | Sequence[int],
    args: Sequence[Any],
    expected: dict[int, np.ndarray],
    case: str,
) -> None:
    """Launch ``kernel`` and raise ``Mismatch`` on the first problem or the first wrong element.

    ``expected`` maps the position of each output argument to the array NumPy
    computes; every output is compared element by element (``expect_close``).
    """
    try:
        trace = launch(kernel, blocks, threads, *args)
    except IndexError as error:
        explained = explain_simulator_error(error)
        if explained is None:
            raise
        raise Mismatch(f"{case}: {explained}") from None
    except KernelTimeout as error:
        raise Mismatch(f"{case}: {explain_timeout(error)}") from None
    problems = trace.problems()
    if problems:
        raise Mismatch(f"{case}: {problems[0]}")
    for position, want in expected.items():
        got = args[position]
        index = first_wrong(got, want)
        if index is None:
            continue
        tracked = trace.arrays[[a._array is got for a in trace.arrays].index(True)]
        label = f"{case}: {tracked.name}[{_at(index)}]"
        try:
            expect_close(float(got[index]), float(want[index]), label, rel=1e-9, abs_tol=1e-9)
        except Mismatch as wrong:
            note = ""
            if not tracked.written(index):
                note = (
                    f"; no thread wrote {tracked.name}[{_at(index)}] (it still holds its starting "
                    f"value): are there enough threads, and does each one write its own element?"
                )
            raise Mismatch(f"{wrong}{note}") from None
