"""Pure, jitted train and eval steps: ``train_step(state, batch) -> (state, metrics)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from jaxnn.train.state import TrainState

Criterion = Callable[[jax.Array, jax.Array], jax.Array]


def make_train_step(graphdef: Any, tx: optax.GradientTransformation, criterion: Criterion):
    """Builds ``train_step(state, (x, y)) -> (state, {"loss": loss})``, jitted.

    The step merges the module, runs ``criterion(model(x), y)``, differentiates
    with respect to the parameters, applies ``tx`` and returns the new state.
    The incoming state's buffers are donated: do not reuse it after the call.

    PyTorch twin: ``torch_ref.train.train_step``
    (``zero_grad -> forward -> loss -> backward -> step``).
    """

    def loss_fn(params, rest, x, y):
        # copy=True: fresh variables owned by this trace, which layers may update
        # during the forward pass (BatchNorm statistics, the dropout key counter).
        model = nnx.merge(graphdef, params, rest, copy=True)
        model.train()  # torch's model.train(): dropout on, batch statistics used
        loss = criterion(model(x), y)
        return loss, nnx.state(model, nnx.Not(nnx.Param))

    def _step(state: TrainState, x, y):
        (loss, rest), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            state.params, state.rest, x, y
        )
        updates, opt_state = tx.update(grads, state.opt_state, state.params)
        params = optax.apply_updates(state.params, updates)
        return TrainState(params, opt_state, state.step + 1, rest), {"loss": loss}

    step = jax.jit(_step, donate_argnums=0)

    def train_step(state: TrainState, batch) -> tuple[TrainState, dict[str, jax.Array]]:
        x, y = batch
        return step(state, x, y)

    return train_step


def make_eval_step(graphdef: Any, criterion: Criterion):
    """Builds ``eval_step(state, (x, y)) -> {"loss", "correct", "count"}``, jitted.

    ``correct`` counts ``argmax(logits, axis=1) == y``; ``loss`` is the batch
    mean of ``criterion``. PyTorch twin: ``torch_ref.train.eval_step``.
    """

    @jax.jit
    def _step(params, rest, x, y):
        # copy=True: fresh variables owned by this trace, which layers may update
        # during the forward pass (BatchNorm statistics, the dropout key counter).
        model = nnx.merge(graphdef, params, rest, copy=True)
        model.eval()  # torch's model.eval() + no_grad: nothing is differentiated here
        logits = model(x)
        correct = jnp.sum(jnp.argmax(logits, axis=1) == y)
        return {"loss": criterion(logits, y), "correct": correct, "count": y.shape[0]}

    def eval_step(state: TrainState, batch) -> dict[str, jax.Array]:
        x, y = batch
        return _step(state.params, state.rest, x, y)

    return eval_step
