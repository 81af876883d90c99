"""Shape twins whose torch semantics ``jnp`` lacks.

``reshape``/``view`` (with one ``-1``), ``unsqueeze`` (``jnp.expand_dims``),
``transpose`` (``jnp.swapaxes``) and ``cat`` (``jnp.concatenate``) already
match torch and are paired directly in the parity suite. JAX arrays never
alias, so ``view`` is ``reshape`` and a write through a view becomes an
explicit ``.at[...].set(...)`` on the original.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim, normalize_dims


def squeeze(input: jax.Array, dim: int | Sequence[int] | None = None) -> jax.Array:
    """Removes size-1 dimensions: all of them, or those named in ``dim``.

    Args:
      input: array of any rank (a 0-d array is returned unchanged).
      dim: a dimension or a sequence of dimensions (negative counts from the
        end); ``None`` removes every size-1 dimension.

    Returns:
      The array with the selected size-1 dimensions removed.

    Raises:
      IndexError: a ``dim`` outside ``[-ndim, ndim - 1]`` (0-d: ``[-1, 0]``).
      ValueError: a dimension named twice.

    PyTorch twin: ``torch.squeeze(input, dim)`` / ``x.squeeze(dim)``. A named
    dimension whose size is not 1 is left alone (a no-op), where
    ``jnp.squeeze(axis=...)`` raises. torch raises RuntimeError for a repeated
    dimension; this twin raises ValueError.

    Example:
      >>> squeeze(jnp.zeros((1, 3)), 1).shape
      (1, 3)
    """
    x = jnp.asarray(input)
    if dim is None:
        return jnp.squeeze(x)
    if x.ndim == 0:
        normalize_dims(dim, 0)
        return x
    axes = tuple(a for a in normalize_dims(dim, x.ndim) if x.shape[a] == 1)
    return jnp.squeeze(x, axis=axes) if axes else x


def flatten(input: jax.Array, start_dim: int = 0, end_dim: int = -1) -> jax.Array:
    """Merges dimensions ``start_dim..end_dim`` (inclusive) into one, in row-major order.

    Shape ``(d_0, ..., d_s, ..., d_e, ..., d_n)`` becomes
    ``(d_0, ..., d_s * ... * d_e, ..., d_n)``.

    Args:
      input: array of any rank.
      start_dim: first dimension to merge (negative counts from the end).
      end_dim: last dimension to merge, inclusive.

    Returns:
      The reshaped array. A 0-d input becomes shape ``(1,)``. For NCHW input
      with ``start_dim=1`` (``nn.Flatten``'s default) the order is C, H, W.

    Raises:
      IndexError: a dimension out of range.
      ValueError: ``start_dim`` comes after ``end_dim`` (torch: RuntimeError).

    PyTorch twin: ``torch.flatten`` / ``x.flatten``. torch returns a view of
    contiguous input (a write through it changes the input); JAX arrays never
    alias.
    """
    x = jnp.asarray(input)
    if x.ndim == 0:
        normalize_dim(start_dim, 0)
        normalize_dim(end_dim, 0)
        return x.reshape(1)
    s, e = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if s > e:
        raise ValueError(
            f"flatten() has invalid args: start_dim ({start_dim}) cannot come after "
            f"end_dim ({end_dim})"
        )
    merged = 1
    for n in x.shape[s : e + 1]:
        merged *= n
    return x.reshape(x.shape[:s] + (merged,) + x.shape[e + 1 :])


def _size(n: Any) -> int:
    if isinstance(n, bool):
        raise TypeError("expand(): sizes must be ints, got bool")
    try:
        return operator.index(n)  # ints and NumPy integers; floats raise like torch
    except TypeError:
        raise TypeError(f"expand(): sizes must be ints, got {type(n).__name__}") from None


def expand(input: jax.Array, *sizes: int | Sequence[int]) -> jax.Array:
    """Broadcasts size-1 dimensions to ``sizes``; ``-1`` keeps a dimension's size.

    Args:
      input: array of any rank.
      *sizes: the target shape, as separate ints or one sequence. Its length is
        at least ``input.ndim``; extra sizes are new leading dimensions (which
        cannot be ``-1``). A size-1 dimension may expand to any size, including 0.

    Returns:
      ``jnp.broadcast_to(input, target)``.

    Raises:
      ValueError: fewer sizes than dimensions, ``-1`` in a new leading
        dimension, a size below ``-1``, or a non-1 dimension asked to change
        (torch raises RuntimeError for all of these).
      TypeError: a size that is not an integer.

    PyTorch twin: ``tensor.expand(*sizes)``. torch returns a view without
    copying; XLA fuses the broadcast, so no copy is materialised here either
    unless needed.

    Example:
      >>> expand(jnp.zeros((2, 3, 1)), -1, -1, 4).shape
      (2, 3, 4)
    """
    if len(sizes) == 1 and isinstance(sizes[0], Sequence):
        sizes = tuple(sizes[0])
    sizes = tuple(_size(n) for n in sizes)
    x = jnp.asarray(input)
    if len(sizes) < x.ndim:
        raise ValueError(
            f"expand(): the number of sizes provided ({len(sizes)}) must be greater or equal "
            f"to the number of dimensions in the tensor ({x.ndim})"
        )
    lead = len(sizes) - x.ndim
    target = []
    for i, n in enumerate(sizes):
        if n < -1:
            raise ValueError(f"expand(): invalid size {n} at dimension {i}; sizes are >= -1")
        if i < lead:
            if n < 0:
                raise ValueError(
                    f"expand(): the expanded size {n} is not allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            target.append(n)
            continue
        have = x.shape[i - lead]
        if n == -1:
            n = have
        elif have != 1 and n != have:
            raise ValueError(
                f"expand(): the expanded size of the tensor ({n}) must match the existing size "
                f"({have}) at non-singleton dimension {i}. Target sizes: {list(sizes)}. "
                f"Tensor sizes: {list(x.shape)}"
            )
        target.append(n)
    return jnp.broadcast_to(x, tuple(target))


__all__ = ["squeeze", "flatten", "expand"]
