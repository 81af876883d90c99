"""The notebooks' composed models: modules inside modules, and one layer used twice.

Nested attribute names give the nested torch keys (``block1.linear.weight``).
"""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import functional as F
from jaxnn import nn


class LinearBlock(nn.Module):
    """A linear layer followed by ReLU activation.

    Args:
      in_features: input features.
      out_features: output features.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, in_features) -> (N, out_features)``.

    PyTorch twin: ``torch_ref.models.LinearBlock``; keys ``linear.{weight,bias}``.
    """

    def __init__(self, in_features: int, out_features: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.linear = nn.Linear(in_features, out_features, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.relu(self.linear(x))


class ComposedNetwork(nn.Module):
    """Three :class:`LinearBlock` s ``10 -> 20 -> 20 -> 10`` and ``Linear(10, 5)``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.ComposedNetwork``; keys
    ``block{1,2,3}.linear.{weight,bias}``, ``output.{weight,bias}``; 905 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        # Stack multiple LinearBlocks
        self.block1 = LinearBlock(10, 20, dtype=dtype, rngs=rngs)
        self.block2 = LinearBlock(20, 20, dtype=dtype, rngs=rngs)
        self.block3 = LinearBlock(20, 10, dtype=dtype, rngs=rngs)
        self.output = nn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.block1(x)
        x = self.block2(x)
        x = self.block3(x)
        x = self.output(x)
        return x


class SharedParameterModule(nn.Module):
    """One ``Linear(10, 10)`` applied twice with a ReLU between.

    The layer is one graph node: it is counted once (110 parameters) and its
    gradient is the sum of the gradients of both uses, as in torch.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 10)``.

    PyTorch twin: ``torch_ref.models.SharedParameterModule`` (``torch.relu`` there);
    keys ``shared_layer.{weight,bias}``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        # Create one linear layer
        self.shared_layer = nn.Linear(10, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        # Apply the same layer twice (parameter sharing)
        x = self.shared_layer(x)
        x = F.relu(x)
        x = self.shared_layer(x)  # Same weights used again!
        return x
