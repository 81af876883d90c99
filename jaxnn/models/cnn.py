"""The notebook's CNN template."""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import nn


class CNN(nn.Module):
    """``Conv(1, 32, 3) -> ReLU -> MaxPool(2) -> Conv(32, 64, 3) -> ReLU -> MaxPool(2)``, then
    flatten and ``Linear(64 * 5 * 5, num_classes)``.

    The notebook's template reads the undefined global ``num_classes``; here, as in
    the torch twin, it is a constructor argument. The classifier's 64 * 5 * 5 inputs
    fit 28 x 28 images only: 28 -> 26 -> 13 -> 11 -> 5.

    Images are NCHW at the boundary, like torch, and the features are flattened
    in C, H, W order (the notebook's ``x.view(x.size(0), -1)``), so torch's classifier
    weights carry over unchanged; ``Conv2d`` runs NHWC inside (see ``jaxnn.nn.Conv2d``).

    Args:
      num_classes: classes (logits per image).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, 1, 28, 28) -> (N, num_classes)``.

    PyTorch twin: ``torch_ref.models.CNN``; keys ``features.{0,3}.{weight,bias}``,
    ``classifier.{weight,bias}``; ``CNN(10)`` has 34,826 parameters.
    """

    def __init__(self, num_classes: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(64 * 5 * 5, num_classes, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.features(x)  # (N, 64, 5, 5)
        x = x.reshape(x.shape[0], -1)  # (N, 1600), C-H-W order; torch: x.view(x.size(0), -1)
        return self.classifier(x)
