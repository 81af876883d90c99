"""torch's running-average updates, rounding for rounding, for the optimizers' moments.

optax's ``update_moment`` computes ``(1 - b) * g + b * m`` and ``(1 - b) * g**2 + b * v``.
torch updates in place with other operations, and the two part ways on hard gradients, not
only in the last bit:

- first moments (Adam's ``exp_avg``, centered RMSprop's ``grad_avg``) use
  ``m.lerp_(g, 1 - b)``, which is ``m + w * (g - m)``: an infinite ``m`` met by a finite ``g``
  gives ``inf - inf = nan`` where optax keeps ``inf``;
- second moments (``exp_avg_sq``, ``square_avg``) use ``v.mul_(b).addcmul_(g, g, value=1 - b)``,
  which is ``b * v + ((1 - b) * g) * g``: ``g = 3e19`` in float32 squares to ``inf`` in
  optax's order and stays finite (``9e35``) in torch's.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def torch_lerp(m: jax.Array, g: jax.Array, weight: float) -> jax.Array:
    """``torch.lerp(m, g, weight)`` for a scalar ``weight``, in its two branches."""
    if abs(weight) < 0.5:
        return m + weight * (g - m)
    return g - (g - m) * (1 - jnp.asarray(weight, m.dtype))


def torch_first_moment(m: jax.Array, g: jax.Array, decay: float) -> jax.Array:
    """``m.lerp_(g, 1 - decay)``."""
    return torch_lerp(m, g, 1 - decay)


def torch_second_moment(v: jax.Array, g: jax.Array, decay: float) -> jax.Array:
    """``v.mul_(decay).addcmul_(g, g, value=1 - decay)``."""
    return decay * v + ((1 - decay) * g) * g
