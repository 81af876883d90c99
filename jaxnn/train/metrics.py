"""Evaluation metrics: accuracy over a data loader; confusion matrix, precision, recall, F1.

The class-count metrics are jittable functions of predicted and true class indices; their
twins in ``torch_ref.train.metrics`` compute the same numbers with torch ops, under the same
zero-division convention (a ratio with denominator 0 is 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.functional._concrete import concrete_values
from twincore.classification_args import (
    check_average,
    check_label_arrays,
    check_label_range,
    check_num_classes,
)


@nnx.jit
def _correct(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.sum(jnp.argmax(model(x), axis=1) == y)


def compute_accuracy(model: nnx.Module, dataloader: Iterable) -> float:
    """Fraction of samples whose argmax logit equals the label.

    Puts the model in eval mode (dropout off) and leaves it there, as the notebook
    does; sums correct predictions on the device and fetches the total once.

    PyTorch twin: ``torch_ref.train.compute_accuracy(model, dataloader)``.
    """
    model.eval()
    correct, total = jnp.zeros((), jnp.int32), 0
    for x, y in dataloader:
        correct = correct + _correct(model, x, y)
        total += int(y.shape[0])
    if total == 0:
        raise ValueError("compute_accuracy(): the data loader yielded no samples")
    return float(correct) / total


# --------------------------------------------------------------------------- classification counts


class PrecisionRecallF1(NamedTuple):
    """``(precision, recall, f1)``: each ``(num_classes,)`` per class, or a scalar averaged."""

    precision: jax.Array
    recall: jax.Array
    f1: jax.Array


def _check_labels(caller: str, preds: Any, targets: Any, num_classes: int):
    p, t = jnp.asarray(preds), jnp.asarray(targets)
    check_label_arrays(
        caller,
        p.dtype,
        jnp.issubdtype(p.dtype, jnp.integer),
        t.dtype,
        jnp.issubdtype(t.dtype, jnp.integer),
        p.shape,
        t.shape,
    )
    for what, a in (("preds", preds), ("targets", targets)):
        known = concrete_values(a)  # None under jit, where nothing can be refused
        if known is not None and known.size:
            check_label_range(caller, what, int(known.min()), int(known.max()), num_classes)
    return p.reshape(-1), t.reshape(-1)


def confusion_matrix(preds: jax.Array, targets: jax.Array, num_classes: int) -> jax.Array:
    """Counts of (true class, predicted class) pairs: ``cm[i, j]`` samples of class ``i``
    predicted as ``j``.

    Args:
      preds: predicted class indices (e.g. ``argmax(logits, axis=1)``), integer, any shape.
      targets: true class indices, the shape of ``preds``.
      num_classes: ``C >= 1``, a Python int (static under ``jit``).

    Returns:
      A ``(C, C)`` integer array (int32 unless 64-bit types are on); rows are true
      classes, columns predicted ones, as in scikit-learn. The diagonal holds the
      correct predictions.

    Raises:
      TypeError: non-integer labels or ``num_classes``. ValueError: ``num_classes < 1``,
      shapes that differ, or (for concrete labels) a class outside ``[0, C)``. Under
      ``jit`` the labels cannot be checked and a pair with a class outside the range
      is left out of the counts.

    PyTorch twin: ``torch_ref.train.confusion_matrix`` (``torch.bincount`` of
    ``target * C + pred``); scikit-learn's ``confusion_matrix(targets, preds,
    labels=range(C))`` gives the same matrix (note its argument order).
    """
    c = check_num_classes("confusion_matrix()", num_classes)
    p, t = _check_labels("confusion_matrix()", preds, targets, c)
    return _confusion_kernel(p, t, num_classes=c)


@partial(jax.jit, static_argnames=("num_classes",))
def _confusion_kernel(p: jax.Array, t: jax.Array, *, num_classes: int) -> jax.Array:
    c = num_classes
    valid = (p >= 0) & (p < c) & (t >= 0) & (t < c)
    cell = jnp.where(valid, t * c + p, c * c)  # c * c is past the end: dropped
    counts = jnp.zeros(c * c, jax.dtypes.canonicalize_dtype(jnp.int64))
    return counts.at[cell].add(1, mode="drop").reshape(c, c)


def precision_recall_f1(
    preds: jax.Array,
    targets: jax.Array,
    num_classes: int,
    average: str | None = "macro",
    *,
    dtype: Any = None,
) -> PrecisionRecallF1:
    """Precision, recall and F1 of class predictions, per class or averaged.

    Per class ``k``, from the confusion matrix: ``tp`` its diagonal entry, ``predicted`` its
    column sum, ``actual`` its row sum; ``precision = tp / predicted``, ``recall = tp /
    actual``, ``f1 = 2 tp / (predicted + actual)`` (the harmonic mean of the two).

    Zero division: a ratio whose denominator is 0 is 0. A class never predicted has
    precision 0, a class absent from the targets recall 0, and a class with neither has
    all three 0 (scikit-learn's ``zero_division=0``, without its warning).

    Args:
      preds, targets: integer class indices of one shape, in ``[0, num_classes)``.
      num_classes: ``C >= 1``, a Python int (static under ``jit``).
      average: ``'none'`` (or ``None``): ``(C,)`` arrays, one value per class;
        ``'macro'`` (default): the unweighted mean of the per-class values over all
        ``C`` classes, the zero-division ones included (macro F1 is the mean of the
        per-class F1s, not the F1 of the means); ``'micro'``: the ratios of the counts
        summed over classes, which for one label per sample all equal the accuracy.
      dtype: floating dtype of the results (default JAX's default float).

    Returns:
      :class:`PrecisionRecallF1` ``(precision, recall, f1)``.

    Raises:
      ValueError: an unknown ``average``, and what :func:`confusion_matrix` raises.

    PyTorch twin: ``torch_ref.train.precision_recall_f1`` (same conventions, torch ops);
    scikit-learn's ``precision_recall_fscore_support(targets, preds, labels=range(C),
    average=..., zero_division=0)`` gives the same numbers.
    """
    caller = "precision_recall_f1()"
    average = check_average(caller, average)
    c = check_num_classes(caller, num_classes)
    p, t = _check_labels(caller, preds, targets, c)
    float_dtype = jnp.dtype(dtype) if dtype is not None else jnp.result_type(float)
    cm = _confusion_kernel(p, t, num_classes=c)
    return _scores(cm, average=average, dtype=float_dtype)


def _ratio(num: jax.Array, den: jax.Array) -> jax.Array:
    """``num / den``, 0 where ``den`` is 0 (the zero-division convention)."""
    return jnp.where(den > 0, num / jnp.where(den > 0, den, 1), 0)


@partial(jax.jit, static_argnames=("average", "dtype"))
def _scores(cm: jax.Array, *, average: str, dtype: Any) -> PrecisionRecallF1:
    tp = jnp.diagonal(cm).astype(dtype)
    predicted, actual = jnp.sum(cm, axis=0).astype(dtype), jnp.sum(cm, axis=1).astype(dtype)
    if average == "micro":
        tp, predicted, actual = jnp.sum(tp), jnp.sum(predicted), jnp.sum(actual)
    precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
    f1 = _ratio(2 * tp, predicted + actual)
    if average == "macro":
        precision, recall, f1 = jnp.mean(precision), jnp.mean(recall), jnp.mean(f1)
    return PrecisionRecallF1(precision, recall, f1)
