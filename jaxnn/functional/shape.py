"""Shape twins whose torch semantics ``jnp`` lacks.

``reshape``/``view`` (with one ``-1``), ``unsqueeze`` (``jnp.expand_dims``),
``transpose`` (``jnp.swapaxes``) and ``cat`` (``jnp.concatenate``) already
match torch and are paired directly in the parity suite. JAX arrays never
alias, so ``view`` is ``reshape`` and a write through a view becomes an
explicit ``.at[...].set(...)`` on the original.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim, normalize_dims


def squeeze(input: jax.Array, dim: int | Sequence[int] | None = None) -> jax.Array:
    """Removes size-1 dimensions: all of them, or those named in ``dim``.

    PyTorch twin: ``torch.squeeze``. A named dimension whose size is not 1 is
    left alone (a no-op), where ``jnp.squeeze(axis=...)`` raises.

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

    PyTorch twin: ``torch.flatten`` (``nn.Flatten`` uses ``start_dim=1``). A 0-d
    input becomes shape ``(1,)``. For NCHW input the flattened order is C, H, W.
    """
    x = jnp.asarray(input)
    if x.ndim == 0:
        normalize_dim(start_dim, 0)
        normalize_dim(end_dim, 0)
        return x.reshape(1)
    s, e = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if s > e:
        raise ValueError(
            f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})"
        )
    merged = 1
    for n in x.shape[s : e + 1]:
        merged *= n
    return x.reshape(x.shape[:s] + (merged,) + x.shape[e + 1 :])


def expand(input: jax.Array, *sizes: int | Sequence[int]) -> jax.Array:
    """Broadcasts size-1 dimensions to ``sizes``; ``-1`` keeps a dimension's size.

    PyTorch twin: ``tensor.expand(*sizes)``. New dimensions may be prepended
    (they cannot be ``-1``). torch returns a view without copying; XLA fuses the
    broadcast, so no copy is materialised here either unless needed.

    Example:
      >>> expand(jnp.zeros((2, 3, 1)), -1, -1, 4).shape
      (2, 3, 4)
    """
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    x = jnp.asarray(input)
    if len(sizes) < x.ndim:
        raise ValueError(
            f"expand(): the number of sizes provided ({len(sizes)}) must be greater or equal "
            f"to the number of dimensions in the tensor ({x.ndim})"
        )
    lead = len(sizes) - x.ndim
    target = []
    for i, n in enumerate(sizes):
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
