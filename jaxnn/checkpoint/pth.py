"""torch ``.pth``/``.pt`` state dicts (the seeds' ``torch.save`` files) read into NumPy, safely.

Such files are pickles. They are read only through torch's restricted unpickler
(``torch.load(weights_only=True)``), which refuses any payload that would run code;
torch is imported inside the function, so ``import jaxnn`` never needs it. jaxnn writes
no ``.pth`` (that would need torch): it writes safetensors, which torch reads.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from twincore.safetensors import CheckpointError


def _tensor_to_numpy(key: str, tensor: Any) -> np.ndarray:
    tensor = tensor.detach().cpu()
    if str(tensor.dtype) == "torch.bfloat16":  # NumPy has no bfloat16; JAX's ml_dtypes does
        import ml_dtypes
        import torch

        return tensor.contiguous().view(torch.int16).numpy().view(ml_dtypes.bfloat16).copy()
    try:
        return tensor.numpy().copy()
    except TypeError as error:
        raise CheckpointError(
            f"{key}: a {tensor.dtype} tensor has no NumPy twin ({error})"
        ) from None


def load_torch_state_dict(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads a torch ``.pth``/``.pt`` state dict into NumPy arrays, safely.

    Only ``torch.load(path, weights_only=True, map_location="cpu")`` is used:
    torch's restricted unpickler, which accepts tensors and plain containers
    and refuses any other object, so a crafted file cannot run code.

    Args:
      path: a file written by ``torch.save(model.state_dict(), path)`` (the
        seeds' line) or ``torch_ref.checkpoint.save_state_dict``.

    Returns:
      ``{torch key: NumPy array}`` (copies), ready for
      :func:`jaxnn.interop.load_state_dict`. bfloat16 tensors come back as
      ``ml_dtypes.bfloat16`` arrays.

    Raises:
      ImportError: torch is not installed (jaxnn itself never needs it).
      FileNotFoundError: no such file.
      CheckpointError: the pickle holds something other than tensors and plain
        containers (the payload is not run), or is not a flat
        ``{name: tensor}`` state dict, or the file is not a torch file.

    PyTorch twin: ``torch.load(path)`` (``weights_only=True`` is torch's default
    since 2.6) and ``torch_ref.checkpoint.load_torch_state_dict``.
    """
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            "reading a torch .pth/.pt file needs torch (pip install 'jaxnn[torch]'); "
            "without torch, save the state dict as safetensors on the torch side "
            "(torch_ref.checkpoint.save_safetensors) and use jaxnn.checkpoint.load_safetensors"
        ) from error

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no torch checkpoint at {path}")
    try:
        loaded = torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as error:
        if "weights only" not in str(error).lower():
            raise CheckpointError(f"{path}: not a readable torch checkpoint: {error}") from None
        raise CheckpointError(
            f"{path}: refused to unpickle: the file names objects other than tensors and "
            "plain containers (or is corrupted); such a pickle could run code when loaded, "
            "and nothing in it was executed. Load it with torch.load(weights_only=False) "
            f"only if you trust its source.\ntorch said: {error}"
        ) from None
    except (RuntimeError, EOFError, KeyError, ValueError) as error:
        # What torch raises for a truncated zip, an empty file, or bytes that are no pickle.
        raise CheckpointError(f"{path}: not a readable torch checkpoint: {error!r}") from None
    if not isinstance(loaded, Mapping):
        raise CheckpointError(
            f"{path}: expected a state dict {{name: tensor}}; the file holds a "
            f"{type(loaded).__name__}"
        )
    out = {}
    for key, value in loaded.items():
        if not isinstance(value, torch.Tensor):
            raise CheckpointError(
                f"{path}: expected a state dict {{name: tensor}}; {key!r} holds a "
                f"{type(value).__name__} (a training checkpoint? pick its model state dict)"
            )
        out[str(key)] = _tensor_to_numpy(str(key), value)
    return out
