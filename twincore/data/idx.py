"""MNIST's IDX files, raw or gzipped: a strict reader and ``load_mnist``.

The IDX format (LeCun's MNIST page) is a 4-byte magic number ``0x00 0x00 T D``
(``T`` the element type, ``D`` the number of dimensions), ``D`` big-endian
int32 sizes, then the elements in C order, big-endian. MNIST's image files have
magic 2051 (``0x00000803``: uint8, 3-D ``(N, 28, 28)``), its label files 2049
(``0x00000801``: uint8, 1-D ``(N,)``).

Nothing is downloaded. The arrays are read once, in NumPy, and handed to both
frameworks (``jaxnn.data.MNIST`` and ``torch_ref.data.MNIST`` take arrays), so
the torch reference has no reader of its own.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

IMAGES_MAGIC = 2051
"""Magic number of MNIST image files: uint8 elements, 3 dimensions."""
LABELS_MAGIC = 2049
"""Magic number of MNIST label files: uint8 elements, 1 dimension."""

MNIST_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""``train`` -> (images file name, labels file name), without the optional ``.gz``."""

# IDX element type code -> big-endian NumPy dtype.
_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """A file that is not a valid IDX file, or not the MNIST file it should be.

    The message starts with the file's path and says what was wrong.
    """


def _describe_magic(magic: int) -> str:
    code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    kind = _TYPES[code].name if code in _TYPES else f"unknown type 0x{code:02X}"
    return f"{magic} (0x{magic:08X}: {kind}, {ndim}-D)"


# Payloads are read this much at a time, so that a header claiming more bytes than the file
# holds (2**31 images in a 100-byte file) costs what the file holds, not what it claims.
_CHUNK = 1 << 24


