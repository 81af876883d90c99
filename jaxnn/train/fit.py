"""``fit``: the epoch loop around the pure train step."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from tqdm.auto import tqdm

from jaxnn.train.epoch import FusedEpochs, fusable
from jaxnn.train.precision import Precision, check_castable
from jaxnn.train.state import TrainState
from jaxnn.train.step import GUARDS, Criterion, build_step
from twincore.early_stopping import EarlyStopping, check_validation_arguments, mean_loss
from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError
from twincore.steplog import StepLog


class FitResult(NamedTuple):
    """What :func:`fit` returns: the per-step losses, the final state, the skipped steps,
    and with a ``val_loader`` the validation history.

    ``skipped`` lists the 0-based steps whose update ``on_nonfinite="skip"``
    dropped (their losses are still in ``losses``). ``val_losses`` holds one mean
    validation loss per epoch trained; ``best_epoch`` is the 0-based epoch with the
    best of them (``None`` without a ``val_loader``, or when no loss was finite);
    ``stopped_epoch`` is the 0-based epoch after which early stopping ended the run
    (``None`` when the rule never fired; the last epoch when it fired there).
    """

    losses: list[float]
    state: TrainState
    graphdef: Any
    skipped: list[int] = []
    val_losses: list[float] = []
    best_epoch: int | None = None
    stopped_epoch: int | None = None


class Checkpoint(NamedTuple):
    """A point :func:`fit` can resume from: after ``step`` steps (0-based count of batches
    trained, skipped updates included), the train state and the history so far."""

    step: int
    state: TrainState
    losses: list[float]
    skipped: list[int]
    # With a val_loader: the losses of the epochs validated before ``step``, and a copy of
    # the best epoch's state when fit restores it (restore_best).
    val_losses: list[float] = []
    best_state: TrainState | None = None


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
    val_loader: Iterable | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    restore_best: bool = True,
    fused: bool | None = None,
    unroll: int | bool = 1,
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

        final state and history are bit-identical to one (validation history and
        early stopping included).
      val_loader: re-iterable validation batches ``(x, y)``; after every epoch the
        model is evaluated on all of them in eval mode (dropout off, running
        statistics used, nothing differentiated) and the mean loss over the
        validation samples, ``sum(batch mean loss * batch size) / samples`` summed
        in float64 on the host, is appended to :attr:`FitResult.val_losses`.
      patience: early stopping (``None``, the default: off, every epoch runs). An
        epoch *improves* when its validation loss is below ``best - min_delta``,
        ``best`` being the lowest loss of an improving epoch so far (the first
        finite loss always improves); a tie, ``loss == best - min_delta``, or a
        NaN loss does not, so among equal losses the earliest epoch is the best.
        Training stops at the end of the ``patience``-th consecutive epoch
        without improvement (0 acts as 1, as in Keras and Lightning). Needs
        ``val_loader``.
      min_delta: how much lower (absolute, >= 0) a loss must be to improve.
      restore_best: with ``val_loader``, hand back (in ``model`` and
        :attr:`FitResult.state`) the state at the end of the best epoch instead
        of the last one: parameters, running statistics, optimizer state and step
        count; the RNG state stays the last one, as torch's global generator does.
        ``False``: the last epoch's state.
      fused: run each epoch's batches as blocks of one compiled ``lax.scan`` over the
        data set put on the device once (:mod:`jaxnn.train.epoch`), instead of one
        jitted call per batch. The steps, their order and the loader's shuffling are
        the same, so the curve and the final state equal the per-step loop's (float64:
        to rounding, the same kernels compiled into a larger program; pinned by
        ``parity_tests/train/test_fit_fused.py``); the host hears of the steps once per
        block (the bar, the log, a non-finite step), at most :data:`~jaxnn.train.epoch.
        BLOCK_STEPS` steps apart, and checkpoints land on the same steps. ``None`` (the
        default) fuses whenever the loader allows it (a ``jaxnn.data.DataLoader`` over a
        ``TensorDataset`` of (x, y) that fits :data:`~jaxnn.train.epoch.MAX_DEVICE_BYTES`);
        ``True`` requires it (TypeError otherwise); ``False`` never fuses.
      unroll: the fused blocks' ``lax.scan`` ``unroll`` (steps per loop iteration;
        ``True``: the whole block), at a compile time that grows with it.

    Losses and the finite flags stay on the device and are fetched once per log
    interval (or fused block) and once per epoch (never once per step), so the loop does not
    wait for the device. The flag is computed inside the jitted step; with
    ``"raise"`` the step stops applying updates from the first non-finite one
    on, so the steps run between it and the next fetch change nothing.

    Returns:
      :class:`FitResult` with one loss per step, in order, and the validation history.

    PyTorch twin: ``torch_ref.train.fit``, the notebooks' canonical loop; the two
    share the early-stopping rule (``twincore.early_stopping``).
    """
    _check_arguments(epochs, on_nonfinite, checkpoint_every, on_checkpoint)
    check_castable(model, precision)
    check_validation_arguments(val_loader, patience, min_delta, restore_best)
    graphdef, state = TrainState.create(model, tx, precision)
    if resume is not None:
        state = _resumed_state(resume, state)
    train_step = build_step(graphdef, tx, criterion, GUARDS[on_nonfinite], precision)
    fused_epochs = (
        FusedEpochs(graphdef, tx, criterion, GUARDS[on_nonfinite], precision, loader, unroll)
        if _fuses(fused, loader)
        else None
    )
    validation = (
        _Validation(graphdef, criterion, val_loader, patience, min_delta, restore_best, resume)
        if val_loader is not None
        else None
    )
    num_batches = len(loader) if hasattr(loader, "__len__") else 0
    if validation is not None and resume is not None and num_batches:
        # A checkpoint at an epoch's last batch comes before that epoch's validation.
        validated = (resume.step - 1) // num_batches if resume.step else 0
        if len(resume.val_losses) != validated:
            raise ValueError(
                f"resume: with a val_loader, a checkpoint at step {resume.step} needs the "
                f"validation losses of {validated} epoch(s); it holds "
                f"{len(resume.val_losses)} (saved by a run without a val_loader?)"
            )
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
    hooks = dict(
        log=log, log_every=log_every, checkpoint_every=checkpoint_every, on_checkpoint=on_checkpoint
    )
    with bar:
        for epoch in range(epochs):
            if fused_epochs is not None:
                state, halted, todo = _fused_blocks(
                    fused_epochs, epoch, state, halted, history, bar, model, validation, **hooks
                )
            else:
                todo = (
                    (i, batch)
                    for i, batch in enumerate(loader)
                    if not history.replayed(epoch, i)  # the loader moves on, as it did then
                )
            for batch_idx, (x, y) in todo:
                state, metrics = train_step(state, x, y, halted)
                halted = metrics.get("halted", halted)
                history.add(metrics, epoch, batch_idx)
                bar.update()
                if log is not None and log_every and history.steps % log_every == 0:
                    history.sync(bar, model, state)
                if checkpoint_every and history.steps % checkpoint_every == 0:
                    history.sync(bar, model, state)
                    on_checkpoint(history.checkpoint(state, validation))
            history.sync(bar, model, state)
            if validation is not None and validation.after_epoch(epoch, state, bar):
                break
    if validation is None:
        nnx.update(model, state.params, state.rest)
        return FitResult(history.fetched, state, graphdef, history.skipped)
    state = validation.final_state(state)
    nnx.update(model, state.params, state.rest)
    tracker = validation.tracker
    stopped = epoch if epochs and tracker.should_stop else None
    return FitResult(
        history.fetched,
        state,
        graphdef,
        history.skipped,
        list(validation.losses),
        tracker.best_epoch,
        stopped,
    )


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


