"""torch's gradient-accumulation pattern, in ``optax.MultiSteps``'s state."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax


def accumulate(tx: optax.GradientTransformation, every_k: int) -> optax.GradientTransformation:
    """Applies ``tx`` once every ``every_k`` calls, to the mean of the gradients it received.

    torch's pattern::

        for i, batch in enumerate(loader):
            loss = criterion(model(x), y) / every_k      # scale the loss
            loss.backward()                              # .grad += grad / every_k
            if (i + 1) % every_k == 0:
                optimizer.step(); optimizer.zero_grad()

    Each gradient is divided by ``k`` and added to the accumulator, as ``.grad`` sums the
    gradients of the scaled losses, so the JAX loss is *not* divided. Calls that do not
    complete a group return zero updates (parameters unchanged), and the inner optimizer's
    state and step count advance only on the ``k``-th call, as torch's do on
    ``optimizer.step()``; then the accumulator restarts from 0, as ``zero_grad()`` does.

    Args:
      tx: the optimizer, e.g. ``jaxnn.optim.adam(lr=1e-3)``.
      every_k: mini-batches per optimizer step (torch's ``accumulation_steps``).

    Returns:
      An ``optax.GradientTransformation`` whose state is an ``optax.MultiStepsState``
      (``optax.MultiSteps(tx, every_k).has_updated(state)`` tells whether the last call
      stepped).

    PyTorch twin: the accumulation loop above. The accumulator keeps the parameters' dtype.
    Non-finite gradients stay where torch puts them: ``optax.MultiSteps`` keeps a running
    mean and masks by multiplying, so an element whose micro-batch gradient was nan or inf
    keeps a nan accumulator for good (``(1 - emit) * inf`` at the reset), and its ``0 *``
    update then sends nan on the calls that should change nothing (a parameter torch's
    SGD holds at -inf turns nan). Here the optimizer runs in a branch taken on the k-th
    call only, the reset is a select, and the next group starts from 0, as after torch's
    ``zero_grad()``.
    """
    if not isinstance(every_k, int) or every_k < 1:
        raise ValueError(f"every_k must be a positive integer, got {every_k!r}")

    def init(params):
        return optax.MultiStepsState(
            mini_step=jnp.zeros([], jnp.int32),
            gradient_step=jnp.zeros([], jnp.int32),
            inner_opt_state=tx.init(params),
            acc_grads=jax.tree.map(jnp.zeros_like, params),
        )

    def update(updates, state, params=None, **extra_args):
        # .grad += grad(loss / k): the scaled gradients summed, as torch's backward does.
        acc_grads = jax.tree.map(lambda acc, g: acc + g / every_k, state.acc_grads, updates)
        emit = state.mini_step == every_k - 1

        def step(_):
            return tx.update(acc_grads, state.inner_opt_state, params, **extra_args)

        def hold(_):
            return jax.tree.map(jnp.zeros_like, updates), state.inner_opt_state

        # The optimizer runs on the k-th call only (a branch, not a product with 0/1: a nan
        # or inf must not leak into the calls that change nothing, nor survive the reset).
        updates, inner_state = jax.lax.cond(emit, step, hold, None)

        def reset(acc):
            return jnp.where(emit, 0, acc).astype(acc.dtype)

        new_state = optax.MultiStepsState(
            mini_step=(state.mini_step + 1) % every_k,
            gradient_step=jnp.where(emit, state.gradient_step + 1, state.gradient_step),
            inner_opt_state=inner_state,
            acc_grads=jax.tree.map(reset, acc_grads),
        )
        return updates, new_state

    return optax.GradientTransformation(init, update)
