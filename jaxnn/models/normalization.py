"""The notebook's pair of deep MLPs without and with ``LayerNorm``.

``TransformerBlock`` (a post-norm block) is in :mod:`jaxnn.models.transformer`;
``WellRegularizedNetwork`` (batch norm) in :mod:`jaxnn.models.regularization`.
"""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import nn


class NetworkWithoutNorm(nn.Module):
    """``100 -> 100 -> ReLU -> 100 -> ReLU -> 10`` in a ``Sequential``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, 100) -> (N, 10)``.

    PyTorch twin: ``torch_ref.models.NetworkWithoutNorm``; keys ``layers.{0,2,4}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layers = nn.Sequential(
            nn.Linear(100, 100, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Linear(100, 100, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Linear(100, 10, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.layers(x)


class NetworkWithNorm(nn.Module):
    """``Linear -> LayerNorm -> ReLU`` twice (100 wide), then ``Linear(100, 10)``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation (the LayerNorms start at ones and zeros).

    Shape:
      ``(N, 100) -> (N, 10)``.

    PyTorch twin: ``torch_ref.models.NetworkWithNorm``; keys in the notebook's order
    ``fc1.*, ln1.*, fc2.*, ln2.*, fc3.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(100, 100, dtype=dtype, rngs=rngs)
        self.ln1 = nn.LayerNorm(100, dtype=dtype)
        self.relu1 = nn.ReLU()

        self.fc2 = nn.Linear(100, 100, dtype=dtype, rngs=rngs)
        self.ln2 = nn.LayerNorm(100, dtype=dtype)
        self.relu2 = nn.ReLU()

        self.fc3 = nn.Linear(100, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.fc1(x)
        x = self.ln1(x)  # Normalize after linear layer
        x = self.relu1(x)

        x = self.fc2(x)
        x = self.ln2(x)  # Normalize after linear layer
        x = self.relu2(x)

        x = self.fc3(x)
        return x
