"""The machine's matmul peak in JAX, the FLOP/s every row's achieved FLOP/s is set against."""

from __future__ import annotations

import statistics

import numpy as np

from twinlab.bench.timing import repeat_seconds

MATMUL_SIZE = 2048


def jax_matmul_flops(dtype: str, repeats: int, size: int) -> float:
    """FLOP/s of a square ``size`` matmul in JAX (median of ``repeats``)."""
    import jax
    import jax.numpy as jnp

    a = jax.device_put(np.random.default_rng(0).normal(size=(size, size)).astype(dtype))
    dot = jax.jit(jnp.dot)
    times = repeat_seconds({"dot": lambda: dot(a, a).block_until_ready()}, repeats)["dot"]
    return 2.0 * size**3 / statistics.median(times)
