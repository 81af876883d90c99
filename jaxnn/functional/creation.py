"""``torch.tensor`` twin: torch's dtype inference for Python data."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def _default_int() -> Any:
    # int64 like torch when 64-bit types are on, int32 otherwise (JAX's default).
    return jax.dtypes.canonicalize_dtype(jnp.int64)


def tensor(data: Any, dtype: Any = None) -> jax.Array:
    """Builds an array from Python or NumPy data with torch's dtype rules.

    ``torch.tensor`` makes Python floats float32 and Python ints int64, whatever
    the precision mode; ``jnp.asarray`` makes them float64/int64 under
    ``jax_enable_x64`` and float32/int32 otherwise. This twin follows torch for
    Python data and keeps the dtype of NumPy and JAX arrays (as torch does for
    NumPy input).

    Args:
      data: nested Python lists/scalars, a NumPy array or a JAX array.
      dtype: explicit dtype; overrides inference.

    Returns:
      A new array (always a copy, like ``torch.tensor``).

    Differs from torch: int64 needs ``jax_enable_x64``; without it integers are
      int32. There are no ``requires_grad`` or ``device`` arguments: gradients
      come from ``jax.grad`` and placement from ``jax.device_put``.

    Example:
      >>> tensor([[1., 2], [3, 4]]).dtype
      dtype('float32')
    """
    if dtype is not None:
        return jnp.array(data, dtype=dtype)
    if isinstance(data, (np.ndarray, np.generic, jax.Array)):
        return jnp.array(data)
    arr = np.asarray(data)
    kind = arr.dtype.kind
    if kind == "f":
        return jnp.array(arr, dtype=jnp.float32)
    if kind in "iu":
        return jnp.array(arr, dtype=_default_int())
    if kind == "b":
        return jnp.array(arr, dtype=jnp.bool_)
    if kind == "c":
        return jnp.array(arr, dtype=jnp.complex64)
    raise TypeError(f"tensor() cannot build an array from data of NumPy kind {arr.dtype!s}")
