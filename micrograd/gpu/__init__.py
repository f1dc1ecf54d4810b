"""How a GPU would run this: CUDA kernels in Numba's CUDA simulator, and a harness that checks them.

Importing this module switches Numba's CUDA target to its **simulator**
(``NUMBA_ENABLE_CUDASIM=1``), which runs every GPU thread as a Python thread on
the CPU: no GPU, driver or CUDA toolkit is needed, and kernels are slow (keep
sizes small). Import ``cuda`` from here, so the switch happens first::

    from micrograd.gpu import cuda

    @cuda.jit
    def add_ten(a, out):
        i = cuda.grid(1)             # blockIdx.x * blockDim.x + threadIdx.x
        if i < a.size:               # the guard: the last block may have spare threads
            out[i] = a[i] + 10

    add_ten[4, 32](a, out)           # 4 blocks of 32 threads

:func:`launch` runs a kernel with *instrumented* arrays and returns a
:class:`Trace` of what every thread did: out-of-bounds accesses, reads of
shared memory nobody wrote, two threads touching one element between the
same two barriers (a race), threads that passed different numbers of
``syncthreads()``. :func:`check_launch` turns the first problem, or the first
element that differs from NumPy, into a clear message.

One module per job: ``simulator`` (the switch), ``kernels`` (the chapter's reference
kernels), ``harness`` (``launch``, ``check_launch``), ``measure`` and ``draw``; their
public names are importable from ``micrograd.gpu``.
"""

from micrograd.gpu.simulator import cuda  # first: switches numba.cuda to the simulator

# isort: split
from micrograd.gpu.draw import (  # noqa: E402
    draw_gpu_model,
    draw_grid_2d,
    draw_reduction,
    draw_roofline,
    draw_thread_map,
    draw_tiles,
)
from micrograd.gpu.harness import (  # noqa: E402
    MAX_BARRIERS,
    MAX_STEPS,
    Access,
    KernelTimeout,
    Trace,
    TrackedArray,
    check_launch,
    explain_simulator_error,
    explain_timeout,
    first_wrong,
    launch,
)
from micrograd.gpu.kernels import (  # noqa: E402
    TILE,
    TPB,
    block_sum,
    map_add_ten,
    matmul_naive,
    matmul_tiled,
    outer_add,
    zip_add,
)
from micrograd.gpu.measure import (  # noqa: E402
    best_time,
    intensity_elementwise,
    intensity_matmul,
    measure_bandwidth,
    measure_flops,
)

__all__ = [
    "MAX_BARRIERS",
    "MAX_STEPS",
    "KernelTimeout",
    "explain_timeout",
    "TILE",
    "TPB",
    "Access",
    "Trace",
    "TrackedArray",
    "best_time",
    "block_sum",
    "check_launch",
    "cuda",
    "draw_gpu_model",
    "draw_grid_2d",
    "draw_reduction",
    "draw_roofline",
    "draw_thread_map",
    "draw_tiles",
    "explain_simulator_error",
    "first_wrong",
    "intensity_elementwise",
    "intensity_matmul",
    "launch",
    "map_add_ten",
    "matmul_naive",
    "matmul_tiled",
    "measure_bandwidth",
    "measure_flops",
    "outer_add",
    "zip_add",
]
