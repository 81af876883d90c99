"""Reduction twins whose torch semantics ``jnp`` lacks.

``jnp.sum``/``jnp.argmax``/``jnp.all`` already behave like torch (``dim`` ->
``axis``, ``keepdim`` -> ``keepdims``) and are paired with torch directly in
the parity suite. The twins here cover what differs:

- ``max``/``min`` with ``dim`` return ``(values, indices)`` like
  ``torch.return_types.max``;
- ``std``/``var`` default to the unbiased estimator (N - 1), ``jnp`` to N;
- ``mean`` refuses integer input, as torch does, instead of returning a float;
- ``prod`` of integers or bools counts in int64 (int32 unless 64-bit types are on)
  whatever the input's width, as torch does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim, normalize_dims


class ValuesIndices(NamedTuple):
    """``(values, indices)``, the twin of ``torch.return_types.max/min/topk``."""

    values: jax.Array
    indices: jax.Array


def _evenly_distributed(reduce):
    """``reduce`` (``jnp.max`` or ``jnp.min`` over everything) with torch's gradient rule
    (``evenly_distribute_backward``): split evenly among the elements equal to the result,
    NaNs counting as equal to a NaN result. JAX's own rule compares with ``==`` only, so a
    NaN result sends 0 / 0 = NaN to every element, where torch sends the gradient to the
    NaNs and 0 elsewhere."""

    @jax.custom_vjp
    def extreme(x):
        return reduce(x)

    def forward(x):
        value = reduce(x)
        return value, (x, value)

    def backward(residuals, g):
        x, value = residuals
        hit = (x == value) | (jnp.isnan(x) & jnp.isnan(value))
        return (jnp.where(hit, g / jnp.sum(hit).astype(g.dtype), jnp.zeros_like(g)),)

    extreme.defvjp(forward, backward)
    return extreme


_max_all = _evenly_distributed(jnp.max)
_min_all = _evenly_distributed(jnp.min)


def _extreme(input, dim, keepdim, reduce, arg, name):
    x = jnp.asarray(input)
    if dim is None:
        if x.size == 0:
            raise ValueError(f"{name}(): expected a non-empty tensor when no dim is given")
        if not jnp.issubdtype(x.dtype, jnp.inexact):
            return reduce(x)
        # Gradient split evenly among tied maxima, as torch's full reduction does.
        return {"max": _max_all, "min": _min_all}[name](x)
    d = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        # torch allows dim 0/-1 on a 0-d tensor: the value itself at index 0.
        return ValuesIndices(x, arg(jnp.reshape(x, (1,))))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): expected reduction dim {dim} to have non-zero size")
    indices = arg(x, axis=d, keepdims=True)
    # Values are read at the returned index (not ``jnp.max``) so that, like torch,
    # the whole gradient goes to that one element on ties; ``jnp.max`` splits it.
    values = jnp.take_along_axis(x, indices, axis=d)
    if not keepdim:
        values, indices = jnp.squeeze(values, axis=d), jnp.squeeze(indices, axis=d)
    return ValuesIndices(values, indices)


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
    64-bit types are on (torch: int64). Gradients follow torch: with ``dim``
    the gradient of ``values`` flows only to the element at ``indices`` (the
    first of tied maxima); without ``dim`` it is split evenly among ties, and
    among the NaNs when the result is NaN (``jnp.max``'s own rule gives NaN
    to every element then).
    ``jnp.max(x, axis)`` would split it in both cases (torch's ``amax``).

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
    if dim is None:
        return None
    axes = normalize_dims(dim, x.ndim)
    # torch reduces every dimension for an empty dim list (``jnp`` reduces none),
    # and a 0-d tensor accepts dim 0/-1 (``jnp`` has no axis to name).
    if not axes or x.ndim == 0:
        return None
    return axes


def _correction(unbiased, correction):
    if unbiased is not None and correction is not None:
        raise TypeError("pass either unbiased or correction, not both")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _unbiased_overload(dim, unbiased):
    # torch's ``std(input, unbiased)`` overload: a bool in the ``dim`` slot.
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError("dim must be an int or a sequence of ints; got bool")
        return None, dim
    return dim, unbiased


def _is_floating(x):
    return jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)


def _check_floating(x, name):
    if not _is_floating(x):
        raise TypeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {x.dtype}"
        )


def _check_floating_std_var(x):
    if not _is_floating(x):
        raise TypeError(
            f"std and var only support floating point and complex dtypes; got {x.dtype}"
        )


def _variance(x, axes, ddof, keepdims):
    n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    if n - ddof > 0:
        return jnp.var(x, axis=axes, ddof=ddof, keepdims=keepdims)
    # torch clamps N - correction at 0: a positive spread over 0 is inf, none is nan.
    # ``jnp.var`` returns nan for both.
    sum_sq = jnp.var(x, axis=axes, ddof=0, keepdims=keepdims) * n
    return sum_sq / jnp.zeros((), sum_sq.dtype)


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
      dim: dimension(s) to reduce; ``None`` or an empty tuple reduces all (as
        in torch). A bool here is torch's ``var(input, unbiased)`` overload.
      unbiased: legacy spelling; ``False`` means ``correction=0``.
      keepdim: keep reduced dimensions with size 1.
      correction: subtracted from N in the denominator (torch default 1).

    Returns:
      The variance, with ``input``'s shape less the reduced dimensions (kept
      with size 1 when ``keepdim``).

    PyTorch twin: ``torch.var``. ``jnp.var`` defaults to ``ddof=0`` (biased);
    this twin passes ``ddof=correction``. With N <= correction the result is
    inf (nan when every value is equal), as in torch, which also warns;
    ``jnp.var`` gives nan. Integer input raises TypeError (torch: RuntimeError).
    """
    x = jnp.asarray(input)
    _check_floating_std_var(x)
    dim, unbiased = _unbiased_overload(dim, unbiased)
    ddof = _correction(unbiased, correction)
    return _variance(x, _reduction_axes(x, dim), ddof, keepdim)


