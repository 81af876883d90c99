"""``fit``: the epoch loop around the pure train step."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from flax import nnx
from tqdm.auto import tqdm

from jaxnn.train.state import TrainState
from jaxnn.train.step import Criterion, _build_step


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
    """What :func:`fit` returns: the per-step losses, the final state, the skipped steps.

    ``skipped`` lists the 0-based steps whose update ``on_nonfinite="skip"``
    dropped (their losses are still in ``losses``).
    """

    losses: list[float]
    state: TrainState
    graphdef: Any
    skipped: list[int] = []


class Checkpoint(NamedTuple):
    """A point :func:`fit` can resume from: after ``step`` steps (0-based count of batches
    trained, skipped updates included), the train state and the history so far."""

    step: int
    state: TrainState
    losses: list[float]
    skipped: list[int]


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss; names the step and the last finite loss."""

    def __init__(self, step: int, epoch: int, batch: int, loss: float, last_finite: float | None):
        self.step, self.epoch, self.batch = step, epoch, batch
        self.loss, self.last_finite = loss, last_finite
        last = "none" if last_finite is None else f"{last_finite:.6g}"
        super().__init__(
            f"non-finite loss {loss} at step {step} (epoch {epoch + 1}, batch {batch}); "
            f"last finite loss: {last}. Lower the learning rate, check the data for NaN/inf, "
            "or pass on_nonfinite='skip' (drop such updates) or 'continue' to keep going. "
            f"The model holds the parameters from before this step's update (after {step} "
            "good updates)"
        )


