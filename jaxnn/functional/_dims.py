"""Dimension checks with torch's wording, shared by the functional twins."""

from __future__ import annotations

from collections.abc import Sequence


def normalize_dim(dim: int, ndim: int) -> int:
    """Maps a possibly negative ``dim`` onto ``range(ndim)`` or raises IndexError like torch.

    torch treats a 0-d tensor as having one addressable dimension (dims 0 and -1).
    """
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int; got {type(dim).__name__}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], "
            f"but got {dim})"
        )
    return dim % size


def normalize_dims(dim: int | Sequence[int], ndim: int) -> tuple[int, ...]:
    """Like :func:`normalize_dim` for an int or a sequence of ints; rejects repeats."""
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = tuple(normalize_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        raise ValueError(f"dim {dim!r} appears multiple times in the list of dims")
    return out
