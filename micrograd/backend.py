"""Where the tensor engine gets its arrays from: NumPy by default, CuPy on a GPU.

:mod:`micrograd.tensor` never imports NumPy for its array work directly: every
operation asks this module for the current array module ``xp`` at the moment
it runs. CuPy implements (almost) NumPy's API on a GPU, so switching the
module switches the device, and the same tensor code and tests run on both::

    from micrograd import backend
    backend.use("cupy")      # or start Python with MICROGRAD_ARRAY=cupy
    backend.xp               # the module in use now: numpy or cupy
    backend.use("numpy")     # back to the CPU

Tensors made before a switch keep the arrays they were made with; do not mix
the two in one computation. :func:`asnumpy` copies any array back to a NumPy
array (for printing, plotting or comparing in tests).

**BLAS threads.** NumPy hands ``@`` to a BLAS library that starts one thread
per core. For the course's matrices (a few dozen rows and columns) a product
takes microseconds, less than waking the threads costs, and on a busy machine
the threads wait for each other: 1,000 steps of the spiral network took 48 s
instead of 3.4 s. So :mod:`micrograd.tensor` calls :func:`limit_blas_threads`
when it is imported: one BLAS thread (with ``threadpoolctl``), for the whole
process. Set ``MICROGRAD_BLAS_THREADS`` to a number before importing, or to
``all`` to leave BLAS alone, or call ``limit_blas_threads(None)`` to undo the
limit (for big matrices, where threads pay off).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

import numpy

__all__ = ["SUPPORTED", "asnumpy", "blas_threads", "is_array", "limit_blas_threads", "name", "use", "xp"]

#: The array modules :func:`use` accepts.
SUPPORTED = ("numpy", "cupy")
ENV_VAR = "MICROGRAD_ARRAY"
BLAS_ENV_VAR = "MICROGRAD_BLAS_THREADS"

#: The array module in use now (read it as ``backend.xp``, at call time).
xp: ModuleType = numpy


def use(module_name: str) -> ModuleType:
    """Make ``module_name`` ("numpy" or "cupy") the array module; return it.

    Raises ``ValueError`` for another name and ``ImportError`` (saying what to
    install) when CuPy is asked for but is not installed or finds no GPU.
    """
    global xp
    if module_name not in SUPPORTED:
        raise ValueError(f"the array module must be one of {SUPPORTED}, got {module_name!r}")
    if module_name == "numpy":
        xp = numpy
        return xp
    try:
        module = importlib.import_module("cupy")
        module.cuda.runtime.getDeviceCount()  # raises when there is no usable GPU
    except ImportError:
        raise ImportError(
            "backend.use('cupy') needs CuPy: pip install cupy-cuda12x (a CUDA GPU is required)"
        ) from None
    except Exception as error:  # a CUDA runtime error: CuPy is installed but finds no GPU
        raise ImportError(f"CuPy is installed but cannot use a GPU: {error}") from None
    xp = module
    return xp


def name() -> str:
    """The name of the array module in use: "numpy" or "cupy"."""
    return xp.__name__


def is_array(x: Any) -> bool:
    """True for an array of the current module (a NumPy or CuPy ndarray)."""
    return isinstance(x, (numpy.ndarray, xp.ndarray))


def asnumpy(x: Any) -> numpy.ndarray:
    """``x`` (a NumPy or CuPy array, a number or a nested list) as a NumPy array."""
    if hasattr(x, "get") and not isinstance(x, numpy.ndarray):  # a CuPy array: copy it to the host
        return x.get()
    return numpy.asarray(x)


_blas_limiter: Any = None  # threadpoolctl's record of the limits to restore


def limit_blas_threads(threads: int | None = 1) -> bool:
    """Run BLAS (NumPy's ``@``) on at most ``threads`` threads; ``None`` restores the original limits.

    Returns whether a limit is in force now. Without ``threadpoolctl`` installed
    it does nothing and returns False (the engine still works, only slower on a busy machine).
    """
    global _blas_limiter
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"limit_blas_threads: threads must be an int >= 1 or None, got {threads!r}")
    try:
        import threadpoolctl
    except ImportError:
        return False
    if _blas_limiter is not None:
        _blas_limiter.restore_original_limits()
        _blas_limiter = None
    if threads is None:
        return False
    _blas_limiter = threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
    return True


def blas_threads() -> list[int]:
    """The thread count of every BLAS library NumPy has loaded (empty without ``threadpoolctl``)."""
    try:
        import threadpoolctl
    except ImportError:
        return []
    return [info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]


def limit_blas_threads_from_environment() -> None:
    """The default the tensor engine sets on import: ``MICROGRAD_BLAS_THREADS`` threads, else 1."""
    chosen = os.environ.get(BLAS_ENV_VAR, "").strip().lower()
    if chosen == "all":
        return
    try:
        threads = int(chosen) if chosen else 1
    except ValueError:
        raise ValueError(f"{BLAS_ENV_VAR} must be a number of threads or 'all', got {chosen!r}") from None
    limit_blas_threads(threads)


def _from_environment() -> None:
    chosen = os.environ.get(ENV_VAR, "").strip().lower()
    if chosen:
        use(chosen)


_from_environment()
