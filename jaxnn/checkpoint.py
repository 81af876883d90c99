"""Saving and loading: safetensors shared with torch, torch ``.pth`` files, orbax train states.

Three formats, three jobs:

- **safetensors** is the interchange with torch. A file holds the state dict
  under torch's key names and layouts (``layers.0.weight`` as ``(out, in)``), so
  a file written here loads into the torch twin and the other way round, bit
  for bit. The format is a JSON header plus raw little-endian bytes: loading
  it runs no code.
- **torch ``.pth``/``.pt``** files (the seeds' ``torch.save(model.state_dict(),
  'model.pth')``) are pickles; they are read only through
  ``torch.load(weights_only=True)``, which refuses any payload that would run
  code. torch is imported only when such a file is read.
- **orbax** holds the whole JAX training state (parameters, optimizer state,
  step, running statistics and RNG state) for resuming a run.

Every write is atomic: a reader or a crash sees the old file or the complete new
one, never a half-written checkpoint.
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jax
import ml_dtypes
import numpy as np
from flax import nnx
from safetensors import SafetensorError
from safetensors.numpy import save as _safetensors_save

from jaxnn.interop.state_dict import (
    IncompatibleKeys,
    load_state_dict,
    state_dict,
)
from jaxnn.train.state import TrainState
from twincore.atomic import atomic_write

# safetensors' own convention (``safetensors.torch.save_model``) for tensors in torch's
# layouts; both twins write it, so their files are byte-identical.
_METADATA = {"format": "pt"}

# torch keeps BatchNorm's counter as int64; JAX without 64-bit types holds it as int32.
_TORCH_INT64_BUFFERS = ("num_batches_tracked",)


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupted, or not a state dict."""


def _as_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without torch
        value = value.detach().cpu().numpy()
    return np.asarray(jax.device_get(value))


