"""The notebooks' transformer pieces: the GELU feed-forward, a post-norm block, self-attention.

The simplified self-attention, written inline in the notebook, is the ``SelfAttention``
module here. The notebooks' code.
"""

from __future__ import annotations

import torch
from torch import nn


class TransformerStyleNetwork(nn.Module):
    """``Linear(512, 2048) -> GELU -> Linear(2048, 512)``.

    JAX twin: ``jaxnn.models.TransformerStyleNetwork``.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(512, 2048)
        self.gelu = nn.GELU()
        self.layer2 = nn.Linear(2048, 512)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # This is similar to the feedforward network in transformers
        x = self.layer1(x)
        x = self.gelu(x)  # GeLU activation
        x = self.layer2(x)
        return x


class TransformerBlock(nn.Module):
    """Post-norm block ``LayerNorm(ff2(GELU(ff1(x))) + x)``.

    JAX twin: ``jaxnn.models.TransformerBlock``.
    """

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        # Feedforward layers
        self.ff1 = nn.Linear(d_model, d_ff)
        self.gelu = nn.GELU()
        self.ff2 = nn.Linear(d_ff, d_model)

        # Layer normalization
        self.layer_norm = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Feedforward with residual connection
        residual = x
        x = self.ff1(x)
        x = self.gelu(x)
        x = self.ff2(x)

        # Add residual and normalize
        x = self.layer_norm(x + residual)
        return x


class SelfAttention(nn.Module):
    """The notebook's simplified self-attention as a module.

    The notebook's plain ``torch.randn`` projections W_q, W_k, W_v become parameters,
    registered in the notebook's order. JAX twin: ``jaxnn.models.SelfAttention``.
    """

    def __init__(self, embedding_dim: int):
        super().__init__()
        # Query, Key, Value projections
        self.W_q = nn.Parameter(torch.randn(embedding_dim, embedding_dim))
        self.W_k = nn.Parameter(torch.randn(embedding_dim, embedding_dim))
        self.W_v = nn.Parameter(torch.randn(embedding_dim, embedding_dim))
        self.embedding_dim = embedding_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Compute Q, K, V
        Q = x @ self.W_q  # (2, 8, 64)
        K = x @ self.W_k  # (2, 8, 64)
        V = x @ self.W_v  # (2, 8, 64)
        # Attention scores: Q @ K^T
        K_transposed = K.transpose(-2, -1)  # (2, 64, 8)
        attention_scores = Q @ K_transposed  # (2, 8, 8)
        # Apply attention to values
        attention_weights = torch.softmax(attention_scores / (self.embedding_dim**0.5), dim=-1)
        return attention_weights @ V  # (2, 8, 64)
