"""``random_split``: a dataset split into parts by one seeded NumPy permutation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch.utils.data import Subset as Subset

from twincore.data.split import split_indices


def random_split(dataset: Any, lengths: Sequence[int | float], seed: int) -> list[Subset]:
    """Splits ``dataset`` into non-overlapping ``torch.utils.data.Subset`` s of the given lengths.

    torch's own ``random_split(dataset, lengths, generator)`` cuts a ``randperm``
    drawn from a torch generator, which JAX cannot replay; this one cuts the
    seeded NumPy permutation of ``twincore.data.split.split_indices`` (``seed``
    replaces ``generator``), with torch's reading of ``lengths`` (sizes, or
    fractions summing to 1). JAX twin: ``jaxnn.data.random_split``, the same parts.
    """
    return [Subset(dataset, part.tolist()) for part in split_indices(len(dataset), lengths, seed)]
