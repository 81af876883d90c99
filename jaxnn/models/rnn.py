"""The notebook's LSTM template."""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import nn


class RNNModel(nn.Module):
    """``LSTM(input_size, hidden_size, batch_first=True)``, then ``Linear`` on the last step's
    output.

    The notebook's template reads the undefined globals ``input_size``, ``hidden_size``
    and ``output_size``; here, as in the torch twin, they are constructor arguments.

    Args:
      input_size: features per time step.
      hidden_size: LSTM hidden (and cell) size.
      output_size: outputs of the final ``Linear``.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(batch, seq_len, input_size) -> (batch, output_size)``.

    PyTorch twin: ``torch_ref.models.RNNModel``; keys
    ``rnn.{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0}``, ``fc.{weight,bias}``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        self.rnn = nn.LSTM(input_size, hidden_size, batch_first=True, dtype=dtype, rngs=rngs)
        self.fc = nn.Linear(hidden_size, output_size, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        out, (h, c) = self.rnn(x)  # out: (batch, seq_len, hidden_size)
        return self.fc(out[:, -1, :])  # the last time step
