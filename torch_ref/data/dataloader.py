"""``DataLoader``: torch's own loader, fed the index order ``jaxnn.data`` uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch.utils.data

from torch_ref.data.sampler import RandomSampler, SequentialSampler
from twincore.data.loader_args import check_loader_args


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
        check_loader_args(dataset, batch_size, seed, sampler, shuffle=shuffle, drop_last=drop_last)
        if sampler is None:
            sampler = (
                RandomSampler(len(dataset), seed) if shuffle else SequentialSampler(len(dataset))
            )
        super().__init__(
            dataset, batch_size=batch_size, sampler=sampler, drop_last=drop_last, **kwargs
        )
