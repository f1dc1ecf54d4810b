"""micrograd.gpu: kernels run in Numba's CUDA simulator, and the harness reports what went wrong.

Everything here runs on a CPU (the simulator); sizes are small because every
simulated GPU thread is a Python thread.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from micrograd import gpu  # noqa: E402
from micrograd.exercises.core import Mismatch  # noqa: E402
from micrograd.gpu import check_launch, cuda, launch  # noqa: E402
from tests.fresh_python import run_python


def test_the_simulator_is_on():
    from numba.cuda.core import config

    assert config.ENABLE_CUDASIM
    assert type(cuda.jit(lambda a: None)).__name__ == "FakeCUDAKernel"


def test_importing_numba_cuda_first_without_the_variable_is_a_clear_error():
    code = (
        "import os; os.environ.pop('NUMBA_ENABLE_CUDASIM', None)\n"
        "from numba import cuda\n"
        "try:\n    import micrograd.gpu\nexcept ImportError as e:\n    print('ERR', e)\n"
    )
    out = run_python(code)
    assert out.startswith("ERR numba.cuda was imported before micrograd.gpu"), out


def test_a_missing_guard_is_reported_with_the_thread_and_the_index():
    @cuda.jit
    def add_ten(a, out):
        i = cuda.grid(1)
        out[i] = a[i] + 10

    a, out = np.arange(100.0), np.zeros(100)
    problems = launch(add_ten, 4, 32, a, out).problems()
    assert problems[0].startswith(
        "thread (block 3, thread 4) read index 100 of a, an array of size 100 (28 threads went"
    )
    assert "guard `if i < n`" in problems[0]
    assert np.array_equal(out, a + 10)  # the threads inside the array did their work


def test_the_example_index_117():
    @cuda.jit
    def shifted(a, out):
        i = cuda.grid(1)
        if i < a.size:
            out[i] = a[i + 21] if i == 96 else a[i]

    problems = launch(shifted, 4, 32, np.zeros(100), np.zeros(100)).problems()
    assert problems[0].startswith("thread (block 3, thread 0) read index 117 of a, an array of size 100:")


def test_a_negative_index_is_out_of_bounds_not_wrapped_around():
    @cuda.jit
    def left(a, out):
        i = cuda.grid(1)
        if i < a.size:
            out[i] = a[i - 1]

    problems = launch(left, 1, 4, np.arange(4.0), np.zeros(4)).problems()
    assert problems[0].startswith("thread (block 0, thread 0) read index -1 of a")


def test_2d_out_of_bounds_names_both_indices():
    problems = launch(gpu.outer_add.py_func, (1, 1), (4, 4), np.ones(3), np.ones(3), np.zeros((3, 3)))
    assert problems.problems() == []

    @cuda.jit
    def no_guard(a, b, out):
        j, i = cuda.grid(2)
        out[i, j] = a[i] + b[j]

    message = launch(no_guard, (1, 1), (4, 4), np.ones(3), np.ones(3), np.zeros((3, 3))).problems()[0]
    assert "thread (block (0, 0), thread (3, 0)) read index 3 of b" in message


def _reduce_without_barrier(a, out):
    cache = cuda.shared.array(8, np.float64)
    t = cuda.threadIdx.x
    cache[t] = a[t]
    cuda.syncthreads()
    stride = 4
    while stride > 0:
        if t < stride:
            cache[t] += cache[t + stride]
        stride //= 2
    if t == 0:
        out[0] = cache[0]


def test_a_missing_barrier_is_reported_the_same_way_every_time():
    runs = [launch(_reduce_without_barrier, 1, 8, np.arange(8.0), np.zeros(1)) for _ in range(4)]
    messages = {trace.problems()[0] for trace in runs}
    assert len(messages) == 1
    (message,) = messages
    assert message.startswith("a race: threads (block 0, thread 0) and (block 0, thread 1)")
    assert "shared memory cache[1]" in message


def test_atomics_do_not_race_but_plain_accumulation_does():
    @cuda.jit
    def atomic_total(a, out):
        i = cuda.grid(1)
        if i < a.size:
            cuda.atomic.add(out, 0, a[i])

    @cuda.jit
    def plain_total(a, out):
        i = cuda.grid(1)
        if i < a.size:
            out[0] += a[i]

    a = np.arange(6.0)
    out = np.zeros(1)
    check_launch(atomic_total, 2, 4, [a, out], {1: np.array([15.0])}, "atomic")
    with pytest.raises(Mismatch, match="a race: threads"):
        check_launch(plain_total, 2, 4, [a, np.zeros(1)], {1: np.array([15.0])}, "plain")


def test_wrong_values_name_the_first_wrong_element():
    @cuda.jit
    def off(a, out):
        i = cuda.grid(1)
        if i < a.size - 1:
            out[i] = 2 * a[i]

    with pytest.raises(Mismatch) as info:
        check_launch(off, 2, 4, [np.arange(1.0, 7.0), np.zeros(6)], {1: 2 * np.arange(1.0, 7.0)}, "six")
    assert str(info.value).startswith("six: out[5]: expected 12.0, got 0.0")
    assert "no thread wrote out[5]" in str(info.value)


def test_an_exception_that_the_simulator_cannot_copy_still_reaches_the_learner():
    @cuda.jit
    def bad(a, out):
        out[0] = a[0] + "x"

    with pytest.raises(TypeError):
        launch(bad, 1, 2, np.zeros(2), np.zeros(2))


def test_slices_are_refused_with_a_clear_message():
    @cuda.jit
    def sliced(a, out):
        out[:] = 1.0

    with pytest.raises(TypeError, match="single elements"):
        launch(sliced, 1, 1, np.zeros(2), np.zeros(2))


def test_plain_launches_still_work_after_an_instrumented_one():
    a, out = np.arange(5.0), np.zeros(5)
    gpu.zip_add[2, 4](a, a, out)
    assert np.array_equal(out, 2 * a)


def test_reference_kernels_agree_with_numpy():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 6)), rng.standard_normal((6, 3))
    for kernel in (gpu.matmul_naive, gpu.matmul_tiled):
        check_launch(kernel, (1, 2), (4, 4), [a, b, np.zeros((5, 3))], {2: a @ b}, kernel.__name__)
    x = rng.standard_normal(13)
    sums = np.add.reduceat(x, [0, 8])
    check_launch(gpu.block_sum, 2, gpu.TPB, [x, np.zeros(2)], {1: sums}, "block_sum")


def test_measurements_compute_bytes_and_flops_per_second(monkeypatch):
    """Bandwidth moves 2 * 8 * n bytes per copy, a matmul 2 n^3 FLOPs: checked against a fixed timing."""
    from micrograd.gpu import measure

    timed = []

    def one_millisecond(function, repeat=5, number=1):
        timed.append(function())
        return 1e-3

    monkeypatch.setattr(measure, "best_time", one_millisecond)
    assert gpu.measure_bandwidth(1000) == pytest.approx(2 * 8 * 1000 / 1e-3)
    assert gpu.measure_flops(10) == pytest.approx(2 * 10**3 / 1e-3)
    assert timed[1].shape == (10, 10)  # it timed a real 10 x 10 product
    assert gpu.intensity_elementwise() == pytest.approx(1 / 24)
    assert gpu.intensity_matmul(12) == pytest.approx(1.0)
    monkeypatch.undo()
    assert gpu.measure_bandwidth(100_000) > 1e8  # and the real measurement runs


def test_best_time_is_the_fastest_of_its_repeats(monkeypatch):
    from micrograd.gpu import measure

    clock = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])  # three runs: 3 s, 1 s, 2 s
    monkeypatch.setattr(measure.time, "perf_counter", lambda: next(clock))
    assert gpu.best_time(lambda: None, repeat=3) == 1.0


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_drawings_draw_what_they_say():
    import matplotlib.pyplot as plt

    ax = gpu.draw_thread_map(10, 4)  # 3 blocks of 4 threads, the last 2 spare
    assert len(ax.patches) == 12
    assert sum(p.get_hatch() == "///" for p in ax.patches) == 2
    assert [t for t in _texts(ax) if t.startswith("block")] == ["block 0", "block 1", "block 2"]
    plt.close(ax.figure)
    for draw in (
        lambda: gpu.draw_grid_2d(5, 3, (4, 4)),
        lambda: gpu.draw_reduction(8),
        lambda: gpu.draw_gpu_model(),
        lambda: gpu.draw_roofline({"cpu": (1e10, 1e11)}, {"a + b": 1 / 24, "matmul": 30.0}),
        lambda: gpu.draw_tiles()[0],
    ):
        ax = draw()
        assert ax.patches or ax.lines, "drew nothing"
        plt.close(ax.figure)


# ---- kernels that never end, interrupts, races on one element, NumPy in a kernel ----------------


def test_a_kernel_that_never_ends_is_stopped_with_a_clear_message():
    import time

    @cuda.jit
    def never_ends(a, out):
        i = cuda.grid(1)
        stride = 4
        while stride > 0:  # stride //= 2 forgotten
            if i < stride:
                out[i] = a[i]

    start = time.perf_counter()
    with pytest.raises(Mismatch) as caught:
        check_launch(never_ends, 1, 8, [np.ones(8), np.zeros(8)], {1: np.ones(8)}, "never_ends")
    assert time.perf_counter() - start < 60
    message = str(caught.value)
    assert "did not finish" in message and "stride //= 2" in message and "thread (block 0, thread" in message
    _no_simulated_thread_left()


def test_13_4_without_the_stride_update_is_stopped_by_check(capsys):
    """Exercise 13.4 with `stride //= 2` forgotten: a barrier in a loop that never ends."""
    import time

    from micrograd.exercises import check
    from micrograd.exercises.ch13 import _block_max_stride_not_halved

    start = time.perf_counter()
    assert not check("13.4", _block_max_stride_not_halved)
    assert time.perf_counter() - start < 60
    out = capsys.readouterr().out
    assert "did not finish" in out and "cuda.syncthreads()" in out and "stride //= 2" in out
    _no_simulated_thread_left()


def _no_simulated_thread_left():
    import threading
    import time

    from numba.cuda.simulator import kernel as sim_kernel

    for _ in range(100):
        if not any(isinstance(t, sim_kernel.BlockThread) and t.is_alive() for t in threading.enumerate()):
            return
        time.sleep(0.05)
    pytest.fail("simulated threads still running")


def test_an_interrupt_stops_the_simulated_threads(monkeypatch):
    """Kernel > Interrupt raises KeyboardInterrupt in the main thread: the spinning threads stop too."""
    import threading
    import time

    from numba.cuda.simulator import kernel as sim_kernel

    from micrograd.gpu import harness

    monkeypatch.setattr(harness, "MAX_STEPS", 10**9)  # only the interrupt can stop it
    original = sim_kernel.BlockManager.run

    def interrupted_run(self, grid_point, *args):
        """The block runs in a helper thread; the main thread's wait is interrupted after 0.5 s."""

        def block():
            try:
                original(self, grid_point, *args)
            except Exception:  # the stopped threads' error, after the interrupt
                pass

        threading.Thread(target=block, daemon=True).start()
        time.sleep(0.5)
        raise KeyboardInterrupt

    monkeypatch.setattr(sim_kernel.BlockManager, "run", interrupted_run)

    @cuda.jit
    def spins(a):
        i = cuda.grid(1)
        while i >= 0:
            a[0] = a[0]

    with pytest.raises(KeyboardInterrupt):
        launch(spins, 1, 4, np.zeros(1))
    _no_simulated_thread_left()


