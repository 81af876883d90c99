"""``random_split``: a dataset split into parts by one seeded NumPy permutation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from twincore.data.split import split_indices


class Subset:
    """The samples of ``dataset`` at ``indices``: ``subset[i] = dataset[indices[i]]``.

    Indexing with an integer array gathers those samples at once from a dataset
    that allows it (a ``TensorDataset``).

    PyTorch twin: ``torch.utils.data.Subset``.
    """

    def __init__(self, dataset: Any, indices: Sequence[int]):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (int, np.integer)):
            return self.dataset[int(self.indices[index])]
        return self.dataset[self.indices[index]]


def random_split(dataset: Any, lengths: Sequence[int | float], seed: int) -> list[Subset]:
    """Splits ``dataset`` into non-overlapping :class:`Subset` s of the given lengths.

    Args:
      dataset: anything with ``len`` and ``[]``.
      lengths: the parts' sizes, summing to ``len(dataset)``, or fractions summing
        to 1 (``floor(n * f)`` each, the remainder one by one to the first parts,
        as torch does).
      seed: seed of the NumPy permutation the parts are cut from
        (``twincore.data.split.split_indices``): the same seed gives the same
        parts in both twins.

    PyTorch twin: ``torch_ref.data.random_split``, the same parts as
    ``torch.utils.data.Subset`` s. torch's own ``random_split(dataset, lengths,
    generator)`` draws a ``randperm`` from a torch generator instead, which JAX
    cannot replay; ``seed`` replaces ``generator``.
    """
    return [Subset(dataset, part) for part in split_indices(len(dataset), lengths, seed)]
