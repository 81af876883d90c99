"""The notebook's LSTM template. The notebook's code; repairs are commented."""

from __future__ import annotations

import torch
from torch import nn


class RNNModel(nn.Module):
    """LSTM (batch_first) and a Linear on the last time step.

    JAX twin: ``jaxnn.models.RNNModel``.
    """

    # Repair: the notebook reads the undefined globals input_size, hidden_size and
    # output_size; they are constructor arguments here.
    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.rnn = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, (h, c) = self.rnn(x)
        return self.fc(out[:, -1, :])
