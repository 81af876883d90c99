"""Scan-fused epochs: ``fit_fused``, which requires ``fit``'s fused path, and the epoch
program it is built from (:func:`make_epoch_step`, defined in ``jaxnn.train.epoch``)."""

from __future__ import annotations

from typing import Any

import optax
from flax import nnx

from jaxnn.train.epoch import fusable
from jaxnn.train.epoch import make_epoch_step as make_epoch_step
from jaxnn.train.fit import FitResult, fit
from jaxnn.train.step import Criterion


def fit_fused(
    model: nnx.Module,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    loader: Any,
    epochs: int,
    *,
    on_nonfinite: str = "raise",
    unroll: int | bool = 1,
) -> FitResult:
    """``fit(..., fused=True)``: each epoch run as blocks of one compiled program.

    The data set goes to the device once; every epoch, the loader's batch
    order (its sampler, so shuffling is the same as ``fit``'s) goes over as
    index arrays and one ``lax.scan`` program runs the epoch's full batches,
    up to ``jaxnn.train.epoch.BLOCK_STEPS`` per call; a short last batch runs as
    one ordinary step. The curve and the final state equal the per-step loop's,
    ``fit(..., fused=False)`` (float64: to rounding, the same kernels compiled
    into a larger program). ``fit`` itself takes this path whenever the loader
    allows it; this function is for code that must not fall back.

    Args:
      model, tx, criterion, epochs, on_nonfinite, unroll: as in :func:`~jaxnn.train.fit`.
      loader: a ``jaxnn.data.DataLoader`` over a
        :class:`~jaxnn.data.TensorDataset` (arrays that fit on the device).

    Raises:
      TypeError: the loader is not a DataLoader over a TensorDataset.
      NonFiniteLossError, NonFiniteGradientError: as ``fit`` with
        ``on_nonfinite="raise"``; ``model`` then holds the state from before the
        first non-finite update.

    PyTorch twin: ``torch_ref.train.fit`` (an eager loop; there is no fused form).
    """
    why_not = fusable(loader)
    if why_not is not None:
        raise TypeError(f"fit_fused needs {why_not}. Use jaxnn.train.fit for other loaders")
    return fit(
        model, tx, criterion, loader, epochs, on_nonfinite=on_nonfinite, fused=True, unroll=unroll
    )
