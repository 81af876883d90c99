"""The notebooks' transformer pieces: the GELU feed-forward, a post-norm block, self-attention.

The simplified self-attention, written inline in the notebook, is the
:class:`SelfAttention` module here.
"""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import functional as F
from jaxnn import nn
from jaxnn.config import canonical_param_dtype


class TransformerStyleNetwork(nn.Module):
    """The transformer feed-forward ``Linear(512, 2048) -> GELU -> Linear(2048, 512)``.

    GELU is the exact (erf) form, torch's default; Flax's ``nnx.gelu`` defaults to
    the tanh approximation.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(*, 512) -> (*, 512)``.

    PyTorch twin: ``torch_ref.models.TransformerStyleNetwork``; keys ``layer{1,2}.*``;
    2,099,712 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer1 = nn.Linear(512, 2048, dtype=dtype, rngs=rngs)
        self.gelu = nn.GELU()
        self.layer2 = nn.Linear(2048, 512, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        # This is similar to the feedforward network in transformers
        x = self.layer1(x)
        x = self.gelu(x)  # GeLU activation
        x = self.layer2(x)
        return x


class TransformerBlock(nn.Module):
    """Post-norm feed-forward block ``LayerNorm(ff2(GELU(ff1(x))) + x)``.

    Args:
      d_model: model width (the notebook uses 512).
      d_ff: feed-forward width (the notebook uses 2048).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(*, d_model) -> (*, d_model)``, e.g. ``(batch, seq_len, d_model)``.

    PyTorch twin: ``torch_ref.models.TransformerBlock``; keys ``ff1.*, ff2.*,
    layer_norm.*``; ``TransformerBlock(512, 2048)`` has 2,100,736 parameters.
    """

    def __init__(self, d_model: int, d_ff: int, *, dtype: Any = None, rngs: nnx.Rngs):
        # Feedforward layers
        self.ff1 = nn.Linear(d_model, d_ff, dtype=dtype, rngs=rngs)
        self.gelu = nn.GELU()
        self.ff2 = nn.Linear(d_ff, d_model, dtype=dtype, rngs=rngs)

        # Layer normalization
        self.layer_norm = nn.LayerNorm(d_model, dtype=dtype)

    def __call__(self, x: jax.Array) -> jax.Array:
        # Feedforward with residual connection
        residual = x
        x = self.ff1(x)  # (*, d_ff)
        x = self.gelu(x)
        x = self.ff2(x)  # (*, d_model)

        # Add residual and normalize
        x = self.layer_norm(x + residual)
        return x


class SelfAttention(nn.Module):
    """The notebook's simplified single-head self-attention, as a module.

    ``Q, K, V = x W_q, x W_k, x W_v``; ``out = softmax(Q K^T / sqrt(embedding_dim)) V``.
    No output projection, no mask, no bias.

    The notebook's projections are plain ``torch.randn(d, d)`` tensors; here they are
    parameters drawn the same way, N(0, 1), unscaled. With such weights the scores
    have a standard deviation of about ``embedding_dim`` (64 for the notebook's
    ``randn(2, 8, 64)`` input, 8 after the division), so the softmax rows are
    nearly one-hot.

    Args:
      embedding_dim: model width ``d``.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the ``randn`` draws.

    Shape:
      ``(batch, seq, d) -> (batch, seq, d)``; the attention weights are ``(batch, seq, seq)``.

    Attributes:
      W_q, W_k, W_v: ``(d, d)``, used as ``x @ W`` (the notebook's layout on both sides).

    PyTorch twin: ``torch_ref.models.SelfAttention``; keys ``W_q, W_k, W_v`` verbatim.
    """

    def __init__(self, embedding_dim: int, *, dtype: Any = None, rngs: nnx.Rngs):
        dtype = canonical_param_dtype(dtype)
        shape = (embedding_dim, embedding_dim)
        # Query, Key, Value projections
        self.W_q = nnx.Param(jax.random.normal(rngs.params(), shape, dtype))
        self.W_k = nnx.Param(jax.random.normal(rngs.params(), shape, dtype))
        self.W_v = nnx.Param(jax.random.normal(rngs.params(), shape, dtype))
        self.embedding_dim = embedding_dim

    def __call__(self, x: jax.Array) -> jax.Array:
        # Compute Q, K, V
        Q = x @ self.W_q  # (B, T, d)
        K = x @ self.W_k  # (B, T, d)
        V = x @ self.W_v  # (B, T, d)
        attention_scores = Q @ K.swapaxes(-2, -1)  # (B, T, T); torch: K.transpose(-2, -1)
        attention_weights = F.softmax(attention_scores / (self.embedding_dim**0.5), dim=-1)
        return attention_weights @ V  # (B, T, d)
