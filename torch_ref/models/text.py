"""The notebook's embedding text classifier. The notebook's code."""

from __future__ import annotations

import torch
from torch import nn


class TextClassifier(nn.Module):
    """Embedding -> mean over the sequence -> Linear -> ReLU -> Linear.

    JAX twin: ``jaxnn.models.TextClassifier``.
    """

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_dim: int, num_classes: int):
        super().__init__()
        # Embedding layer: converts token IDs to vectors
        self.embedding = nn.Embedding(vocab_size, embedding_dim)

        # Process the embedded sequence
        self.fc1 = nn.Linear(embedding_dim, hidden_dim)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        # token_ids shape: (batch_size, sequence_length)

        # Embed tokens
        embedded = self.embedding(token_ids)
        # embedded shape: (batch_size, sequence_length, embedding_dim)

        # Average over sequence length (simple pooling)
        pooled = embedded.mean(dim=1)
        # pooled shape: (batch_size, embedding_dim)

        # Classification layers
        x = self.fc1(pooled)
        x = self.relu(x)
        logits = self.fc2(x)
        # logits shape: (batch_size, num_classes)

        return logits
