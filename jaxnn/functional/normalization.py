"""Layer and batch normalisation with torch's statistics (``torch.nn.functional``).

JAX cannot update running statistics in place, so batch normalisation is two
functions: :func:`batch_norm` returns the normalised output (torch's
``F.batch_norm`` return value) and :func:`batch_norm_running_stats` returns the
new running statistics that torch's call would have written into its buffers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp


def normalized_shape_tuple(normalized_shape: Any, owner: str) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints) as a non-empty tuple."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    if not isinstance(shape, Sequence) or isinstance(shape, str):
        raise ValueError(
            f"{owner}: normalized_shape must be an int or a sequence of ints; "
            f"got {normalized_shape!r}"
        )
    shape = tuple(shape)
    if not shape or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in shape):
        raise ValueError(
            f"{owner}: normalized_shape must be a non-empty sequence of non-negative ints "
            f"(or an int); got {normalized_shape!r}"
        )
    return shape


def check_layer_norm_input(x: jax.Array, shape: tuple[int, ...], owner: str) -> None:
    """ValueError unless ``x``'s trailing dimensions equal ``shape``."""
    if x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape) :]) != shape:
        star = ", ".join(["*", *(str(n) for n in shape)])
        raise ValueError(
            f"{owner}: expected input with shape ({star}) for normalized_shape={list(shape)}; "
            f"got input of shape {tuple(x.shape)}"
        )


def layer_norm(
    input: jax.Array,
    normalized_shape: int | Sequence[int],
    weight: jax.Array | None = None,
    bias: jax.Array | None = None,
    eps: float = 1e-5,
) -> jax.Array:
    """``y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`` over the last ``k`` dimensions.

    Args:
      input: ``(*, *normalized_shape)``.
      normalized_shape: the trailing shape to normalise over (an int for one dimension).
      weight, bias: optional, shaped like ``normalized_shape``.
      eps: added to the variance (default 1e-5).

    Returns:
      An array with ``input``'s shape. The variance is the biased one (divide
      by the number of elements), computed in two passes.

    PyTorch twin: ``F.layer_norm``. The same arithmetic as ``nnx.LayerNorm``
    with ``use_fast_variance=False`` (Flax's default one-pass variance and
    epsilon 1e-6 differ from torch). In float32 on inputs far from zero the
    result differs from torch's by about ``1e-7 * |mean| / std``, as far as each
    is from float64 (see ``jaxnn.nn.LayerNorm``).
    """
    shape = normalized_shape_tuple(normalized_shape, "layer_norm()")
    x = jnp.asarray(input)
    check_layer_norm_input(x, shape, "layer_norm()")
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and tuple(jnp.shape(value)) != shape:
            raise ValueError(
                f"layer_norm(): {name} must have shape {shape}; got {tuple(jnp.shape(value))}"
            )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    mul = jax.lax.rsqrt(var + eps)
    if weight is not None:
        mul = mul * weight
    y = (x - mean) * mul
    return y if bias is None else y + bias