def test_a_global_accumulation_race_is_told_to_use_atomics():
    @cuda.jit
    def total(a, out):
        i = cuda.grid(1)
        if i < a.size:
            out[0] += a[i]

    problems = launch(total, 2, 4, np.ones(8), np.zeros(1)).problems()
    assert "cuda.atomic.add(out, 0, value)" in problems[0]
    assert "No barrier fixes that" in problems[0]


def test_an_atomic_add_is_no_race():
    @cuda.jit
    def total(a, out):
        i = cuda.grid(1)
        if i < a.size:
            cuda.atomic.add(out, 0, a[i])

    out = np.zeros(1)
    assert launch(total, 2, 4, np.ones(8), out).problems() == []
    assert out[0] == 8.0


def test_numpy_arithmetic_in_a_kernel_gets_a_clear_message():
    @cuda.jit
    def whole(a, out):
        i = cuda.grid(1)
        if i < out.size:
            out[i] = np.sum(a)

    with pytest.raises(TypeError, match="NumPy arithmetic on the whole array a does not run in a kernel"):
        launch(whole, 1, 4, np.ones(4), np.zeros(4))


def test_the_simulators_own_index_error_is_explained():
    error = IndexError("tid=[21, 0, 0] ctaid=[3, 0, 0]: index 117 is out of bounds for axis 0 with size 100")
    assert gpu.explain_simulator_error(error) == (
        "thread (block 3, thread 21) read or wrote index 117 of an array of size 100: add a guard "
        "`if i < n` (or compute the index correctly)"
    )
    assert gpu.explain_simulator_error(ValueError("something else")) is None

    @cuda.jit
    def local_overflow(a, out):
        scratch = cuda.local.array(2, np.float64)  # per-thread memory, not instrumented
        i = cuda.grid(1)
        if i < out.size:
            scratch[i] = a[i]
            out[i] = scratch[i]

    # threads 2 and 3 both overflow; the simulator's threads run in no fixed order, so either is named
    with pytest.raises(
        Mismatch, match=r"^case: thread \(block 0, thread ([23])\) read or wrote index \1 of an"
    ):
        check_launch(local_overflow, 1, 4, [np.ones(4), np.zeros(4)], {1: np.ones(4)}, "case")


