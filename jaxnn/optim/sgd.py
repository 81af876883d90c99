"""``torch.optim.SGD`` twin, built from optax parts."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax


class DampenedTraceState(NamedTuple):
    """Momentum buffer and step count for :func:`_dampened_trace`."""

    count: jax.Array
    trace: optax.Params


def _dampened_trace(momentum: float, dampening: float, nesterov: bool):
    """torch's momentum with dampening: ``buf = g`` on the first step, then
    ``buf = momentum * buf + (1 - dampening) * g``.

    ``optax.trace`` starts the buffer at zero without dampening, which equals
    torch only when ``dampening == 0`` (then ``sgd`` uses ``optax.trace``).
    """

    def init_fn(params):
        return DampenedTraceState(
            count=jnp.zeros([], jnp.int32), trace=jax.tree.map(jnp.zeros_like, params)
        )

    def update_fn(updates, state, params=None):
        del params
        first = state.count == 0
        trace = jax.tree.map(
            lambda g, t: jnp.where(first, g, momentum * t + (1 - dampening) * g),
            updates,
            state.trace,
        )
        if nesterov:
            updates = jax.tree.map(lambda g, t: g + momentum * t, updates, trace)
        else:
            updates = trace
        return updates, DampenedTraceState(count=optax.safe_increment(state.count), trace=trace)

    return optax.GradientTransformation(init_fn, update_fn)


def sgd(
    lr: optax.ScalarOrSchedule = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
    *,
    maximize: bool = False,
) -> optax.GradientTransformation:
    """Stochastic gradient descent with torch's arguments, defaults and update rule.

    Per step, with gradient ``g`` and parameters ``p``::

        g = g + weight_decay * p                        # L2 penalty, if weight_decay
        buf = g (first step), momentum * buf + (1 - dampening) * g (later)
        g = g + momentum * buf if nesterov else buf      # if momentum
        p = p - lr * g

    Args:
      lr: learning rate, or an optax schedule of the step count.
      momentum: momentum factor (default 0: plain SGD).
      dampening: dampening for momentum.
      weight_decay: L2 penalty added to the gradient (not decoupled).
      nesterov: Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.
      maximize: ascend instead of descend.

    Returns:
      An ``optax.GradientTransformation``; call ``update(grads, state, params)``
      (``params`` is needed only with ``weight_decay``).

    PyTorch twin: ``torch.optim.SGD(params, lr, momentum, dampening,
    weight_decay, nesterov, maximize=...)``. The chain is
    ``add_decayed_weights -> trace -> scale_by_learning_rate``; with
    ``dampening == 0`` it is ``optax.sgd`` plus the weight decay.

    Example:
      >>> tx = sgd(lr=0.01, momentum=0.9)
      >>> state = tx.init(params)
      >>> updates, state = tx.update(grads, state)
      >>> params = optax.apply_updates(params, updates)
    """
    if not callable(lr) and lr < 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")
    if momentum < 0.0:
        raise ValueError(f"Invalid momentum value: {momentum}")
    if weight_decay < 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    parts = []
    if maximize:
        parts.append(optax.scale(-1.0))
    if weight_decay:
        parts.append(optax.add_decayed_weights(weight_decay))
    if momentum:
        if dampening:
            parts.append(_dampened_trace(momentum, dampening, nesterov))
        else:
            parts.append(optax.trace(decay=momentum, nesterov=nesterov))
    parts.append(optax.scale_by_learning_rate(lr))
    return optax.chain(*parts)
