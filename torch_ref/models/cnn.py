"""The notebook's CNN template. The notebook's code; repairs are commented."""

from __future__ import annotations

import torch
from torch import nn


class CNN(nn.Module):
    """Conv -> ReLU -> Pool -> Conv -> ReLU -> Pool -> Flatten -> FC.

    Needs 1 x 28 x 28 input (64 * 5 * 5 features). JAX twin: ``jaxnn.models.CNN``.
    """

    # Repair: the notebook reads the undefined global num_classes; it is a constructor
    # argument here.
    def __init__(self, num_classes: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(64 * 5 * 5, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.classifier(x)
