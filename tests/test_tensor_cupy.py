"""The tensor engine on a real GPU: the tensor tests again, with CuPy as the array module.

``micrograd.tensor`` takes its arrays from ``micrograd.backend`` (NumPy by
default). With CuPy installed and a CUDA GPU present, these tests run the whole
of ``tests/test_tensor.py`` in a fresh process with ``MICROGRAD_ARRAY=cupy``,
plus a direct check that a small network's gradients on the GPU equal the
CPU's. Everywhere else they are skipped with a reason saying what is missing
(``pytest -rs`` lists it): the course itself never needs a GPU.

Marked ``gpu``: ``pytest -m gpu`` runs only these, ``-m "not gpu"`` leaves them out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TENSOR_TESTS = ROOT / "tests" / "test_tensor.py"


def _why_no_gpu() -> str | None:
    """None when CuPy can use a GPU here, otherwise what is missing."""
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed (pip install cupy-cuda12x, on a machine with an NVIDIA GPU)"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CUDA runtime errors: no driver, no device
        return f"CuPy is installed but finds no GPU ({type(error).__name__}: {error})"
    return None if count > 0 else "CuPy is installed but finds no GPU (0 devices)"


NO_GPU = _why_no_gpu()
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(NO_GPU is not None, reason=f"no GPU run of the tensor tests: {NO_GPU}"),
]


def test_the_tensor_test_file_passes_on_cupy():
    if not TENSOR_TESTS.exists():
        pytest.skip("tests/test_tensor.py does not exist")
    env = dict(os.environ, MICROGRAD_ARRAY="cupy")
    command = [sys.executable, "-m", "pytest", str(TENSOR_TESTS), "-q", "-x", "-p", "no:randomly"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_a_small_network_has_the_same_gradients_on_the_gpu():
    from micrograd import backend
    from micrograd.tensor import Tensor

    rng = np.random.default_rng(0)
    x, w1, w2 = rng.standard_normal((16, 2)), rng.standard_normal((2, 8)), rng.standard_normal((8, 1))

    def gradients(module_name: str) -> list[np.ndarray]:
        backend.use(module_name)
        try:
            params = [Tensor(w1), Tensor(w2)]
            loss = ((Tensor(x) @ params[0]).tanh() @ params[1]).sum()
            loss.backward()
            assert backend.is_array(params[0].grad)
            return [backend.asnumpy(p.grad) for p in params]
        finally:
            backend.use("numpy")

    on_cpu, on_gpu = gradients("numpy"), gradients("cupy")
    for cpu, gpu in zip(on_cpu, on_gpu, strict=True):
        np.testing.assert_allclose(gpu, cpu, rtol=1e-10, atol=1e-12)
