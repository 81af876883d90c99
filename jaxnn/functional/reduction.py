"""Reduction twins whose torch semantics ``jnp`` lacks.

``jnp.sum``/``jnp.argmax``/``jnp.all`` already behave like torch (``dim`` ->
``axis``, ``keepdim`` -> ``keepdims``) and are paired with torch directly in
the parity suite. The twins here cover what differs:

- ``max``/``min`` with ``dim`` return ``(values, indices)`` like
  ``torch.return_types.max``; ``amax``/``amin`` keep torch's gradient at nan;
- ``std``/``var`` default to the unbiased estimator (N - 1), ``jnp`` to N;
- ``mean`` refuses integer input, as torch does, instead of returning a float;
- ``prod`` of integers or bools counts in int64 (int32 unless 64-bit types are on)
  whatever the input's width, as torch does.
"""

from __future__ import annotations

import functools
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


def _split_evenly(reduce):
    """``reduce`` (``jnp.max`` or ``jnp.min`` over ``axes``) with torch's ``amax``/``amin``
    gradient: the output gradient divided by the number of elements equal to the result,
    to those elements; nan to the whole slice when the result is nan (torch: ``grad / 0``
    times a mask of zeros). ``jnp.max``'s own rule multiplies by the mask, which XLA turns
    into a select under ``jit``: 0 for a nan slice there, nan outside ``jit``."""

    @functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
    def chosen(x, axes, keepdims):
        return reduce(x, axis=axes, keepdims=keepdims)

    @chosen.defjvp
    def chosen_jvp(axes, keepdims, primals, tangents):
        (x,), (t,) = primals, tangents
        value = reduce(x, axis=axes, keepdims=True)
        hit = x == value
        count = jnp.sum(hit, axis=axes, keepdims=True).astype(x.dtype)
        weight = jnp.where(hit, 1 / count, jnp.where(count == 0, jnp.nan, 0).astype(x.dtype))
        tangent = jnp.sum(weight * t, axis=axes, keepdims=keepdims)
        return (value if keepdims else jnp.squeeze(value, axis=axes)), tangent

    return chosen


_amax = _split_evenly(jnp.max)
_amin = _split_evenly(jnp.min)


def amax(input: jax.Array, dim: int | Sequence[int] = (), keepdim: bool = False) -> jax.Array:
    """Maximum over ``dim`` (every dimension for ``()``), values only.

    Args:
      input: array.
      dim: dimension(s) to reduce; ``()`` (torch's default) or ``None`` reduces all.
      keepdim: keep reduced dimensions with size 1.

    PyTorch twin: ``torch.amax``. Unlike :func:`max` with ``dim``, the gradient is split
    evenly among tied maxima, as ``jnp.max``'s is; where the result is nan the whole slice's
    gradient is nan, as in torch (``jnp.max``'s is 0 there under ``jit``, nan outside it).
    """
    x = jnp.asarray(input)
    axes = _reduction_axes(x, dim)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.max(x, axis=axes, keepdims=keepdim)
    return _amax(x, None if axes is None else tuple(axes), keepdim)


def amin(input: jax.Array, dim: int | Sequence[int] = (), keepdim: bool = False) -> jax.Array:
    """Minimum over ``dim``; the mirror image of :func:`amax`. PyTorch twin: ``torch.amin``."""
    x = jnp.asarray(input)
    axes = _reduction_axes(x, dim)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.min(x, axis=axes, keepdims=keepdim)
    return _amin(x, None if axes is None else tuple(axes), keepdim)


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


def _reference(x, axes):
    """One element of each reduced slice (element 0 of every reduced axis), shape kept.
    Along an empty axis it is empty, which broadcasts against the empty input too."""
    return x[tuple(slice(0, 1) if a in axes else slice(None) for a in range(x.ndim))]


def _sum_of_squares(x, axes):
    """``sum((x - mean)^2)`` over ``axes`` (kept), the mean taken of ``x - x_ref``.

    ``x - x_ref`` is exact for values within a factor 2 of ``x_ref`` (Sterbenz), so the mean
    is a mean of small numbers: a constant slice centres to exactly 0 (``jnp.var``'s float32
    mean of 1e4-sized values misses by an ulp, std 9.8e-4 for a constant column), and offset
    inputs (mean 1e4, unit spread) keep their spread's digits. Mathematically it is the same
    two-pass variance; the extra subtraction in the first pass costs time (``var(x, 1)`` of a
    (1024, 784) float32 array: 312 -> 449 us, measured on a loaded 2-core AMD EPYC).
    """
    ref = _reference(x, axes)
    centre = ref + jnp.mean(x - ref, axis=axes, keepdims=True)
    return jnp.sum(jnp.square(x - centre), axis=axes, keepdims=True)


