"""The CPU a run ran on, by name, for the headers of reports and generated pages."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``'s "model name", e.g. ``AMD EPYC 7B13``), else
    what ``platform`` knows (``arm``, ``x86_64``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


FLOAT32_VARIES = (
    "float32 figures depend on the CPU that measured them: XLA and torch pick their kernels by "
    "the CPU's vector instructions (SSE, AVX2, AVX-512), which changes how sums are split and "
    "in what order they accumulate, so float32 rounds differently from one CPU to another and "
    "a training run carries that along. float64 figures do not vary beyond rounding: the "
    "frameworks agree there to 1e-16 to 1e-14 on any CPU."
)
"""What the generated results pages say about CPUs."""
