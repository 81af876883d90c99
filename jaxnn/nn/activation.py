"""Activation modules (``torch.nn`` activation layers)."""

from __future__ import annotations

import jax
from flax import nnx

from jaxnn import functional as F


class ReLU(nnx.Module):
    """``ReLU(x) = max(0, x)`` element-wise. No parameters.

    PyTorch twin: ``torch.nn.ReLU``. One instance may be reused for several
    layers, as in the seed's MLP.
    """

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.relu(x)
