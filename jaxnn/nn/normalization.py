"""``nn.LayerNorm`` and ``nn.BatchNorm1d`` twins."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.config import canonical_param_dtype
from jaxnn.functional.normalization import (
    batch_stats,
    check_layer_norm_input,
    normalize_channels,
    normalized_shape_tuple,
    update_running_stats,
)
from jaxnn.nn.module import Module


class LayerNorm(Module, nnx.LayerNorm):
    """``y = (x - E[x]) / sqrt(Var[x] + eps) * scale + bias`` over the last ``k`` dimensions.

    Each sample is normalised on its own over the trailing ``normalized_shape``
    (the variance is the biased one); training and evaluation behave the same.

    Args:
      normalized_shape: the trailing shape to normalise over: an int for the
        last dimension, a list/tuple such as ``[3, 4]`` for the last two.
      eps: added to the variance (default 1e-5).
      elementwise_affine: learn ``scale`` and ``bias`` (default True).
      bias: learn ``bias`` when ``elementwise_affine`` (default True).
      dtype: parameter dtype (torch's factory ``dtype``; default float32).
      rngs: accepted for uniformity; the initialisation is not random.

    Shape:
      Input ``(*, *normalized_shape)``; output the same shape.

    Attributes:
      scale: ``normalized_shape``, initialised to ones (torch's ``weight``).
      bias: ``normalized_shape``, initialised to zeros.

    PyTorch twin: ``torch.nn.LayerNorm``. This is ``nnx.LayerNorm`` configured to
    torch: epsilon 1e-5 (Flax: 1e-6), the two-pass variance
    (``use_fast_variance=False``), reduction and feature axes the last ``k``
    dimensions, and parameters shaped like ``normalized_shape`` rather than
    flattened.

    Float32 on inputs far from zero: normalising cancels terms of size
    ``|x| / std``, so the result carries an absolute rounding error of about
    ``1e-7 * |mean| / std`` (times ``|scale|``) in any float32 implementation.
    torch's CPU kernel takes its statistics by float32 Welford (vectorised, so
    torch differs from itself between CPU capabilities), jaxnn by float32
    two-pass sums: both are that far from float64 and that far from each other,
    e.g. ~3e-5 absolute at mean 1000 and ~5e-4 at mean 1e4 (unit spread), beyond
    the plain float32 tolerance. Pinned in
    ``parity_tests/nn/test_normalization_hard_inputs.py``. Also there: a group
    holding a value whose square overflows (``|x| > 1.8e19`` in float32) may be
    NaN in torch (its Welford combine computes ``inf * 0``); jaxnn normalises it.

    Example:
      >>> LayerNorm(5)(jnp.array([1.0, 2.0, 3.0, 4.0, 5.0]))  # ~[-1.4142, -0.7071, 0, ...]
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs | None = None,
    ):
        shape = normalized_shape_tuple(normalized_shape, "LayerNorm")
        axes = tuple(range(-len(shape), 0))
        super().__init__(
            math.prod(shape),
            epsilon=eps,
            param_dtype=canonical_param_dtype(dtype),
            use_bias=elementwise_affine and bias,
            use_scale=elementwise_affine,
            # Flax would make (prod(shape),) vectors; torch's parameters keep the shape.
            scale_init=lambda key, _, dtype: jnp.ones(shape, dtype),
            bias_init=lambda key, _, dtype: jnp.zeros(shape, dtype),
            reduction_axes=axes,
            feature_axes=axes,
            use_fast_variance=False,
            rngs=nnx.Rngs(0) if rngs is None else rngs,
        )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )

    def __call__(self, input: jax.Array) -> jax.Array:
        x = jnp.asarray(input)
        check_layer_norm_input(x, self.normalized_shape, "LayerNorm")
        return super().__call__(x)