def _torch_dtypes(arrays: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """C-contiguous NumPy copies, ``num_batches_tracked`` widened to torch's int64."""
    out = {}
    for key, value in arrays.items():
        if not isinstance(key, str):
            raise TypeError(f"state dict keys must be str; got {key!r}")
        array = _as_numpy(value)
        if array.dtype.kind in "iu" and key.rsplit(".", 1)[-1] in _TORCH_INT64_BUFFERS:
            array = array.astype(np.int64)
        out[key] = np.asarray(array, order="C")  # ascontiguousarray would make 0-d 1-d
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
      TypeError: an array whose dtype safetensors cannot store (e.g. object);
        the file at ``path`` is then left as it was.

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
    try:
        payload = _safetensors_save(_torch_dtypes(arrays), metadata=_METADATA)
    except SafetensorError as error:
        raise TypeError(f"save_safetensors(): cannot store these arrays: {error}") from None
    return atomic_write(path, payload)


# safetensors dtype string -> little-endian NumPy dtype. bfloat16 and float8 come from
# ml_dtypes (JAX's own), which safetensors.numpy cannot return (it raises KeyError).
_ST_DTYPES: dict[str, np.dtype] = {
    "BOOL": np.dtype("bool"),
    "U8": np.dtype("u1"),
    "I8": np.dtype("i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype(ml_dtypes.bfloat16),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "F32": np.dtype("<f4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F64": np.dtype("<f8"),
    "C64": np.dtype("<c8"),
    "F8_E4M3": np.dtype(ml_dtypes.float8_e4m3fn),
    "F8_E5M2": np.dtype(ml_dtypes.float8_e5m2),
}
# safetensors' own bound on the JSON header (``MAX_HEADER_SIZE`` in its Rust source).
_MAX_HEADER = 100_000_000


def _nonnegative_ints(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"duplicate key(s) {duplicated}")
    return dict(pairs)


def _parse_safetensors(path: Path, data: bytes) -> dict[str, np.ndarray]:
    """Validates a safetensors buffer completely, then returns its arrays (copies).

    Every check runs before any array is built, and each failure names the file,
    the tensor and what is wrong: a length field larger than the file or than
    safetensors' limit, a header that is not a JSON object, an unknown dtype, a
    negative or non-integer shape or offset, offsets past the end of the data,
    overlapping tensors or gaps between them, a byte count that does not match
    the shape and dtype.
    """

    def fail(reason: str) -> CheckpointError:
        return CheckpointError(f"{path}: not a valid safetensors file: {reason}")

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
    if header_len > _MAX_HEADER:
        raise fail(f"header of {header_len} bytes is larger than safetensors' {_MAX_HEADER}")
    try:
        text = data[8 : 8 + header_len].decode("utf-8")
        header = json.loads(text, object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise fail(f"invalid JSON in header: {error}") from None
    if not isinstance(header, dict):
        raise fail(f"invalid JSON in header: a {type(header).__name__}, not an object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise fail("__metadata__ must map strings to strings")
    body = memoryview(data)[8 + header_len :]
    entries = []
    for key, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise fail(f"tensor {key!r}: expected exactly dtype, shape and data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _ST_DTYPES:
            raise fail(
                f"tensor {key!r}: dtype {dtype!r} is unknown or has no NumPy twin "
                f"(readable: {', '.join(_ST_DTYPES)})"
            )
        if not _nonnegative_ints(shape):
            raise fail(f"tensor {key!r}: shape {shape!r} is not a list of non-negative ints")
        if not _nonnegative_ints(offsets) or len(offsets) != 2 or offsets[0] > offsets[1]:
            raise fail(
                f"tensor {key!r}: data_offsets {offsets!r} are not [begin, end] with "
                "0 <= begin <= end"
            )
        begin, end = offsets
        nbytes = math.prod(shape) * _ST_DTYPES[dtype].itemsize
        if end - begin != nbytes:
            raise fail(
                f"tensor {key!r}: shape {shape} of {dtype} needs {nbytes} bytes but its "
                f"data_offsets {offsets} span {end - begin}"
            )
        if end > len(body):
            raise fail(
                f"tensor {key!r}: data_offsets {offsets} end past the {len(body)} bytes of "
                "data that follow the header (the file is truncated)"
            )
        entries.append((begin, end, key, dtype, shape))
    entries.sort()
    covered = 0
    for begin, end, key, _, _ in entries:
        if begin < covered:
            raise fail(
                f"tensor {key!r}: data_offsets [{begin}, {end}] overlap the tensor "
                f"before it, which ends at {covered}"
            )
        if begin > covered:
            raise fail(f"tensor {key!r}: {begin - covered} unclaimed bytes before it")
        covered = end
    if covered != len(body):
        raise fail(f"{len(body) - covered} bytes after the last tensor belong to none")
    return {
        key: np.frombuffer(body, _ST_DTYPES[dtype], math.prod(shape), begin).reshape(shape).copy()
        for begin, _, key, dtype, shape in entries
    }


def load_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads a safetensors file into ``{torch key: NumPy array}``.

    Args:
      path: a file written by :func:`save_safetensors`, by the torch twin, or by
        ``safetensors.torch.save_file``.

    Returns:
      The arrays with their stored dtypes and torch's layouts, ready for
      :func:`jaxnn.interop.load_state_dict`, in the file's order (safetensors
      sorts tensors by dtype and name; the module's order is not stored).
      bfloat16 and float8 tensors come back as ``ml_dtypes`` arrays.

    Raises:
      FileNotFoundError: no such file.
      CheckpointError: (a ValueError) the file is truncated; its length field
        claims more bytes than the file has; its header is not a JSON object,
        names an unknown dtype, or gives a tensor negative, overlapping,
        out-of-range or wrongly sized offsets. The message names the file, the
        tensor and the reason. The whole file is checked before any array is
        built. (The tensor bytes carry no checksum: a flipped bit inside the
        data region is not detectable.)

    PyTorch twin: ``torch_ref.checkpoint.load_safetensors(path)``, which returns
    torch tensors.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no safetensors file at {path}")
    return _parse_safetensors(path, path.read_bytes())


def load_safetensors_into(
    module: nnx.Module, path: str | os.PathLike, strict: bool = True
) -> IncompatibleKeys:
    """Loads a safetensors file into ``module``'s parameters and buffers, in place.

    Args:
      module: the jaxnn module to fill (the same architecture that was saved).
      path: the safetensors file.
      strict: require exactly the module's keys (default), as in
        :func:`jaxnn.interop.load_state_dict`.

    Returns:
      :class:`jaxnn.interop.IncompatibleKeys`; its repr is
      ``<All keys matched successfully>``.

    Raises:
      FileNotFoundError, CheckpointError: as :func:`load_safetensors`; also an
        integer buffer whose values do not fit the module's integer dtype.
      jaxnn.interop.StateDictError: (a RuntimeError) missing or unexpected keys
        (when ``strict``), a wrong shape, or non-floating data for a floating
        parameter. Nothing is written unless every check passes.

    PyTorch twin: ``torch_ref.checkpoint.load_safetensors_into(model, path)``,
    i.e. ``model.load_state_dict(safetensors.torch.load_file(path))`` checked first.
    """
    arrays = load_safetensors(path)
    return load_state_dict(module, arrays, strict=strict)


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
    import pickle

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


def _step_manager(directory: Path, *, create: bool):
    import orbax.checkpoint as ocp

    options = ocp.CheckpointManagerOptions(
        enable_async_checkpointing=False,  # saved and committed before save returns
        create=create,
        max_to_keep=None,
    )
    return ocp, ocp.CheckpointManager(directory, options=options)


def save_train_state(
    directory: str | os.PathLike, state: TrainState, *, step: int | None = None
) -> Path:
    """Saves a full training state with orbax under ``directory/<step>``; returns that path.

    Parameters, optimizer state, step counter and the module's other state
    (running statistics, dropout RNG keys and counters) are written together.
    orbax writes into a temporary directory and renames it when complete, and
    the save is synchronous: when this returns the checkpoint is on disk.

    Args:
      directory: the run's checkpoint directory (created if missing).
      state: a :class:`jaxnn.train.TrainState`.
      step: the checkpoint's number (default: ``state.step``). Saving a number
        that already exists raises.

    PyTorch twin: ``torch.save({"model": model.state_dict(), "optimizer":
    optimizer.state_dict(), "step": step}, path)``, not used by the seeds.
    """
    if not isinstance(state, TrainState):
        raise TypeError(f"save_train_state() takes a TrainState; got {type(state).__name__}")
    step = int(jax.device_get(state.step)) if step is None else int(step)
    directory = Path(directory).absolute()
    ocp, manager = _step_manager(directory, create=True)
    with manager:
        if step in manager.all_steps():
            raise FileExistsError(f"{directory}: a checkpoint for step {step} already exists")
        manager.save(step, args=ocp.args.StandardSave(state), force=True)
        manager.wait_until_finished()
    return directory / str(step)


def restore_train_state(
    directory: str | os.PathLike, like: TrainState, *, step: int | None = None
) -> TrainState:
    """Restores a training state saved by :func:`save_train_state`.

    Args:
      directory: the run's checkpoint directory.
      like: a state of the same structure, shapes and dtypes, e.g. from
        ``TrainState.create(fresh_model, tx)``; only its structure is used.
      step: which checkpoint (default: the latest).

    Returns:
      The saved :class:`jaxnn.train.TrainState`; use it with the graphdef that
      came with ``like``.

    Raises:
      FileNotFoundError: no such directory, no checkpoint in it, or no
        checkpoint for ``step``.
      CheckpointError: (a ValueError) a file inside the step's directory is
        missing, truncated or corrupted, or the checkpoint does not match
        ``like``; the message names the directory and the step. Nothing is
        returned in part.

    PyTorch twin: ``model.load_state_dict(ckpt["model"])`` and
    ``optimizer.load_state_dict(ckpt["optimizer"])``.
    """
    directory = Path(directory).absolute()
    if not directory.is_dir():
        raise FileNotFoundError(f"no checkpoint directory at {directory}")
    ocp, manager = _step_manager(directory, create=False)
    with manager:
        steps = manager.all_steps()
        if not steps:
            raise FileNotFoundError(f"{directory}: no checkpoints")
        step = manager.latest_step() if step is None else int(step)
        if step not in steps:
            raise FileNotFoundError(
                f"{directory}: no checkpoint for step {step}; saved steps: {sorted(steps)}"
            )
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, like)
        try:
            restored = manager.restore(step, args=ocp.args.StandardRestore(abstract))
        except Exception as error:  # orbax/tensorstore raise ValueError, JSONDecodeError, ...
            first = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            raise CheckpointError(
                f"{directory}: cannot restore the checkpoint for step {step} from "
                f"{directory / str(step)}: a file in it is missing, truncated or corrupted, "
                "or it was saved from another model or optimizer than `like`. "
                f"orbax said: {type(error).__name__}: {first}"
            ) from error
    if not isinstance(restored, TrainState):
        raise CheckpointError(
            f"{directory}: the checkpoint for step {step} holds a {type(restored).__name__}, "
            "not a TrainState"
        )
    return restored


__all__ = [
    "CheckpointError",
    "load_safetensors",
    "load_safetensors_into",
    "load_torch_state_dict",
    "restore_train_state",
    "save_safetensors",
    "save_train_state",
]


def checkpoint_steps(directory: str | os.PathLike) -> list[int]:
    """The steps saved by :func:`save_train_state` under ``directory``, oldest first (``[]``
    when there is no such directory). An interrupted save leaves no step: orbax commits a step
    by renaming its temporary directory."""
    directory = Path(directory).absolute()
    if not directory.is_dir():
        return []
    _, manager = _step_manager(directory, create=False)
    with manager:
        return sorted(int(s) for s in manager.all_steps())
