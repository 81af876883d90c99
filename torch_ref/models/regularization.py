"""The notebooks' regularized models: dropout (module and functional) and batch norm.

The notebooks' code.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ModelWithDropout(nn.Module):
    """``10 -> 20 -> Dropout(0.5) -> 5``.

    JAX twin: ``jaxnn.models.ModelWithDropout``.
    """

    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(10, 20)
        self.dropout = nn.Dropout(p=0.5)  # Drop 50% of activations
        self.linear2 = nn.Linear(20, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear1(x)
        x = self.dropout(x)  # Dropout is applied here
        x = self.linear2(x)
        return x


class ImageClassifier(nn.Module):
    """
    A simple image classifier. JAX twin: ``jaxnn.models.ImageClassifier``.

    Architecture:
    - Input: Flattened image (e.g., 28×28 = 784 pixels)
    - Hidden layer 1: 784 -> 256 with ReLU
    - Hidden layer 2: 256 -> 128 with ReLU
    - Output layer: 128 -> 10 classes
    """

    def __init__(self, input_size: int = 784, num_classes: int = 10):
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(input_size, 256),
            nn.ReLU(),
            nn.Dropout(0.2),  # 20% dropout for regularization
            nn.Linear(256, 128),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(128, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x shape: (batch_size, 784)
        return self.network(x)


class NetworkWithDropout(nn.Module):
    """``100 -> 256 -> ReLU -> Dropout -> 128 -> ReLU -> Dropout -> 10``.

    JAX twin: ``jaxnn.models.NetworkWithDropout``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 256)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(p=0.5)  # 50% dropout

        self.fc2 = nn.Linear(256, 128)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(p=0.5)  # 50% dropout

        self.fc3 = nn.Linear(128, 10)  # No dropout on output layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = self.relu1(x)
        x = self.dropout1(x)  # Apply dropout after activation

        x = self.fc2(x)
        x = self.relu2(x)
        x = self.dropout2(x)  # Apply dropout after activation

        x = self.fc3(x)  # No dropout on output
        return x


class NetworkWithFunctionalDropout(nn.Module):
    """``100 -> 256 -> F.relu -> F.dropout(0.5) -> 10``.

    JAX twin: ``jaxnn.models.NetworkWithFunctionalDropout``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 256)
        self.fc2 = nn.Linear(256, 10)
        # No dropout modules defined!

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = F.relu(x)
        x = F.dropout(x, p=0.5, training=self.training)  # Use self.training

        x = self.fc2(x)
        return x


class WellRegularizedNetwork(nn.Module):
    """784 -> 512 (BN, ReLU, Dropout 0.5) -> 256 (BN, ReLU, Dropout 0.3) -> 10.

    JAX twin: ``jaxnn.models.WellRegularizedNetwork``.
    """

    def __init__(self):
        super().__init__()
        # Input layer - no dropout
        self.fc1 = nn.Linear(784, 512)
        self.bn1 = nn.BatchNorm1d(512)  # Can combine with BatchNorm
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)  # Heavy dropout after first layer

        # Hidden layer
        self.fc2 = nn.Linear(512, 256)
        self.bn2 = nn.BatchNorm1d(256)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(0.3)  # Lighter dropout

        # Output layer - no dropout
        self.fc3 = nn.Linear(256, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = self.bn1(x)
        x = self.relu1(x)
        x = self.dropout1(x)  # Dropout after activation

        x = self.fc2(x)
        x = self.bn2(x)
        x = self.relu2(x)
        x = self.dropout2(x)  # Dropout after activation

        x = self.fc3(x)  # No dropout on output
        return x
