"""``torch.nn.functional.conv2d`` twin, NCHW like torch, and the argument checks it
shares with pooling (``jaxnn.functional.pooling``).

The convolution is ``jaxnn.functional.conv_patches.conv_general_dilated`` on
NHWC/HWIO transposes of torch's NCHW/OIHW arrays (XLA fuses the transposes), as
``jaxnn.nn.Conv2d`` runs it: patches and one matmul on CPU, XLA's own
convolution elsewhere. The argument checks and output-size arithmetic are
torch's, raised as ``ValueError`` at trace time (shapes are static, so they
work under ``jit``).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from jaxnn.functional.conv_patches import conv_general_dilated

Pair = tuple[int, int]
IntOrPair = int | Sequence[int]


def as_pair(value: Any, name: str, owner: str, minimum: int) -> Pair:
    """``value`` (an int or two ints) as a pair, each at least ``minimum``."""
    items = (value, value) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(items) != 2:
        raise ValueError(f"{owner}: {name} must be an int or a pair of ints; got {value!r}")
    out = []
    for v in items:
        if isinstance(v, bool):
            raise ValueError(f"{owner}: {name} must be an int or a pair of ints; got {value!r}")
        try:
            v = operator.index(v)
        except TypeError:
            raise ValueError(
                f"{owner}: {name} must be an int or a pair of ints; got {value!r}"
            ) from None
        if v < minimum:
            bound = "positive" if minimum == 1 else "non-negative"
            raise ValueError(f"{owner}: {name} must be {bound}; got {value!r}")
        out.append(v)
    return out[0], out[1]


def conv_padding(
    padding: str | IntOrPair, kernel: Pair, stride: Pair, dilation: Pair, owner: str
) -> tuple[Pair, Pair]:
    """torch's ``padding`` argument as explicit ``((top, bottom), (left, right))`` pairs.

    ``'same'`` puts the odd pixel at the bottom/right, as torch does for even
    (dilated) kernels; it needs stride 1, as in torch.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(
                f"{owner}: invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
            )
        if stride != (1, 1):
            raise ValueError(f"{owner}: padding='same' is not supported for strided convolutions")
        pairs = []
        for k, d in zip(kernel, dilation, strict=True):
            total = d * (k - 1)
            pairs.append((total // 2, total - total // 2))
        return pairs[0], pairs[1]
    ph, pw = as_pair(padding, "padding", owner, 0)
    return (ph, ph), (pw, pw)


def check_image_input(shape: tuple[int, ...], owner: str) -> None:
    """Rank 3 ``(C, H, W)`` or 4 ``(N, C, H, W)``, as torch's 2-d image layers accept."""
    if len(shape) not in (3, 4):
        raise ValueError(
            f"{owner}: expected 3D (unbatched) or 4D (batched) input of shape (C, H, W) or "
            f"(N, C, H, W); got input of shape {tuple(shape)}"
        )


def check_conv_input(
    shape: tuple[int, ...],
    in_channels: int,
    kernel: Pair,
    padding: tuple[Pair, Pair],
    dilation: Pair,
    owner: str,
) -> None:
    """Rank, channel count and padded size against the (dilated) kernel, with torch's rules."""
    check_image_input(shape, owner)
    if shape[-3] != in_channels:
        raise ValueError(
            f"{owner}: expected input with {in_channels} channels (dim -3 of (N, C, H, W)); "
            f"got input of shape {tuple(shape)} with {shape[-3]} channels"
        )
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(shape[-2:], padding, strict=True))
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    if any(p < e for p, e in zip(padded, effective, strict=True)):
        raise ValueError(
            f"{owner}: padded input size per channel {padded} of input shape {tuple(shape)} "
            f"is smaller than the (dilated) kernel size {effective}; the kernel size can't "
            "be greater than the actual input size"
        )


def conv2d(
    input: jax.Array,
    weight: jax.Array,
    bias: jax.Array | None = None,
    stride: IntOrPair = 1,
    padding: str | IntOrPair = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> jax.Array:
    """2-d cross-correlation ``out[n, o] = bias[o] + sum_c weight[o, c] ⋆ input[n, c + g(o)]``.

    ``⋆`` is the (strided, dilated, padded) 2-d cross-correlation and ``c`` runs
    over the ``C_in / groups`` channels of output channel ``o``'s group, which
    starts at ``g(o) = (o // (C_out / groups)) * C_in / groups``.

    Args:
      input: ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``.
      weight: ``(C_out, C_in / groups, kH, kW)``, torch's OIHW layout.
      bias: optional ``(C_out,)``.
      stride: int or ``(sH, sW)``.
      padding: int, ``(pH, pW)`` (zeros on both sides), ``'valid'`` (none) or
        ``'same'`` (output size = input size; stride 1 only).
      dilation: int or ``(dH, dW)``, spacing between kernel taps.
      groups: split input and output channels into this many groups, each
        convolved with its own slice of ``weight``.

    Returns:
      ``(N, C_out, H_out, W_out)`` (or ``(C_out, H_out, W_out)``), with
      ``H_out = floor((H + 2 pH - dH (kH - 1) - 1) / sH) + 1``.

    Raises:
      ValueError: bad arguments, input rank, channel count (``C_in`` must be
        ``weight.shape[1] * groups``), or a padded input smaller than the
        dilated kernel (torch raises RuntimeError for the input errors).

    PyTorch twin: ``torch.nn.functional.conv2d``. JAX promotes mixed input
    and weight dtypes where torch raises. Computed like ``jaxnn.nn.Conv2d``
    (``jaxnn.functional.conv_patches``): on CPU as patches and a matmul per
    group, so an ``inf`` or NaN in one group of channels stays out of the
    others, as in torch (XLA:CPU's own float64 grouped convolution spreads it
    to every group as NaN).
    """
    owner = "conv2d"
    x = jnp.asarray(input)
    w = jnp.asarray(weight)
    if w.ndim != 4 or 0 in w.shape:
        raise ValueError(
            f"{owner}: weight must be 4D (C_out, C_in / groups, kH, kW) with non-zero sizes; "
            f"got shape {tuple(w.shape)}"
        )
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{owner}: groups must be a positive int; got {groups!r}")
    if w.shape[0] % groups:
        raise ValueError(
            f"{owner}: weight's out channels ({w.shape[0]}) must be divisible by groups ({groups})"
        )
    kernel = (int(w.shape[2]), int(w.shape[3]))
    s = as_pair(stride, "stride", owner, 1)
    d = as_pair(dilation, "dilation", owner, 1)
    pads = conv_padding(padding, kernel, s, d, owner)
    check_conv_input(x.shape, int(w.shape[1]) * groups, kernel, pads, d, owner)
    if bias is not None and jnp.shape(bias) != (w.shape[0],):
        raise ValueError(
            f"{owner}: bias must have shape ({w.shape[0]},); got {tuple(jnp.shape(bias))}"
        )
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    dtype = jnp.result_type(x, w) if bias is None else jnp.result_type(x, w, bias)
    y = conv_general_dilated(
        jnp.transpose(x.astype(dtype), (0, 2, 3, 1)),  # (N, H, W, C_in)
        jnp.transpose(w.astype(dtype), (2, 3, 1, 0)),  # (kH, kW, C_in / groups, C_out)
        window_strides=s,
        padding=pads,
        rhs_dilation=d,
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=groups,
    )
    y = jnp.transpose(y, (0, 3, 1, 2))  # (N, C_out, H_out, W_out)
    if bias is not None:
        y = y + jnp.asarray(bias, dtype).reshape(1, -1, 1, 1)
    return y[0] if unbatched else y


__all__ = ["conv2d"]
