"""Index orders for both twins' data loaders, the same bits in each.

torch's ``RandomSampler`` draws from torch's global generator, which JAX cannot
reproduce. Both twins therefore draw their permutations from NumPy:
``RandomSampler(n, seed)`` yields ``np.random.default_rng(seed).permutation(n)``
for the first epoch and the generator's next permutation for each later one.
``jaxnn.data`` uses these classes as they are; ``torch_ref.data`` makes each one
a ``torch.utils.data.Sampler`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np


class SequentialSampler:
    """``0, 1, ..., n-1`` every epoch, as torch's ``SequentialSampler``."""

    def __init__(self, n: int):
        self.n = int(n)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def indices(self) -> np.ndarray:
        """The epoch's order as one array (what ``DataLoader`` reads; no Python ints)."""
        return np.arange(self.n)

    def __len__(self) -> int:
        return self.n


class RandomSampler:
    """A fresh permutation of ``range(n)`` each epoch from a seeded NumPy generator.

    Args:
      n: dataset length.
      seed: seed of the ``np.random.default_rng`` stream.
    """

    def __init__(self, n: int, seed: int):
        self.n = int(n)
        self.seed = int(seed)
        self._rng = np.random.default_rng(self.seed)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def indices(self) -> np.ndarray:
        """The next epoch's order as one array; advances the generator like ``iter``."""
        return self._rng.permutation(self.n)

    def __len__(self) -> int:
        return self.n


class ReplaySampler:
    """Replays recorded orders: the k-th iteration yields ``orders[k]``.

    Used to hand one framework the exact batch order another one drew (for
    example torch's own ``RandomSampler`` under ``torch.manual_seed``).
    """

    def __init__(self, orders: Iterable[Sequence[int]]):
        self.orders = [list(map(int, o)) for o in orders]
        if not self.orders:
            raise ValueError("ReplaySampler needs at least one order")
        sizes = {len(o) for o in self.orders}
        if len(sizes) != 1:
            raise ValueError(f"ReplaySampler: orders have different lengths {sorted(sizes)}")
        self._epoch = 0

    def __iter__(self) -> Iterator[int]:
        if self._epoch >= len(self.orders):
            raise RuntimeError(
                f"ReplaySampler: all {len(self.orders)} recorded orders were used; "
                "record more epochs"
            )
        order = self.orders[self._epoch]
        self._epoch += 1
        return iter(order)

    def __len__(self) -> int:
        return len(self.orders[0])
