"""torch ``.pth``/``.pt`` state dicts: the seeds' ``torch.save``/``torch.load``, atomic and safe.

Twin of ``jaxnn.checkpoint.pth``, which reads these files into NumPy arrays (it writes
none: that would need torch).
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Mapping
from pathlib import Path

import torch

from torch_ref.checkpoint.safetensors import _state_dict_of
from twincore.atomic import atomic_write
from twincore.safetensors import CheckpointError


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