def std(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> jax.Array:
    """Standard deviation, unbiased (N - 1) by default: ``sqrt(var(input, ...))``.

    PyTorch twin: ``torch.std``; see :func:`var` for the arguments. Its gradient is
    torch's: 0 where the deviation is 0 (a constant row; autodiff of ``sqrt`` gives
    NaN there). The notebook's
    ``torch.tensor([10., 20., 30., 40., 50.]).std()`` is ``sqrt(250) = 15.8114``;
    ``jnp.std`` gives the biased ``14.1421``.
    """
    x = jnp.asarray(input)
    _check_floating_std_var(x)
    dim, unbiased = _unbiased_overload(dim, unbiased)
    ddof = _correction(unbiased, correction)
    return _std_sqrt(_variance(x, _reduction_axes(x, dim), ddof, keepdim))


@jax.custom_jvp
def _std_sqrt(v):
    return jnp.sqrt(v)


# torch's std_backward: grad / (2 std), set to 0 where std is 0. Autodiff of the square root
# gives inf there, and inf * 0 (the variance's gradient at a constant row) = NaN.
_std_sqrt.defjvps(
    lambda g, ans, v: jnp.where(ans == 0, jnp.zeros_like(g), g / (2 * jnp.where(ans == 0, 1, ans)))
)


def mean(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype=None,
) -> jax.Array:
    """Mean over ``dim`` (all elements when ``None``); tuple dims allowed.

    Args:
      input: floating array.
      dim: dimension(s) to reduce; ``None`` or an empty tuple reduces all.
      keepdim: keep reduced dimensions with size 1.
      dtype: cast ``input`` to this dtype first (torch's ``dtype=`` argument).

    PyTorch twin: ``torch.mean``. Integer and bool input raise (TypeError
    here, RuntimeError in torch, same message); ``jnp.mean`` would silently
    return a float. Pass ``dtype`` (or cast first, ``x.astype(jnp.float32)``,
    the twin of ``x.float()``) to average integers.
    """
    x = jnp.asarray(input)
    if dtype is not None:
        x = x.astype(dtype)
    _check_floating(x, "mean")
    return jnp.mean(x, axis=_reduction_axes(x, dim), keepdims=keepdim)


def prod(
    input: jax.Array,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    dtype=None,
) -> jax.Array:
    """Product of all elements, or along one dimension ``dim``.

    Args:
      input: array.
      dim: the one dimension to multiply along (negative counts from the end);
        ``None`` multiplies everything. torch takes a single int here, not a tuple.
      keepdim: keep the reduced dimension with size 1 (only with ``dim``, as in torch).
      dtype: cast ``input`` to this dtype first (torch's ``dtype=`` argument).

    Returns:
      The product; integer and bool input give int64 (int32 unless 64-bit
      types are on), floating input keeps its dtype. The product of no
      elements is 1.

    PyTorch twin: ``torch.prod(input, dim, keepdim, *, dtype)`` / ``Tensor.prod``.
    ``jnp.prod`` keeps an int32 input's width (torch widens to int64) and
    accepts a tuple of axes (torch refuses one). Its gradient is torch's,
    zeros included: the product of the other elements where exactly one
    element is 0, and 0 everywhere when two or more are.

    Example:
      >>> prod(jnp.array([[1., 2.], [3., 4.]]), dim=1)
      Array([ 2., 12.], dtype=float32)
    """
    x = jnp.asarray(input)
    if dtype is not None:
        x = x.astype(dtype)
    elif not _is_floating(x):
        x = x.astype(jax.dtypes.canonicalize_dtype(jnp.int64))
    if dim is None:
        if keepdim:
            raise TypeError("prod(): keepdim needs a dim; torch.prod(input) has no keepdim")
        return jnp.prod(x)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(
            f"prod(): dim must be a single int (torch.prod reduces one dimension); got {dim!r}"
        )
    d = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return x  # torch allows dim 0/-1 on a 0-d tensor: the value itself, still 0-d
    return jnp.prod(x, axis=d, keepdims=keepdim)


__all__ = ["ValuesIndices", "max", "min", "var", "std", "mean", "prod"]
