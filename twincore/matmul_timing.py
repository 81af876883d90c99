"""What both twins' ``time_matmul`` share: the checks, the inputs and the record they return."""

from __future__ import annotations

import math
import statistics
from typing import Any

import numpy as np


def check_timing_args(n: int, repeats: int, warmup: int) -> None:
    """``n`` and ``repeats`` ints >= 1, ``warmup`` an int >= 0; else a ValueError naming it."""
    for name, value, low in (("n", n, 1), ("repeats", repeats, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"time_matmul: {name} must be an int >= {low}; got {value!r}")


def matmul_inputs(n: int, dtype: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``a, b = np.random.default_rng(seed).standard_normal((2, n, n))`` in ``dtype``: the
    same two matrices for both frameworks, made on the host before any timing."""
    a, b = np.random.default_rng(seed).standard_normal((2, n, n))
    return a.astype(dtype), b.astype(dtype)


def timing_record(
    framework: str, device: str, n: int, dtype: str, times: list[float], result: Any
) -> dict[str, Any]:
    """``{"framework", "device", "n", "dtype", "seconds" (the median of ``times``), "times",
    "flops" (``2 n^3``), "gflops", "result"}``."""
    seconds = statistics.median(times)
    flops = 2 * n**3
    return {
        "framework": framework,
        "device": device,
        "n": n,
        "dtype": dtype,
        "seconds": seconds,
        "times": times,
        "flops": flops,
        "gflops": flops / seconds / 1e9 if seconds > 0 else math.inf,
        "result": result,
    }