def _fused_blocks(
    fused_epochs: FusedEpochs,
    epoch: int,
    state: TrainState,
    halted: jax.Array,
    history: _History,
    bar,
    model: nnx.Module,
    validation: _Validation | None,
    *,
    log,
    log_every: int,
    checkpoint_every: int,
    on_checkpoint,
):
    """Runs ``epoch``'s full batches in fused blocks; returns the state, the halted flag and
    the batches left (the short last one, gathered on the device) as ``(index, (x, y))``."""
    batches = enumerate(fused_epochs.loader.batch_indices())  # draws the epoch's order
    todo = [(i, rows) for i, rows in batches if not history.replayed(epoch, i)]
    full = [(i, rows) for i, rows in todo if len(rows) == fused_epochs.loader.batch_size]

    def until_checkpoint() -> int:
        if not checkpoint_every:
            return len(full)
        return checkpoint_every - history.steps % checkpoint_every

    done = 0
    for count, index in fused_epochs.blocks([rows for _, rows in full], until_checkpoint):
        state, metrics = fused_epochs.run(
            state, fused_epochs.x, fused_epochs.y, index, count, halted
        )
        halted = metrics["halted"]
        history.add_block(metrics, count, epoch, [i for i, _ in full[done : done + count]])
        done += count
        bar.update(count)
        if log is not None and log_every:
            history.sync(bar, model, state)
        if checkpoint_every and history.steps % checkpoint_every == 0:
            history.sync(bar, model, state)
            on_checkpoint(history.checkpoint(state, validation))
    return state, halted, [(i, fused_epochs.gather(rows)) for i, rows in todo[len(full) :]]


