"""Scan-fused steps: many train steps as one compiled program over data on the device.

``fit`` runs an epoch this way whenever its loader allows it (:func:`fusable`), and
``jaxnn.parallel`` builds its own epochs from :func:`make_epoch_step`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

from jaxnn.data.dataset import TensorDataset
from jaxnn.train.precision import Precision
from jaxnn.train.state import TrainState
from jaxnn.train.step import GUARDS, Criterion, step_function

BLOCK_STEPS = 256
"""At most this many steps per compiled block: the host hears about progress (the bar, the
log, a non-finite step) at least this often, and one dispatch still covers enough steps
that a small model's per-call overhead disappears."""

MAX_DEVICE_BYTES = 1 << 30
"""``fit`` fuses only data sets up to this size (1 GiB): the whole set goes to the device."""


def make_epoch_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    *,
    on_nonfinite: str = "continue",
    unroll: int | bool = 1,
    precision: str | Precision | None = None,
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
      unroll: ``lax.scan``'s ``unroll``: steps per loop iteration (``True``: the
        whole epoch, no loop), at a compile time that grows with it.
      precision: a mixed-precision policy, as in ``make_train_step``.

    PyTorch twin: none; torch runs an epoch as a Python loop of eager steps
    (``torch_ref.train.fit``).
    """
    _check_on_nonfinite(on_nonfinite)
    step = step_function(graphdef, tx, criterion, GUARDS[on_nonfinite], precision)

    def epoch(state: TrainState, x, y, index, halted):
        def body(carry, rows):
            state, halted = carry
            state, metrics = step(state, x[rows], y[rows], halted)
            halted = metrics.pop("halted", halted)
            return (state, halted), metrics

        (state, halted), metrics = lax.scan(body, (state, halted), index, unroll=unroll)
        return state, {**metrics, "halted": halted}

    return jax.jit(epoch, donate_argnums=0)


def fusable(loader: Any) -> str | None:
    """``None`` when ``fit`` can fuse ``loader``'s epochs, else why not (for an error).

    It can when the loader is a ``jaxnn.data.DataLoader`` over a two-array
    :class:`~jaxnn.data.TensorDataset` of at most :data:`MAX_DEVICE_BYTES`: its batches
    are then fixed index sets of arrays that can live on the device, drawn from its
    sampler exactly as iterating it draws them.
    """
    dataset = getattr(loader, "dataset", None)
    if not isinstance(dataset, TensorDataset) or not hasattr(loader, "batch_indices"):
        over = f" over {type(dataset).__name__}" if dataset is not None else ""
        return (
            "a jaxnn.data.DataLoader over a TensorDataset (arrays it can put on the device "
            f"once); got {type(loader).__name__}{over}"
        )
    if len(dataset.arrays) != 2:
        return f"(x, y) pairs; the dataset holds {len(dataset.arrays)} arrays"
    size = sum(a.nbytes for a in dataset.arrays)
    if size > MAX_DEVICE_BYTES:
        return f"a data set of at most {MAX_DEVICE_BYTES} bytes on the device; got {size}"
    return None


class FusedEpochs:
    """``fit``'s fused path: each epoch's full batches in blocks of one compiled scan.

    The data set goes to the device once. A block is ``block`` scan iterations; one
    that ends early (at the epoch's end, or at a checkpoint) runs its missing steps as
    no-ops (a ``lax.cond`` that leaves the state as it is), so every block is the same
    compiled program whatever the boundaries. A short last batch is left to ``fit``'s
    ordinary step, on rows gathered on the device (:meth:`gather`).
    """

    def __init__(self, graphdef, tx, criterion, guard: str, precision, loader, unroll=1):
        self.loader = loader
        self.x, self.y = (jax.device_put(a) for a in loader.dataset.arrays)
        full = len(loader.dataset) // loader.batch_size
        # Blocks of equal size over an epoch, so the last one wastes few iterations.
        blocks = max(1, math.ceil(full / BLOCK_STEPS))
        self.block = max(1, math.ceil(full / blocks))
        step = step_function(graphdef, tx, criterion, guard, precision)

        def run(state: TrainState, x, y, index, count, halted):
            def one(carry, rows):
                state, halted = carry
                state, metrics = step(state, x[rows], y[rows], halted)
                return (state, metrics.pop("halted", halted)), metrics

            shapes = jax.eval_shape(one, (state, halted), index[0])[1]

            def body(carry, item):
                i, rows = item

                def idle(carry, rows):
                    return carry, jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes)

                return lax.cond(i < count, one, idle, carry, rows)

            steps = (jnp.arange(index.shape[0]), index)
            (state, halted), metrics = lax.scan(body, (state, halted), steps, unroll=unroll)
            return state, {**metrics, "halted": halted}

        self.run = jax.jit(run, donate_argnums=0)

    def gather(self, rows: np.ndarray) -> tuple[jax.Array, jax.Array]:
        """The batch ``rows`` of the data set, gathered on the device."""
        return _gather(self.x, self.y, rows)

    def blocks(
        self, batches: list[np.ndarray], until_checkpoint: Callable[[], int]
    ) -> Iterator[tuple[int, np.ndarray]]:
        """``(count, index)`` for the full batches in ``batches`` (in order), each block
        cut after ``until_checkpoint()`` steps when that is sooner (asked before each)."""
        start = 0
        while start < len(batches):
            count = min(self.block, len(batches) - start, until_checkpoint())
            index = np.zeros((self.block, self.loader.batch_size), np.int32)
            index[:count] = np.stack(batches[start : start + count])
            yield count, index
            start += count


def _check_on_nonfinite(on_nonfinite: str) -> None:
    if on_nonfinite not in GUARDS:
        raise ValueError(
            f"on_nonfinite must be 'raise', 'skip' or 'continue'; got {on_nonfinite!r}"
        )


@jax.jit
def _gather(x: jax.Array, y: jax.Array, rows: Any) -> tuple[jax.Array, jax.Array]:
    # One program per block length; eager indexing compiles several (the index conversion,
    # the negative-index wrap and each gather).
    return x[rows], y[rows]
