"""``--devices N``: N devices for the JAX side, made from the host's CPU where needed.

On CPU the command makes the host devices itself, before JAX starts. They share the
CPU's cores, so they check a sharded program rather than speed it up.
"""

from __future__ import annotations

import importlib.util
import os

from twinlab.errors import CLIError

# As many host devices as the cores, and at least 8 (a GPU node's or TPU host's count)
# to try a mesh on a small machine.
HOST_DEVICES_MAX = max(8, os.cpu_count() or 1)


def _runs_on_cpu() -> bool:
    """Whether JAX will pick (or picked) the CPU, judged without starting it: no accelerator
    plugin, or ``JAX_PLATFORMS`` naming cpu first."""
    import jax

    platforms = jax.config.jax_platforms
    if platforms:
        return platforms.split(",")[0].strip().lower() == "cpu"
    from importlib.metadata import entry_points

    if any(True for _ in entry_points(group="jax_plugins")):
        return False
    return all(importlib.util.find_spec(m) is None for m in ("jax_plugins", "libtpu"))


def _chosen_by_user() -> bool:
    """Whether the user set the host device count (XLA_FLAGS or JAX_NUM_CPU_DEVICES)."""
    import jax

    chosen = "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", "")
    return chosen or jax.config.jax_num_cpu_devices >= 0


def check_device_limit(n: int) -> None:
    """Refuses more host devices than the command makes, before any work; changes nothing."""
    if n > HOST_DEVICES_MAX and _runs_on_cpu() and not _chosen_by_user():
        raise CLIError(
            f"--devices {n}: asked for {n} devices but only {HOST_DEVICES_MAX} cpu devices "
            f"are available (host devices: as many as the CPU cores, at least 8); use at "
            f"most {HOST_DEVICES_MAX}"
        )


def provide_devices(n: int) -> str:
    """Makes ``n`` devices visible to JAX (host devices on CPU), or raises a CLIError naming
    how many there are. Must run before the first JAX operation; returns a report line."""
    import jax

    check_device_limit(n)
    chosen, started = _chosen_by_user(), False
    if n > 1 and not chosen and _runs_on_cpu():
        try:
            jax.config.update("jax_num_cpu_devices", n)
        except RuntimeError:  # JAX refuses the setting once it has started
            started = True
    devices = jax.devices()
    platform = devices[0].platform
    if n > len(devices):
        why = ""
        if platform == "cpu" and chosen:
            why = " (the host device count set by XLA_FLAGS or JAX_NUM_CPU_DEVICES)"
        elif platform == "cpu" and started:
            why = " (JAX had started before --devices could add host devices)"
        elif platform == "cpu":  # an accelerator plugin is installed but JAX chose the CPU
            why = " (set JAX_PLATFORMS=cpu to get host devices)"
        raise CLIError(
            f"--devices {n}: asked for {n} devices but only {len(devices)} {platform} "
            f"device(s) are available{why}; use at most {len(devices)}"
        )
    return f"JAX side: each batch split over {n} {platform} device(s), parameters replicated\n"
