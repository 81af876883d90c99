"""Evaluation metrics: accuracy over a data loader; confusion matrix, precision, recall, F1.

The twin of ``jaxnn.train.metrics``, computed with torch ops (``torch.bincount``), under the
same zero-division convention (a ratio with denominator 0 is 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import torch

from twincore.classification_args import (
    check_average,
    check_label_arrays,
    check_label_range,
    check_num_classes,
)


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


# --------------------------------------------------------------------------- classification counts


class PrecisionRecallF1(NamedTuple):
    """``(precision, recall, f1)``: each ``(num_classes,)`` per class, or a 0-d tensor averaged."""

    precision: torch.Tensor
    recall: torch.Tensor
    f1: torch.Tensor


def _check_labels(caller: str, preds: Any, targets: Any, num_classes: int):
    p, t = torch.as_tensor(preds), torch.as_tensor(targets)
    check_label_arrays(
        caller, p.dtype, _integer(p), t.dtype, _integer(t), tuple(p.shape), tuple(t.shape)
    )
    for what, a in (("preds", p), ("targets", t)):
        if a.numel():
            check_label_range(caller, what, int(a.min()), int(a.max()), num_classes)
    return p.reshape(-1).long(), t.reshape(-1).long()


def _integer(a: torch.Tensor) -> bool:
    return not (a.is_floating_point() or a.is_complex() or a.dtype == torch.bool)


def confusion_matrix(preds: torch.Tensor, targets: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Counts of (true class, predicted class) pairs: ``cm[i, j]`` samples of class ``i``
    predicted as ``j``; a ``(C, C)`` int64 tensor, rows true, columns predicted.

    Raises as the twin does (torch's ``bincount`` would count an out-of-range pair in the
    wrong cell or fail with its own message). JAX twin: ``jaxnn.train.confusion_matrix``.
    """
    c = check_num_classes("confusion_matrix()", num_classes)
    p, t = _check_labels("confusion_matrix()", preds, targets, c)
    return torch.bincount(t * c + p, minlength=c * c).reshape(c, c)


def precision_recall_f1(
    preds: torch.Tensor,
    targets: torch.Tensor,
    num_classes: int,
    average: str | None = "macro",
    *,
    dtype: torch.dtype | None = None,
) -> PrecisionRecallF1:
    """Precision, recall and F1 per class (``'none'``/``None``), ``'macro'`` or ``'micro'``.

    ``precision = tp / predicted``, ``recall = tp / actual``, ``f1 = 2 tp / (predicted +
    actual)`` from the confusion matrix; a ratio whose denominator is 0 is 0 (a class never
    predicted has precision 0: scikit-learn's ``zero_division=0``). ``'macro'`` averages
    over all ``num_classes`` classes; ``'micro'`` sums the counts first. ``dtype`` defaults
    to torch's default dtype.

    JAX twin: ``jaxnn.train.precision_recall_f1``, which documents the conventions in full.
    """
    caller = "precision_recall_f1()"
    average = check_average(caller, average)
    c = check_num_classes(caller, num_classes)
    p, t = _check_labels(caller, preds, targets, c)
    cm = torch.bincount(t * c + p, minlength=c * c).reshape(c, c)
    dtype = torch.get_default_dtype() if dtype is None else dtype
    tp = torch.diagonal(cm).to(dtype)
    predicted, actual = cm.sum(dim=0).to(dtype), cm.sum(dim=1).to(dtype)
    if average == "micro":
        tp, predicted, actual = tp.sum(), predicted.sum(), actual.sum()
    precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
    f1 = _ratio(2 * tp, predicted + actual)
    if average == "macro":
        precision, recall, f1 = precision.mean(), recall.mean(), f1.mean()
    return PrecisionRecallF1(precision, recall, f1)


def _ratio(num: torch.Tensor, den: torch.Tensor) -> torch.Tensor:
    """``num / den``, 0 where ``den`` is 0 (the zero-division convention)."""
    return torch.where(den > 0, num / torch.where(den > 0, den, torch.ones_like(den)), 0.0)
