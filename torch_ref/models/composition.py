"""The notebooks' composed models: modules inside modules, and one layer used twice.

The notebooks' code.
"""

from __future__ import annotations

import torch
from torch import nn


class LinearBlock(nn.Module):
    """A linear layer followed by ReLU activation.

    JAX twin: ``jaxnn.models.LinearBlock``.
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.linear(x))


class ComposedNetwork(nn.Module):
    """Three ``LinearBlock`` s and ``Linear(10, 5)``.

    JAX twin: ``jaxnn.models.ComposedNetwork``.
    """

    def __init__(self):
        super().__init__()
        # Stack multiple LinearBlocks
        self.block1 = LinearBlock(10, 20)
        self.block2 = LinearBlock(20, 20)
        self.block3 = LinearBlock(20, 10)
        self.output = nn.Linear(10, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block1(x)
        x = self.block2(x)
        x = self.block3(x)
        x = self.output(x)
        return x


class SharedParameterModule(nn.Module):
    """One ``Linear(10, 10)`` applied twice.

    JAX twin: ``jaxnn.models.SharedParameterModule``.
    """

    def __init__(self):
        super().__init__()
        # Create one linear layer
        self.shared_layer = nn.Linear(10, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Apply the same layer twice (parameter sharing)
        x = self.shared_layer(x)
        x = torch.relu(x)
        x = self.shared_layer(x)  # Same weights used again!
        return x
