"""Numba's CUDA target switched to its simulator: every GPU thread runs as a Python thread.

Importing this module sets ``NUMBA_ENABLE_CUDASIM=1`` before ``numba.cuda`` loads (or
stops with a clear error if ``numba.cuda`` was already loaded for a real GPU).
"""

from __future__ import annotations

import os
import sys
from typing import Any

_SIM_VAR = "NUMBA_ENABLE_CUDASIM"


def _simulated_cuda() -> Any:
    """``numba.cuda`` in simulator mode, or a clear error if it was imported in GPU mode first."""
    if "numba.cuda" not in sys.modules:
        os.environ[_SIM_VAR] = "1"
    from numba import cuda

    try:
        from numba.cuda.core import config  # numba-cuda
    except ImportError:  # pragma: no cover - Numba's older built-in CUDA target
        from numba.core import config
    if not config.ENABLE_CUDASIM:
        raise ImportError(
            "numba.cuda was imported before micrograd.gpu, without NUMBA_ENABLE_CUDASIM=1, so it "
            "expects a real GPU. Restart the kernel and import micrograd.gpu first (or set the "
            "environment variable NUMBA_ENABLE_CUDASIM=1 before starting Python)."
        )
    return cuda


cuda = _simulated_cuda()
