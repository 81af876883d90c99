"""Numerics settings shared by the library, the runner and the parity suite.

PyTorch computes float32 matmuls in full float32 on CPU and (with TF32 off) on
GPU. JAX may use TF32 on GPU or bfloat16 passes on TPU unless told otherwise,
so every entry point calls :func:`set_numerics` before its first JAX operation.
"""

from __future__ import annotations

import os

import jax
import jax.numpy

DTYPES = ("float32", "float64")


def check_dtype(dtype: str) -> str:
    """Returns ``dtype`` if it names a supported floating dtype, else raises ValueError."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return dtype


def set_numerics(dtype: str = "float32") -> None:
    """Full-precision matmuls everywhere; 64-bit types when ``dtype`` is float64.

    Args:
      dtype: ``"float32"`` or ``"float64"``. float64 turns on ``jax_enable_x64``
        for the whole process (PyTorch's twin is ``model.double()``).
    """
    check_dtype(dtype)
    jax.config.update("jax_default_matmul_precision", "highest")
    if dtype == "float64":
        jax.config.update("jax_enable_x64", True)


def share_device_with_torch() -> None:
    """Lets torch allocate on the GPU JAX uses: no up-front grab of device memory.

    JAX's GPU client reserves 75% of the device's memory when its backend
    starts, which leaves a torch model in the same process (the parity suite,
    ``jaxnn run --framework both``) or another process (``jaxnn bench``'s
    torch half) short of memory. Sets ``XLA_PYTHON_CLIENT_PREALLOCATE=false``
    unless the user chose a value; it takes effect only if no JAX computation
    has run yet, so call it first. A no-op on CPU.
    """
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")


def x64_enabled() -> bool:
    """Whether 64-bit types are on here (globally or inside ``jax.enable_x64(True)``)."""
    return jax.dtypes.canonicalize_dtype(jax.numpy.float64) == jax.numpy.float64


def require_dtype(dtype: str) -> str:
    """Raises if ``dtype`` cannot be computed in now (float64 without 64-bit types).

    Without this check JAX would silently compute float64 requests in float32.
    """
    check_dtype(dtype)
    if dtype == "float64" and not x64_enabled():
        raise RuntimeError(
            "float64 needs 64-bit types in JAX: call jaxnn.config.set_numerics('float64') "
            "before the first JAX operation (or run inside jax.enable_x64(True))"
        )
    return dtype


def canonical_param_dtype(dtype) -> jax.numpy.dtype:
    """``dtype`` (default float32) as a parameter dtype, refusing a silent downcast.

    JAX truncates float64 requests to float32, with only a warning, unless 64-bit
    types are on; a layer asked for float64 parameters raises instead.
    """
    requested = jax.numpy.dtype(jax.numpy.float32 if dtype is None else dtype)
    if jax.dtypes.canonicalize_dtype(requested) != requested:
        raise ValueError(
            f"parameter dtype {requested} needs 64-bit types in JAX: call "
            "jaxnn.config.set_numerics('float64') first (or use jax.enable_x64(True))"
        )
    return requested
