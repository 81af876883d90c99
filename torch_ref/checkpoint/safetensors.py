"""safetensors files (torch): ``model.state_dict()`` to and from a file jaxnn reads too.

Twin of ``jaxnn.checkpoint.safetensors``. The safetensors package (``safetensors.torch``)
reads and writes the tensors; ``twincore.safetensors`` supplies what both twins share:
the metadata ``{"format": "pt"}`` (so the two twins' files are byte-identical), the
file's framing checks, and the package's errors re-raised as ``CheckpointError``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as _safetensors_load
from safetensors.torch import save as _safetensors_save

from twincore.atomic import atomic_write
from twincore.safetensors import METADATA, checked_file, refusals
from twincore.state_dict_keys import key_mismatches


def _state_dict_of(module_or_state_dict: Any, caller: str) -> Mapping[str, Any]:
    if isinstance(module_or_state_dict, torch.nn.Module):
        return module_or_state_dict.state_dict()
    if isinstance(module_or_state_dict, Mapping):
        return module_or_state_dict
    raise TypeError(
        f"{caller}() takes a torch module or a mapping of names to tensors; "
        f"got {type(module_or_state_dict).__name__}"
    )


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
    payload = _safetensors_save(tensors, metadata=METADATA)
    return atomic_write(path, payload)


def load_safetensors(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Reads a safetensors file into ``{name: tensor}`` (CPU tensors of their own).

    Raises ``FileNotFoundError`` for no file and ``CheckpointError`` naming the
    file and the reason for anything the safetensors package refuses (a truncated
    or corrupt file, a malformed header). JAX twin:
    ``jaxnn.checkpoint.load_safetensors`` (NumPy arrays).
    """
    path = checked_file(path)
    data = path.read_bytes()  # tensors of their own, not views of a memory-mapped file
    with refusals(path):
        return dict(_safetensors_load(data))


def _check_state_dict(model: torch.nn.Module, sd: Mapping[str, torch.Tensor], strict: bool):
    """jaxnn's all-or-nothing checks, run before torch copies anything.

    torch's own ``load_state_dict`` copies every key that fits and raises
    afterwards, so a wrong shape in one layer leaves the layers before it
    overwritten; it also casts integer data into float parameters silently.
    """
    expected = model.state_dict()
    *_, errors = key_mismatches(expected, sd, strict)  # torch itself reports the keys
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
