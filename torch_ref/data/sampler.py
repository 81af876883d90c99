"""Index orders for ``DataLoader``: the neutral core's NumPy samplers as torch ``Sampler`` s.

torch's own ``RandomSampler`` draws from torch's global generator, which JAX
cannot replay, so both twins draw their orders from NumPy
(``twincore.data.sampler``); here each is also a ``torch.utils.data.Sampler``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import torch.utils.data

from twincore.data import sampler as orders


class SequentialSampler(orders.SequentialSampler, torch.utils.data.Sampler):
    """``0, 1, ..., n-1`` every epoch."""


class RandomSampler(orders.RandomSampler, torch.utils.data.Sampler):
    """A fresh permutation of ``range(n)`` each epoch from a seeded NumPy generator."""


class ReplaySampler(orders.ReplaySampler, torch.utils.data.Sampler):
    """Replays recorded orders: the k-th iteration yields ``orders[k]``."""


class RecordingSampler(torch.utils.data.Sampler):
    """Wraps a sampler and records each epoch's order in ``orders``.

    With torch's own ``RandomSampler`` inside, this captures the order torch
    drew under ``torch.manual_seed`` so another framework can replay it
    (torch only: a JAX sampler's order is already NumPy's).
    """

    def __init__(self, sampler: Iterable[int]):
        self.sampler = sampler
        self.orders: list[list[int]] = []

    def __iter__(self) -> Iterator[int]:
        order = [int(i) for i in self.sampler]
        self.orders.append(order)
        return iter(order)

    def __len__(self) -> int:
        return len(self.sampler)
