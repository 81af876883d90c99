"""``fit``: the notebooks' canonical epoch loop."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from typing import NamedTuple

import torch
from tqdm.auto import tqdm

from torch_ref.train.precision import Precision, autocast, check_castable, grad_scaler
from torch_ref.train.step import Criterion, train_step
from twincore.early_stopping import EarlyStopping, check_validation_arguments, mean_loss
from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError
from twincore.steplog import StepLog


class FitResult(NamedTuple):
    """What :func:`fit` returns: the per-step losses, the steps ``"skip"`` dropped, and with a
    ``val_loader`` the validation history (as ``jaxnn.train.FitResult``: one mean loss per
    epoch trained, the 0-based best epoch, the 0-based epoch early stopping ended the run
    after or ``None``)."""

    losses: list[float]
    skipped: list[int] = []
    val_losses: list[float] = []
    best_epoch: int | None = None
    stopped_epoch: int | None = None


def _all_finite(loss: torch.Tensor, model: torch.nn.Module) -> bool:
    """Loss and every gradient element finite: one device read.

    Every element, not the total norm: a norm of large finite gradients can
    overflow to inf, and the JAX twin checks elements too.
    """
    flags = [torch.isfinite(loss).all()]
    flags += [torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None]
    return bool(torch.stack(flags).all())


def _guarded_step(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    criterion: Criterion,
    batch: tuple[torch.Tensor, torch.Tensor],
    precision: str | Precision | None = None,
    scaler: torch.amp.GradScaler | None = None,
) -> tuple[torch.Tensor, bool]:
    """``train_step`` that calls ``optimizer.step()`` only when loss and gradients are finite.

    A skipped step also puts the buffers back (the forward pass has already
    updated BatchNorm's running statistics with the bad batch), so the model
    is exactly as it was before the step. With an enabled ``scaler`` the scaler
    decides about the gradients (it skips the step on an overflow and backs
    off), and only a non-finite loss counts as a non-finite step.
    """
    buffers = [b.detach().clone() for b in model.buffers()]
    features, labels = batch
    model.train()
    with autocast(precision, features.device.type):
        loss = criterion(model(features), labels)
    optimizer.zero_grad()
    if scaler is not None and scaler.is_enabled():
        scaler.scale(loss).backward()
        ok = bool(torch.isfinite(loss.detach()))
        if ok:
            scaler.step(optimizer)  # skips optimizer.step() itself on an inf/NaN gradient
        else:  # inf/NaN gradients too: what the scaler's own check would find
            scaler.unscale_(optimizer)
        scaler.update()
        if not ok:
            with torch.no_grad():
                for b, saved in zip(model.buffers(), buffers, strict=True):
                    b.copy_(saved)
        return loss.detach(), ok
    loss.backward()
    ok = _all_finite(loss.detach(), model)
    if ok:
        optimizer.step()
    else:
        with torch.no_grad():
            for b, saved in zip(model.buffers(), buffers, strict=True):
                b.copy_(saved)
    return loss.detach(), ok


def _device_type(model: torch.nn.Module) -> str:
    """Where ``model``'s parameters live (``"cpu"``, ``"cuda"``), for autocast and the scaler."""
    first = next(model.parameters(), None)
    return "cpu" if first is None else first.device.type


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
    precision: str | Precision | None = None,
    val_loader: Iterable | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    restore_best: bool = True,
) -> FitResult:
    """Trains ``model`` in place for ``epochs`` passes over ``loader``.

    The twin of ``jaxnn.train.fit`` with the same arguments (an optimizer
    object instead of an optax transformation) and the same ``on_nonfinite``
    policies. With ``"raise"`` and ``"skip"`` every step checks
    ``torch.isfinite`` on the loss and on every gradient element before
    ``optimizer.step()`` (one device read per step, where the JAX twin reads
    once per log interval): ``"raise"`` stops with :class:`NonFiniteLossError`
    or :class:`NonFiniteGradientError` before the bad update, ``"skip"``
    leaves that step's update out (and puts the buffers back) and goes on;
    ``"continue"`` is the notebooks' loop, no check. Losses are logged once per log
    interval and once per epoch. Returns one loss per step and the skipped steps.
    ``precision`` runs every step under ``torch.autocast`` and, for ``"fp16-mixed"``,
    a ``torch.amp.GradScaler`` (:mod:`torch_ref.train.precision`).

    Validation and early stopping as in ``jaxnn.train.fit`` (the same rule,
    ``twincore.early_stopping``): after every epoch the model is evaluated on
    every batch of ``val_loader`` in eval mode without autograd (``model.eval()``,
    ``torch.no_grad()``; the loss alone, as ``eval_step`` computes it) and the
    mean loss over its samples, ``sum(batch mean loss * batch size) / samples``
    in Python floats, is recorded. An epoch improves when its
    loss is below ``best - min_delta`` (a tie or NaN does not; the earliest of equal
    losses stays the best); ``patience`` consecutive epochs without improvement end
    the run (0 acts as 1; ``None``: never). ``restore_best`` loads the best epoch's
    ``model.state_dict()`` and ``optimizer.state_dict()`` (deep copies taken when it
    ended) back at the end; torch's global generator is not rewound.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in ("raise", "skip", "continue"):
        raise ValueError(
            f"on_nonfinite must be 'raise', 'skip' or 'continue'; got {on_nonfinite!r}"
        )
    check_castable(model, precision)
    scaler = grad_scaler(precision, _device_type(model))
    scaler = scaler if scaler.is_enabled() else None
    check_validation_arguments(val_loader, patience, min_delta, restore_best)
    tracker = EarlyStopping(patience, min_delta)
    val_losses: list[float] = []
    best_state = None
    stopped = None
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
    skipped: list[int] = []

    def sync():
        if len(losses) == len(fetched):
            return
        for value in torch.stack(losses[len(fetched) :]).tolist():
            step = len(fetched)
            epoch, batch = positions[step]
            fetched.append(value)
            if log is not None and log_every:
                log(StepLog(epoch, batch, num_batches, epochs, value))
        bar.set_postfix(loss=f"{fetched[-1]:.4g}", refresh=False)

    with bar:
        for epoch in range(epochs):
            for batch_idx, batch in enumerate(loader):
                if on_nonfinite == "continue":
                    step = train_step(
                        model, optimizer, criterion, batch, precision=precision, scaler=scaler
                    )
                    losses.append(step)
                else:
                    loss, ok = _guarded_step(model, optimizer, criterion, batch, precision, scaler)
                    if not ok and on_nonfinite == "raise":
                        sync()  # log what came before
                        value, step = float(loss), len(losses)
                        last = next((v for v in reversed(fetched) if math.isfinite(v)), None)
                        error = NonFiniteLossError
                        if math.isfinite(value):
                            error = NonFiniteGradientError
                        raise error(step, epoch, batch_idx, value, last)
                    if not ok:
                        skipped.append(len(losses))
                    losses.append(loss)
                positions.append((epoch, batch_idx))
                bar.update()
                if log is not None and log_every and len(losses) % log_every == 0:
                    sync()
            sync()
            if val_loader is None:
                continue
            val_losses.append(_validation_loss(model, criterion, val_loader))
            if tracker.update(epoch, val_losses[-1]) and restore_best:
                best_state = (
                    copy.deepcopy(model.state_dict()),
                    copy.deepcopy(optimizer.state_dict()),
                )
            shown = getattr(bar, "postfix", None)  # the last training loss, when the bar shows
            val = f"val_loss={val_losses[-1]:.4g}"
            bar.set_postfix_str(", ".join(filter(None, [shown, val])), False)
            if tracker.should_stop:
                stopped = epoch
                break
    if best_state is not None:
        model.load_state_dict(best_state[0])
        optimizer.load_state_dict(best_state[1])
    return FitResult(fetched, skipped, val_losses, tracker.best_epoch, stopped)


def _validation_loss(model: torch.nn.Module, criterion: Criterion, loader: Iterable) -> float:
    """The mean loss over the validation samples: one device read per epoch."""
    losses, sizes = [], []
    model.eval()  # train_step puts it back in training mode
    with torch.no_grad():
        for features, labels in loader:
            # The loss alone, not eval_step: its argmax count needs class logits.
            losses.append(criterion(model(features), labels))
            sizes.append(int(labels.shape[0]))
    if not losses:
        raise ValueError("val_loader yielded no samples; expected at least one validation sample")
    return mean_loss(torch.stack(losses).tolist(), sizes)
