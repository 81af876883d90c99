"""The notebooks' train and eval steps, with the same boundaries as ``jaxnn.train``."""

from __future__ import annotations

from collections.abc import Callable

import torch

from torch_ref.train.precision import Precision, autocast

__all__ = ["Criterion", "train_step", "eval_step"]

Criterion = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def train_step(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    criterion: Criterion,
    batch: tuple[torch.Tensor, torch.Tensor],
    *,
    precision: str | Precision | None = None,
    scaler: torch.amp.GradScaler | None = None,
) -> torch.Tensor:
    """One update in the notebooks' order: forward, loss, ``zero_grad``, ``backward``, ``step``.

    With ``precision`` (``"bf16-mixed"``, ``"fp16-mixed"``) the forward pass and the loss
    run under ``torch.autocast`` (:mod:`torch_ref.train.precision`); with a ``scaler``
    (``torch.amp.GradScaler``) the step is AMP's ``scaler.scale(loss).backward()``,
    ``scaler.step(optimizer)``, ``scaler.update()``. Returns the (unscaled) loss, a 0-d
    tensor still on its device. JAX twin: the function built by
    ``jaxnn.train.make_train_step``.
    """
    features, labels = batch
    model.train()
    with autocast(precision, features.device.type):
        logits = model(features)
        loss = criterion(logits, labels)
    optimizer.zero_grad()
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.detach()


@torch.no_grad()
def eval_step(
    model: torch.nn.Module, criterion: Criterion, batch: tuple[torch.Tensor, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """Loss, correct predictions and sample count of one batch, in eval mode without autograd."""
    features, labels = batch
    model.eval()
    logits = model(features)
    correct = torch.sum(torch.argmax(logits, dim=1) == labels)
    return {"loss": criterion(logits, labels), "correct": correct, "count": labels.shape[0]}