class BatchNorm1d(Module, nnx.BatchNorm):
    """``y = (x - mean) / sqrt(var + eps) * scale + bias`` per channel of (N, C) or (N, C, L).

    Training (the initial mode, ``model.train()``): ``mean`` and ``var`` are the
    batch's, over N (and L), with the biased variance; the running statistics
    become ``(1 - momentum) * old + momentum * batch`` using the **unbiased**
    batch variance, and ``num_batches_tracked`` grows by one. Evaluation
    (``model.eval()``, which sets ``use_running_average=True``): the running
    statistics are used and nothing changes.

    Args:
      num_features: C, the number of channels.
      eps: added to the variance (default 1e-5).
      momentum: weight of the batch statistics in the running ones (default
        0.1, torch's meaning); None for a cumulative average with factor
        ``1 / num_batches_tracked``.
      affine: learn ``scale`` and ``bias`` (default True).
      track_running_stats: keep running statistics (default True). Without
        them the batch statistics are used in evaluation too.
      dtype: parameter and running-statistics dtype (default float32).
      rngs: accepted for uniformity; the initialisation is not random.

    Shape:
      Input ``(N, C)`` or ``(N, C, L)``; output the same shape.

    Attributes:
      scale, bias: ``(C,)`` ones and zeros (torch's ``weight``, ``bias``).
      mean, var: ``(C,)`` zeros and ones, ``nnx.BatchStat`` (torch's
        ``running_mean``, ``running_var`` buffers).
      num_batches_tracked: integer ``nnx.BatchStat`` scalar (int64 with 64-bit
        types on, else int32; torch: int64).

    PyTorch twin: ``torch.nn.BatchNorm1d``. ``nnx.BatchNorm`` holds the
    parameters and mode flag (subclassed here) but its update differs: Flax's
    momentum weights the old value, its running variance is the biased one,
    and it has no cumulative mode or ``num_batches_tracked``; so the call is
    ours. The new statistics are written to the module, which ``nnx.jit`` and
    ``jaxnn.train`` carry as state (torch mutates its buffers in place).

    Example:
      >>> bn = BatchNorm1d(3)
      >>> y = bn(jnp.arange(12.0).reshape(4, 3))  # training: batch statistics, stats updated
      >>> bn.eval()
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs | None = None,
    ):
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 0:
            raise ValueError(
                f"BatchNorm1d: num_features must be a non-negative int; got {num_features!r}"
            )
        if momentum is not None and (
            isinstance(momentum, bool) or not isinstance(momentum, (int, float))
        ):
            raise ValueError(f"BatchNorm1d: momentum must be a float or None; got {momentum!r}")
        param_dtype = canonical_param_dtype(dtype)
        super().__init__(
            num_features,
            use_running_average=False,
            axis=1,
            epsilon=eps,
            param_dtype=param_dtype,
            use_bias=affine,
            use_scale=affine,
            use_fast_variance=False,
            rngs=nnx.Rngs(0) if rngs is None else rngs,
        )
        if track_running_stats:
            self.mean = nnx.BatchStat(jnp.zeros((num_features,), param_dtype))
            self.var = nnx.BatchStat(jnp.ones((num_features,), param_dtype))
            count_dtype = jax.dtypes.canonicalize_dtype(jnp.int64)
            self.num_batches_tracked = nnx.BatchStat(jnp.zeros((), count_dtype))
        else:
            self.mean = nnx.data(None)
            self.var = nnx.data(None)
            self.num_batches_tracked = nnx.data(None)
        self.momentum = momentum  # torch's meaning, not Flax's
        self.eps = eps
        self.affine = affine
        self.track_running_stats = track_running_stats

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )

    def __call__(self, input: jax.Array, use_running_average: bool | None = None) -> jax.Array:
        x = jnp.asarray(input)
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d: expected input of shape (N, {self.num_features}) or "
                f"(N, {self.num_features}, L); got {tuple(x.shape)}"
            )
        if use_running_average is None:
            use_running_average = self.use_running_average
        training = not use_running_average
        scale = None if self.scale is None else self.scale[...]
        bias = None if self.bias is None else self.bias[...]
        if training or self.mean is None:  # torch: batch statistics without running ones
            mean, var, var_sum, n = batch_stats(x, "BatchNorm1d")
        else:
            mean, var = self.mean[...], self.var[...]
        if training and self.mean is not None:
            count = self.num_batches_tracked[...] + 1
            self.num_batches_tracked[...] = count
            factor = 1.0 / count if self.momentum is None else self.momentum
            self.mean[...], self.var[...] = update_running_stats(
                self.mean[...], self.var[...], mean, var_sum, n, factor
            )
        return normalize_channels(x, mean, var, scale, bias, self.eps)


__all__ = ["BatchNorm1d", "LayerNorm"]
