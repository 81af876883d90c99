"""``fit``: the epoch loop around the pure train step."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import optax
from flax import nnx
from tqdm.auto import tqdm

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
    model: nnx.Module,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    loader: Iterable,
    epochs: int,
    *,
    log_every: int = 0,
    log: Callable[[StepLog], None] | None = None,
    progress: bool | None = None,
    on_nonfinite: str = "raise",
) -> FitResult:
    """Trains ``model`` for ``epochs`` passes over ``loader``; updates ``model`` in place.

    Args:
      model: the module to train; its parameters are updated when training ends.
      tx: an optax transformation, e.g. ``jaxnn.optim.sgd(lr=0.5)``.
      criterion: ``criterion(output, target) -> scalar``, e.g.
        ``jaxnn.functional.cross_entropy``.
      loader: re-iterable batches ``(x, y)``, e.g. a ``jaxnn.data.DataLoader``.
      epochs: passes over the data (>= 0).
      log_every: call ``log`` every this many steps (0: never).
      log: receives a :class:`StepLog`; e.g. ``lambda e: print(seed_log_line(e))``.
      progress: show a progress bar on stderr; ``None`` (default) shows one for
        runs of at least ``PROGRESS_MIN_STEPS`` steps when stderr is a terminal.
      on_nonfinite: ``"raise"`` (default) stops with :class:`NonFiniteLossError`
        naming the first non-finite step and the last finite loss;
        ``"continue"`` keeps training.

    Losses stay on the device and are fetched once per log interval and once
    per epoch (never once per step), so the loop does not wait for the device.
    The non-finite check therefore runs at those points: when it raises, the
    module keeps the parameters it had before ``fit``.

    Returns:
      :class:`FitResult` with one loss per step, in order.

    PyTorch twin: ``torch_ref.train.fit``, the seeds' canonical loop.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in ("raise", "continue"):
        raise ValueError(f"on_nonfinite must be 'raise' or 'continue'; got {on_nonfinite!r}")
    graphdef, state = TrainState.create(model, tx)
    train_step = make_train_step(graphdef, tx, criterion)
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    total = epochs * num_batches
    bar = tqdm(
        total=total or None,
        desc="fit",
        unit="step",
        disable=(not progress) if progress is not None else (total < PROGRESS_MIN_STEPS or None),
    )
    losses: list[jax.Array] = []  # on the device
    positions: list[tuple[int, int]] = []
    fetched: list[float] = []  # on the host

    def sync():
        if len(losses) == len(fetched):
            return
        values = jax.device_get(losses[len(fetched) :])  # one transfer for the interval
        for value in values:
            value = float(value)
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
                state, metrics = train_step(state, batch)
                losses.append(metrics["loss"])
                positions.append((epoch, batch_idx))
                bar.update()
                if log is not None and log_every and len(losses) % log_every == 0:
                    sync()
            sync()
    nnx.update(model, state.params, state.rest)
    return FitResult(fetched, state, graphdef)
