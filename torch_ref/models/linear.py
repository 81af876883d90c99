"""The notebooks' one-layer models: a single ``Linear`` wrapped in a module.

The notebooks' code; repairs are commented.
"""

from __future__ import annotations

import torch
from torch import nn


class SimpleNet(nn.Module):
    """``Linear(2, 1)`` in a module. JAX twin: ``jaxnn.models.SimpleNet``."""

    def __init__(self):
        super(SimpleNet, self).__init__()  # noqa: UP008 (the notebook's spelling)
        self.fc = nn.Linear(2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x)


class Net(nn.Module):
    """``Linear(10, 1)`` in a module. JAX twin: ``jaxnn.models.Net``."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x)


class LinearModel(nn.Module):
    """``Linear(in_features, out_features)``.

    JAX twin: ``jaxnn.models.LinearModel``.
    """

    # Repair: the notebook reads the undefined globals in_features and out_features;
    # they are constructor arguments here.
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x)


class SimpleModule(nn.Module):
    """``Linear(10, 5)`` in a module.

    JAX twin: ``jaxnn.models.SimpleModule``.
    """

    def __init__(self):
        super().__init__()  # Always call parent's __init__
        # Define a single linear layer: 10 input features -> 5 output features
        self.linear = nn.Linear(10, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Define how data flows through the module
        return self.linear(x)


class MyModule(nn.Module):
    """``Linear(10, 5)`` named ``layer``.

    JAX twin: ``jaxnn.models.MyModule``.
    """

    def __init__(self):
        super().__init__()  # Always call this first!
        # Define layers and parameters here
        self.layer = nn.Linear(10, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Define forward pass here
        return self.layer(x)


class LinearRegressionModel(nn.Module):
    """``Linear(1, 1)``. JAX twin: ``jaxnn.models.LinearRegressionModel``."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)  # 1 input, 1 output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)
