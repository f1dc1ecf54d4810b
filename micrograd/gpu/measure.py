"""Measurements: why vectorised arithmetic wins (bandwidth, FLOPs, arithmetic intensity)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np


def best_time(function: Callable[[], Any], repeat: int = 5, number: int = 1) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def measure_bandwidth(n: int = 4_000_000) -> float:
    """Bytes per second of a large array copy on this machine (read n doubles, write n doubles)."""
    a = np.ones(n)
    out = np.empty_like(a)
    seconds = best_time(lambda: np.copyto(out, a), repeat=5)
    return 2 * 8 * n / seconds


def measure_flops(n: int = 384) -> float:
    """Floating-point operations per second of an n x n matrix product (2 n^3 FLOPs) on this machine."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    seconds = best_time(lambda: a @ b, repeat=5)
    return 2 * n**3 / seconds


def intensity_elementwise() -> float:
    """FLOPs per byte of out = a + b on doubles: 1 addition per 24 bytes moved (two reads, one write)."""
    return 1 / 24


def intensity_matmul(n: int) -> float:
    """FLOPs per byte of an n x n matmul if each matrix crosses memory once: 2 n^3 / (3 * 8 n^2) = n / 12."""
    return 2 * n**3 / (3 * 8 * n * n)
