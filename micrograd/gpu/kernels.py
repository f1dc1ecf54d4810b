"""The chapter's reference kernels: map, zip, outer, a block reduction and two matmuls."""

from __future__ import annotations

import numpy as np

from micrograd.gpu.simulator import cuda

TPB = 8  # threads per block of the reduction (a power of two)
TILE = 4  # the tiled matmul's tile: TILE x TILE threads per block


@cuda.jit
def map_add_ten(a, out):
    """out[i] = a[i] + 10, one thread per element (the launch has exactly a.size threads)."""
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    out[i] = a[i] + 10


@cuda.jit
def zip_add(a, b, out):
    """out[i] = a[i] + b[i] for any size: threads past the end do nothing (the guard)."""
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a[i] + b[i]


@cuda.jit
def outer_add(a, b, out):
    """out[i, j] = a[i] + b[j]: a column plus a row, broadcast; x runs along columns j, y along rows i."""
    j, i = cuda.grid(2)
    if i < out.shape[0] and j < out.shape[1]:
        out[i, j] = a[i] + b[j]


@cuda.jit
def block_sum(a, out):
    """out[b] = the sum of block b's TPB elements of a (a tree reduction in shared memory).

    Each thread loads one element (0.0 past the end), then at every step the
    first half of the threads adds the second half onto itself: TPB -> TPB/2
    -> ... -> 1 partial sums, with a barrier between steps so that nobody reads
    a partial sum before it is written.
    """
    cache = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < a.size:
        cache[t] = a[i]
    else:
        cache[t] = 0.0
    cuda.syncthreads()
    stride = TPB // 2
    while stride > 0:
        if t < stride:
            cache[t] += cache[t + stride]
        cuda.syncthreads()
        stride //= 2
    if t == 0:
        out[cuda.blockIdx.x] = cache[0]


@cuda.jit
def matmul_naive(a, b, out):
    """out[i, j] = sum over k of a[i, k] * b[k, j]; one thread per output element."""
    j, i = cuda.grid(2)
    if i < out.shape[0] and j < out.shape[1]:
        acc = 0.0
        for k in range(a.shape[1]):
            acc += a[i, k] * b[k, j]
        out[i, j] = acc


@cuda.jit
def matmul_tiled(a, b, out):
    """The same product, TILE x TILE blocks: each tile of a and b is read from global memory once per block.

    Per tile: every thread loads one element of each tile into shared memory
    (0.0 outside the matrices), a barrier, TILE multiply-adds from shared
    memory, and a second barrier before the next tile overwrites it.
    """
    sa = cuda.shared.array((TILE, TILE), np.float64)
    sb = cuda.shared.array((TILE, TILE), np.float64)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    j, i = cuda.grid(2)
    n, inner, m = a.shape[0], a.shape[1], b.shape[1]
    acc = 0.0
    for start in range(0, inner, TILE):
        sa[ty, tx] = a[i, start + tx] if i < n and start + tx < inner else 0.0
        sb[ty, tx] = b[start + ty, j] if start + ty < inner and j < m else 0.0
        cuda.syncthreads()
        for k in range(TILE):
            acc += sa[ty, k] * sb[k, tx]
        cuda.syncthreads()
    if i < n and j < m:
        out[i, j] = acc
