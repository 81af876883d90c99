"""Activation functions with torch's signatures (``torch.nn.functional``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim


def relu(input: jax.Array) -> jax.Array:
    """``max(0, x)`` element-wise; the gradient at 0 is 0, as in torch.

    PyTorch twin: ``F.relu`` / ``torch.relu``.
    """
    return jax.nn.relu(input)


def softmax(input: jax.Array, dim: int) -> jax.Array:
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``.

    PyTorch twin: ``F.softmax(input, dim)``. ``dim`` is required: torch's
    implicit choice of dimension is deprecated, and every seed passes it.
    """
    x = jnp.asarray(input)
    return jax.nn.softmax(x, axis=normalize_dim(dim, x.ndim) if x.ndim else None)


def log_softmax(input: jax.Array, dim: int) -> jax.Array:
    """``x_i - logsumexp(x)`` along ``dim``; PyTorch twin: ``F.log_softmax(input, dim)``."""
    x = jnp.asarray(input)
    return jax.nn.log_softmax(x, axis=normalize_dim(dim, x.ndim) if x.ndim else None)


__all__ = ["relu", "softmax", "log_softmax"]