def test_uninitialised_shared_memory_and_uneven_barriers_are_reported():
    @cuda.jit
    def unpadded(a, out):
        cache = cuda.shared.array(4, np.float64)
        t = cuda.grid(1)
        if t < a.size:
            cache[t] = a[t]
        cuda.syncthreads()
        if t == 0:
            out[0] = cache[0] + cache[1] + cache[2] + cache[3]

    @cuda.jit
    def early_exit(a, out):
        t = cuda.grid(1)
        if t >= a.size:
            return
        cuda.syncthreads()
        out[t] = a[t]

    message = launch(unpadded, 1, 4, np.ones(3), np.zeros(1)).problems()[0]
    assert message.startswith(
        "thread (block 0, thread 0) read shared memory cache[3] before any thread wrote it"
    )
    message = launch(early_exit, 1, 4, np.ones(3), np.zeros(3)).problems()[0]
    assert message.startswith("in block 0, thread 3 passed 0 cuda.syncthreads() and thread 0 passed 1")


def test_chapter_13_states_the_harness_limits_it_uses():
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / "13_gpu.ipynb"
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert f"runs {gpu.MAX_STEPS:,} lines" in text and f"passes {gpu.MAX_BARRIERS} barriers" in text
    assert "cuda.atomic.add" in text
