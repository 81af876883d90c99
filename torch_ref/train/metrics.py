"""Evaluation metrics over a data loader."""

from __future__ import annotations

from collections.abc import Iterable

import torch


def compute_accuracy(model: torch.nn.Module, dataloader: Iterable) -> float:
    """Fraction of samples whose argmax logit equals the label: the notebook's ``compute_accuracy``.

    JAX twin: ``jaxnn.train.compute_accuracy``.
    """
    model = model.eval()
    correct = 0.0
    total_examples = 0
    for _idx, (features, labels) in enumerate(dataloader):
        with torch.no_grad():
            logits = model(features)
        predictions = torch.argmax(logits, dim=1)
        compare = labels == predictions
        correct += torch.sum(compare)
        total_examples += len(compare)
    if total_examples == 0:
        raise ValueError("compute_accuracy(): the data loader yielded no samples")
    return (correct / total_examples).item()
