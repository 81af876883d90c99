"""Index-driven selection twins: ``gather``, ``index_select`` and ``topk``.

Plain integer, slice, boolean and integer-array indexing have the same
semantics in ``jnp`` as in torch and are paired directly in the parity suite
(boolean masks only outside ``jit``: their result shape depends on the data).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from jaxnn.functional._concrete import concrete_values
from jaxnn.functional._dims import normalize_dim
from jaxnn.functional.reduction import ValuesIndices

_INDEX_DTYPES = (jnp.dtype("int32"), jnp.dtype("int64"))
"""The index dtypes torch's gather and index_select accept."""


def gather(input: jax.Array, dim: int, index: jax.Array) -> jax.Array:
    """Picks values along ``dim`` with an index: ``out[i][j] = input[i][index[i][j]]`` (dim=1).

    Args:
      input: array of any rank.
      dim: the dimension ``index`` addresses (negative counts from the end).
      index: integer array with as many dimensions as ``input`` and, in every
        other dimension ``d``, ``index.shape[d] <= input.shape[d]``.

    Returns:
      An array with the shape of ``index``.

    PyTorch twin: ``torch.gather(input, dim, index)``. ``jnp.take_along_axis``
    needs broadcast-compatible shapes; torch only needs ``index`` to be no
    larger than ``input`` outside ``dim``, so this twin first crops ``input`` to
    the index's extent. The index is int32 or int64, as torch requires (TypeError
    for any other integer type). Out-of-range indices raise IndexError when the index is
    concrete; inside ``jit`` they cannot raise and read as NaN (floating
    input) or the dtype's minimum (integer input).

    Example:
      >>> gather(jnp.array([[10, 11, 12], [20, 21, 22]]), 1, jnp.array([[2, 0], [1, 1]]))
      Array([[12, 10], [21, 21]], dtype=int32)
    """
    known = concrete_values(index)  # before any jnp op, which would be staged under a trace
    x = jnp.asarray(input)
    idx = jnp.asarray(index)
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise TypeError(f"gather(): index must be an integer array; got dtype {idx.dtype}")
    if idx.dtype not in _INDEX_DTYPES:  # torch refuses uint8, int8, int16 indices
        raise TypeError(f"gather(): Expected dtype int32/int64 for index; got dtype {idx.dtype}")
    d = normalize_dim(dim, x.ndim)
    # torch counts a 0-d tensor as one-dimensional here, so 0-d and 1-D pair up.
    if max(idx.ndim, 1) != max(x.ndim, 1):
        raise ValueError(
            f"gather(): index has {idx.ndim} dimensions but input has {x.ndim}; they must match"
        )
    if x.ndim == 0 or idx.ndim == 0:
        x, idx = jnp.reshape(x, (-1,)), jnp.reshape(idx, (-1,))
    for axis, (n_idx, n_in) in enumerate(zip(idx.shape, x.shape, strict=True)):
        if axis != d and n_idx > n_in:
            raise ValueError(
                f"gather(): index shape {tuple(idx.shape)} is larger than input shape "
                f"{tuple(x.shape)} at dimension {axis}; only dimension {d} may be larger"
            )
    if known is not None and known.size:
        lo, hi = int(known.min()), int(known.max())
        if lo < 0 or hi >= x.shape[d]:
            bad = lo if lo < 0 else hi
            raise IndexError(
                f"gather(): index {bad} is out of bounds for dimension {d} with size {x.shape[d]}"
            )
    crop = tuple(slice(None) if a == d else slice(0, n) for a, n in enumerate(idx.shape))
    out = jnp.take_along_axis(x[crop], idx, axis=d, mode="fill")
    return out.reshape(jnp.shape(index)) if jnp.ndim(index) == 0 else out


