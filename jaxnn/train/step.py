"""Pure, jitted train and eval steps: ``train_step(state, batch) -> (state, metrics)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from jaxnn.train.precision import Precision, as_precision, autocast, grad_scaler
from jaxnn.train.state import TrainState

# The public steps; build_step, step_function, all_finite and GUARDS are the pieces fit and
# jaxnn.parallel build their own steps from.
__all__ = ["Criterion", "make_train_step", "make_eval_step"]

Criterion = Callable[[jax.Array, jax.Array], jax.Array]

GUARDS = {"raise": "halt", "skip": "skip", "continue": "none"}
"""``fit``'s ``on_nonfinite`` -> the guard of :func:`step_function` (what the jitted step
does with a non-finite update)."""


def all_finite(loss: jax.Array, params: Any) -> jax.Array:
    """``True`` when the loss and every element of the updated parameters are finite.

    A NaN or infinite gradient element makes its parameter's update, and so the
    parameter, non-finite (``p - lr * inf`` is infinite, ``0 * inf`` is NaN; the
    stateful optimizers carry it into the update the same way), so this is the
    gradient check. It reads the new parameters, which XLA can fuse into the
    update it writes anyway, and reduces each tensor with a sum (NaN and inf
    propagate through it): one vectorised sum per tensor is cheaper than reading
    the gradients (which forces them to memory) or ``all(isfinite(p))`` reductions,
    which vectorise poorly (docs/performance.md). A tensor whose finite elements sum
    past the dtype's maximum (3.4e38 in float32: a diverged model) counts as
    non-finite too.
    """
    flags = [jnp.isfinite(jnp.sum(p)) for p in jax.tree.leaves(params)]
    return jnp.stack([jnp.isfinite(loss), *flags]).all()


def _keep_old_unless(take_new: jax.Array, new: TrainState, old: TrainState) -> TrainState:
    """``new`` where ``take_new``, else ``old``, except the RNG state, which always advances.

    Parameters, optimizer state, step counter and running statistics (a NaN batch
    would poison BatchNorm's for good) stay as they were; the dropout keys and
    counters move on, as torch's global generator does when it skips
    ``optimizer.step()``.
    """

    def pick(a, b):
        return jax.tree.map(lambda x, y: jnp.where(take_new, x, y), a, b)

    new_rng, new_other = nnx.split_state(new.rest, nnx.RngState, ...)
    _, old_other = nnx.split_state(old.rest, nnx.RngState, ...)
    rest = nnx.merge_state(new_rng, pick(new_other, old_other))
    return new._replace(
        params=pick(new.params, old.params),
        opt_state=pick(new.opt_state, old.opt_state),
        step=jnp.where(take_new, new.step, old.step),
        rest=rest,
    )


def step_function(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    guard: str,
    precision: str | Precision | None = None,
):
    """The pure ``step(state, x, y, halted) -> (state, metrics)`` behind the train steps.

    ``guard`` is ``"none"`` (always apply the update), ``"skip"`` (drop a
    non-finite update) or ``"halt"`` (drop it and every later one: ``halted``
    comes back in the metrics and is fed to the next call, so the state stays
    the one from before the first non-finite update until the host looks).

    ``precision`` (a :class:`~jaxnn.train.precision.Precision` or its name) computes the
    forward pass under that policy (:func:`~jaxnn.train.precision.autocast` on the traced
    module, the output cast to the policy's output dtype before ``criterion``). With loss
    scaling (``"fp16-mixed"``) the scaled loss is differentiated, the gradients unscaled
    before ``tx`` sees them, a step whose scaled gradients overflowed is skipped (its
    update dropped, as ``scaler.step`` skips ``optimizer.step()``) and the scale updated;
    such a step counts as finite when its loss is (the scaler's own business, as in torch),
    and ``metrics`` adds ``loss_scale`` (the scale the step used) and ``scaler_skipped``.
    """
    policy = as_precision(precision)
    scaler = grad_scaler(policy)

    def loss_fn(params, rest, x, y, scale):
        # copy=True: fresh variables owned by this trace, which layers may update
        # during the forward pass (BatchNorm statistics, the dropout key counter).
        model = nnx.merge(graphdef, params, rest, copy=True)
        model.train()  # torch's model.train(): dropout on, batch statistics used
        if policy.mixed:
            # Only this trace's copy: the graphdef and the stored state stay float32.
            output = autocast(model, policy)(x).astype(policy.output_dtype)
        else:
            output = model(x)
        loss = criterion(output, y)
        scaled = loss if scale is None else loss * scale.astype(loss.dtype)
        return scaled, (loss, nnx.state(model, nnx.Not(nnx.Param)))

    def _step(state: TrainState, x, y, halted):
        if scaler is not None and state.loss_scale is None:
            raise ValueError(
                f"precision {policy.name!r} scales the loss: make the state with "
                "TrainState.create(model, tx, precision), which holds the loss scale"
            )
        scale = None if scaler is None else state.loss_scale.scale
        (_, (loss, rest)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            state.params, state.rest, x, y, scale
        )
        if scaler is not None:
            grads, found_inf = scaler.unscale(state.loss_scale, grads)
        updates, opt_state = tx.update(grads, state.opt_state, state.params)
        params = optax.apply_updates(state.params, updates)
        finite = all_finite(loss, params)
        new = state._replace(params=params, opt_state=opt_state, step=state.step + 1, rest=rest)
        metrics = {"loss": loss, "finite": finite}
        if scaler is not None:
            new = _keep_old_unless(~found_inf, new, state)  # skipped, not zeroed
            new = new._replace(loss_scale=scaler.update(state.loss_scale, found_inf))
            finite = jnp.isfinite(loss) & (found_inf | finite)
            metrics.update(finite=finite, loss_scale=scale, scaler_skipped=found_inf)
        if guard == "skip":
            new = _keep_old_unless(finite, new, state)
        elif guard == "halt":
            halted = halted | ~finite
            new = jax.tree.map(lambda a, b: jnp.where(halted, b, a), new, state)
            metrics["halted"] = halted
        return new, metrics

    return _step


def build_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    guard: str,
    precision: str | Precision | None = None,
):
    """:func:`step_function`, jitted, with the incoming state's buffers donated."""
    return jax.jit(step_function(graphdef, tx, criterion, guard, precision), donate_argnums=0)


def make_train_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    *,
    skip_nonfinite: bool = False,
    precision: str | Precision | None = None,
):
    """Builds ``train_step(state, (x, y)) -> (state, {"loss", "finite"})``, jitted.

    The step merges the module, runs ``criterion(model(x), y)``, differentiates
    with respect to the parameters, applies ``tx`` and returns the new state.
    ``finite`` is a device bool: the loss and every updated parameter are finite,
    which they are exactly when every gradient element was (a NaN/inf gradient
    can come with a finite loss, e.g. ``sqrt`` at 0), short of an update that
    overflows on its own. The
    incoming state's buffers are donated: do not reuse it after the call.

    Args:
      graphdef, tx, criterion: the module structure (from
        :meth:`TrainState.create`), the optax transformation and the loss.
      skip_nonfinite: when ``finite`` is false, return the incoming parameters,
        optimizer state, step count and running statistics unchanged (only the
        RNG state advances), like ``optax.apply_if_finite`` but with an
        unchanged optimizer state structure.
      precision: a mixed-precision policy (:mod:`jaxnn.train.precision`): ``"float32"``
        (default), ``"bf16-mixed"`` or ``"fp16-mixed"`` (loss scaling; create the state
        with ``TrainState.create(model, tx, precision)`` so it holds the loss scale). See
        :func:`step_function`.

    PyTorch twin: ``torch_ref.train.train_step``
    (``zero_grad -> forward -> loss -> backward -> step``); ``torch_ref.train.fit``
    skips ``optimizer.step()`` the same way.
    """
    step = build_step(graphdef, tx, criterion, "skip" if skip_nonfinite else "none", precision)
    no = jnp.zeros([], bool)

    def train_step(state: TrainState, batch) -> tuple[TrainState, dict[str, jax.Array]]:
        x, y = batch
        return step(state, x, y, no)

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