def _spread(sum_sq, dof, take_sqrt):
    # torch clamps N - correction at 0: a positive spread over 0 is inf, none is nan.
    mean_sq = sum_sq / (dof if dof > 0 else jnp.zeros((), sum_sq.dtype))
    return jnp.sqrt(mean_sq) if take_sqrt else mean_sq


def _reduced_size(x, axes):
    return math.prod(x.shape[a] for a in axes)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3, 4, 5))
def _var_std(x, axes, ddof, keepdims, take_sqrt, full):
    value = _spread(_sum_of_squares(x, axes), _reduced_size(x, axes) - ddof, take_sqrt)
    return value if keepdims else jnp.squeeze(value, axis=axes)


@_var_std.defjvp
def _var_std_jvp(axes, ddof, keepdims, take_sqrt, full, primals, tangents):
    """torch's ``var_backward`` and ``std_backward``, as a JVP.

    var: ``2 / (N - correction) * (x - mean)`` times the output gradient, with no term
    through the mean (it cancels in exact arithmetic): an inf or nan in a slice gives
    torch's ``-inf``/``inf``/``nan`` pattern where autodiff of the two-pass form mixes a nan
    from the sum into every element. With N <= correction the factor is ``inf`` (or
    negative) along ``dim``; for a full reduction it is nan where ``x == mean``, inf
    elsewhere. std: ``grad / (2 std)``, 0 where std is 0 (a constant row), then var's rule.
    """
    (x,), (t,) = primals, tangents
    dof = _reduced_size(x, axes) - ddof
    value = _spread(_sum_of_squares(x, axes), dof, take_sqrt)
    # The gradient needs x - mean element-wise; formed from x - x_ref, it is exact wherever
    # the spread is (torch's, from its float32 mean, is off by up to half an ulp of x). An
    # inf or nan x_ref would turn the slice's other elements nan: 0 instead there. (A value
    # with an inf or nan in its slice is nan anyway, as in torch.)
    ref = _reference(x, axes)
    shifted = x - jnp.where(jnp.isfinite(ref), ref, jnp.zeros_like(ref))
    centred = shifted - jnp.mean(shifted, axis=axes, keepdims=True)
    if full and dof <= 0:
        factor = jnp.where(centred == 0, jnp.nan, jnp.inf).astype(x.dtype)
        tangent = jnp.sum(factor * t, axis=axes, keepdims=True)
    else:
        factor = 2.0 / dof if dof != 0 else math.inf
        tangent = factor * jnp.sum(centred * t, axis=axes, keepdims=True)
    if take_sqrt:
        zero = value == 0
        tangent = jnp.where(zero, 0, tangent / (2 * jnp.where(zero, 1, value)))
    if not keepdims:
        value, tangent = jnp.squeeze(value, axis=axes), jnp.squeeze(tangent, axis=axes)
    return value, tangent


