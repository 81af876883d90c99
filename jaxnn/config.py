"""Numerics settings shared by the library, the runner and the parity suite.

PyTorch computes float32 matmuls in full float32 on CPU and (with TF32 off) on
GPU. JAX may use TF32 on GPU or bfloat16 passes on TPU unless told otherwise,
so every entry point calls :func:`set_numerics` before its first JAX operation.
"""

from __future__ import annotations

import jax

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
