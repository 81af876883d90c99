"""The notebooks' models built from hand-made ``nn.Parameter`` s.

``ModuleWithParameter``, ``ModuleWithTensor``, ``ModuleWithParam``, ``MLP2Hidden``, and the
manual 20 -> 15 -> 10 -> 3 matmul network as ``ManualMLP``. The notebooks' code.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ModuleWithParameter(nn.Module):
    """``x @ weight + bias`` with randn parameters.

    JAX twin: ``jaxnn.models.ModuleWithParameter``.
    """

    def __init__(self):
        super().__init__()
        # Create a learnable parameter: a 3x3 matrix
        self.weight = nn.Parameter(torch.randn(3, 3))
        # Create another parameter: a bias vector
        self.bias = nn.Parameter(torch.randn(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Use the parameters in computation
        return x @ self.weight + self.bias


class ModuleWithTensor(nn.Module):
    """``x @ regular_tensor``, a plain tensor: no parameters.

    JAX twin: ``jaxnn.models.ModuleWithTensor``.
    """

    def __init__(self):
        super().__init__()
        self.regular_tensor = torch.randn(3, 3)  # Just a tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.regular_tensor


class ModuleWithParam(nn.Module):
    """``x @ param`` with one randn ``(3, 3)`` parameter.

    JAX twin: ``jaxnn.models.ModuleWithParam``.
    """

    def __init__(self):
        super().__init__()
        self.param = nn.Parameter(torch.randn(3, 3))  # Parameter!

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.param


class MLP2Hidden(nn.Module):
    """Manual-parameter MLP 784 -> 128 -> 10.

    One hidden layer despite the name; ``h1`` and ``h2`` are ignored, as in the notebook.
    JAX twin: ``jaxnn.models.MLP2Hidden``.
    """

    def __init__(self, h1: int = 256, h2: int = 128):
        super().__init__()
        # Manually define weights and biases
        self.W1 = nn.Parameter(torch.randn(784, 128) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(128))
        self.W2 = nn.Parameter(torch.randn(128, 10) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(-1, 784)  # Flatten

        # Layer 1: X @ W + b
        z1 = x @ self.W1 + self.b1
        h1 = F.relu(z1)

        # Layer 2
        logits = h1 @ self.W2 + self.b2
        return logits


class ManualMLP(nn.Module):
    """The notebook's three-layer network by matmuls, 20 -> 15 -> 10 -> 3.

    The notebook's plain ``torch.randn`` tensors become ``nn.Parameter`` s of a module,
    registered in the notebook's order. JAX twin: ``jaxnn.models.ManualMLP``.
    """

    def __init__(self):
        super().__init__()
        # Layer 1: 20 -> 15 features
        self.W1 = nn.Parameter(torch.randn(20, 15))
        self.b1 = nn.Parameter(torch.randn(15))
        # Layer 2: 15 -> 10 features
        self.W2 = nn.Parameter(torch.randn(15, 10))
        self.b2 = nn.Parameter(torch.randn(10))
        # Layer 3: 10 -> 3 features (output)
        self.W3 = nn.Parameter(torch.randn(10, 3))
        self.b3 = nn.Parameter(torch.randn(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h1 = torch.relu(x @ self.W1 + self.b1)  # Activation function
        h2 = torch.relu(h1 @ self.W2 + self.b2)  # Activation function
        return h2 @ self.W3 + self.b3