def _fuses(fused: bool | None, loader) -> bool:
    """Whether ``fit`` runs ``loader``'s epochs fused (see ``fit``'s ``fused``)."""
    if fused is not None and not isinstance(fused, bool):
        raise ValueError(f"fused must be True, False or None; got {fused!r}")
    why_not = fusable(loader)
    if fused and why_not is not None:
        raise TypeError(f"fit(fused=True) needs {why_not}. Use fused=None or False")
    return why_not is None if fused is None else fused


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
    the host in one transfer per log interval, checkpoint, fused block and epoch (never once
    per step)."""

    def __init__(self, on_nonfinite: str, num_batches: int, epochs: int, log, resume):
        self.on_nonfinite, self.num_batches, self.epochs, self.log = (
            on_nonfinite,
            num_batches,
            epochs,
            log,
        )
        # On the device: (losses, finite flags, how many of them are steps); a step's own
        # scalars come with None, a fused block's vectors with its step count.
        self.pending: list[tuple[jax.Array, jax.Array, int | None]] = []
        self.positions: list[tuple[int, int]] = []  # (epoch, batch) of each step
        self.fetched: list[float] = []  # on the host
        self.skipped: list[int] = []
        self.start = self.steps = 0
        if resume is not None:  # the history so far, as if it had just been fetched
            self.fetched, self.skipped = list(resume.losses), list(resume.skipped)
            self.start = self.steps = resume.step

    def replayed(self, epoch: int, batch: int) -> bool:
        """Whether this batch was trained before the checkpoint resumed from."""
        if len(self.positions) < self.start:
            self.positions.append((epoch, batch))
            return True
        return False

    def add(self, metrics, epoch: int, batch: int) -> None:
        self.pending.append((metrics["loss"], metrics["finite"], None))
        self.positions.append((epoch, batch))
        self.steps += 1

    def add_block(self, metrics, count: int, epoch: int, batches: list[int]) -> None:
        """A fused block's first ``count`` steps, the epoch's batches ``batches``."""
        self.pending.append((metrics["loss"], metrics["finite"], count))
        self.positions.extend((epoch, batch) for batch in batches)
        self.steps += count

    def sync(self, bar, model: nnx.Module, state: TrainState) -> None:
        """Fetches the steps since the last fetch; logs them; raises at a non-finite one
        (``"raise"``), after handing ``model`` the state from before that step's update."""
        if not self.pending:
            return
        fetched = jax.device_get([(loss, ok) for loss, ok, _ in self.pending])
        counts = [count for _, _, count in self.pending]
        self.pending = []
        values, flags = [], []
        for (loss, ok), count in zip(fetched, counts, strict=True):
            values.extend(np.atleast_1d(loss)[:count].tolist())
            flags.extend(np.atleast_1d(ok)[:count].tolist())
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

    def checkpoint(self, state: TrainState, validation: _Validation | None) -> Checkpoint:
        # A copy: the next step donates (frees) the state's buffers.
        saved = jax.tree.map(jnp.copy, state)
        if validation is None:
            return Checkpoint(self.steps, saved, list(self.fetched), list(self.skipped))
        return Checkpoint(
            self.steps,
            saved,
            list(self.fetched),
            list(self.skipped),
            list(validation.losses),
            validation.best_state,
        )


def _restored(best: TrainState, last: TrainState) -> TrainState:
    """``best`` with ``last``'s RNG state: the dropout keys move on, as torch's generator does."""
    last_rng, _ = nnx.split_state(last.rest, nnx.RngState, ...)
    _, best_other = nnx.split_state(best.rest, nnx.RngState, ...)
    return best._replace(rest=nnx.merge_state(last_rng, best_other))


class _Validation:
    """The validation loss after each epoch, the early-stopping tracker and the best state."""

    def __init__(self, graphdef, criterion, loader, patience, min_delta, restore_best, resume):
        self.loader, self.restore_best = loader, restore_best

        @jax.jit
        def batch_loss(params, rest, x, y):
            # make_eval_step's loss alone (its argmax count needs class logits); copy=True:
            # fresh variables owned by this trace.
            model = nnx.merge(graphdef, params, rest, copy=True)
            model.eval()  # torch's model.eval() + no_grad
            return criterion(model(x), y)

        self.batch_loss = batch_loss
        self.losses: list[float] = list(resume.val_losses) if resume is not None else []
        self.tracker = EarlyStopping.replay(patience, min_delta, self.losses)
        self.best_state = resume.best_state if resume is not None else None
        if restore_best and self.tracker.best_epoch is not None and self.best_state is None:
            raise ValueError(
                "resume: restore_best needs the checkpoint's best_state (the checkpoint "
                "holds validation losses but no copy of the best epoch's state)"
            )

    def after_epoch(self, epoch: int, state: TrainState, bar) -> bool:
        """Validates the epoch just trained; ``True`` when early stopping ends the run."""
        if epoch < len(self.losses):  # validated before the checkpoint resumed from
            return self.tracker.should_stop
        losses, sizes = [], []
        for x, y in self.loader:
            losses.append(self.batch_loss(state.params, state.rest, x, y))
            sizes.append(int(y.shape[0]))
        loss = mean_loss(jax.device_get(losses), sizes)  # one transfer per epoch
        self.losses.append(loss)
        if self.tracker.update(epoch, loss) and self.restore_best:
            # A copy: the next step donates (frees) the state's buffers.
            self.best_state = jax.tree.map(jnp.copy, state)
        shown = getattr(bar, "postfix", None)  # the last training loss, when the bar shows
        bar.set_postfix_str(", ".join(filter(None, [shown, f"val_loss={loss:.4g}"])), False)
        return self.tracker.should_stop

    def final_state(self, last: TrainState) -> TrainState:
        if not self.restore_best or self.best_state is None:
            return last
        return _restored(self.best_state, last)
