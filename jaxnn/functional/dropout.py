"""Inverted dropout with torch's arithmetic (``torch.nn.functional.dropout``)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp


def check_dropout_probability(p: Any, owner: str) -> float:
    """``p`` as a float in ``[0, 1]``, else ValueError worded like torch's."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{owner}: dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def dropout(
    input: jax.Array,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    *,
    rng: jax.Array | None = None,
    mask: jax.Array | None = None,
) -> jax.Array:
    """Zeroes each element with probability ``p`` and scales the rest: ``x * keep / (1 - p)``.

    The output is ``input * noise`` with ``noise = keep * (1 / (1 - p))``, ``keep``
    drawn from Bernoulli(1 - p) per element, so ``E[output] = input``.

    Args:
      input: array of any shape (0-d and empty included).
      p: probability of zeroing an element, in ``[0, 1]``.
      training: apply dropout (default True, like torch's); False returns
        ``input`` unchanged.
      inplace: accepted for signature parity. JAX arrays are immutable, so the
        result is always a new array with the values torch's in-place op writes.
      rng: a ``jax.random`` key; required when ``training`` and ``0 < p < 1``
        unless ``mask`` is given.
      mask: a keep-mask (1 or True keeps an element, 0 or False drops it) with
        ``input``'s shape, used instead of drawing one. Parity tests inject
        torch's mask through it; it is ignored when ``p`` is 0 or 1 or when not
        training, as torch draws no mask there.

    Returns:
      An array with ``input``'s shape and dtype.

    Raises:
      ValueError: ``p`` outside ``[0, 1]``; a mask of the wrong shape; neither
        ``rng`` nor ``mask`` when one is needed.
      TypeError: non-floating input when a mask is applied (torch raises too).

    PyTorch twin: ``F.dropout(input, p, training, inplace)``. The random masks
    never match across frameworks (torch's generator is not JAX's). The
    arithmetic does: like torch (and unlike ``nnx.Dropout``, which selects zeros)
    dropped elements are multiplied by 0, so NaN and inf inputs give NaN and
    negative ones give -0.0, and ``p=1`` returns ``input * 0``.

    Example:
      >>> dropout(jnp.ones(4), 0.5, rng=jax.random.key(0))  # entries are 0.0 or 2.0
    """
    p = check_dropout_probability(p, "dropout()")
    x = jnp.asarray(input)
    if not training or p == 0.0 or x.size == 0:
        return x
    if p == 1.0:
        return x * jnp.zeros((), x.dtype)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        raise TypeError(f"dropout(): input must be floating to be scaled by 1/(1-p); got {x.dtype}")
    if mask is None:
        if rng is None:
            raise ValueError(
                "dropout(): training with 0 < p < 1 needs a random key (rng=...) or a mask"
            )
        keep = jax.random.bernoulli(rng, 1.0 - p, x.shape)
    else:
        keep = jnp.asarray(mask)
        if keep.shape != x.shape:
            raise ValueError(
                f"dropout(): mask shape {tuple(keep.shape)} must equal input shape {tuple(x.shape)}"
            )
    # torch: noise = bernoulli(1 - p); noise.div_(1 - p); out = input * noise. Division by
    # a scalar is a multiplication by its reciprocal there, so the scale is 1 / (1 - p).
    noise = keep.astype(x.dtype) * (1.0 / (1.0 - p))
    return x * noise


__all__ = ["dropout"]
