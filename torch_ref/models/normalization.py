"""The notebook's pair of deep MLPs without and with ``LayerNorm``. The notebook's code."""

from __future__ import annotations

import torch
from torch import nn


class NetworkWithoutNorm(nn.Module):
    """``100 -> 100 -> ReLU -> 100 -> ReLU -> 10``.

    JAX twin: ``jaxnn.models.NetworkWithoutNorm``.
    """

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class NetworkWithNorm(nn.Module):
    """``Linear -> LayerNorm -> ReLU`` twice, then ``Linear(100, 10)``.

    JAX twin: ``jaxnn.models.NetworkWithNorm``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 100)
        self.ln1 = nn.LayerNorm(100)
        self.relu1 = nn.ReLU()

        self.fc2 = nn.Linear(100, 100)
        self.ln2 = nn.LayerNorm(100)
        self.relu2 = nn.ReLU()

        self.fc3 = nn.Linear(100, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = self.ln1(x)  # Normalize after linear layer
        x = self.relu1(x)

        x = self.fc2(x)
        x = self.ln2(x)  # Normalize after linear layer
        x = self.relu2(x)

        x = self.fc3(x)
        return x
