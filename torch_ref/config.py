"""Numerics settings for the torch side (twin of ``jaxnn.config``)."""

from __future__ import annotations

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def check_dtype(dtype: str) -> str:
    """Returns ``dtype`` if it names a supported floating dtype, else raises ValueError."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return dtype


def set_numerics(dtype: str = "float32") -> None:
    """TF32 off on both switches, so float32 matmuls and convolutions are full float32.

    No effect on CPU; essential on Ampere and newer GPUs, where cuDNN convolutions
    default to TF32. ``dtype`` is validated here; models move with ``.to(dtype)``.
    """
    check_dtype(dtype)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")


def torch_dtype(dtype: str) -> torch.dtype:
    """``"float64"`` -> ``torch.float64``."""
    return DTYPES[check_dtype(dtype)]
