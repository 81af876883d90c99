"""Bad inputs to the layers: Linear, Conv2d, LSTM, Embedding, Dropout, BatchNorm1d, losses.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.nn``;
``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import jax.numpy as jnp
from flax import nnx

import jaxnn.nn as nn

from ..bad_input import BadInput


def _linear() -> nn.Linear:
    return nn.Linear(3, 2, rngs=nnx.Rngs(0))


BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "nn-linear-in-features",
        "nn",
        "fed 5 features to a Linear(3, 2)",
        lambda tmp: _linear()(jnp.ones((4, 5))),
        ValueError,
        "Linear(in_features=3, out_features=2): expected input of shape (*, 3), got (4, 5)",
    ),
    BadInput(
        "nn-linear-negative-size",
        "nn",
        "built a Linear with -1 input features",
        lambda tmp: nn.Linear(-1, 2, rngs=nnx.Rngs(0)),
        ValueError,
        "Linear: in_features must be a non-negative int; got -1",
    ),
    BadInput(
        "nn-conv2d-rank",
        "nn",
        "fed a single 28x28 image without its channel dimension to Conv2d",
        lambda tmp: nn.Conv2d(1, 4, 3, rngs=nnx.Rngs(0))(jnp.ones((28, 28))),
        ValueError,
        "Conv2d: expected 3D (unbatched) or 4D (batched) input of shape (C, H, W) or "
        "(N, C, H, W); got input of shape (28, 28)",
    ),
    BadInput(
        "nn-conv2d-channels",
        "nn",
        "fed a grey image to a Conv2d built for 3 channels",
        lambda tmp: nn.Conv2d(3, 4, 3, rngs=nnx.Rngs(0))(jnp.ones((1, 1, 8, 8))),
        ValueError,
        "Conv2d: expected input with 3 channels",
    ),
    BadInput(
        "nn-conv2d-zero-channels",
        "nn",
        "built a Conv2d with 0 input channels",
        lambda tmp: nn.Conv2d(0, 4, 3, rngs=nnx.Rngs(0)),
        ValueError,
        "Conv2d: in_channels must be a positive int; got 0",
    ),
    BadInput(
        "nn-lstm-rank",
        "nn",
        "fed a 4-D batch to an LSTM",
        lambda tmp: nn.LSTM(4, 8, rngs=nnx.Rngs(0))(jnp.ones((2, 3, 5, 4))),
        ValueError,
        "LSTM: expected input of shape (L, N, 4) or unbatched (L, 4); got shape (2, 3, 5, 4)",
    ),
    BadInput(
        "nn-lstm-hidden-zero",
        "nn",
        "built an LSTM with hidden_size 0",
        lambda tmp: nn.LSTM(4, 0, rngs=nnx.Rngs(0)),
        ValueError,
        "LSTM: hidden_size must be a positive int; got 0",
    ),
    BadInput(
        "nn-lstm-dropout",
        "nn",
        "built a 2-layer LSTM with dropout=2.0",
        lambda tmp: nn.LSTM(4, 8, num_layers=2, dropout=2.0, rngs=nnx.Rngs(0)),
        ValueError,
        "LSTM: dropout must be a number in [0, 1]; got 2.0",
    ),
    BadInput(
        "nn-embedding-float-indices",
        "nn",
        "looked up float indices in an Embedding",
        lambda tmp: nn.Embedding(10, 3, rngs=nnx.Rngs(0))(jnp.array([1.0, 2.0])),
        TypeError,
        "embedding(): indices must be an integer array; got dtype float32",
    ),
    BadInput(
        "nn-embedding-out-of-range",
        "nn",
        "looked up index 10 in an Embedding of 10 rows",
        lambda tmp: nn.Embedding(10, 3, rngs=nnx.Rngs(0))(jnp.array([10])),
        IndexError,
        "embedding(): index 10 is out of range for num_embeddings=10",
    ),
    BadInput(
        "nn-dropout-p-above-one",
        "nn",
        "built Dropout(p=1.5)",
        lambda tmp: nn.Dropout(1.5, rngs=nnx.Rngs(0)),
        ValueError,
        "Dropout: dropout probability has to be between 0 and 1, but got 1.5",
    ),
    BadInput(
        "nn-batchnorm-features",
        "nn",
        "fed 3 features to a BatchNorm1d(4)",
        lambda tmp: nn.BatchNorm1d(4, rngs=nnx.Rngs(0))(jnp.ones((2, 3))),
        ValueError,
        "BatchNorm1d: expected input of shape (N, 4) or (N, 4, L); got (2, 3)",
    ),
    BadInput(
        "nn-loss-triplet-margin",
        "nn",
        "built a TripletMarginLoss with margin 0",
        lambda tmp: nn.TripletMarginLoss(margin=0.0),
        ValueError,
        "TripletMarginLoss: margin must be greater than 0; got 0.0",
    ),
    BadInput(
        "nn-loss-kldiv-reduction",
        "nn",
        "built a KLDivLoss with reduction='batch'",
        lambda tmp: nn.KLDivLoss(reduction="batch"),
        ValueError,
        "KLDivLoss: reduction must be one of ('none', 'batchmean', 'sum', 'mean'); got 'batch'",
    ),
)
