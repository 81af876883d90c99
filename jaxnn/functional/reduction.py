"""Reduction twins whose torch semantics ``jnp`` lacks.

``jnp.sum``/``jnp.argmax``/``jnp.all`` already behave like torch (``dim`` ->
``axis``, ``keepdim`` -> ``keepdims``) and are paired with torch directly in
the parity suite. The twins here cover what differs:

- ``max``/``min`` with ``dim`` return ``(values, indices)`` like
  ``torch.return_types.max``;
- ``std``/``var`` default to the unbiased estimator (N - 1), ``jnp`` to N;
- ``mean`` refuses integer input, as torch does, instead of returning a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim, normalize_dims


class ValuesIndices(NamedTuple):
    """``(values, indices)``, the twin of ``torch.return_types.max/min/topk``."""

    values: jax.Array
    indices: jax.Array


def _extreme(input, dim, keepdim, reduce, arg, name):
    x = jnp.asarray(input)
    if dim is None:
        if x.size == 0:
            raise ValueError(f"{name}(): expected a non-empty tensor when no dim is given")
        return reduce(x)
    d = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        # torch allows dim 0/-1 on a 0-d tensor: the value itself at index 0.
        return ValuesIndices(x, arg(jnp.reshape(x, (1,))))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): expected reduction dim {dim} to have non-zero size")
    return ValuesIndices(reduce(x, axis=d, keepdims=keepdim), arg(x, axis=d, keepdims=keepdim))


def max(input: jax.Array, dim: int | None = None, keepdim: bool = False):  # noqa: A001
    """Maximum of all elements, or ``(values, indices)`` along ``dim``.

    Args:
      input: array.
      dim: dimension to reduce (negative counts from the end). ``None`` reduces
        everything and returns only the value, like ``torch.max(x)``.
      keepdim: keep the reduced dimension with size 1.

    Returns:
      A scalar array, or :class:`ValuesIndices` when ``dim`` is given. On ties
      the index is the first occurrence; NaN counts as the maximum.

    PyTorch twin: ``torch.max(input, dim, keepdim)``. Indices are int32 unless
    64-bit types are on (torch: int64).

    Example:
      >>> values, indices = max(jnp.array([[1., 4.], [3., 2.]]), dim=1)
    """
    return _extreme(input, dim, keepdim, jnp.max, jnp.argmax, "max")


def min(input: jax.Array, dim: int | None = None, keepdim: bool = False):  # noqa: A001
    """Minimum of all elements, or ``(values, indices)`` along ``dim``.

    The mirror image of :func:`max`; PyTorch twin: ``torch.min(input, dim, keepdim)``.
    """
    return _extreme(input, dim, keepdim, jnp.min, jnp.argmin, "min")


def _reduction_axes(x, dim):
    return None if dim is None else normalize_dims(dim, x.ndim)


def _correction(unbiased, correction):
    if unbiased is not None and correction is not None:
        raise TypeError("pass either unbiased or correction, not both")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _check_floating(x, name):
    if not (jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)):
        raise TypeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {x.dtype}"
        )


def var(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> jax.Array:
    """Variance with Bessel's correction by default: ``sum((x - mean)^2) / (N - correction)``.

    Args:
      input: floating array.
      dim: dimension(s) to reduce; ``None`` reduces all.
      unbiased: legacy spelling; ``False`` means ``correction=0``.
      keepdim: keep reduced dimensions with size 1.
      correction: subtracted from N in the denominator (torch default 1).

    PyTorch twin: ``torch.var``. ``jnp.var`` defaults to ``ddof=0`` (biased);
    this twin passes ``ddof=correction``. With N <= correction the result is
    NaN or inf, as in torch.
    """
    x = jnp.asarray(input)
    _check_floating(x, "var")
    ddof = _correction(unbiased, correction)
    return jnp.var(x, axis=_reduction_axes(x, dim), ddof=ddof, keepdims=keepdim)


def std(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> jax.Array:
    """Standard deviation, unbiased (N - 1) by default: ``sqrt(var(input, ...))``.

    PyTorch twin: ``torch.std``; see :func:`var` for the arguments. The seed's
    ``torch.tensor([10., 20., 30., 40., 50.]).std()`` is ``sqrt(250) = 15.8114``;
    ``jnp.std`` gives the biased ``14.1421``.
    """
    x = jnp.asarray(input)
    _check_floating(x, "std")
    ddof = _correction(unbiased, correction)
    return jnp.std(x, axis=_reduction_axes(x, dim), ddof=ddof, keepdims=keepdim)


def mean(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype=None,
) -> jax.Array:
    """Mean over ``dim`` (all elements when ``None``); tuple dims allowed.

    PyTorch twin: ``torch.mean``. Integer and bool input raise TypeError, as in
    torch; ``jnp.mean`` would silently return a float. Pass ``dtype`` (or cast
    first, ``x.astype(jnp.float32)``, the twin of ``x.float()``) to average
    integers.
    """
    x = jnp.asarray(input)
    if dtype is not None:
        x = x.astype(dtype)
    _check_floating(x, "mean")
    return jnp.mean(x, axis=_reduction_axes(x, dim), keepdims=keepdim)


__all__ = ["ValuesIndices", "max", "min", "var", "std", "mean"]
