"""safetensors files at the NumPy level, shared by both twins: the error, the framing, the save.

Both twins read and write safetensors through the safetensors package, whose parser
validates the whole header (JSON, dtypes, shapes, offsets that tile the data exactly,
its 100 MB header limit) before it builds any array. What this module adds, once for
both twins:

- :class:`CheckpointError`, the one error either twin raises for a checkpoint file it
  cannot read (the same class in ``jaxnn.checkpoint`` and ``torch_ref.checkpoint``);
- :func:`checked_file`, the file's framing checked first, with a message that says how
  many bytes the length field claims and how many there are (the package says only
  "header too small" or "invalid header length");
- :func:`refusals`, which re-raises the package's ``SafetensorError`` as
  :class:`CheckpointError` naming the file and, when a tensor's data runs past the end of
  the file, that tensor (the package says only "file not fully covered");
- :func:`save_arrays` / :func:`load_arrays`: ``{name: np.ndarray}`` to and from a file,
  written atomically with the metadata :data:`METADATA`. bfloat16 and float8 arrays are
  ``ml_dtypes`` arrays, the NumPy types JAX uses.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import ml_dtypes  # also registers "bfloat16", which safetensors' NumPy reader asks NumPy for
import numpy as np
from safetensors import SafetensorError, deserialize, safe_open
from safetensors.numpy import save as _save

from twincore.atomic import atomic_write

METADATA = {"format": "pt"}
"""The header metadata both twins write: safetensors' own convention
(``safetensors.torch.save_model``) for tensors in torch's layouts. With the same tensors,
the twins' files are then byte-identical."""

# safetensors' NumPy reader looks the float8 types up as attributes of numpy, which has
# none, and fails; these tensors are read from the package's raw bytes instead.
_FLOAT8 = {"F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2}


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupted, or not a state dict."""


def save_arrays(arrays: Mapping[str, Any], path: str | os.PathLike) -> Path:
    """Writes ``{name: array}`` to a safetensors file atomically; returns the path.

    Arrays are written C-contiguous, little-endian, with their own dtypes, and the
    header carries :data:`METADATA`.

    Raises:
      TypeError: a key that is not a str, or a dtype safetensors cannot store (e.g.
        object); the file at ``path`` is then left as it was.
    """
    contiguous = {}
    for key, value in arrays.items():
        if not isinstance(key, str):
            raise TypeError(f"state dict keys must be str; got {key!r}")
        contiguous[key] = np.asarray(value, order="C")  # ascontiguousarray would make 0-d 1-d
    try:
        payload = _save(contiguous, metadata=METADATA)
    except SafetensorError as error:
        raise TypeError(f"cannot store these arrays in a safetensors file: {error}") from None
    return atomic_write(path, payload)


def checked_file(path: str | os.PathLike) -> Path:
    """``path`` as a Path, once its first 8 bytes frame a safetensors header that fits the file.

    Reads only those 8 bytes.

    Raises:
      FileNotFoundError: no such file.
      CheckpointError: the file is shorter than the 8-byte length field, or the field
        claims more header bytes than the file has (a truncated file, or not safetensors).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no safetensors file at {path}")
    with path.open("rb") as f:
        head = f.read(8)
    if len(head) < 8:
        raise CheckpointError(
            f"{path}: not a safetensors file: {len(head)} bytes, shorter than the 8-byte "
            "header length that starts every safetensors file (truncated or empty?)"
        )
    (header_len,) = struct.unpack("<Q", head)
    available = path.stat().st_size - 8
    if header_len > available:
        raise CheckpointError(
            f"{path}: the header claims {header_len} bytes but only {available} follow "
            "the length field: the file is truncated or not a safetensors file"
        )
    return path


@contextlib.contextmanager
def refusals(path: Path) -> Iterator[None]:
    """Re-raises the safetensors package's ``SafetensorError`` as :class:`CheckpointError`.

    The message names ``path`` and carries the package's reason; when the header is JSON
    and a tensor's ``data_offsets`` end past the file, it also names that tensor.
    """
    try:
        yield
    except SafetensorError as error:
        raise CheckpointError(
            f"{path}: not a valid safetensors file: {error}{_past_the_end(path)}"
        ) from None


def _past_the_end(path: Path) -> str:
    """Which tensor's data ends past the file, for a file the package has already refused.

    Only explains the refusal: anything unexpected in the header gives ``""``.
    """
    try:
        with path.open("rb") as f:
            (header_len,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(header_len))
        data = path.stat().st_size - 8 - header_len
        entries = [(e["data_offsets"], k) for k, e in header.items() if k != "__metadata__"]
        (begin, end), key = max(entries, key=lambda entry: entry[0][1])
        if not isinstance(end, int) or end <= data:
            return ""
    except (OSError, ValueError, TypeError, KeyError, AttributeError, struct.error):
        return ""
    return (
        f"; tensor {key!r}: data_offsets [{begin}, {end}] end past the {data} bytes of data "
        "that follow the header (the file is truncated)"
    )


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads a safetensors file into ``{name: np.ndarray}`` (arrays of their own).

    The safetensors package validates the whole file before any array is built. Arrays
    keep their stored dtypes, in the file's order (by data offset); bfloat16 and float8
    come back as ``ml_dtypes`` arrays.

    Raises:
      FileNotFoundError: no such file.
      CheckpointError: anything :func:`checked_file` or the package refuses (the message
        names the file and the reason), or a tensor of a dtype NumPy has no type for
        (e.g. F4, F8_E8M0), naming the tensor.
    """
    path = checked_file(path)
    with refusals(path), safe_open(path, framework="np") as f:
        names = f.offset_keys()
        dtypes = {name: f.get_slice(name).get_dtype() for name in names}
        arrays = {}
        for name in names:
            if dtypes[name] in _FLOAT8:
                continue  # read below
            try:
                arrays[name] = f.get_tensor(name)
            except (AttributeError, TypeError):  # the package found no NumPy type for it
                raise CheckpointError(
                    f"{path}: tensor {name!r}: dtype {dtypes[name]} has no NumPy type "
                    f"(readable: NumPy's own dtypes, BF16, {', '.join(_FLOAT8)})"
                ) from None
    if len(arrays) < len(names):
        with refusals(path):
            raw = dict(deserialize(path.read_bytes()))
        for name, st_dtype in dtypes.items():
            if st_dtype in _FLOAT8:
                entry = raw[name]
                arrays[name] = np.frombuffer(entry["data"], _FLOAT8[st_dtype]).reshape(
                    entry["shape"]
                )
    return {name: arrays[name] for name in names}