def _read_up_to(f: BinaryIO, n: int) -> bytes:
    """At most ``n`` bytes, fewer at the end of the file; never allocates more than it reads."""
    chunks, remaining = [], n
    while remaining > 0:
        chunk = f.read(min(remaining, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _parse(f: BinaryIO, path: Path, magic: int | None) -> np.ndarray:
    head = _read_up_to(f, 4)
    if len(head) < 4:
        raise IDXError(f"{path}: {len(head)} bytes, too short for an IDX header (4-byte magic)")
    file_magic = int.from_bytes(head, "big")
    if head[:2] != b"\x00\x00":
        raise IDXError(
            f"{path}: not an IDX file: magic number 0x{file_magic:08X} does not start with "
            "two zero bytes"
        )
    code, ndim = head[2], head[3]
    if code not in _TYPES:
        known = ", ".join(f"0x{c:02X}" for c in _TYPES)
        raise IDXError(f"{path}: unknown IDX element type 0x{code:02X} (known: {known})")
    if magic is not None and file_magic != magic:
        raise IDXError(
            f"{path}: wrong magic number {_describe_magic(file_magic)}; "
            f"expected {_describe_magic(magic)}"
        )
    if ndim == 0:
        raise IDXError(f"{path}: the header declares 0 dimensions")
    raw_dims = _read_up_to(f, 4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise IDXError(
            f"{path}: the header declares {ndim} dimensions but the file ends after "
            f"{len(raw_dims)} of their {4 * ndim} bytes"
        )
    dims = tuple(int(d) for d in np.frombuffer(raw_dims, dtype=">i4"))
    if any(d < 0 for d in dims):
        raise IDXError(f"{path}: negative dimension in {dims}")
    dtype = _TYPES[code]
    expected = math.prod(dims) * dtype.itemsize
    payload = _read_up_to(f, expected)
    if len(payload) < expected:
        raise IDXError(
            f"{path}: truncated payload: {len(payload)} bytes, but dimensions {dims} of "
            f"{dtype.name} need {expected}"
        )
    extra = len(_read_up_to(f, 1))
    if extra:
        extra += len(f.read())
        raise IDXError(
            f"{path}: {extra} extra bytes after the {expected}-byte payload that dimensions "
            f"{dims} of {dtype.name} describe"
        )
    # astype copies: a writable array in native byte order.
    return np.frombuffer(payload, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike, *, magic: int | None = None) -> np.ndarray:
    """Reads one IDX file, raw or gzip-compressed, and validates it completely.

    The header is parsed generally (``0x00 0x00 type ndim``, then ``ndim``
    big-endian int32 sizes); the payload must be exactly the product of the
    sizes times the element size, no byte more or less. Gzip is recognised by
    its content (the bytes ``1f 8b``), not by the file name.

    Args:
      path: the file.
      magic: if given, the magic number the file must have (``IMAGES_MAGIC`` =
        2051 or ``LABELS_MAGIC`` = 2049 for MNIST).

    Returns:
      A new, writable array of the header's shape and element type, in native
      byte order.

    Raises:
      IDXError: unreadable file, corrupt or truncated gzip stream, bad or
        unexpected magic number, short header, truncated payload or bytes after
        it. The message starts with ``path``.

    PyTorch twin: torchvision's ``read_image_file``/``read_label_file`` inside
    ``datasets.MNIST``; torch_ref takes the arrays this returns.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) == _GZIP_MAGIC
            raw.seek(0)
            if not compressed:
                return _parse(raw, path, magic)
            try:
                with gzip.GzipFile(fileobj=raw, mode="rb") as f:
                    return _parse(f, path, magic)
            except (EOFError, zlib.error, gzip.BadGzipFile) as e:
                raise IDXError(f"{path}: corrupt or truncated gzip data ({e})") from e
    except OSError as e:
        raise IDXError(f"{path}: cannot read the file ({e.strerror or e})") from e


def _find(name: str, dirs: list[Path]) -> Path | None:
    for d in dirs:
        for candidate in (d / name, d / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def load_mnist(data_dir: str | os.PathLike, train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's training or test split from the IDX files in ``data_dir``.

    Looks for ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte``
    (``t10k-...`` for ``train=False``), each raw or ``.gz`` (raw first), in
    ``data_dir`` and then in ``data_dir/MNIST/raw`` (where
    ``torchvision.datasets.MNIST(root=data_dir)`` keeps them). Nothing is
    downloaded.

    Args:
      data_dir: the directory holding the files (the notebooks' ``root='./data'``).
      train: the 60,000-image training split, or the 10,000-image test split.

    Returns:
      ``(images, labels)``: uint8 ``(N, 28, 28)`` with 0 the background and
      uint8 ``(N,)`` in 0..9.

    Raises:
      FileNotFoundError: a file is missing; the message lists the names looked
        for and the directories searched.
      IDXError: a file is invalid (see :func:`read_idx`), the images are not
        28×28, the image and label counts differ, there are no images, or a label
        is above 9.

    PyTorch twin: ``torchvision.datasets.MNIST(root, train, download=False)``,
    whose ``.data`` and ``.targets`` hold the same values (as torch tensors,
    targets int64).
    """
    root = Path(data_dir)
    dirs = [root, root / "MNIST" / "raw"]
    names = MNIST_FILES[bool(train)]
    found = [_find(name, dirs) for name in names]
    if None in found:
        missing = [f"{n}[.gz]" for n, p in zip(names, found, strict=True) if p is None]
        where = " and ".join(str(d) for d in dirs)
        raise FileNotFoundError(
            f"MNIST {'training' if train else 'test'} files not found: looked for "
            f"{' and '.join(f'{n}[.gz]' for n in names)} in {where}; missing "
            f"{', '.join(missing)}. Nothing is downloaded: place the IDX files there "
            "(torchvision's mirror is https://ossci-datasets.s3.amazonaws.com/mnist/)."
        )
    image_path, label_path = found
    images = read_idx(image_path, magic=IMAGES_MAGIC)
    if images.shape[1:] != (28, 28):
        raise IDXError(
            f"{image_path}: images are {images.shape[1]}x{images.shape[2]}; MNIST's are 28x28"
        )
    labels = read_idx(label_path, magic=LABELS_MAGIC)
    if len(images) != len(labels):
        raise IDXError(
            f"{image_path} holds {len(images)} images but {label_path} holds {len(labels)} labels"
        )
    if len(images) == 0:
        raise IDXError(f"{image_path}: holds 0 images; an MNIST split needs at least one")
    if labels.size and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise IDXError(f"{label_path}: label {int(labels[bad])} at index {bad} is outside 0..9")
    return images, labels
