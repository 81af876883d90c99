"""A drop-in for ``lax.conv_general_dilated`` that runs NHWC convolutions as one matmul on CPU.

XLA:CPU hands a forward NHWC convolution to a fast library kernel, but the two
convolutions of its gradient (input and kernel gradients, with other dimension
numbers) and any convolution inside a loop body (a ``lax.scan`` over an epoch)
take much slower paths. Written as patches and a matmul (im2col), the
convolution is strided slices, a concatenation and one ``dot``; its gradient is
two matmuls and the slices' pads and adds, all of which XLA:CPU runs at matmul
speed, in a loop body too. Elsewhere (GPU, TPU) and for the cases the patches do
not cover, the library convolution runs unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

_NHWC = ("NHWC", "HWIO", "NHWC")


def _patches_apply(lhs, rhs, padding, lhs_dilation, dimension_numbers, groups, extra) -> bool:
    """True where the patches form is the faster one and covers the call exactly."""
    if jax.default_backend() != "cpu" or extra:
        return False
    if lhs.ndim != 4 or rhs.ndim != 4 or isinstance(padding, str):
        return False
    if any(lo < 0 or hi < 0 for lo, hi in padding):
        return False
    if lhs_dilation is not None and tuple(lhs_dilation) != (1, 1):
        return False
    nhwc = lax.conv_dimension_numbers(lhs.shape, rhs.shape, _NHWC)
    if lax.conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers) != nhwc:
        return False
    # Channel counts that lax would refuse go to lax, which says why.
    return lhs.shape[3] == rhs.shape[2] * groups and rhs.shape[3] % groups == 0


def conv_general_dilated(
    lhs: jax.Array,
    rhs: jax.Array,
    window_strides: Sequence[int],
    padding: str | Sequence[tuple[int, int]],
    lhs_dilation: Sequence[int] | None = None,
    rhs_dilation: Sequence[int] | None = None,
    dimension_numbers: Any = None,
    feature_group_count: int = 1,
    batch_group_count: int = 1,
    precision: Any = None,
    preferred_element_type: Any = None,
    **kwargs: Any,
) -> jax.Array:
    """``lax.conv_general_dilated``, as patches and one matmul for NHWC/HWIO on CPU.

    The patches form covers 2-d convolutions with NHWC input, HWIO kernel and
    NHWC output, explicit non-negative padding, any stride, kernel dilation and
    feature groups, and no input dilation; every other call, and every call off
    CPU, goes to ``lax.conv_general_dilated`` with the same arguments. Both
    compute the same sums, in another order (the difference is rounding), with
    one exception: XLA:CPU runs a grouped float64 convolution as a dense one
    whose kernel is zero outside each group's block, so an ``inf`` or NaN input
    in one group makes every other group's outputs NaN (``0 * inf``); the
    patches form multiplies each group by its own kernel only, as torch does.

    PyTorch twin: none (the convolution inside ``torch.nn.Conv2d``; torch's
    CPU kernels use the same patches-and-matmul scheme).
    """
    extra = {k: v for k, v in kwargs.items() if v is not None}
    if batch_group_count != 1 or not _patches_apply(
        lhs, rhs, padding, lhs_dilation, dimension_numbers, feature_group_count, extra
    ):
        return lax.conv_general_dilated(
            lhs,
            rhs,
            window_strides,
            padding,
            lhs_dilation=lhs_dilation,
            rhs_dilation=rhs_dilation,
            dimension_numbers=dimension_numbers,
            feature_group_count=feature_group_count,
            batch_group_count=batch_group_count,
            precision=precision,
            preferred_element_type=preferred_element_type,
            **kwargs,
        )
    return conv_nhwc_patches(
        lhs,
        rhs,
        tuple(window_strides),
        tuple((int(lo), int(hi)) for lo, hi in padding),
        (1, 1) if rhs_dilation is None else tuple(rhs_dilation),
        precision,
        preferred_element_type,
        feature_group_count,
    )


def conv_nhwc_patches(
    x: jax.Array,
    kernel: jax.Array,
    strides: tuple[int, int],
    padding: tuple[tuple[int, int], tuple[int, int]],
    dilation: tuple[int, int],
    precision: Any = None,
    preferred_element_type: Any = None,
    groups: int = 1,
) -> jax.Array:
    """``(N, H, W, C) ⋆ (kH, kW, C / groups, O) -> (N, H_out, W_out, O)`` as im2col and one
    matmul (batched over the groups when ``groups > 1``).

    PyTorch twin: none (a kernel of ``torch.nn.functional.conv2d`` on CPU).
    """
    kh, kw, _, o = kernel.shape
    c = x.shape[3]
    if any(lo or hi for lo, hi in padding):
        x = jnp.pad(x, ((0, 0), padding[0], padding[1], (0, 0)))
    n, h, w, _ = x.shape
    (sh, sw), (dh, dw) = strides, dilation
    ho = (h - dh * (kh - 1) - 1) // sh + 1
    wo = (w - dw * (kw - 1) - 1) // sw + 1
    # One strided slice per kernel tap, stacked on the channel axis in the kernel's
    # (kH, kW, C) order, so the kernel reshapes to the matmul's (kH*kW*C, O) operand.
    taps = [
        lax.slice(
            x,
            (0, a * dh, b * dw, 0),
            (n, a * dh + (ho - 1) * sh + 1, b * dw + (wo - 1) * sw + 1, c),
            (1, sh, sw, 1),
        )
        for a in range(kh)
        for b in range(kw)
    ]
    patches = taps[0] if len(taps) == 1 else jnp.concatenate(taps, axis=-1)
    if groups > 1:
        # Each group's channels against its own block of the kernel: a matmul batched over
        # the groups (a dense matmul with a zero-filled kernel would turn inf into NaN).
        cg, og = c // groups, o // groups
        y = lax.dot_general(
            patches.reshape(n * ho * wo, kh * kw, groups, cg),
            kernel.reshape(kh * kw, cg, groups, og),
            (((1, 3), (0, 1)), ((2,), (2,))),
            precision=precision,
            preferred_element_type=preferred_element_type,
        )  # (groups, N*H_out*W_out, O / groups)
        return jnp.transpose(y, (1, 0, 2)).reshape(n, ho, wo, o)
    y = lax.dot_general(
        patches.reshape(n * ho * wo, kh * kw * c),
        kernel.reshape(kh * kw * c, o),
        (((1,), (0,)), ((), ())),
        precision=precision,
        preferred_element_type=preferred_element_type,
    )
    return y.reshape(n, ho, wo, o)


__all__ = ["conv_general_dilated", "conv_nhwc_patches"]
