"""``torch.optim.AdamW`` twin, built from optax parts."""

from __future__ import annotations

import optax

from jaxnn.optim.adam import _check_adam_args, _scale_by_torch_adam


def adamw(
    lr: optax.ScalarOrSchedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
    *,
    maximize: bool = False,
) -> optax.GradientTransformation:
    """Adam with decoupled weight decay, with torch's arguments, defaults and update rule.

    Per step ``t`` (from 1), with gradient ``g`` and parameters ``p``::

        g = -g                                          # if maximize (the decay is not negated)
        p = p * (1 - lr * weight_decay)                 # decoupled decay, from the old p
        m, v, m̂, v̂ as in :func:`jaxnn.optim.adam` (the gradient carries no decay term)
        p = p - lr * m̂ / (√v̂ + eps)

    torch shrinks ``p`` first and then adds the Adam step, but the Adam step does not depend
    on ``p``, so the result is ``p - lr * (m̂ / (√v̂ + eps) + weight_decay * p)``: optax's
    ``(Adam direction) -> add_decayed_weights -> scale_by_learning_rate``, the structure of
    ``optax.adamw`` with :func:`adam`'s torch-accurate direction.

    Args:
      lr: learning rate, or an optax schedule of the step count (it scales the decay too).
      betas: ``(b1, b2)``, decay rates of the first and second moments.
      eps: added to the denominator, outside the square root.
      weight_decay: decoupled weight decay coefficient (torch's default ``1e-2``; optax's
        ``adamw`` defaults to ``1e-4``).
      amsgrad: use torch's AMSGrad variant (see :func:`jaxnn.optim.adam`).
      maximize: ascend instead of descend.

    Returns:
      An ``optax.GradientTransformation``; call ``update(grads, state, params)``
      (``params`` is needed whenever ``weight_decay`` is non-zero).

    PyTorch twin: ``torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad,
    maximize=...)``, which is ``torch.optim.Adam(..., decoupled_weight_decay=True)``.
    Not bit-identical in float64: torch computes ``p * (1 - lr * wd) - step`` in place,
    optax ``p + (-lr * (step + wd * p))``; the two round differently (agreement ~1e-16
    relative per step, within the curve tolerance over whole trajectories).

    Example:
      >>> tx = adamw(lr=1e-3, weight_decay=0.01)
      >>> state = tx.init(params)
      >>> updates, state = tx.update(grads, state, params)
      >>> params = optax.apply_updates(params, updates)
    """
    _check_adam_args(lr, betas, eps, weight_decay)
    parts = []
    if maximize:
        parts.append(optax.scale(-1.0))
    parts.append(_scale_by_torch_adam(betas, eps, amsgrad))
    if weight_decay:
        parts.append(optax.add_decayed_weights(weight_decay))
    parts.append(optax.scale_by_learning_rate(lr))
    return optax.chain(*parts)
