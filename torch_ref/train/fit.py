"""``fit``: the seeds' canonical epoch loop (S4 1817-1835)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import NamedTuple

import torch
from tqdm.auto import tqdm

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


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss; names the step and the last finite loss."""

    def __init__(self, step: int, epoch: int, batch: int, loss: float, last_finite: float | None):
        self.step, self.epoch, self.batch = step, epoch, batch
        self.loss, self.last_finite = loss, last_finite
        last = "none" if last_finite is None else f"{last_finite:.6g}"
        super().__init__(
            f"non-finite loss {loss} at step {step} (epoch {epoch + 1}, batch {batch}); "
            f"last finite loss: {last}. Lower the learning rate, check the data for NaN/inf, "
            "or pass on_nonfinite='continue' to keep going"
        )


# Runs shorter than this finish before a progress bar would tell anyone anything.
PROGRESS_MIN_STEPS = 100


def fit(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    criterion: Criterion,
    loader: Iterable,
    epochs: int,
    *,
    log_every: int = 0,
    log: Callable[[StepLog], None] | None = None,
    progress: bool | None = None,
    on_nonfinite: str = "raise",
) -> FitResult:
    """Trains ``model`` in place for ``epochs`` passes over ``loader``.

    The twin of ``jaxnn.train.fit`` with the same arguments (an optimizer
    object instead of an optax transformation) and the same checks: losses are
    read once per log interval and once per epoch, where a non-finite one
    raises :class:`NonFiniteLossError` (``on_nonfinite="continue"`` keeps
    going). Unlike the JAX twin, torch has already updated the model in place
    by then. Returns one loss per step.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in ("raise", "continue"):
        raise ValueError(f"on_nonfinite must be 'raise' or 'continue'; got {on_nonfinite!r}")
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    total = epochs * num_batches
    bar = tqdm(
        total=total or None,
        desc="fit",
        unit="step",
        disable=(not progress) if progress is not None else (total < PROGRESS_MIN_STEPS or None),
    )
    losses: list[torch.Tensor] = []
    positions: list[tuple[int, int]] = []
    fetched: list[float] = []

    def sync():
        if len(losses) == len(fetched):
            return
        for value in torch.stack(losses[len(fetched) :]).tolist():
            step = len(fetched)
            epoch, batch = positions[step]
            if not math.isfinite(value) and on_nonfinite == "raise":
                last = next((v for v in reversed(fetched) if math.isfinite(v)), None)
                raise NonFiniteLossError(step, epoch, batch, value, last)
            fetched.append(value)
            if log is not None and log_every:
                log(StepLog(epoch, batch, num_batches, epochs, value))
        bar.set_postfix(loss=f"{fetched[-1]:.4g}", refresh=False)

    with bar:
        for epoch in range(epochs):
            for batch_idx, batch in enumerate(loader):
                losses.append(train_step(model, optimizer, criterion, batch))
                positions.append((epoch, batch_idx))
                bar.update()
                if log is not None and log_every and len(losses) % log_every == 0:
                    sync()
            sync()
    return FitResult(fetched)