def _channel_axes(x: jax.Array, owner: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Reduction axes (all but dim 1) and the shape that broadcasts a (C,) vector."""
    if x.ndim < 2:
        raise ValueError(f"{owner}: expected input of shape (N, C, *); got {tuple(x.shape)}")
    axes = (0, *range(2, x.ndim))
    return axes, (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _check_channels(x: jax.Array, owner: str, **vectors: Any) -> None:
    for name, value in vectors.items():
        if value is not None and tuple(jnp.shape(value)) != (x.shape[1],):
            raise ValueError(
                f"{owner}: {name} should have shape ({x.shape[1]},) for input of shape "
                f"{tuple(x.shape)}; got {tuple(jnp.shape(value))}"
            )


def _values_per_channel(x: jax.Array) -> int:
    return x.size // x.shape[1] if x.shape[1] else 0


def batch_stats(x: jax.Array, owner: str) -> tuple[jax.Array, jax.Array, jax.Array, int]:
    """Per-channel ``(mean, biased var, sum of squared deviations, count)`` of ``(N, C, *)``."""
    axes, _ = _channel_axes(x, owner)
    n = _values_per_channel(x)
    if n <= 1:
        raise ValueError(
            f"{owner}: Expected more than 1 value per channel when training, got input of "
            f"shape {tuple(x.shape)}"
        )
    mean = jnp.mean(x, axis=axes)
    centred = x - jnp.expand_dims(mean, axes)
    var_sum = jnp.sum(jnp.square(centred), axis=axes)
    return mean, var_sum / n, var_sum, n


def normalize_channels(
    x: jax.Array,
    mean: jax.Array,
    var: jax.Array,
    weight: jax.Array | None,
    bias: jax.Array | None,
    eps: float,
) -> jax.Array:
    """``(x - mean) / sqrt(var + eps) * weight + bias`` with (C,) vectors on dim 1."""
    _, shape = _channel_axes(x, "batch_norm()")
    y = (x - mean.reshape(shape)) * jax.lax.rsqrt(var + eps).reshape(shape)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


def batch_norm(
    input: jax.Array,
    running_mean: jax.Array | None,
    running_var: jax.Array | None,
    weight: jax.Array | None = None,
    bias: jax.Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> jax.Array:
    """``y = (x - mean) / sqrt(var + eps) * weight + bias`` per channel (dim 1).

    Args:
      input: ``(N, C, *)``.
      running_mean, running_var: ``(C,)`` statistics used when not training
        (then required); may be None when training.
      weight, bias: optional ``(C,)`` affine parameters.
      training: use the batch's mean and biased variance (over every dimension
        but 1) instead of the running statistics.
      momentum: accepted for signature parity; it only affects the running
        statistics, see :func:`batch_norm_running_stats`.
      eps: added to the variance (default 1e-5).

    Returns:
      The normalised output only. torch's ``F.batch_norm`` with ``training=True``
      also overwrites ``running_mean``/``running_var`` in place; JAX arrays are
      immutable, so get those values from :func:`batch_norm_running_stats`
      (``jaxnn.nn.BatchNorm1d`` does this for you).

    Raises:
      ValueError: running statistics missing when not training; fewer than two
        values per channel when training; vectors of the wrong length.

    PyTorch twin: ``F.batch_norm``.
    """
    del momentum
    x = jnp.asarray(input)
    _channel_axes(x, "batch_norm()")
    vectors = {"running_mean": running_mean, "running_var": running_var}
    _check_channels(x, "batch_norm()", **vectors, weight=weight, bias=bias)
    if training:
        mean, var, _, _ = batch_stats(x, "batch_norm()")
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm(): running_mean must be defined in evaluation mode")
        mean, var = jnp.asarray(running_mean), jnp.asarray(running_var)
    return normalize_channels(x, mean, var, weight, bias, eps)


def update_running_stats(
    running_mean: jax.Array,
    running_var: jax.Array,
    mean: jax.Array,
    var_sum: jax.Array,
    count: int,
    factor: Any,
) -> tuple[jax.Array, jax.Array]:
    """torch's update: ``new = (1 - f) * old + f * batch`` with the unbiased batch variance."""
    dtype = jnp.result_type(running_mean)
    unbiased = var_sum / (count - 1)
    new_mean = factor * mean + (1 - factor) * running_mean
    new_var = factor * unbiased + (1 - factor) * running_var
    return (
        jax.lax.stop_gradient(new_mean).astype(dtype),
        jax.lax.stop_gradient(new_var).astype(dtype),
    )


def batch_norm_running_stats(
    input: jax.Array,
    running_mean: jax.Array,
    running_var: jax.Array,
    momentum: float = 0.1,
) -> tuple[jax.Array, jax.Array]:
    """The running statistics after one training call: ``(new_mean, new_var)``.

    ``new = (1 - momentum) * old + momentum * batch``, where the batch mean is
    over every dimension but 1 and the batch variance is the **unbiased** one
    (divide by ``n - 1``), although the output is normalised with the biased
    one. No gradient flows into the new statistics.

    Args:
      input: ``(N, C, *)``, the batch passed to :func:`batch_norm` with
        ``training=True``.
      running_mean, running_var: ``(C,)`` statistics before the call.
      momentum: weight of the batch statistics (torch's meaning; Flax's
        ``BatchNorm`` momentum is the weight of the old value, ``1 - momentum``).

    Returns:
      ``(new_running_mean, new_running_var)`` with the running statistics' dtype.

    PyTorch twin: the in-place side effect of ``F.batch_norm(..., training=True)``.
    Example: ``y = batch_norm(x, rm, rv, training=True)`` then
    ``rm, rv = batch_norm_running_stats(x, rm, rv)``.
    """
    x = jnp.asarray(input)
    _channel_axes(x, "batch_norm_running_stats()")
    vectors = {"running_mean": running_mean, "running_var": running_var}
    _check_channels(x, "batch_norm_running_stats()", **vectors)
    mean, _, var_sum, n = batch_stats(x, "batch_norm_running_stats()")
    return update_running_stats(
        jnp.asarray(running_mean), jnp.asarray(running_var), mean, var_sum, n, momentum
    )


__all__ = ["batch_norm", "batch_norm_running_stats", "layer_norm"]
