"""What a ``jaxnn bench`` run ran on: JAX's backend and devices, the CPU, Python."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def device_info() -> dict[str, Any]:
    """JAX's backend and devices, the CPU, Python (torch's part comes from its process)."""
    import jax

    info: dict[str, Any] = {
        "jax_backend": jax.default_backend(),
        "jax_devices": [d.device_kind for d in jax.devices()],
        "jax_version": jax.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info