def _variance(x, dim, ddof, keepdims, take_sqrt):
    axes = _reduction_axes(x, dim)
    # torch's backward takes its "no dim" branch for dim=None and for a 0-d input.
    full = axes is None
    axes = tuple(range(x.ndim)) if axes is None else tuple(axes)
    return _var_std(x, axes, ddof, keepdims, take_sqrt, full)


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

    The mean is taken of ``x - x_ref``, ``x_ref`` one element of each reduced
    slice: exact for a constant slice (0, where a float32 two-pass variance of
    values near 1e4 is off by an ulp's square) and for offset inputs. The
    gradient is torch's ``var_backward``, ``2 (x - mean) / (N - correction)``:
    with inf or nan in a slice it is inf/-inf/nan element by element as in
    torch, where autodiff of the two-pass form is nan throughout.

    Float32 range: the squares are summed in float32, so a slice whose
    deviations from the mean pass ~1.8e19 gives inf and one whose deviations
    all lie below ~1e-19 gives 0 (XLA flushes the subnormal squares). torch's
    CPU kernel accumulates float32 in double and returns the finite value
    (``std`` of ``[-1] * 11 + [-2e19]``: 5.77e18 in torch, inf here; of
    ``[0, 1e-20, 2e-20]``: 1e-20 in torch, 0 here, with gradient 0).
    """
    x = jnp.asarray(input)
    _check_floating_std_var(x)
    dim, unbiased = _unbiased_overload(dim, unbiased)
    ddof = _correction(unbiased, correction)
    return _variance(x, dim, ddof, keepdim, take_sqrt=False)


def std(
    input: jax.Array,
    dim: int | Sequence[int] | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> jax.Array:
    """Standard deviation, unbiased (N - 1) by default: ``sqrt(var(input, ...))``.

    PyTorch twin: ``torch.std``; see :func:`var` for the arguments, the centring and
    the float32 range. Its gradient is torch's ``std_backward``, ``var``'s divided by
    ``2 std`` and 0 where std is 0 (a constant row; autodiff of ``sqrt`` gives NaN
    there). The notebook's
    ``torch.tensor([10., 20., 30., 40., 50.]).std()`` is ``sqrt(250) = 15.8114``;
    ``jnp.std`` gives the biased ``14.1421``.
    """
    x = jnp.asarray(input)
    _check_floating_std_var(x)
    dim, unbiased = _unbiased_overload(dim, unbiased)
    ddof = _correction(unbiased, correction)
    return _variance(x, dim, ddof, keepdim, take_sqrt=True)


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
    accepts a tuple of axes (torch refuses one). Its gradient is torch's
    ``prod_backward``: ``result / input`` when the input holds no zero, the
    product of the other elements when it holds one (with ``dim``: anywhere in
    the input), and 0 for a full reduction with two or more zeros. With inf or
    nan in a slice the two forms differ (``[inf, 2, 3]``: ``[nan, inf, inf]``
    without a zero in the input, ``[6, inf, inf]`` with one); ``jnp.prod``'s
    own rule always takes the second. A product that underflows to 0 (XLA
    flushes subnormals; torch keeps them) takes the second form too.

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
        if x.ndim == 0 or not _is_floating(x):
            return jnp.prod(x)  # torch's gradient of a 0-d prod is the output gradient itself
        return _prod(x, None, False)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(
            f"prod(): dim must be a single int (torch.prod reduces one dimension); got {dim!r}"
        )
    d = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return x  # torch allows dim 0/-1 on a 0-d tensor: the value itself, still 0-d
    return _prod(x, d, keepdim) if _is_floating(x) else jnp.prod(x, axis=d, keepdims=keepdim)


def _products_of_the_others(x, axis):
    """Each element's product of the other elements along ``axis``: exclusive cumulative
    products from both ends, multiplied (torch's ``prod_safe_zeros_backward``)."""
    n = x.shape[axis]
    if n <= 1:
        return jnp.ones_like(x)
    ones = jnp.ones_like(jax.lax.slice_in_dim(x, 0, 1, axis=axis))
    before = jnp.cumprod(
        jnp.concatenate([ones, jax.lax.slice_in_dim(x, 0, n - 1, axis=axis)], axis), axis
    )
    after = jnp.cumprod(
        jnp.concatenate([ones, jnp.flip(jax.lax.slice_in_dim(x, 1, n, axis=axis), axis)], axis),
        axis,
    )
    return before * jnp.flip(after, axis)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def _prod(x, dim, keepdim):
    return jnp.prod(x, axis=dim, keepdims=keepdim)


@_prod.defjvp
def _prod_jvp(dim, keepdim, primals, tangents):
    """torch's ``prod_backward``: ``result / x`` when the input holds no zero at all, the
    product of the other elements (exclusive cumulative products) when it holds one. With
    ``dim`` one zero anywhere in the input switches every slice to the second form; a full
    reduction with two or more zeros has gradient 0. The two forms part ways with inf or
    nan in a slice (``[inf, 2, 3]``: ``[nan, inf, inf]`` by the first, ``[6, inf, inf]`` by
    the second); JAX's own rule is always the second."""
    (x,), (t,) = primals, tangents
    result = jnp.prod(x, axis=dim, keepdims=True)
    zeros = jnp.sum(x == 0)
    if dim is None:
        others = _products_of_the_others(x.reshape(-1), 0).reshape(x.shape)
        safe = jnp.where(zeros <= 1, others, jnp.zeros_like(x))
    else:
        safe = _products_of_the_others(x, dim)
    # XLA flushes subnormals: a product that underflows to 0 without a zero in the input
    # would make result / x 0 where torch, keeping subnormals, divides a nonzero result.
    factor = jnp.where((zeros == 0) & (result != 0), result / x, safe)
    tangent = jnp.sum(factor * t, axis=dim, keepdims=keepdim)
    return (result if keepdim else jnp.squeeze(result, axis=dim)), tangent


__all__ = ["ValuesIndices", "max", "min", "amax", "amin", "var", "std", "mean", "prod"]
