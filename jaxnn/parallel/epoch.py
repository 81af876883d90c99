"""Scan-fused epochs: a whole epoch of train steps as one compiled program over on-device data."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from jax import lax

from jaxnn.data.dataset import TensorDataset
from jaxnn.train.fit import FitResult
from jaxnn.train.state import TrainState
from jaxnn.train.step import GUARDS, Criterion, build_step, step_function
from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError


def make_epoch_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    *,
    on_nonfinite: str = "continue",
    unroll: int | bool = 1,
):
    """Builds ``epoch_step(state, x, y, index, halted) -> (state, metrics)``, one program.

    ``x`` and ``y`` are the whole training set, on the device; ``index`` is an
    ``[S, B]`` integer array, row ``s`` the samples of step ``s``. The program
    gathers each batch on the device and runs the S train steps of
    :func:`~jaxnn.train.make_train_step` in a ``lax.scan``: one dispatch and
    no host round trip per epoch instead of S of each, which is what a small
    model's step on an accelerator (or a 2-core CPU) is dominated by.
    ``metrics`` holds ``"loss"`` and ``"finite"`` of shape ``[S]`` and
    ``"halted"``. The incoming state's buffers are donated.

    Args:
      graphdef, tx, criterion: as in :func:`~jaxnn.train.make_train_step`.
      on_nonfinite: ``"continue"`` (apply every update), ``"skip"`` (drop a
        non-finite update, as ``make_train_step(skip_nonfinite=True)``) or
        ``"raise"`` (drop it and every later one in the epoch; ``halted`` in,
        and out in the metrics, carries that across epochs until the host looks).
      unroll: ``lax.scan``'s ``unroll``: steps per loop iteration (``True``:
        the whole epoch, no loop). XLA:CPU runs convolutions inside a loop
        body several times slower than outside one (docs/performance.md);
        ``unroll=True`` avoids that at a compile time that grows with the
        steps per epoch. The default suits dense and recurrent models.

    PyTorch twin: none; torch runs an epoch as a Python loop of eager steps
    (``torch_ref.train.fit``).
    """
    if on_nonfinite not in GUARDS:
        raise ValueError(
            f"on_nonfinite must be 'raise', 'skip' or 'continue'; got {on_nonfinite!r}"
        )
    step = step_function(graphdef, tx, criterion, GUARDS[on_nonfinite])

    def epoch(state: TrainState, x, y, index, halted):
        def body(carry, rows):
            state, halted = carry
            state, metrics = step(state, x[rows], y[rows], halted)
            halted = metrics.pop("halted", halted)
            return (state, halted), metrics

        (state, halted), metrics = lax.scan(body, (state, halted), index, unroll=unroll)
        return state, {**metrics, "halted": halted}

    return jax.jit(epoch, donate_argnums=0)


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
    """:func:`~jaxnn.train.fit` with each epoch run as one compiled program.

    The data set goes to the device once; every epoch, the loader's batch
    order (its sampler, so shuffling is the same as ``fit``'s) goes over as an
    index array and :func:`make_epoch_step` runs the epoch's full batches in
    a ``lax.scan``; a short last batch runs as one ordinary step. The host
    reads the losses once per epoch. The curve and the final state equal
    ``fit(model, tx, criterion, loader, epochs)``'s (float64: to rounding,
    the same kernels compiled into a larger program).

    Args:
      model, tx, criterion, epochs, on_nonfinite: as in :func:`~jaxnn.train.fit`.
      unroll: as in :func:`make_epoch_step` (``True`` for convolutional models on CPU).
      loader: a ``jaxnn.data.DataLoader`` over a
        :class:`~jaxnn.data.TensorDataset` (arrays that fit on the device).

    Raises:
      TypeError: the loader is not a DataLoader over a TensorDataset.
      NonFiniteLossError, NonFiniteGradientError: as ``fit`` with
        ``on_nonfinite="raise"``; ``model`` then holds the state from before the
        first non-finite update.

    PyTorch twin: ``torch_ref.train.fit`` (an eager loop; there is no fused form).
    """
    dataset = getattr(loader, "dataset", None)
    if not isinstance(dataset, TensorDataset) or not hasattr(loader, "batch_indices"):
        raise TypeError(
            "fit_fused needs a jaxnn.data.DataLoader over a TensorDataset (arrays it can put "
            f"on the device once); got {type(loader).__name__}"
            + (f" over {type(dataset).__name__}" if dataset is not None else "")
            + ". Use jaxnn.train.fit for other loaders"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if len(dataset.arrays) != 2:
        raise ValueError(
            f"fit_fused trains on (x, y) pairs; the dataset holds {len(dataset.arrays)} arrays"
        )
    graphdef, state = TrainState.create(model, tx)
    epoch_step = make_epoch_step(graphdef, tx, criterion, on_nonfinite=on_nonfinite, unroll=unroll)
    tail_step = build_step(graphdef, tx, criterion, GUARDS[on_nonfinite])
    x, y = (jax.device_put(np.asarray(t)) for t in dataset.arrays)
    halted = jnp.zeros([], bool)
    losses: list[float] = []
    skipped: list[int] = []
    for epoch in range(epochs):
        batches = list(loader.batch_indices())
        full = [b for b in batches if len(b) == loader.batch_size]
        parts = []  # (losses, finite) of this epoch's steps, on the device
        if full:
            state, metrics = epoch_step(state, x, y, jnp.asarray(np.stack(full)), halted)
            halted = metrics["halted"]
            parts.append((metrics["loss"], metrics["finite"]))
        for rows in batches[len(full) :]:  # the short last batch
            rows = jnp.asarray(rows)
            state, metrics = tail_step(state, x[rows], y[rows], halted)
            halted = metrics.get("halted", halted)
            parts.append((metrics["loss"][None], metrics["finite"][None]))
        fetched = jax.device_get(parts)  # once per epoch
        values = np.concatenate([v for v, _ in fetched]) if fetched else np.zeros(0)
        flags = np.concatenate([f for _, f in fetched]) if fetched else np.zeros(0, bool)
        for batch, (value, ok) in enumerate(zip(values.tolist(), flags.tolist(), strict=True)):
            step = len(losses)
            if not ok and on_nonfinite == "raise":
                nnx.update(model, state.params, state.rest)  # from before this update
                last = next((v for v in reversed(losses) if math.isfinite(v)), None)
                error = NonFiniteLossError if not math.isfinite(value) else NonFiniteGradientError
                raise error(step, epoch, batch, value, last)
            if not ok and on_nonfinite == "skip":
                skipped.append(step)
            losses.append(value)
    nnx.update(model, state.params, state.rest)
    return FitResult(losses, state, graphdef, skipped)
