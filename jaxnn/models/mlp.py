"""The seeds' multilayer perceptrons."""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import nn


class NeuralNetwork(nnx.Module):
    """Two hidden layers of 30 and 20 ReLU units (seed S4 2021-2036, E12/E18/E19).

    ``Linear(num_inputs, 30) -> ReLU -> Linear(30, 20) -> ReLU -> Linear(20, num_outputs)``;
    returns logits.

    Args:
      num_inputs: input features.
      num_outputs: classes (logits per sample).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, num_inputs) -> (N, num_outputs)``.

    PyTorch twin: ``torch_ref.models.NeuralNetwork``; parameter keys
    ``layers.{0,2,4}.{weight,bias}`` on both sides.
    """

    def __init__(self, num_inputs: int, num_outputs: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layers = nn.Sequential(
            # 1st hidden layer
            nn.Linear(num_inputs, 30, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            # 2nd hidden layer
            nn.Linear(30, 20, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            # output layer
            nn.Linear(20, num_outputs, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.layers(x)  # logits
