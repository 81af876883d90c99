"""Data parallelism: replicated parameters, each batch split along its first axis over devices."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jaxnn.train.state import TrainState
from jaxnn.train.step import Criterion, build_step

AXIS = "data"


def data_mesh(n: int, devices: Sequence[jax.Device] | None = None) -> Mesh:
    """A one-axis mesh named ``"data"`` over the first ``n`` devices.

    Args:
      n: devices to use (>= 1).
      devices: where to pick them from (default ``jax.devices()``).

    Raises:
      ValueError: ``n`` is not a positive int, or more devices than are available
        (the message names how many there are; on CPU,
        ``XLA_FLAGS=--xla_force_host_platform_device_count=N`` set before JAX
        starts makes N host devices).

    PyTorch twin: ``torch.distributed.init_process_group`` + one process per
    device for ``DistributedDataParallel``; here one process drives every device.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the device count must be a positive int; got {n!r}")
    available = list(jax.devices() if devices is None else devices)
    if n > len(available):
        platform = available[0].platform if available else "no"
        raise ValueError(
            f"asked for {n} devices but only {len(available)} {platform} device(s) are "
            f"available; use at most {len(available)} (on CPU, set "
            f"XLA_FLAGS=--xla_force_host_platform_device_count={n} before importing JAX)"
        )
    return Mesh(np.array(available[:n]), (AXIS,))


def _devices(mesh: Mesh) -> int:
    return int(mesh.shape[AXIS])


def check_batch_size(batch_size: int, mesh: Mesh) -> None:
    """Raises ``ValueError`` unless ``batch_size`` splits evenly over the mesh's devices."""
    n = _devices(mesh)
    if batch_size % n:
        lower, upper = (batch_size // n) * n, (batch_size // n + 1) * n
        example = f"{lower} or {upper}" if lower else f"{upper}"
        raise ValueError(
            f"batch size {batch_size} is not divisible by {n} devices; use a multiple of "
            f"{n}, e.g. {example}"
        )


def replicate(tree: Any, mesh: Mesh) -> Any:
    """Copies every leaf of ``tree`` onto every device of ``mesh`` (``P()``: replicated)."""
    return jax.device_put(tree, NamedSharding(mesh, P()))


def shard_batch(batch: Any, mesh: Mesh) -> Any:
    """Splits every array of ``batch`` along its first axis over the mesh (``P("data")``).

    Raises:
      ValueError: the batch size is not divisible by the device count (checked
        before anything is transferred).
    """
    for leaf in jax.tree.leaves(batch):
        check_batch_size(int(np.shape(leaf)[0]), mesh)
    return jax.device_put(batch, NamedSharding(mesh, P(AXIS)))


def make_sharded_train_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    mesh: Mesh,
    *,
    skip_nonfinite: bool = False,
):
    """Builds a data-parallel ``train_step(state, (x, y)) -> (state, metrics)`` over ``mesh``.

    The parameters and optimizer state are replicated on every device; each
    batch is split along its first axis (``NamedSharding(mesh, P("data"))``).
    ``criterion``'s mean runs over the global batch (XLA inserts the
    all-reduce), so the loss, the gradient and the update equal the
    single-device step's, up to summation order: the curve is the same.
    Batches and states may come from the host or another device; the step puts
    them in place first (a no-op when they already are). The incoming state's
    buffers are donated.

    Args:
      graphdef, tx, criterion: as in :func:`~jaxnn.train.make_train_step`.
      mesh: a mesh with a ``"data"`` axis, e.g. :func:`data_mesh`.
      skip_nonfinite: as in :func:`~jaxnn.train.make_train_step`.

    Raises:
      ValueError: a batch whose size is not divisible by the device count,
        before any computation.

    PyTorch twin: ``torch.nn.parallel.DistributedDataParallel``, which runs one
    process per device and all-reduces the gradients in ``backward``; here one
    program spans the devices and the compiler places the reduction.
    """
    if AXIS not in mesh.axis_names:
        raise ValueError(f"the mesh needs a {AXIS!r} axis; got axes {mesh.axis_names}")
    replicated, split = NamedSharding(mesh, P()), NamedSharding(mesh, P(AXIS))
    inner = build_step(graphdef, tx, criterion, "skip" if skip_nonfinite else "none")
    step = jax.jit(
        inner,
        in_shardings=(replicated, split, split, replicated),
        out_shardings=replicated,
        donate_argnums=0,
    )
    no = jax.device_put(jnp.zeros([], bool), replicated)

    def train_step(state: TrainState, batch) -> tuple[TrainState, dict[str, jax.Array]]:
        x, y = shard_batch(tuple(batch), mesh)
        return step(replicate(state, mesh), x, y, no)

    return train_step


class ShardedLoader:
    """Wraps a loader so each batch comes out split over ``mesh`` (see :func:`shard_batch`).

    With a ``jaxnn.data.DataLoader`` (anything with ``batch_size``, ``drop_last``
    and ``dataset``) every batch size, the short last one included, is checked
    when the wrapper is made, so a bad size fails before any training.

    PyTorch twin: ``torch.utils.data.DistributedSampler``, which hands each
    process its share of every batch.
    """

    def __init__(self, loader: Iterable, mesh: Mesh):
        self.loader, self.mesh = loader, mesh
        batch_size = getattr(loader, "batch_size", None)
        if batch_size is not None:
            check_batch_size(batch_size, mesh)
            dataset = getattr(loader, "dataset", None)
            if dataset is not None and not getattr(loader, "drop_last", False):
                last = len(dataset) % batch_size
                if last and last % _devices(mesh):
                    raise ValueError(
                        f"the last batch has {last} samples ({len(dataset)} % {batch_size}), "
                        f"not divisible by {_devices(mesh)} devices; pass drop_last=True or "
                        f"use a data set size that is a multiple of {_devices(mesh)}"
                    )

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self) -> Iterator[Any]:
        for batch in self.loader:
            yield shard_batch(tuple(batch), self.mesh)
