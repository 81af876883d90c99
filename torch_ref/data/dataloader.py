"""``DataLoader``: torch's own loader, fed the index order ``jaxnn.data`` uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch.utils.data

from torch_ref.data.sampler import RandomSampler, SequentialSampler


class DataLoader(torch.utils.data.DataLoader):
    """``torch.utils.data.DataLoader`` with a seeded, framework-neutral shuffle.

    Args:
      dataset: a torch ``Dataset``.
      batch_size: samples per batch (>= 1).
      shuffle: new order every epoch from ``RandomSampler(len(dataset), seed)``,
        the same permutations as ``jaxnn.data.DataLoader(..., seed=seed)``.
      drop_last: drop the final short batch.
      seed: seed of the shuffle order.
      sampler: explicit index order; excludes ``shuffle``.
      **kwargs: passed to torch's ``DataLoader`` (``num_workers``, ...).

    JAX twin: ``jaxnn.data.DataLoader``.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        seed: int = 0,
        sampler: Iterable[int] | None = None,
        **kwargs: Any,
    ):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, (bool, np.bool_)):
                # A truthy string such as "False" would otherwise switch it on silently.
                raise TypeError(f"{name} must be a bool; got {flag!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            # int(1.5) or int("3") would silently pick another shuffle order.
            raise ValueError(f"seed must be a non-negative int; got {seed!r}")
        if sampler is not None and shuffle:
            raise ValueError("sampler and shuffle=True are mutually exclusive")
        if len(dataset) == 0:
            raise ValueError("DataLoader: the dataset is empty")
        if sampler is None:
            sampler = (
                RandomSampler(len(dataset), seed) if shuffle else SequentialSampler(len(dataset))
            )
        super().__init__(
            dataset, batch_size=batch_size, sampler=sampler, drop_last=drop_last, **kwargs
        )
