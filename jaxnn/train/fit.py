"""``fit``: the epoch loop around the pure train step."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import optax
from flax import nnx

from jaxnn.train.state import TrainState
from jaxnn.train.step import Criterion, make_train_step


class StepLog(NamedTuple):
    """One logged step: 0-based ``epoch``, 0-based ``batch`` within it, ``loss``."""

    epoch: int
    batch: int
    num_batches: int
    num_epochs: int
    loss: float


def seed_log_line(entry: StepLog) -> str:
    """The seeds' per-batch log line (S4 1831-1833)."""
    return (
        f"Epoch: {entry.epoch + 1:03d}/{entry.num_epochs:03d}"
        f" | Batch {entry.batch:03d}/{entry.num_batches:03d}"
        f" | Train/Val Loss: {entry.loss:.2f}"
    )


class FitResult(NamedTuple):
    """What :func:`fit` returns: the per-step losses and the final state."""

    losses: list[float]
    state: TrainState
    graphdef: Any


def fit(
    model: nnx.Module,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    loader: Iterable,
    epochs: int,
    *,
    log_every: int = 0,
    log: Callable[[StepLog], None] | None = None,
) -> FitResult:
    """Trains ``model`` for ``epochs`` passes over ``loader``; updates ``model`` in place.

    Args:
      model: the module to train; its parameters are updated when training ends.
      tx: an optax transformation, e.g. ``jaxnn.optim.sgd(lr=0.5)``.
      criterion: ``criterion(output, target) -> scalar``, e.g.
        ``jaxnn.functional.cross_entropy``.
      loader: re-iterable batches ``(x, y)``, e.g. a ``jaxnn.data.DataLoader``.
      epochs: passes over the data (>= 0).
      log_every: call ``log`` every this many steps (0: never). Losses stay on
        the device between log points, so a large interval means no host
        synchronisation in the loop.
      log: receives a :class:`StepLog`; e.g. ``lambda e: print(seed_log_line(e))``.

    Returns:
      :class:`FitResult` with one loss per step, in order.

    PyTorch twin: ``torch_ref.train.fit``, the seeds' canonical loop.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    graphdef, state = TrainState.create(model, tx)
    train_step = make_train_step(graphdef, tx, criterion)
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    losses: list[jax.Array] = []
    pending: list[tuple[int, int, jax.Array]] = []

    def flush():
        values = jax.device_get([loss for _, _, loss in pending])  # one sync per interval
        for (e, b, _), value in zip(pending, values, strict=True):
            log(StepLog(e, b, num_batches, epochs, float(value)))
        pending.clear()

    for epoch in range(epochs):
        for batch_idx, batch in enumerate(loader):
            state, metrics = train_step(state, batch)
            losses.append(metrics["loss"])
            if log is not None and log_every:
                pending.append((epoch, batch_idx, metrics["loss"]))
                if len(pending) == log_every:
                    flush()
    if log is not None and pending:
        flush()
    nnx.update(model, state.params, state.rest)
    return FitResult([float(v) for v in jax.device_get(losses)], state, graphdef)
