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

from jaxnn.train.precision import Precision, check_castable
from jaxnn.train.state import TrainState
from jaxnn.train.step import GUARDS, Criterion, build_step
from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError
from twincore.steplog import StepLog


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
    precision: str | Precision | None = None,
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
      log: receives a :class:`StepLog`; e.g. ``lambda e: print(notebook_log_line(e))``.
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
      precision: a mixed-precision policy, ``"float32"`` (default), ``"bf16-mixed"``
        or ``"fp16-mixed"`` (:mod:`jaxnn.train.precision`; the train step's
        ``precision``). A step the loss scaler skips is not a non-finite step.

    Losses and the finite flags stay on the device and are fetched once per log
    interval and once per epoch (never once per step), so the loop does not
    wait for the device. The flag is computed inside the jitted step; with
    ``"raise"`` the step stops applying updates from the first non-finite one
    on, so the steps run between it and the next fetch change nothing.

    Returns:
      :class:`FitResult` with one loss per step, in order.

    PyTorch twin: ``torch_ref.train.fit``, the notebooks' canonical loop.
    """
    _check_arguments(epochs, on_nonfinite, checkpoint_every, on_checkpoint)
    check_castable(model, precision)
    graphdef, state = TrainState.create(model, tx, precision)
    if resume is not None:
        state = _resumed_state(resume, state)
    train_step = build_step(graphdef, tx, criterion, GUARDS[on_nonfinite], precision)
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    history = _History(on_nonfinite, num_batches, epochs, log if log_every else None, resume)
    total = epochs * num_batches
    if total and history.start > total:
        raise ValueError(
            f"resume: the checkpoint is at step {history.start}, past this run's {total}"
        )
    bar = tqdm(
        total=total or None,
        initial=history.start,
        desc="fit",
        unit="step",
        disable=(not progress) if progress is not None else (total < PROGRESS_MIN_STEPS or None),
    )
    halted = jnp.zeros([], bool)
    with bar:
        for epoch in range(epochs):
            for batch_idx, batch in enumerate(loader):
                if history.replayed(epoch, batch_idx):  # the loader moves on, as it did then
                    continue
                x, y = batch
                state, metrics = train_step(state, x, y, halted)
                halted = metrics.get("halted", halted)
                history.add(metrics, epoch, batch_idx)
                bar.update()
                if log is not None and log_every and history.steps % log_every == 0:
                    history.sync(bar, model, state)
                if checkpoint_every and history.steps % checkpoint_every == 0:
                    history.sync(bar, model, state)
                    on_checkpoint(history.checkpoint(state))
            history.sync(bar, model, state)
    nnx.update(model, state.params, state.rest)
    return FitResult(history.fetched, state, graphdef, history.skipped)


def _check_arguments(epochs, on_nonfinite, checkpoint_every, on_checkpoint) -> None:
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in GUARDS:
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


def _resumed_state(resume: Checkpoint, state: TrainState) -> TrainState:
    """The checkpoint's state, once it is known to fit this model, tx and history."""
    if jax.tree.structure(resume.state) != jax.tree.structure(state):
        raise ValueError("resume: the checkpoint's state does not match this model and tx")
    if len(resume.losses) != resume.step:
        raise ValueError(
            f"resume: a checkpoint at step {resume.step} needs {resume.step} losses; "
            f"got {len(resume.losses)}"
        )
    return resume.state


class _History:
    """The steps' losses and finite flags: on the device as the steps return them, fetched to
    the host in one transfer per log interval, checkpoint and epoch (never once per step)."""

    def __init__(self, on_nonfinite: str, num_batches: int, epochs: int, log, resume):
        self.on_nonfinite, self.num_batches, self.epochs, self.log = (
            on_nonfinite,
            num_batches,
            epochs,
            log,
        )
        self.losses: list[jax.Array] = []  # on the device
        self.finite: list[jax.Array] = []
        self.positions: list[tuple[int, int]] = []  # (epoch, batch) of each step
        self.fetched: list[float] = []  # on the host
        self.skipped: list[int] = []
        self.start = 0
        if resume is not None:  # the history so far, as if it had just been fetched
            self.fetched, self.skipped = list(resume.losses), list(resume.skipped)
            self.losses, self.finite = list(self.fetched), [True] * resume.step
            self.start = resume.step

    @property
    def steps(self) -> int:
        return len(self.losses)

    def replayed(self, epoch: int, batch: int) -> bool:
        """Whether this batch was trained before the checkpoint resumed from."""
        if len(self.positions) < self.start:
            self.positions.append((epoch, batch))
            return True
        return False

    def add(self, metrics, epoch: int, batch: int) -> None:
        self.losses.append(metrics["loss"])
        self.finite.append(metrics["finite"])
        self.positions.append((epoch, batch))

    def sync(self, bar, model: nnx.Module, state: TrainState) -> None:
        """Fetches the steps since the last fetch; logs them; raises at a non-finite one
        (``"raise"``), after handing ``model`` the state from before that step's update."""
        done = len(self.fetched)
        if self.steps == done:
            return
        values, flags = jax.device_get((self.losses[done:], self.finite[done:]))
        for value, ok in zip(values, flags, strict=True):
            value = float(value)
            step = len(self.fetched)
            epoch, batch = self.positions[step]
            if not ok and self.on_nonfinite == "raise":
                # The halting step kept the state from before this update; hand it back.
                nnx.update(model, state.params, state.rest)
                last = next((v for v in reversed(self.fetched) if math.isfinite(v)), None)
                error = NonFiniteLossError if not math.isfinite(value) else NonFiniteGradientError
                raise error(step, epoch, batch, value, last)
            if not ok and self.on_nonfinite == "skip":
                self.skipped.append(step)
            self.fetched.append(value)
            if self.log is not None:
                self.log(StepLog(epoch, batch, self.num_batches, self.epochs, value))
        bar.set_postfix(loss=f"{self.fetched[-1]:.4g}", refresh=False)

    def checkpoint(self, state: TrainState) -> Checkpoint:
        # A copy: the next step donates (frees) the state's buffers.
        saved = jax.tree.map(jnp.copy, state)
        return Checkpoint(self.steps, saved, list(self.fetched), list(self.skipped))
