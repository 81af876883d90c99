"""The training state: everything a pure train step reads and returns."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from jaxnn.train.precision import grad_scaler


class TrainState(NamedTuple):
    """A pytree ``(params, opt_state, step, rest)``; the module structure is the graphdef.

    Attributes:
      params: the ``nnx.Param`` values as a plain nested dict of arrays, the layout of
        ``nnx.to_pure_dict`` (what the optimizer updates). Plain dicts, not ``nnx.State``:
        a jitted step flattens and rebuilds its arguments in Python on every call, and
        ``Param`` wrappers make that slower (docs/performance.md).
      opt_state: the optax state.
      step: optimizer steps taken (int32 scalar).
      rest: the module's other state (RNG counters, running statistics).
      loss_scale: the dynamic loss scale (:class:`jaxnn.train.precision.LossScaleState`)
        under a policy that scales the loss (``"fp16-mixed"``), else ``None``.

    PyTorch twin: the model and optimizer objects themselves, which torch
    mutates in place.
    """

    params: dict[str, Any]
    opt_state: optax.OptState
    step: jax.Array
    rest: nnx.State
    loss_scale: Any = None

    @classmethod
    def create(
        cls, model: nnx.Module, tx: optax.GradientTransformation, precision: Any = None
    ) -> tuple[Any, TrainState]:
        """Splits ``model`` into ``(graphdef, TrainState)`` with a fresh optimizer state (and
        a fresh loss scale when ``precision``, a policy or its name, scales the loss)."""
        graphdef, params, rest = nnx.split(model, nnx.Param, ...)
        # Copies: the train step donates its input, which must not free the module's own arrays.
        # device_put copies buffer to buffer; jnp.copy would compile a program per leaf shape.
        params, rest = jax.tree.map(_copy, (nnx.to_pure_dict(params), rest))
        scaler = grad_scaler(precision)
        loss_scale = None if scaler is None else scaler.init()
        return graphdef, cls(params, tx.init(params), jnp.zeros([], jnp.int32), rest, loss_scale)

    def merge(self, graphdef: Any) -> nnx.Module:
        """A module holding this state (for evaluation or inspection)."""
        return nnx.merge(graphdef, self.params, self.rest)


def _copy(leaf: Any) -> jax.Array:
    return jax.device_put(leaf, may_alias=False)
