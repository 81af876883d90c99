"""Embedding lookup with torch's index rules and ``padding_idx`` gradient (``F.embedding``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxnn.functional._concrete import concrete_values


def normalize_padding_idx(padding_idx: int | None, num_embeddings: int, owner: str) -> int | None:
    """``padding_idx`` mapped onto ``[0, num_embeddings)`` (negative counts from the end).

    torch asserts ``-num_embeddings <= padding_idx < num_embeddings``; this raises
    ValueError with its message.
    """
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, int):
        raise ValueError(f"{owner}: padding_idx must be an int or None; got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{owner}: Padding_idx must be within num_embeddings; got padding_idx={padding_idx} "
            f"for num_embeddings={num_embeddings}"
        )
    return padding_idx % num_embeddings


def reject_unsupported(
    owner: str, max_norm: float | None, scale_grad_by_freq: bool, sparse: bool
) -> None:
    """NotImplementedError for the torch options jaxnn does not reproduce."""
    if max_norm is not None:
        raise NotImplementedError(
            f"{owner}: max_norm is not supported; torch renormalises the looked-up rows of "
            "the weight in place during the forward pass, a mutation jaxnn does not mimic"
        )
    if scale_grad_by_freq:
        raise NotImplementedError(f"{owner}: scale_grad_by_freq=True is not supported")
    if sparse:
        raise NotImplementedError(
            f"{owner}: sparse=True is not supported; JAX gradients are dense "
            "(sparse=False gives the same values)"
        )


def embedding(
    input: jax.Array,
    weight: jax.Array,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> jax.Array:
    """Row lookup ``out[..., :] = weight[input[...], :]``.

    Args:
      input: integer array of indices in ``[0, num_embeddings)``, any shape
        (0-d included). Any integer dtype is accepted.
      weight: ``(num_embeddings, embedding_dim)`` table.
      padding_idx: if given (negative counts from the end), lookups of this
        index pass no gradient to ``weight``. Its value is read as stored: only
        ``nn.Embedding``'s initialisation zeroes the row.
      max_norm, norm_type, scale_grad_by_freq, sparse: torch's options; only
        the defaults are supported (others raise NotImplementedError).

    Returns:
      ``input.shape + (embedding_dim,)``.

    Raises:
      TypeError: non-integer indices (torch raises a RuntimeError).
      IndexError: an index outside ``[0, num_embeddings)`` when ``input`` is
        concrete. Under ``jit`` indices cannot be checked: out-of-range ones
        (negative included) give rows of NaN (for a floating table) instead of
        wrapping or clamping.

    PyTorch twin: ``F.embedding``. ``jnp.take`` alone wraps negative indices;
    the gradient rule for ``padding_idx`` is torch's: the backward skips
    positions holding that index, so the row gets zero gradient from this
    lookup even when its values are non-zero.

    Example:
      >>> embedding(jnp.array([0, 2]), jnp.arange(6.0).reshape(3, 2))
      Array([[0., 1.], [4., 5.]], dtype=float32)
    """
    reject_unsupported("embedding()", max_norm, scale_grad_by_freq, sparse)
    known = concrete_values(input)  # before any jnp op, which would be staged under a trace
    w = jnp.asarray(weight)
    idx = jnp.asarray(input)
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise TypeError(f"embedding(): indices must be an integer array; got dtype {idx.dtype}")
    if w.ndim != 2:
        raise ValueError(
            f"embedding(): weight must be 2-D (num_embeddings, embedding_dim); got shape "
            f"{tuple(w.shape)}"
        )
    num = w.shape[0]
    padding_idx = normalize_padding_idx(padding_idx, num, "embedding()")
    if known is not None and known.size:
        lo, hi = int(known.min()), int(known.max())
        if lo < 0 or hi >= num:
            raise IndexError(
                f"embedding(): index {lo if lo < 0 else hi} is out of range for "
                f"num_embeddings={num} (index out of range in self)"
            )
    # Negative indices would wrap in jnp.take; send them past the end so they fill like others.
    safe = jnp.where(idx < 0, num, idx)
    out = jnp.take(w, safe, axis=0, mode="fill", fill_value=jnp.nan)  # (*input.shape, dim)
    if padding_idx is not None:
        out = jnp.where((idx == padding_idx)[..., None], jax.lax.stop_gradient(out), out)
    return out


__all__ = ["embedding"]