class NonFiniteGradientError(NonFiniteLossError):
    """A finite loss with a NaN or infinite gradient (e.g. ``sqrt`` at 0); names the step."""

    def __init__(self, step: int, epoch: int, batch: int, loss: float, last_finite: float | None):
        FloatingPointError.__init__(
            self,
            f"non-finite gradient at step {step} (epoch {epoch + 1}, batch {batch}) with a "
            f"finite loss {loss:.6g}. Check the model for operations whose derivative is "
            "infinite at the current values (sqrt or log at 0), or pass on_nonfinite='skip' "
            "(drop such updates) or 'continue' to keep going. The model holds the parameters "
            f"from before this step's update (after {step} good updates)",
        )
        self.step, self.epoch, self.batch = step, epoch, batch
        self.loss, self.last_finite = loss, last_finite


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
    checkpoint_every: int = 0,
    on_checkpoint: Callable[[Checkpoint], None] | None = None,
    resume: Checkpoint | None = None,
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
      on_nonfinite: what to do with a step whose loss or gradient is NaN or
        infinite. ``"raise"`` (default) stops with :class:`NonFiniteLossError`
        (:class:`NonFiniteGradientError` when only the gradient is) naming
        the first such step and the last finite loss; ``model`` then holds the
        state from before that step's update, i.e. after the last good step.
        ``"skip"`` drops such updates (parameters, optimizer state, step count
        and running statistics stay as they were; the RNG state moves on) and
        keeps training; their losses stay in the history and their steps are
        listed in :attr:`FitResult.skipped`. ``"continue"`` applies every
        update, NaN or not.
      checkpoint_every: call ``on_checkpoint`` every this many steps (0: never)
        with a :class:`Checkpoint` holding a copy of the state; e.g. save it
        with ``jaxnn.checkpoint.save_train_state``.
      resume: a :class:`Checkpoint` of an earlier run of the same ``fit`` (same
        model, ``tx``, loader and epochs); training continues after its step.
        The loader is still iterated over the steps already done, so its
        shuffling state moves on exactly as in an uninterrupted run, and the
        final state and history are bit-identical to one.

    Losses and the finite flags stay on the device and are fetched once per log
    interval and once per epoch (never once per step), so the loop does not
    wait for the device. The flag is computed inside the jitted step; with
    ``"raise"`` the step stops applying updates from the first non-finite one
    on, so the steps run between it and the next fetch change nothing.

    Returns:
      :class:`FitResult` with one loss per step, in order.

    PyTorch twin: ``torch_ref.train.fit``, the seeds' canonical loop.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in ("raise", "skip", "continue"):
        raise ValueError(
            f"on_nonfinite must be 'raise', 'skip' or 'continue'; got {on_nonfinite!r}"
        )
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int):
        raise ValueError(f"checkpoint_every must be an int; got {checkpoint_every!r}")
    if checkpoint_every < 0 or (checkpoint_every and on_checkpoint is None):
        raise ValueError(
            "checkpoint_every must be >= 0, and > 0 only with an on_checkpoint callback; "
            f"got {checkpoint_every} with on_checkpoint={on_checkpoint!r}"
        )
    graphdef, state = TrainState.create(model, tx)
    if resume is not None:
        if jax.tree.structure(resume.state) != jax.tree.structure(state):
            raise ValueError("resume: the checkpoint's state does not match this model and tx")
        if len(resume.losses) != resume.step:
            raise ValueError(
                f"resume: a checkpoint at step {resume.step} needs {resume.step} losses; "
                f"got {len(resume.losses)}"
            )
        state = resume.state
    guard = {"raise": "halt", "skip": "skip", "continue": "none"}[on_nonfinite]
    train_step = _build_step(graphdef, tx, criterion, guard)
    halted = jnp.zeros([], bool)
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    total = epochs * num_batches
    start = 0 if resume is None else resume.step
    if total and start > total:
        raise ValueError(f"resume: the checkpoint is at step {start}, past this run's {total}")
    bar = tqdm(
        total=total or None,
        initial=start,
        desc="fit",
        unit="step",
        disable=(not progress) if progress is not None else (total < PROGRESS_MIN_STEPS or None),
    )
    losses: list[jax.Array] = []  # on the device
    finite: list[jax.Array] = []
    positions: list[tuple[int, int]] = []
    fetched: list[float] = []  # on the host
    skipped: list[int] = []
    if resume is not None:  # the history so far, as if it had just been fetched
        fetched, skipped = list(resume.losses), list(resume.skipped)
        losses, finite = list(fetched), [True] * start

    def sync():
        if len(losses) == len(fetched):
            return
        # One transfer for the interval.
        values, flags = jax.device_get((losses[len(fetched) :], finite[len(fetched) :]))
        for value, ok in zip(values, flags, strict=True):
            value = float(value)
            step = len(fetched)
            epoch, batch = positions[step]
            if not ok and on_nonfinite == "raise":
                # The halting step kept the state from before this update; hand it back.
                nnx.update(model, state.params, state.rest)
                last = next((v for v in reversed(fetched) if math.isfinite(v)), None)
                error = NonFiniteLossError if not math.isfinite(value) else NonFiniteGradientError
                raise error(step, epoch, batch, value, last)
            if not ok and on_nonfinite == "skip":
                skipped.append(step)
            fetched.append(value)
            if log is not None and log_every:
                log(StepLog(epoch, batch, num_batches, epochs, value))
        bar.set_postfix(loss=f"{fetched[-1]:.4g}", refresh=False)

    with bar:
        for epoch in range(epochs):
            for batch_idx, batch in enumerate(loader):
                if len(positions) < start:  # done before the checkpoint; the loader moves on
                    positions.append((epoch, batch_idx))
                    continue
                x, y = batch
                state, metrics = train_step(state, x, y, halted)
                halted = metrics.get("halted", halted)
                losses.append(metrics["loss"])
                finite.append(metrics["finite"])
                positions.append((epoch, batch_idx))
                bar.update()
                if log is not None and log_every and len(losses) % log_every == 0:
                    sync()
                if checkpoint_every and len(losses) % checkpoint_every == 0:
                    sync()
                    # A copy: the next step donates (frees) the state's buffers.
                    saved = jax.tree.map(jnp.copy, state)
                    on_checkpoint(Checkpoint(len(losses), saved, list(fetched), list(skipped)))
            sync()
    nnx.update(model, state.params, state.rest)
    return FitResult(fetched, state, graphdef, skipped)