def index_select(input: jax.Array, dim: int, index: jax.Array) -> jax.Array:
    """The slices of ``input`` at ``index`` along ``dim``: ``out[:, j] = input[:, index[j]]``.

    Args:
      input: array of any rank.
      dim: the dimension to select along (negative counts from the end).
      index: a 1-D (or 0-d, read as one index) integer array of positions in
        ``[0, input.shape[dim])``; repeats are allowed.

    Returns:
      ``input``'s shape with ``len(index)`` at ``dim``. A 0-d input takes one
      index, 0, and returns itself (0-d), as in torch.

    PyTorch twin: ``torch.index_select(input, dim, index)`` / ``Tensor.index_select``.
    The index is int32 or int64, as torch requires (TypeError for any other
    integer type). ``jnp.take(input, index, axis=dim)`` is the same selection but reads negative
    indices from the end, where torch refuses them. Concrete out-of-range or
    negative indices raise IndexError here; inside ``jit`` they cannot raise and
    read as NaN (floating input) or the dtype's minimum (integer input). The
    gradient adds up into the selected slices (repeated indices accumulate), as
    torch's ``index_add`` backward does.

    Example:
      >>> index_select(jnp.array([[1, 2, 3], [4, 5, 6]]), 1, jnp.array([2, 0]))
      Array([[3, 1], [6, 4]], dtype=int32)
    """
    known = concrete_values(index)  # before any jnp op, which would be staged under a trace
    x = jnp.asarray(input)
    idx = jnp.asarray(index)
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise TypeError(f"index_select(): index must be an integer array; got dtype {idx.dtype}")
    if idx.dtype not in _INDEX_DTYPES:  # torch refuses uint8, int8, int16 indices
        raise TypeError(
            f"index_select(): Expected dtype int32 or int64 for index; got dtype {idx.dtype}"
        )
    if idx.ndim > 1:
        raise ValueError(
            f"index_select(): index must be 1-D (a vector of positions); got shape "
            f"{tuple(idx.shape)}"
        )
    d = normalize_dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if x.ndim == 0 and idx.size != 1:
        raise ValueError(f"index_select(): a 0-d input takes exactly one index; got {idx.size}")
    if known is not None and known.size:
        lo, hi = int(known.min()), int(known.max())
        if lo < 0 or hi >= size:
            bad = lo if lo < 0 else hi
            raise IndexError(
                f"index_select(): index {bad} is out of range for dimension {d} with size "
                f"{size}; expected 0 <= index < {size}"
            )
    flat = jnp.reshape(idx, (-1,))
    # jnp.take wraps negative indices; torch has none, so a traced negative one fills.
    flat = jnp.where(flat < 0, size, flat)
    if x.ndim == 0:
        return jnp.take(jnp.reshape(x, (1,)), flat, mode="fill").reshape(())
    return jnp.take(x, flat, axis=d, mode="fill")


def topk(
    input: jax.Array,
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002
) -> ValuesIndices:
    """The ``k`` largest (or smallest) entries along ``dim`` with their indices.

    Args:
      input: array.
      k: how many entries to keep; ``0 <= k <= input.shape[dim]``.
      dim: dimension to search (default the last).
      largest: ``False`` returns the smallest entries, in ascending order.
      sorted: accepted for signature parity; results are always sorted.

    Returns:
      :class:`ValuesIndices`, each with ``input``'s shape except ``k`` at ``dim``.

    PyTorch twin: ``torch.topk``. ``jax.lax.top_k`` works only on the last axis;
    this twin moves ``dim`` there and back. Ties resolve to the lower index
    (torch leaves tie order unspecified).
    """
    x = jnp.asarray(input)
    d = normalize_dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= size:
        raise ValueError(f"topk(): k={k!r} is out of range for dimension {dim} of size {size}")
    if x.ndim == 0:
        x = x.reshape(1)
    moved = jnp.moveaxis(x, d, -1)
    if largest:
        values, indices = lax.top_k(moved, k)
    else:
        indices = jnp.argsort(moved, axis=-1, stable=True)[..., :k]
        values = jnp.take_along_axis(moved, indices, axis=-1)
    values, indices = jnp.moveaxis(values, -1, d), jnp.moveaxis(indices, -1, d)
    if jnp.ndim(input) == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return ValuesIndices(values, indices)


__all__ = ["gather", "index_select", "topk"]
