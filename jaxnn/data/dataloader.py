"""``DataLoader``: batches from a dataset in a sampler's order, as JAX arrays."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxnn.data.dataset import TensorDataset
from jaxnn.data.sampler import RandomSampler, SequentialSampler


@jax.jit
def _take(arrays: tuple[jax.Array, ...], idx: jax.Array) -> tuple[jax.Array, ...]:
    """One batch of every array, gathered on the device in one dispatch."""
    return tuple(jnp.take(a, idx, axis=0) for a in arrays)


def _collate(samples: list[tuple]) -> tuple[np.ndarray, ...]:
    return tuple(np.stack([np.asarray(s[i]) for s in samples]) for i in range(len(samples[0])))


class DataLoader:
    """Iterates a dataset in batches: ``for x, y in loader``.

    Args:
      dataset: a :class:`TensorDataset` (sliced a batch at a time) or any
        object with ``__len__`` and ``__getitem__`` returning tuples (collated
        with ``np.stack``).
      batch_size: samples per batch (>= 1).
      shuffle: new order every epoch from ``RandomSampler(len(dataset), seed)``.
      drop_last: drop the final short batch.
      seed: seed of the shuffle order; the same seed gives the same batches as
        ``torch_ref.data.DataLoader``.
      sampler: explicit index order (an iterable re-iterated each epoch);
        excludes ``shuffle``.
      on_device: keep a :class:`TensorDataset`'s arrays on the device (copied
        there once, on the first iteration) and gather each batch there with
        one compiled ``take``: no host gather and no host-to-device copy per
        batch. The batches are the same; use it when the data set fits in
        device memory.

    ``len(loader)`` is ``ceil(N / batch_size)``, or ``floor`` with
    ``drop_last``. Batches are handed to the device with ``jax.device_put``,
    which does not wait for the transfer.

    PyTorch twin: ``torch.utils.data.DataLoader`` (through
    ``torch_ref.data.DataLoader``). torch shuffles with its global generator;
    here the order comes from an explicit seed. torch's counterpart of
    ``on_device`` is a ``TensorDataset`` of tensors already moved to the GPU.
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
        on_device: bool = False,
    ):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
        for name, flag in (
            ("shuffle", shuffle),
            ("drop_last", drop_last),
            ("on_device", on_device),
        ):
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
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        if sampler is None:
            sampler = (
                RandomSampler(len(dataset), seed) if shuffle else SequentialSampler(len(dataset))
            )
        self.sampler = sampler
        if on_device and not isinstance(dataset, TensorDataset):
            raise ValueError(
                "on_device=True needs a TensorDataset (arrays to copy to the device); got "
                f"{type(dataset).__name__}"
            )
        self.on_device = bool(on_device)
        self._device_arrays: tuple[jax.Array, ...] | None = None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def batch_indices(self) -> Iterator[np.ndarray]:
        """The next epoch's batches as index arrays (advances the sampler)."""
        order = np.fromiter(iter(self.sampler), dtype=np.int64)
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start : start + self.batch_size]

    def __iter__(self) -> Iterator[tuple[jax.Array, ...]]:
        if self.on_device:
            if self._device_arrays is None:
                self._device_arrays = tuple(jax.device_put(a) for a in self.dataset.arrays)
            for idx in self.batch_indices():
                yield _take(self._device_arrays, idx)
            return
        for idx in self.batch_indices():
            if isinstance(self.dataset, TensorDataset):
                batch = self.dataset[idx]
            else:
                batch = _collate([self.dataset[int(i)] for i in idx])
            yield tuple(jax.device_put(b) for b in batch)
