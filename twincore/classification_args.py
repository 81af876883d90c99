"""The arguments both twins' ``confusion_matrix`` and ``precision_recall_f1`` accept,
checked in one place so the two refuse the same inputs with the same words."""

from __future__ import annotations

from typing import Any

import numpy as np

AVERAGES = ("none", "macro", "micro")
"""``precision_recall_f1``'s ``average``: per class, the unweighted mean over classes, or
the ratios of the counts summed over classes. ``None`` means ``'none'``, as in scikit-learn."""

_LOGITS_HINT = "(for logits pass argmax(logits, axis=1))"


def check_average(caller: str, average: str | None) -> str:
    """``average`` as one of :data:`AVERAGES` (``None`` is ``'none'``)."""
    average = "none" if average is None else average
    if average not in AVERAGES:
        raise ValueError(f"{caller}: average must be one of {AVERAGES} or None; got {average!r}")
    return average


def check_num_classes(caller: str, num_classes: Any) -> int:
    """``num_classes`` as a Python int >= 1 (NumPy integers too: it is a count, not data)."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"{caller}: num_classes must be an int; got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"{caller}: num_classes must be >= 1; got {num_classes}")
    return int(num_classes)


def check_label_arrays(
    caller: str,
    preds_dtype: Any,
    preds_integer: bool,
    targets_dtype: Any,
    targets_integer: bool,
    preds_shape: tuple[int, ...],
    targets_shape: tuple[int, ...],
) -> None:
    """Class indices, not logits or probabilities, one per sample on both sides."""
    for what, dtype, integer in (
        ("preds", preds_dtype, preds_integer),
        ("targets", targets_dtype, targets_integer),
    ):
        if not integer:
            raise TypeError(
                f"{caller}: {what} must hold integer class indices; got dtype {dtype} "
                + _LOGITS_HINT
            )
    if tuple(preds_shape) != tuple(targets_shape):
        raise ValueError(
            f"{caller}: preds shape {tuple(preds_shape)} differs from targets shape "
            f"{tuple(targets_shape)}; both hold one class index per sample " + _LOGITS_HINT
        )


def check_label_range(caller: str, what: str, low: int, high: int, num_classes: int) -> None:
    """The smallest and largest class of ``what`` (known values) lie in ``[0, num_classes)``."""
    if low < 0 or high >= num_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"{caller}: {what} holds class {bad}, outside [0, {num_classes}) for "
            f"num_classes={num_classes}"
        )
