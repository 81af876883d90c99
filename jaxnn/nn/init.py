"""Initialisers that draw from torch's default distributions.

The random streams never match torch's (parity copies torch's initial
parameters instead); the distributions do, so a jaxnn model trained from its
own initialisation behaves like a torch one.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp


def uniform(bound: float):
    """Initialiser for U(-bound, bound), the shape of torch's ``init.uniform_(-b, b)``."""

    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, minval=-bound, maxval=bound)

    return init


def fan_in_bound(fan_in: int) -> float:
    """``1/sqrt(fan_in)``: torch's bound for ``kaiming_uniform_(a=sqrt(5))`` and for biases.

    ``kaiming_uniform_`` with ``a=sqrt(5)`` has gain ``sqrt(2 / (1 + 5))`` and bound
    ``gain * sqrt(3 / fan_in) = 1/sqrt(fan_in)``. torch uses bound 0 when fan_in is 0.
    """
    return 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
