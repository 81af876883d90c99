"""safetensors files, the interchange with torch: a jaxnn module's state dict to and from a file.

A file holds torch's key names and layouts (what :func:`jaxnn.interop.state_dict`
returns) and the metadata ``{"format": "pt"}``; the safetensors package reads and writes
it, through ``twincore.safetensors``, which both twins share. The file written here is
byte-identical to the torch twin's for the same parameters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jax
import numpy as np
from flax import nnx

from jaxnn.interop.state_dict import IncompatibleKeys, load_state_dict, state_dict
from twincore.safetensors import load_arrays, save_arrays

# torch keeps BatchNorm's counter as int64; JAX without 64-bit types holds it as int32.
_TORCH_INT64_BUFFERS = ("num_batches_tracked",)


def _as_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without torch
        value = value.detach().cpu().numpy()
    return np.asarray(jax.device_get(value))


def _torch_dtypes(arrays: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """NumPy copies, ``num_batches_tracked`` widened to torch's int64."""
    out = {}
    for key, value in arrays.items():
        array = _as_numpy(value)
        if (
            isinstance(key, str)
            and array.dtype.kind in "iu"
            and key.rsplit(".", 1)[-1] in _TORCH_INT64_BUFFERS
        ):
            array = array.astype(np.int64)
        out[key] = array
    return out


def save_safetensors(
    module_or_state_dict: nnx.Module | Mapping[str, Any], path: str | os.PathLike
) -> Path:
    """Writes a module's state dict (or a state dict) to a safetensors file, atomically.

    The file holds torch's key names and layouts (what
    :func:`jaxnn.interop.state_dict` returns), with the metadata
    ``{"format": "pt"}``. Integer ``num_batches_tracked`` buffers are written as
    int64, torch's dtype, even when JAX holds them as int32 (64-bit types off);
    everything else keeps its dtype.

    Args:
      module_or_state_dict: a jaxnn module, or ``{torch key: array}`` (NumPy,
        JAX or torch arrays).
      path: the file to write; replaced whole, or left as it was on an error.

    Returns:
      The path written, as a :class:`pathlib.Path`.

    Raises:
      TypeError: not a module or a mapping; a key that is not a str; an array
        whose dtype safetensors cannot store (e.g. object). The file at ``path``
        is then left as it was.

    PyTorch twin: ``torch_ref.checkpoint.save_safetensors(model, path)``; the two
    files are byte-identical for the same parameters.
    """
    if isinstance(module_or_state_dict, nnx.Module):
        arrays = state_dict(module_or_state_dict)
    elif isinstance(module_or_state_dict, Mapping):
        arrays = module_or_state_dict
    else:
        raise TypeError(
            "save_safetensors() takes a jaxnn module or a mapping of names to arrays; "
            f"got {type(module_or_state_dict).__name__}"
        )
    return save_arrays(_torch_dtypes(arrays), path)


def load_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads a safetensors file into ``{torch key: NumPy array}``.

    Args:
      path: a file written by :func:`save_safetensors`, by the torch twin, or by
        ``safetensors.torch.save_file``.

    Returns:
      The arrays with their stored dtypes and torch's layouts, ready for
      :func:`jaxnn.interop.load_state_dict`, in the file's order (safetensors
      sorts tensors by dtype and name; the module's order is not stored).
      bfloat16 and float8 tensors come back as ``ml_dtypes`` arrays, which
      ``safetensors.numpy.load`` cannot return.

    Raises:
      FileNotFoundError: no such file.
      CheckpointError: (a ValueError) anything the safetensors package refuses
        (a truncated file, a length field claiming more bytes than the file has, a
        header that is not a JSON object or is over 100 MB, an unknown dtype,
        negative, overlapping, out-of-range or wrongly sized offsets, bytes no
        tensor claims), or a dtype NumPy has no type for. The message names the
        file and the reason. The whole file is checked before any array is built.
        (The tensor bytes carry no checksum: a flipped bit inside the data region
        is not detectable.)

    PyTorch twin: ``torch_ref.checkpoint.load_safetensors(path)``, which returns
    torch tensors.
    """
    return load_arrays(path)


def load_safetensors_into(
    model: nnx.Module, path: str | os.PathLike, strict: bool = True
) -> IncompatibleKeys:
    """Loads a safetensors file into ``model``'s parameters and buffers, in place.

    Args:
      model: the jaxnn module to fill (the same architecture that was saved).
      path: the safetensors file.
      strict: require exactly the module's keys (default), as in
        :func:`jaxnn.interop.load_state_dict`.

    Returns:
      :class:`jaxnn.interop.IncompatibleKeys`; its repr is
      ``<All keys matched successfully>``.

    Raises:
      FileNotFoundError, CheckpointError: as :func:`load_safetensors`.
      jaxnn.interop.StateDictError: (a RuntimeError) missing or unexpected keys
        (when ``strict``), a wrong shape, non-floating data for a floating
        parameter, or an integer buffer whose values do not fit the module's
        integer dtype. Nothing is written unless every check passes.

    PyTorch twin: ``torch_ref.checkpoint.load_safetensors_into(model, path)``,
    i.e. ``model.load_state_dict(safetensors.torch.load_file(path))`` checked first.
    """
    return load_state_dict(model, load_arrays(path), strict=strict)
