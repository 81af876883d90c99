"""``fit``: the seeds' canonical epoch loop (S4 1817-1835)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import torch

from torch_ref.train.step import Criterion, train_step


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
    """What :func:`fit` returns: the per-step losses."""

    losses: list[float]


def fit(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    criterion: Criterion,
    loader: Iterable,
    epochs: int,
    *,
    log_every: int = 0,
    log: Callable[[StepLog], None] | None = None,
) -> FitResult:
    """Trains ``model`` in place for ``epochs`` passes over ``loader``.

    The twin of ``jaxnn.train.fit`` with the same arguments (an optimizer
    object instead of an optax transformation). Returns one loss per step.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    losses: list[torch.Tensor] = []
    for epoch in range(epochs):
        for batch_idx, batch in enumerate(loader):
            loss = train_step(model, optimizer, criterion, batch)
            losses.append(loss)
            if log is not None and log_every and len(losses) % log_every == 0:
                log(StepLog(epoch, batch_idx, num_batches, epochs, loss.item()))
    return FitResult(torch.stack(losses).tolist() if losses else [])
