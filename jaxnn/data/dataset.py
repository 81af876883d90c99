"""Datasets: the ``Dataset`` protocol and ``TensorDataset``."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Dataset(Protocol):
    """Anything with ``len(ds)`` and ``ds[i] -> (x, y, ...)``.

    PyTorch twin: ``torch.utils.data.Dataset``.
    """

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Any: ...


class TensorDataset:
    """Rows of equally long arrays: ``ds[i] = (a[i], b[i], ...)``.

    Args:
      *arrays: NumPy (or array-like) arrays sharing their first dimension.

    Indexing with an integer array returns whole batches at once, which is how
    :class:`~jaxnn.data.DataLoader` slices it (one gather per batch, no
    per-sample Python loop).

    PyTorch twin: ``torch.utils.data.TensorDataset``.
    """

    def __init__(self, *arrays: Any):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(np.asarray(a) for a in arrays)
        sizes = [len(a) if a.ndim else None for a in self.arrays]
        if None in sizes:
            raise ValueError("TensorDataset: every array needs a first (sample) dimension")
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: arrays have different lengths {sizes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)
