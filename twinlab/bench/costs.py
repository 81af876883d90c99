"""What a jitted JAX program costs besides its speed: compile time, memory, FLOPs per call."""

from __future__ import annotations

import time


def compile_timed(jitted, *args):
    """``(compiled, seconds to lower and compile)``."""
    start = time.perf_counter()
    compiled = jitted.lower(*args).compile()
    return compiled, time.perf_counter() - start


def program_bytes(compiled) -> int | None:
    """XLA's memory analysis of ``compiled``: arguments + outputs (less what they alias) +
    temporaries; None where the backend does not report it."""
    try:
        m = compiled.memory_analysis()
    except Exception:  # not every backend reports it
        return None
    if m is None:
        return None
    return int(
        m.argument_size_in_bytes
        + m.output_size_in_bytes
        - m.alias_size_in_bytes
        + m.temp_size_in_bytes
    )


def flops(compiled) -> float | None:
    """FLOPs of one call of ``compiled`` by XLA's cost analysis, or None."""
    try:
        cost = compiled.cost_analysis()
    except Exception:
        return None
    if isinstance(cost, list):  # older jax: one dict per program
        cost = cost[0] if cost else None
    return float(cost["flops"]) if cost and cost.get("flops") else None


def device_peak() -> int | None:
    """The first device's allocator high-water mark in bytes, where it keeps one (GPUs)."""
    import jax

    stats = jax.devices()[0].memory_stats()
    return int(stats["peak_bytes_in_use"]) if stats and "peak_bytes_in_use" in stats else None
