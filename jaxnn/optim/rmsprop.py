"""``torch.optim.RMSprop`` twin, built from optax parts."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from jaxnn.optim._moments import torch_first_moment, torch_second_moment


def _scale_by_torch_rms(alpha: float, eps: float, centered: bool):
    """``g / (√v + eps)``, or ``g / (√(v - ḡ²) + eps)`` when centered, with torch's moment
    updates (``_moments.py``); the state is ``optax.scale_by_rms``'s (``nu``) or
    ``optax.scale_by_stddev``'s (``mu``, ``nu``), both starting at zero.

    ``optax.scale_by_rms/scale_by_stddev(decay=alpha, eps_in_sqrt=False, initial_scale=0)``
    is the same rule with optax's moment updates, which part from torch's on hard gradients
    (a squared 3e19 overflows float32 in optax's order, not in torch's).
    """

    def init_fn(params):
        nu = optax.tree.zeros_like(params)
        if centered:
            return optax.ScaleByRStdDevState(mu=optax.tree.zeros_like(params), nu=nu)
        return optax.ScaleByRmsState(nu=nu)

    def update_fn(updates, state, params=None):
        del params
        nu = jax.tree.map(lambda g, v: torch_second_moment(v, g, alpha), updates, state.nu)
        if centered:
            mu = jax.tree.map(lambda g, m: torch_first_moment(m, g, alpha), updates, state.mu)
            updates = jax.tree.map(lambda g, m, v: g / (jnp.sqrt(v - m * m) + eps), updates, mu, nu)
            return updates, optax.ScaleByRStdDevState(mu=mu, nu=nu)
        updates = jax.tree.map(lambda g, v: g / (jnp.sqrt(v) + eps), updates, nu)
        return updates, optax.ScaleByRmsState(nu=nu)

    return optax.GradientTransformation(init_fn, update_fn)


def rmsprop(
    lr: optax.ScalarOrSchedule = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0,
    momentum: float = 0,
    centered: bool = False,
    *,
    maximize: bool = False,
) -> optax.GradientTransformation:
    """RMSprop with torch's arguments, defaults and update rule.

    Per step, with gradient ``g`` and parameters ``p``::

        g = -g                                          # if maximize
        g = g + weight_decay * p                        # L2 penalty, if weight_decay
        v = alpha * v + (1 - alpha) * g**2
        avg = √(v - ḡ**2) + eps   with ḡ = alpha * ḡ + (1 - alpha) * g   # if centered
        avg = √v + eps                                                    # otherwise
        buf = momentum * buf + g / avg; p = p - lr * buf                  # if momentum
        p = p - lr * g / avg                                              # otherwise

    ``eps`` is added outside the square root and no bias correction is applied.

    Args:
      lr: learning rate, or an optax schedule of the step count.
      alpha: smoothing constant of the squared-gradient average.
      eps: added to the denominator, outside the square root.
      weight_decay: L2 penalty added to the gradient.
      momentum: momentum factor (0: none); the buffer starts at zero.
      centered: normalise by the estimated variance ``v - ḡ**2`` instead of ``v``.
      maximize: ascend instead of descend.

    Returns:
      An ``optax.GradientTransformation``; call ``update(grads, state, params)``
      (``params`` is needed only with ``weight_decay``).

    PyTorch twin: ``torch.optim.RMSprop(params, lr, alpha, eps, weight_decay, momentum,
    centered, maximize=...)``. The chain is ``add_decayed_weights ->
    (the rule of scale_by_rms/scale_by_stddev(decay=alpha, eps_in_sqrt=False), with torch's
    moment updates) -> trace(momentum) -> scale_by_learning_rate``.
    ``optax.rmsprop(decay=alpha, eps_in_sqrt=False, ...)`` scales by the learning rate
    *before* the momentum trace, which equals torch only for a constant ``lr``; here the
    trace comes first, as in torch, so schedules match too. optax's defaults differ
    (``decay=0.9``, ``eps`` inside the root).

    Example:
      >>> tx = rmsprop(lr=0.01, momentum=0.9)
      >>> state = tx.init(params)
      >>> updates, state = tx.update(grads, state)
      >>> params = optax.apply_updates(params, updates)
    """
    if not callable(lr) and not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= momentum:
        raise ValueError(f"Invalid momentum value: {momentum}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    if not 0.0 <= alpha:
        raise ValueError(f"Invalid alpha value: {alpha}")

    parts = []
    if maximize:
        parts.append(optax.scale(-1.0))
    if weight_decay:
        parts.append(optax.add_decayed_weights(weight_decay))
    parts.append(_scale_by_torch_rms(alpha, eps, centered))
    if momentum > 0:
        parts.append(optax.trace(decay=momentum))
    parts.append(optax.scale_by_learning_rate(lr))
    return optax.chain(*parts)
