"""``DataLoader``: batches from a dataset in a sampler's order, as JAX arrays."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxnn.data.dataset import TensorDataset
from jaxnn.data.prefetch import prefetch
from jaxnn.data.sampler import RandomSampler, SequentialSampler
from twincore.data.loader_args import check_loader_args, check_worker_args

# Consecutive full batches are prepared in chunks of up to this many bytes (and at most
# _MAX_CHUNK batches): one dispatch or one host-to-device call per chunk instead of per batch.
# The Python cost of each call, not the bytes moved, otherwise bounds small batches.
_CHUNK_BYTES = 2 << 20
_MAX_CHUNK = 32


@jax.jit
def _take_chunk(
    arrays: tuple[jax.Array, ...], block: jax.Array
) -> tuple[tuple[jax.Array, ...], ...]:
    """``block[i]``'s batch for every row ``i``, as separate batches, in one dispatch."""
    return tuple(tuple(jnp.take(a, row, axis=0) for a in arrays) for row in block)


@jax.jit
def _unstack(stacked: tuple[jax.Array, ...]) -> tuple[tuple[jax.Array, ...], ...]:
    """Splits arrays of shape ``[k, batch, ...]`` into ``k`` batches, in one dispatch."""
    return tuple(tuple(a[i] for a in stacked) for i in range(stacked[0].shape[0]))


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
      num_workers: 0 (default) prepares each batch when it is asked for; ``> 0`` prepares
        the next batches in one background thread while the loop runs (torch: that many
        worker processes). The batches and their order are the same either way, so the
        numbers are identical; a loop left early stops the thread.
      pin_memory: accepted; no effect. torch pins host memory so the copy to the GPU can
        overlap compute; here every batch is already handed to the device with
        ``jax.device_put``, which returns before the copy is done.
      prefetch_factor: batches prepared ahead per worker, torch's meaning: the thread
        keeps up to ``num_workers * prefetch_factor`` batches ready (torch's default 2
        with workers; only allowed with ``num_workers > 0``, as in torch).
      persistent_workers: accepted, as in torch only with ``num_workers > 0``; no
        effect: the thread is started for each epoch and stopped at its end (starting a
        thread costs microseconds, not a process start).

    ``len(loader)`` is ``ceil(N / batch_size)``, or ``floor`` with
    ``drop_last``. Batches are handed to the device with ``jax.device_put``,
    which does not wait for the transfer. For a :class:`TensorDataset`,
    consecutive batches are gathered and sent a chunk at a time (up to 32
    batches, about 2 MiB), which costs one call per chunk instead of per
    batch; the batches and their order are the same.

    PyTorch twin: ``torch.utils.data.DataLoader`` (through
    ``torch_ref.data.DataLoader``). torch shuffles with its global generator;
    here the order comes from an explicit seed. torch's counterpart of
    ``on_device`` is a ``TensorDataset`` of tensors already moved to the GPU.
    The worker arguments are torch's, checked with torch's messages (a negative
    ``num_workers``, ``prefetch_factor`` or ``persistent_workers=True`` without workers
    raise ValueError), so a notebook's loader line pastes unchanged.
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
        num_workers: int = 0,
        pin_memory: bool = False,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ):
        check_loader_args(
            dataset,
            batch_size,
            seed,
            sampler,
            shuffle=shuffle,
            drop_last=drop_last,
            on_device=on_device,
            pin_memory=pin_memory,
        )
        self.prefetch_factor = check_worker_args(num_workers, prefetch_factor, persistent_workers)
        self.num_workers = int(num_workers)
        self.pin_memory = bool(pin_memory)
        self.persistent_workers = bool(persistent_workers)
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

    def _order(self) -> np.ndarray:
        """The next epoch's sample order (advances the sampler)."""
        indices = getattr(self.sampler, "indices", None)
        if callable(indices):
            return np.asarray(indices(), dtype=np.int64)
        return np.fromiter(iter(self.sampler), dtype=np.int64)

    def batch_indices(self) -> Iterator[np.ndarray]:
        """The next epoch's batches as index arrays (advances the sampler)."""
        order = self._order()
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start : start + self.batch_size]

    def _chunks(self, order: np.ndarray) -> Iterator[np.ndarray]:
        """An epoch's batches as index blocks ``[k, batch]`` (the short last batch as a
        block of its own), ``k`` chosen so a block of batches stays near _CHUNK_BYTES."""
        if len(order) < 2**31:
            order = order.astype(np.int32)  # the device's native index width
        full = len(order) // self.batch_size
        k = 1
        if isinstance(self.dataset, TensorDataset):
            # Other datasets load sample by sample; their batches stay one at a time.
            per_batch = self.batch_size * sum(a[0].nbytes for a in self.dataset.arrays)
            k = int(min(max(_CHUNK_BYTES // max(per_batch, 1), 1), _MAX_CHUNK))
        blocks = order[: full * self.batch_size].reshape(full, self.batch_size)
        for start in range(0, full, k):
            yield blocks[start : start + k]
        if not self.drop_last and len(order) > full * self.batch_size:
            yield order[full * self.batch_size :][None]

    def __iter__(self) -> Iterator[tuple[jax.Array, ...]]:
        # The order is drawn here, in the caller's thread, at the first batch asked for,
        # with or without the prefetch thread.
        batches = self._batches(self._order())
        if self.num_workers:
            yield from prefetch(batches, self.num_workers * self.prefetch_factor)
        else:
            yield from batches

    def _batches(self, order: np.ndarray) -> Iterator[tuple[jax.Array, ...]]:
        """The batches of one epoch in ``order``."""
        if self.on_device:
            if self._device_arrays is None:
                self._device_arrays = tuple(jax.device_put(a) for a in self.dataset.arrays)
            for block in self._chunks(order):
                yield from _take_chunk(self._device_arrays, block)
            return
        for block in self._chunks(order):
            if len(block) > 1:
                # One host gather, one copy and one split per block: per call, not per byte,
                # is what small batches cost.
                yield from _unstack(jax.device_put(self.dataset[block]))
            elif isinstance(self.dataset, TensorDataset):
                yield tuple(jax.device_put(self.dataset[block[0]]))
            else:
                yield tuple(jax.device_put(_collate([self.dataset[int(i)] for i in block[0]])))
