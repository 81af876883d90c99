"""The seeds' multilayer perceptrons."""

from __future__ import annotations

import torch


class NeuralNetwork(torch.nn.Module):
    """Two hidden layers of 30 and 20 ReLU units (seed S4 2021-2036, E12/E18/E19).

    ``Linear(num_inputs, 30) -> ReLU -> Linear(30, 20) -> ReLU -> Linear(20, num_outputs)``;
    returns logits. JAX twin: ``jaxnn.models.NeuralNetwork``.
    """

    def __init__(self, num_inputs: int, num_outputs: int):
        super().__init__()
        self.layers = torch.nn.Sequential(
            # 1st hidden layer
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            # 2nd hidden layer
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            # output layer
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)  # logits
