"""Early stopping on a validation loss: the rule both twins' ``fit`` apply after each epoch.

One implementation, so that ``jaxnn.train.fit`` and ``torch_ref.train.fit`` cannot drift
apart on what counts as an improvement or when to stop.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def check_validation_arguments(
    val_loader: Iterable | None, patience: int | None, min_delta: float, restore_best: bool
) -> None:
    """Refuses validation settings ``fit`` cannot honour, with one line naming what was wrong."""
    if patience is not None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be None or an int >= 0; got {patience!r}")
        if val_loader is None:
            raise ValueError(
                f"patience={patience} needs a val_loader to measure improvement on; got none"
            )
    if (
        isinstance(min_delta, bool)
        or not isinstance(min_delta, (int, float))
        or not min_delta >= 0  # also refuses NaN
        or math.isinf(min_delta)
    ):
        raise ValueError(f"min_delta must be a finite number >= 0; got {min_delta!r}")
    if not isinstance(restore_best, bool):
        raise ValueError(f"restore_best must be True or False; got {restore_best!r}")
    if val_loader is not None and hasattr(val_loader, "__len__") and len(val_loader) == 0:
        raise ValueError("val_loader yields no batches; expected at least one validation batch")


def mean_loss(batch_losses: Iterable[Any], batch_sizes: Iterable[int]) -> float:
    """The validation set's mean loss from its batches' mean losses: ``sum(l_b * n_b) / sum(n_b)``.

    Summed in Python floats (float64) in batch order on both twins, so the per-sample
    mean comes out the same whichever framework computed the batch means, and a short
    last batch weighs by its size (the mean of the batch means would overweight it).
    """
    total, count = 0.0, 0
    for loss, size in zip(batch_losses, batch_sizes, strict=True):
        total += float(loss) * int(size)
        count += int(size)
    if count == 0:
        raise ValueError("val_loader yielded no samples; expected at least one validation sample")
    return total / count


class EarlyStopping:
    """Tracks the best validation loss and says when ``patience`` epochs passed without improving.

    An epoch *improves* when ``val_loss < best - min_delta``, ``best`` being the lowest
    validation loss of an improving epoch so far (``+inf`` before the first epoch, so the
    first finite loss always improves). A tie (``val_loss == best - min_delta``) or a
    NaN loss is no improvement, so on equal losses the earliest epoch stays the best.
    Training stops at the end of the ``patience``-th consecutive epoch without
    improvement (``patience=0`` acts as 1, as in Keras' and Lightning's early stopping:
    the first epoch that does not improve ends the run; ``None``: never, the losses are
    only recorded).
    """

    def __init__(self, patience: int | None, min_delta: float = 0.0):
        self.patience, self.min_delta = patience, float(min_delta)
        self.best = math.inf
        self.best_epoch: int | None = None
        self.waited = 0  # consecutive epochs without improvement

    def update(self, epoch: int, val_loss: float) -> bool:
        """Records ``epoch``'s loss; ``True`` when it is the new best."""
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.waited = val_loss, epoch, 0
            return True
        self.waited += 1
        return False

    @property
    def should_stop(self) -> bool:
        return self.patience is not None and self.waited > 0 and self.waited >= self.patience

    @classmethod
    def replay(
        cls, patience: int | None, min_delta: float, val_losses: Iterable[float]
    ) -> EarlyStopping:
        """The tracker after the epochs of ``val_losses``, e.g. those of a resumed checkpoint."""
        tracker = cls(patience, min_delta)
        for epoch, loss in enumerate(val_losses):
            tracker.update(epoch, loss)
        return tracker
