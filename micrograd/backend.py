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
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

import numpy

__all__ = ["SUPPORTED", "asnumpy", "is_array", "name", "use", "xp"]

#: The array modules :func:`use` accepts.
SUPPORTED = ("numpy", "cupy")
ENV_VAR = "MICROGRAD_ARRAY"

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


def _from_environment() -> None:
    chosen = os.environ.get(ENV_VAR, "").strip().lower()
    if chosen:
        use(chosen)


_from_environment()
