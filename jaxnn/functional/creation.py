"""``torch.tensor``, ``torch.zeros`` and ``torch.ones`` twins: torch's dtypes and ``device=``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxnn.device import resolve

# torch ranks dtype categories bool < integer < floating < complex; a value of a
# higher category wins whatever its width (int64 + float32 -> float32), where
# NumPy widens (int64 + float32 -> float64).
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """``torch.promote_types`` for the dtypes ``torch.tensor`` infers from data."""
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca == cb or {ca, cb} == {2, 3}:
        try:
            return np.promote_types(a, b)
        except TypeError:  # float16 with bfloat16: torch (and JAX) give float32
            return np.dtype(np.float32)
    return a if ca > cb else b


def _is_array(data: Any) -> bool:
    # NumPy arrays and scalars, JAX arrays and other array-likes (a CPU torch
    # tensor) carry their own dtype, which torch.tensor keeps.
    return isinstance(data, (np.ndarray, np.generic, jax.Array)) or (
        hasattr(data, "__array__") and hasattr(data, "dtype")
    )


def _array_dtype(data: Any) -> np.dtype:
    try:
        return np.dtype(data.dtype)
    except TypeError:  # e.g. a torch dtype: ask the data itself
        return np.asarray(data).dtype


def _infer_dtype(data: Any) -> np.dtype | None:
    """The dtype ``torch.tensor(data)`` picks, or None for an empty sequence."""
    if _is_array(data):
        return _array_dtype(data)
    if isinstance(data, bool):  # before int: bool is a subclass of int
        return np.dtype(np.bool_)
    if isinstance(data, int):
        return np.dtype(np.int64)
    if isinstance(data, float):
        return np.dtype(np.float32)
    if isinstance(data, complex):
        return np.dtype(np.complex64)
    if isinstance(data, (list, tuple)):
        found: np.dtype | None = None
        for item in data:
            item_dtype = _infer_dtype(item)
            if item_dtype is not None:
                found = item_dtype if found is None else _promote(found, item_dtype)
        return found
    raise TypeError(f"tensor() cannot infer a dtype from an object of type {type(data).__name__}")


def _check_fits(arr: np.ndarray, target: np.dtype) -> None:
    """Raises OverflowError where narrowing integers to ``target`` would wrap values."""
    if arr.dtype.kind not in "iu" or target.kind not in "iu" or arr.size == 0:
        return
    info = np.iinfo(target)
    lo, hi = arr.min(), arr.max()
    if lo < info.min or hi > info.max:
        raise OverflowError(
            f"tensor(): integer values in [{lo}, {hi}] do not fit in {target}; torch would "
            f"store them as {arr.dtype}. Enable 64-bit types with "
            "jax.config.update('jax_enable_x64', True)"
        )


def _place(device: Any) -> jax.Device | None:
    # None keeps JAX's default: an uncommitted array on the default device.
    return None if device is None else resolve(device)


def tensor(data: Any, dtype: Any = None, device: Any = None) -> jax.Array:
    """Builds an array from Python or NumPy data with torch's dtype rules.

    ``torch.tensor`` makes Python floats float32, Python ints int64, bools bool
    and complex numbers complex64, whatever the precision mode, and keeps the
    dtype of NumPy arrays and scalars. Mixed data is promoted the torch way: a
    higher category wins whatever its width (``[1, 2.5]`` is float32,
    ``[np.float64(1), 2.5]`` float64). ``jnp.asarray`` instead makes Python
    floats float64 under ``jax_enable_x64`` and NumPy-promotes mixed data.

    Args:
      data: nested Python lists/tuples of scalars, NumPy arrays or scalars, JAX
        arrays, or any array-like with a ``dtype`` (a CPU torch tensor).
      dtype: explicit dtype; overrides inference (values are cast, so floats are
        truncated towards zero when cast to an integer dtype, as in torch).
      device: where the array lives: None (JAX's default device, uncommitted), a
        ``jax.Device``, a string (``"cpu"``, ``"cuda"``, ``"cuda:0"``, ``"gpu"``,
        ``"tpu"``) or a ``jaxnn.device.DeviceInfo`` / ``torch.device``; see
        ``jaxnn.device.resolve``. A named device commits the array there.

    Returns:
      A new array (always a copy, like ``torch.tensor``). An empty list gives a
      float32 array of shape ``(0,)``.

    Raises:
      OverflowError: integers that torch would keep as int64 do not fit in int32
        because 64-bit types are off (``jnp.array`` would wrap them silently).
      TypeError: data of a type torch cannot build a tensor from.
      RuntimeError: a ``device`` JAX has none of (the message lists the devices).

    PyTorch twin: ``torch.tensor(data, dtype=None)``. Where the frameworks differ:
    int64 and float64 need ``jax_enable_x64`` (without it integers are int32
    and float64 becomes float32; an explicit ``dtype=jnp.float64`` warns). There
    is no ``requires_grad`` argument: gradients come from ``jax.grad``. torch's
    default device is the CPU; JAX's is the accelerator when there is one.

    Example:
      >>> tensor([[1., 2], [3, 4]]).dtype
      dtype('float32')
    """
    place = _place(device)
    if dtype is not None:
        return jnp.array(data, dtype=dtype, device=place)
    if isinstance(data, jax.Array):  # already canonical and on its device: copy in place
        return jnp.array(data, device=place)
    inferred = _infer_dtype(data)
    arr = np.asarray(data, dtype=np.float32 if inferred is None else inferred)
    target = np.dtype(jax.dtypes.canonicalize_dtype(arr.dtype))
    _check_fits(arr, target)
    return jnp.array(arr, dtype=target, device=place)


def _size(size: tuple, name: str) -> tuple[int, ...]:
    """torch's ``*size``: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{name}(): sizes must be non-negative ints; got {size!r}")
    return tuple(int(n) for n in size)


def zeros(*size: Any, dtype: Any = None, device: Any = None) -> jax.Array:
    """An array of zeros of shape ``size``, float32 unless ``dtype`` says otherwise.

    Args:
      *size: the shape, as separate ints (``zeros(3, 3)``) or one tuple or list.
      dtype: the dtype (default float32, torch's default dtype).
      device: as in :func:`tensor`.

    PyTorch twin: ``torch.zeros(*size, dtype=None, device=None)``. ``jnp.zeros`` takes
    one shape argument (its second is the dtype) and makes float64 under
    ``jax_enable_x64``.
    """
    return jnp.zeros(
        _size(size, "zeros"), jnp.float32 if dtype is None else dtype, device=_place(device)
    )


def ones(*size: Any, dtype: Any = None, device: Any = None) -> jax.Array:
    """An array of ones of shape ``size``; arguments as in :func:`zeros`.

    PyTorch twin: ``torch.ones(*size, dtype=None, device=None)``.
    """
    return jnp.ones(
        _size(size, "ones"), jnp.float32 if dtype is None else dtype, device=_place(device)
    )


__all__ = ["ones", "tensor", "zeros"]
