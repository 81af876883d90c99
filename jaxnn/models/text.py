"""The notebook's embedding text classifier."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn import nn


class TextClassifier(nn.Module):
    """``Embedding -> mean over the sequence -> Linear -> ReLU -> Linear``.

    Args:
      vocab_size: number of token ids.
      embedding_dim: size of each token vector.
      hidden_dim: hidden units.
      num_classes: classes (logits).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation (N(0, 1) table).

    Shape:
      ``(batch, seq_len)`` integer token ids ``-> (batch, num_classes)`` logits.

    PyTorch twin: ``torch_ref.models.TextClassifier``; keys ``embedding.weight``,
    ``fc{1,2}.*``; ``TextClassifier(1000, 128, 64, 5)`` has 136,581 parameters.
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        hidden_dim: int,
        num_classes: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        # Embedding layer: converts token IDs to vectors
        self.embedding = nn.Embedding(vocab_size, embedding_dim, dtype=dtype, rngs=rngs)

        # Process the embedded sequence
        self.fc1 = nn.Linear(embedding_dim, hidden_dim, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, num_classes, dtype=dtype, rngs=rngs)

    def __call__(self, token_ids: jax.Array) -> jax.Array:
        embedded = self.embedding(token_ids)  # (batch_size, sequence_length, embedding_dim)
        # Average over sequence length (simple pooling); torch: embedded.mean(dim=1)
        pooled = jnp.mean(embedded, axis=1)  # (batch_size, embedding_dim)

        # Classification layers
        x = self.fc1(pooled)
        x = self.relu(x)
        logits = self.fc2(x)  # (batch_size, num_classes)
        return logits
