"""Chapter 13 — How a GPU would run this: kernels in the GPU-Puzzles style.

The learner writes a CUDA kernel (with or without ``@cuda.jit``; the references here are
plain functions, compiled when checked); each checker
launches it in Numba's CUDA simulator through :func:`micrograd.gpu.check_launch`
on several sizes, including sizes that are not a multiple of the block, and
reports the first problem: an out-of-bounds access (a missing guard), a race
on memory (a missing ``syncthreads``), a read of shared memory nobody wrote,
threads that passed different barriers, or the first element that differs
from NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from micrograd.exercises.core import Exercise, register

# The kernels below are plain functions: micrograd.gpu.launch compiles them with cuda.jit and binds
# this name to numba.cuda (in simulator mode) on first use, so importing the exercises does not
# import Numba, and every other chapter works without it.
cuda: Any = None

TPB = 8  # threads per block in exercises 13.4 and 13.6 (the notebook defines the same constant)


def _data(n: int, seed: int) -> np.ndarray:
    """n distinct, non-integer test values (so that an index used as a value shows up)."""
    return np.round(np.random.default_rng(seed).uniform(-5, 5, n), 3)


def check_launch(*args: Any) -> None:
    """micrograd.gpu.check_launch, imported on first use (it imports Numba's CUDA simulator)."""
    from micrograd import gpu

    gpu.check_launch(*args)


def _blocks(n: int, per_block: int) -> int:
    return -(-n // per_block)


def _plan(size: int, per_block: int) -> str:
    blocks = _blocks(size, per_block)
    return f"size {size}, {blocks} block{'s' if blocks > 1 else ''} of {per_block} threads"


def _plan_2d(rows: int, cols: int, block: tuple[int, int]) -> tuple[tuple[int, int], str]:
    grid = (_blocks(cols, block[0]), _blocks(rows, block[1]))
    return grid, f"out of shape ({rows}, {cols}), blocks {grid} of {block} threads (x, y)"


# ---- 13.1 map ------------------------------------------------------------------------------------


def add_ten(a, out):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    out[i] = a[i] + 10


def _check_add_ten(answer: Any) -> None:
    for size, per_block in [(8, 8), (12, 4), (10, 5)]:
        a = _data(size, size)
        out = np.zeros(size)
        check_launch(
            answer, _blocks(size, per_block), per_block, [a, out], {1: a + 10}, _plan(size, per_block)
        )


def _add_ten_thread_only(a, out):
    i = cuda.threadIdx.x  # forgets the block: every block writes the same elements
    out[i] = a[i] + 10


def _add_ten_index(a, out):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    out[i] = i + 10


def _add_ten_block_dim(a, out):
    i = cuda.blockIdx.x + cuda.threadIdx.x  # forgets to multiply by the block size
    out[i] = a[i] + 10


register(
    Exercise(
        id="13.1",
        title="map: add ten",
        checker=_check_add_ten,
        reference=add_ten,
        hints=[
            "Each thread handles one element. Its index in the whole grid is "
            "blockIdx.x * blockDim.x + threadIdx.x (cuda.grid(1) computes the same).",
            "The launch has exactly one thread per element, so no guard is needed here.",
            "i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x\nout[i] = a[i] + 10",
        ],
        wrong_answers=[_add_ten_thread_only, _add_ten_index, _add_ten_block_dim],
    )
)

# ---- 13.2 zip with a number, and a guard ----------------------------------------------------------


def saxpy(alpha, x, y, out):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = alpha * x[i] + y[i]


def _check_saxpy(answer: Any) -> None:
    for size, per_block, alpha in [(8, 4, 2.0), (10, 4, -1.5), (7, 8, 0.5), (1, 4, 3.0)]:
        x, y = _data(size, size), _data(size, size + 100)
        out = np.zeros(size)
        check_launch(
            answer,
            _blocks(size, per_block),
            per_block,
            [alpha, x, y, out],
            {3: alpha * x + y},
            f"alpha={alpha}, {_plan(size, per_block)}",
        )


def _saxpy_no_guard(alpha, x, y, out):
    i = cuda.grid(1)
    out[i] = alpha * x[i] + y[i]


def _saxpy_off_by_one(alpha, x, y, out):
    i = cuda.grid(1)
    if i <= out.size:
        out[i] = alpha * x[i] + y[i]


def _saxpy_no_alpha(alpha, x, y, out):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = x[i] + y[i]


register(
    Exercise(
        id="13.2",
        title="zip with a number, and a guard",
        checker=_check_saxpy,
        reference=saxpy,
        hints=[
            "The checker launches whole blocks, so for a size like 10 with blocks of 4 there are "
            "12 threads: two of them have no element.",
            "Compute i = cuda.grid(1), and only touch memory when i < out.size. alpha is a plain "
            "number: every thread reads the same one.",
            "i = cuda.grid(1)\nif i < out.size:\n    out[i] = alpha * x[i] + y[i]",
        ],
        wrong_answers=[_saxpy_no_guard, _saxpy_off_by_one, _saxpy_no_alpha],
    )
)

# ---- 13.3 2-D indexing and broadcasting ----------------------------------------------------------


def outer_add(a, b, out):
    j, i = cuda.grid(2)  # x runs along the columns j, y along the rows i
    if i < out.shape[0] and j < out.shape[1]:
        out[i, j] = a[i] + b[j]


_OUTER_CASES = [(4, 4, (4, 4)), (5, 3, (4, 4)), (3, 6, (4, 2)), (2, 7, (8, 2))]


def _check_outer_add(answer: Any) -> None:
    for rows, cols, block in _OUTER_CASES:
        a, b = _data(rows, rows), _data(cols, cols + 50)
        out = np.zeros((rows, cols))
        grid, case = _plan_2d(rows, cols, block)
        check_launch(answer, grid, block, [a, b, out], {2: a[:, None] + b[None, :]}, case)


def _outer_add_swapped(a, b, out):
    i, j = cuda.grid(2)  # x taken as the row
    if i < out.shape[0] and j < out.shape[1]:
        out[i, j] = a[i] + b[j]


def _outer_add_half_guard(a, b, out):
    j, i = cuda.grid(2)
    if i < out.shape[0]:
        out[i, j] = a[i] + b[j]


def _outer_add_transposed(a, b, out):
    j, i = cuda.grid(2)
    if i < out.shape[0] and j < out.shape[1]:
        out[i, j] = a[j % a.size] + b[i % b.size]


register(
    Exercise(
        id="13.3",
        title="2-D: a column plus a row",
        checker=_check_outer_add,
        reference=outer_add,
        hints=[
            "cuda.grid(2) returns (x, y). By convention x runs along the columns (j) and y along "
            "the rows (i), so write j, i = cuda.grid(2).",
            "Guard both directions: i < out.shape[0] and j < out.shape[1].",
            "j, i = cuda.grid(2)\nif i < out.shape[0] and j < out.shape[1]:\n    out[i, j] = a[i] + b[j]",
        ],
        wrong_answers=[_outer_add_swapped, _outer_add_half_guard, _outer_add_transposed],
    )
)

# ---- 13.4 a tree reduction in shared memory: the maximum -------------------------------------------


def block_max(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = -np.inf
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        cuda.syncthreads()
        stride //= 2
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


def _check_block_max(answer: Any) -> None:
    for size, negative in [(8, False), (20, False), (13, True)]:
        a = _data(size, size)
        if negative:
            a = -np.abs(a) - 0.5
        blocks = _blocks(size, TPB)
        out = np.zeros(blocks)
        padded = np.concatenate([a, np.full(blocks * TPB - size, -np.inf)])
        expected = padded.reshape(blocks, TPB).max(axis=1)
        sign = ", every value negative" if negative else ""
        check_launch(answer, blocks, TPB, [a, out], {1: expected}, _plan(size, TPB) + sign)


def _block_max_zero_padding(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0  # wins over every negative value
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        cuda.syncthreads()
        stride //= 2
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


def _block_max_no_barrier_in_loop(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = -np.inf
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        stride //= 2  # no barrier: the next step may read a value not yet written
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


def _block_max_no_padding(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        cuda.syncthreads()
        stride //= 2
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


def _block_max_early_return(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i >= a.size:
        return  # these threads never reach the barriers below
    cache[t] = a[i]
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        cuda.syncthreads()
        stride //= 2
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


def _block_max_stride_not_halved(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    cache[t] = a[i] if i < a.size else -np.inf
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:  # stride //= 2 forgotten: the loop never ends
        if t < stride:
            cache[t] = max(cache[t], cache[t + stride])
        cuda.syncthreads()
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


register(
    Exercise(
        id="13.4",
        title="a tree reduction: the maximum of each block",
        checker=_check_block_max,
        reference=block_max,
        hints=[
            "Start from the chapter's block_sum: the same shared array, the same halving stride, "
            "the same barriers; only the combining step changes, to max(...).",
            "Threads past the end of a must still write their cache element, with a value that "
            "never wins a max. 0.0 wins over negative numbers; -np.inf never wins.",
            "cache[t] = a[i] if i < a.size, else -np.inf; syncthreads(); then while stride > 0: "
            "if t < stride: cache[t] = max(cache[t], cache[t + stride]); syncthreads(); "
            "stride //= 2. Thread 0 writes out[cuda.blockIdx.x] = cache[0].",
        ],
        wrong_answers=[
            _block_max_zero_padding,
            _block_max_no_barrier_in_loop,
            _block_max_no_padding,
            _block_max_early_return,
            _block_max_stride_not_halved,
        ],
    )
)

# ---- 13.5 matrix times vector ---------------------------------------------------------------------


def matvec(a, x, out):
    i = cuda.grid(1)
    if i < out.size:
        acc = 0.0
        for k in range(x.size):
            acc += a[i, k] * x[k]
        out[i] = acc


_MATVEC_CASES = [((3, 4), 4), ((6, 5), 4), ((9, 2), 4), ((4, 7), 8)]


def _check_matvec(answer: Any) -> None:
    for shape, per_block in _MATVEC_CASES:
        a = _data(shape[0] * shape[1], sum(shape)).reshape(shape)
        x = _data(shape[1], 7 + shape[1])
        out = np.zeros(shape[0])
        blocks = _blocks(shape[0], per_block)
        case = f"a of shape {shape}: {_plan(shape[0], per_block)}"
        check_launch(answer, blocks, per_block, [a, x, out], {2: a @ x}, case)


def _matvec_no_guard(a, x, out):
    i = cuda.grid(1)
    acc = 0.0
    for k in range(x.size):
        acc += a[i, k] * x[k]
    out[i] = acc


def _matvec_transposed(a, x, out):
    i = cuda.grid(1)
    if i < out.size:
        acc = 0.0
        for k in range(x.size):
            acc += a[k, i] * x[k]
        out[i] = acc


def _matvec_overwrite(a, x, out):
    i = cuda.grid(1)
    if i < out.size:
        for k in range(x.size):
            out[i] = a[i, k] * x[k]  # keeps only the last product


register(
    Exercise(
        id="13.5",
        title="matrix times vector, one thread per row",
        checker=_check_matvec,
        reference=matvec,
        hints=[
            "One thread per element out[i], that is per row i of a: i = cuda.grid(1), and a guard.",
            "out[i] is the dot product of row i of a with x: add a[i, k] * x[k] for k in "
            "range(x.size) in a local variable, then write it once.",
            "i = cuda.grid(1)\nif i < out.size:\n    acc = 0.0\n    for k in range(x.size):\n"
            "        acc += a[i, k] * x[k]\n    out[i] = acc",
        ],
        wrong_answers=[_matvec_no_guard, _matvec_transposed, _matvec_overwrite],
    )
)

# ---- 13.6 a prefix sum in shared memory -----------------------------------------------------------


def block_scan(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0
    cuda.syncthreads()
    offset = 1
    while offset < TPB:
        value = cache[t - offset] if t >= offset else 0.0
        cuda.syncthreads()  # everyone has read before anyone writes
        cache[t] += value
        cuda.syncthreads()  # everyone has written before anyone reads
        offset *= 2
    if i < a.size:
        out[i] = cache[t]


def _check_block_scan(answer: Any) -> None:
    for size in (8, 13, 3):
        a = _data(size, size)
        blocks = _blocks(size, TPB)
        padded = np.concatenate([a, np.zeros(blocks * TPB - size)]).reshape(blocks, TPB)
        expected = np.cumsum(padded, axis=1).ravel()[:size]
        check_launch(answer, blocks, TPB, [a, np.zeros(size)], {1: expected}, _plan(size, TPB))


def _scan_one_barrier(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0
    cuda.syncthreads()
    offset = 1
    while offset < TPB:
        if t >= offset:
            cache[t] += cache[t - offset]  # reads a neighbour that may already have added
        cuda.syncthreads()
        offset *= 2
    if i < a.size:
        out[i] = cache[t]


def _scan_no_final_barrier(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0
    cuda.syncthreads()
    offset = 1
    while offset < TPB:
        value = cache[t - offset] if t >= offset else 0.0
        cuda.syncthreads()
        cache[t] += value
        offset *= 2
    if i < a.size:
        out[i] = cache[t]


def _scan_exclusive(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0
    cuda.syncthreads()
    offset = 1
    while offset < TPB:
        value = cache[t - offset] if t >= offset else 0.0
        cuda.syncthreads()
        cache[t] += value
        cuda.syncthreads()
        offset *= 2
    if i < a.size:
        out[i] = cache[t] - a[i]  # the sum of the elements before i only


def _scan_no_guard(a, out):
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    cache[t] = a[i]
    cuda.syncthreads()
    offset = 1
    while offset < TPB:
        value = cache[t - offset] if t >= offset else 0.0
        cuda.syncthreads()
        cache[t] += value
        cuda.syncthreads()
        offset *= 2
    out[i] = cache[t]


register(
    Exercise(
        id="13.6",
        title="a prefix sum in shared memory",
        checker=_check_block_scan,
        reference=block_scan,
        hints=[
            "Load the block into cache (0.0 past the end), barrier. Then for offset = 1, 2, 4: "
            "each thread t >= offset adds cache[t - offset] to cache[t].",
            "Thread t reads cache[t - offset] while thread t - offset may be updating it. Read "
            "into a local variable first, barrier, then add, barrier: two barriers per step.",
            "value = cache[t - offset] if t >= offset else 0.0; cuda.syncthreads(); "
            "cache[t] += value; cuda.syncthreads(); offset *= 2. At the end, threads with "
            "i < a.size write out[i] = cache[t].",
        ],
        wrong_answers=[_scan_one_barrier, _scan_no_final_barrier, _scan_exclusive, _scan_no_guard],
    )
)
