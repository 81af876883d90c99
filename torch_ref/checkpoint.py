"""Saving and loading (torch): the seeds' ``torch.save``/``torch.load``, made atomic and safe.

Twin of ``jaxnn.checkpoint``. The seeds write ``torch.save(model.state_dict(),
'model.pth')`` and read ``model.load_state_dict(torch.load('model.pth'))``
(S3 149-160; S4 1345-1346, 1427-1429, 1926-1927, 2175-2181). Here:

- :func:`save_state_dict` / :func:`load_torch_state_dict` are those two lines,
  with the write going through a temporary file and a rename, and the read
  pinned to ``weights_only=True``;
- :func:`save_safetensors` / :func:`load_safetensors` /
  :func:`load_safetensors_into` exchange state dicts with jaxnn: the files are
  byte-identical to the ones ``jaxnn.checkpoint`` writes.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as _safetensors_load
from safetensors.torch import save as _safetensors_save

from twincore.atomic import atomic_write

# safetensors' own convention for tensors in torch's layouts (safetensors.torch.save_model).
_METADATA = {"format": "pt"}


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupted, or not a state dict."""


def _state_dict_of(module_or_state_dict: Any, caller: str) -> Mapping[str, Any]:
    if isinstance(module_or_state_dict, torch.nn.Module):
        return module_or_state_dict.state_dict()
    if isinstance(module_or_state_dict, Mapping):
        return module_or_state_dict
    raise TypeError(
        f"{caller}() takes a torch module or a mapping of names to tensors; "
        f"got {type(module_or_state_dict).__name__}"
    )


def save_state_dict(
    module_or_state_dict: torch.nn.Module | Mapping[str, torch.Tensor], path: str | os.PathLike
) -> Path:
    """The seeds' ``torch.save(model.state_dict(), 'model.pth')``, written atomically.

    Returns the path written. JAX twin: none writes ``.pth`` (jaxnn never needs
    torch); ``jaxnn.checkpoint.load_torch_state_dict`` reads these files.
    """
    sd = _state_dict_of(module_or_state_dict, "save_state_dict")
    buffer = io.BytesIO()
    torch.save(sd, buffer)
    return atomic_write(path, buffer.getvalue())


def load_torch_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """The seeds' ``torch.load('model.pth')``, pinned to ``weights_only=True`` and the CPU.

    Raises ``CheckpointError`` (the payload is not run) when the pickle names
    anything but tensors and plain containers, and ``FileNotFoundError`` when
    there is no file. JAX twin: ``jaxnn.checkpoint.load_torch_state_dict``,
    which returns NumPy arrays.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no torch checkpoint at {path}")
    try:
        loaded = torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as error:
        raise CheckpointError(
            f"{path}: refused to unpickle (weights_only=True); nothing in it was executed.\n"
            f"torch said: {error}"
        ) from None
    except (RuntimeError, EOFError, KeyError, ValueError) as error:
        raise CheckpointError(f"{path}: not a readable torch checkpoint: {error!r}") from None
    if not isinstance(loaded, Mapping) or not all(
        isinstance(v, torch.Tensor) for v in loaded.values()
    ):
        raise CheckpointError(f"{path}: expected a state dict {{name: tensor}}")
    return dict(loaded)


def save_safetensors(
    module_or_state_dict: torch.nn.Module | Mapping[str, torch.Tensor], path: str | os.PathLike
) -> Path:
    """Writes ``model.state_dict()`` (or a state dict) to a safetensors file, atomically.

    Tensors are copied to contiguous CPU memory first, so views and tied
    weights are saved (safetensors itself refuses tensors that share memory).
    Returns the path written. JAX twin: ``jaxnn.checkpoint.save_safetensors``;
    the files are byte-identical.
    """
    sd = _state_dict_of(module_or_state_dict, "save_safetensors")
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in sd.items()}
    payload = _safetensors_save(tensors, metadata=_METADATA)
    return atomic_write(path, payload)


def load_safetensors(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Reads a safetensors file into ``{name: tensor}`` (CPU).

    Raises ``FileNotFoundError`` for no file and ``CheckpointError`` for a
    truncated or corrupt one. JAX twin: ``jaxnn.checkpoint.load_safetensors``
    (NumPy arrays).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no safetensors file at {path}")
    data = path.read_bytes()
    if len(data) < 8:
        raise CheckpointError(
            f"{path}: not a safetensors file: {len(data)} bytes, shorter than the 8-byte "
            "header length that starts every safetensors file (truncated or empty?)"
        )
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise CheckpointError(
            f"{path}: the header claims {header_len} bytes but only {len(data) - 8} follow "
            "the length field: the file is truncated or not a safetensors file"
        )
    try:
        return dict(_safetensors_load(data))
    except SafetensorError as error:
        raise CheckpointError(f"{path}: not a valid safetensors file: {error}") from None


def _check_state_dict(model: torch.nn.Module, sd: Mapping[str, torch.Tensor], strict: bool):
    """jaxnn's all-or-nothing checks, run before torch copies anything.

    torch's own ``load_state_dict`` copies every key that fits and raises
    afterwards, so a wrong shape in one layer leaves the layers before it
    overwritten; it also casts integer data into float parameters silently.
    """
    expected = model.state_dict()
    missing = [k for k in expected if k not in sd]
    unexpected = [k for k in sd if k not in expected]
    errors = []
    if strict and unexpected:
        errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected))
    if strict and missing:
        errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
    for key, target in expected.items():
        if key not in sd:
            continue
        value = sd[key]
        if tuple(value.shape) != tuple(target.shape):
            errors.append(
                f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} "
                f"from checkpoint, the shape in current model is {tuple(target.shape)}."
            )
        elif target.is_floating_point() and not value.is_floating_point():
            errors.append(
                f"dtype mismatch for {key}: got {str(value.dtype).removeprefix('torch.')}, "
                f"expected a floating dtype (the parameter is "
                f"{str(target.dtype).removeprefix('torch.')})"
            )
    if errors:
        raise RuntimeError(
            f"Error(s) in loading state_dict for {type(model).__name__}:\n\t" + "\n\t".join(errors)
        )


def load_safetensors_into(model: torch.nn.Module, path: str | os.PathLike, strict: bool = True):
    """``model.load_state_dict(load_safetensors(path), strict)``, checked before anything is copied.

    Returns torch's ``_IncompatibleKeys`` (``<All keys matched successfully>``).
    Raises RuntimeError naming every missing, unexpected, mis-shaped or
    non-floating key, with the model untouched. JAX twin:
    ``jaxnn.checkpoint.load_safetensors_into``.
    """
    sd = load_safetensors(path)
    _check_state_dict(model, sd, strict)
    return model.load_state_dict(sd, strict=strict)


__all__ = [
    "CheckpointError",
    "load_safetensors",
    "load_safetensors_into",
    "load_torch_state_dict",
    "save_safetensors",
    "save_state_dict",
]
