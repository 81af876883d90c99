"""The notebooks' train and eval steps, with the same boundaries as ``jaxnn.train``."""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = ["Criterion", "train_step", "eval_step"]

Criterion = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def train_step(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    criterion: Criterion,
    batch: tuple[torch.Tensor, torch.Tensor],
) -> torch.Tensor:
    """One update in the notebooks' order: forward, loss, ``zero_grad``, ``backward``, ``step``.

    Returns the loss (a 0-d tensor, still on its device). JAX twin: the function
    built by ``jaxnn.train.make_train_step``.
    """
    features, labels = batch
    model.train()
    logits = model(features)
    loss = criterion(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
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
