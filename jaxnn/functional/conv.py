"""``torch.nn.functional.conv2d`` and ``max_pool2d`` twins, NCHW like torch.

Both call XLA's own primitives (``lax.conv_general_dilated`` with NCHW/OIHW
dimension numbers, ``lax.reduce_window``), so no layout transposes are needed
here; max pooling gathers its windows instead where torch's semantics need it
(dilation, ``return_indices``). The argument checks and output-size
arithmetic are torch's, raised as ``ValueError`` at trace time (shapes are
static, so they work under ``jit``).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

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
    and weight dtypes where torch raises. Computed by
    ``lax.conv_general_dilated`` with NCHW/OIHW dimension numbers.
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
    y = lax.conv_general_dilated(
        x.astype(dtype),
        w.astype(dtype),
        window_strides=s,
        padding=pads,
        rhs_dilation=d,
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
        feature_group_count=groups,
    )  # (N, C_out, H_out, W_out)
    if bias is not None:
        y = y + jnp.asarray(bias, dtype).reshape(1, -1, 1, 1)
    return y[0] if unbatched else y


def pool_output_size(
    size: int, kernel: int, stride: int, pad: int, dilation: int, ceil: bool
) -> int:
    """torch's ``pooling_output_shape``: floor or ceil division; a ceil window must start inside."""
    effective = dilation * (kernel - 1) + 1
    out = (size + 2 * pad - effective + (stride - 1 if ceil else 0)) // stride + 1
    if ceil and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _lowest(dtype) -> Any:
    # Typed as the input: a bare Python int becomes int64 when 64-bit types are on, and
    # reduce_window refuses an init value of another dtype than its operand.
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        return np.array(jnp.iinfo(dtype).min, dtype)
    raise ValueError(f"max_pool2d: unsupported input dtype {dtype}")


def max_pool2d(
    input: jax.Array,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> jax.Array | tuple[jax.Array, jax.Array]:
    """2-d max pooling: ``out[n, c, i, j] = max_{a, b} input[n, c, s i + d a - p, s j + d b - p]``.

    Args:
      input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``.
      kernel_size: window size, int or ``(kH, kW)``.
      stride: window step; ``None`` (default) means ``kernel_size``, as in torch.
      padding: implicit ``-inf`` padding on both sides, at most half the kernel.
      dilation: spacing between window taps.
      ceil_mode: round the output size up instead of down (a last partial
        window is kept only if it starts inside the input or the left padding).
      return_indices: also return, per output, the flat index ``h * W + w`` of
        the maximum within its input plane (the first one on ties; a NaN wins).

    Returns:
      ``(N, C, H_out, W_out)`` with
      ``H_out = floor_or_ceil((H + 2 pH - dH (kH - 1) - 1) / sH) + 1``; with
      ``return_indices`` a pair ``(values, indices)``.

    Raises:
      ValueError: bad arguments (non-positive kernel, stride or dilation,
        negative padding or more than half the kernel), an input that is not 3D
        or 4D, or an output size below 1 (torch raises RuntimeError for these).

    PyTorch twin: ``torch.nn.functional.max_pool2d``. Computed with
    ``lax.reduce_window`` (Flax's ``max_pool`` has no dilation), whose
    gradient goes to the first maximum of each window, like torch's. One
    difference: in a window holding a NaN the value is NaN in both, but JAX's
    gradient goes to the largest finite element where torch's goes to the NaN.
    With ``return_indices=True`` or a dilation above 1 (where
    ``reduce_window`` has no gradient) every window is gathered and the
    maximum selected by torch's rule, so values, indices and gradients all
    follow torch.
    """
    k, s, p, d = pool_arguments(kernel_size, stride, padding, dilation, "max_pool2d")
    return max_pool2d_checked(input, k, s, p, d, ceil_mode, return_indices, "max_pool2d")


def pool_arguments(
    kernel_size: IntOrPair,
    stride: IntOrPair | None,
    padding: IntOrPair,
    dilation: IntOrPair,
    owner: str,
) -> tuple[Pair, Pair, Pair, Pair]:
    """Pooling arguments as pairs, checked like torch; ``stride=None`` means the kernel size."""
    k = as_pair(kernel_size, "kernel_size", owner, 1)
    s = k if stride is None else as_pair(stride, "stride", owner, 1)
    p = as_pair(padding, "padding", owner, 0)
    d = as_pair(dilation, "dilation", owner, 1)
    if any(2 * pi > ki for pi, ki in zip(p, k, strict=True)):
        raise ValueError(
            f"{owner}: padding should be at most half of kernel size, but got padding={p} "
            f"and kernel_size={k}"
        )
    return k, s, p, d


def max_pool2d_checked(
    input: jax.Array,
    k: Pair,
    s: Pair,
    p: Pair,
    d: Pair,
    ceil_mode: bool,
    return_indices: bool,
    owner: str,
) -> jax.Array | tuple[jax.Array, jax.Array]:
    """:func:`max_pool2d` after :func:`pool_arguments`; input errors name ``owner``."""
    x = jnp.asarray(input)
    check_image_input(x.shape, owner)
    h, w = x.shape[-2:]
    out = tuple(
        pool_output_size(n, ki, si, pi, di, ceil_mode)
        for n, ki, si, pi, di in zip((h, w), k, s, p, d, strict=True)
    )
    if 0 in x.shape[-3:]:
        raise ValueError(
            f"{owner}: expected non-empty C, H and W dims (only the batch may be 0); got "
            f"input of shape {tuple(x.shape)}"
        )
    if min(out) < 1:
        raise ValueError(
            f"{owner}: given input shape {tuple(x.shape)}, the calculated output size "
            f"{out} is too small"
        )
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    if return_indices or d != (1, 1):
        # lax.reduce_window's max has no gradient with window dilation: gather instead.
        values, indices = _max_pool_with_indices(x, k, s, p, d, out)
        if not return_indices:
            return values[0] if unbatched else values
        return (values[0], indices[0]) if unbatched else (values, indices)
    # Extra bottom/right padding for ceil mode: the last window may overhang.
    extra = [
        max(0, (o - 1) * si + di * (ki - 1) + 1 - (n + 2 * pi))
        for o, n, ki, si, pi, di in zip(out, (h, w), k, s, p, d, strict=True)
    ]
    y = lax.reduce_window(
        x,
        _lowest(x.dtype),
        lax.max,
        window_dimensions=(1, 1) + k,
        window_strides=(1, 1) + s,
        padding=((0, 0), (0, 0), (p[0], p[0] + extra[0]), (p[1], p[1] + extra[1])),
        window_dilation=(1, 1) + d,
    )  # (N, C, H_out, W_out)
    return y[0] if unbatched else y


def _max_pool_with_indices(x, k, s, p, d, out):
    """Values and torch's flat indices by gathering every window (static index tables)."""
    n, c, h, w = x.shape
    rows = np.arange(out[0])[:, None] * s[0] - p[0] + np.arange(k[0]) * d[0]  # (H_out, kH)
    cols = np.arange(out[1])[:, None] * s[1] - p[1] + np.arange(k[1]) * d[1]  # (W_out, kW)
    valid = ((rows >= 0) & (rows < h))[:, None, :, None] & ((cols >= 0) & (cols < w))[
        None, :, None, :
    ]  # (H_out, W_out, kH, kW)
    flat = rows[:, None, :, None] * w + cols[None, :, None, :]
    valid = valid.reshape(out[0], out[1], -1)
    flat = flat.reshape(out[0], out[1], -1)
    windows = x[:, :, np.clip(rows, 0, h - 1)]  # (N, C, H_out, kH, W)
    windows = windows[..., np.clip(cols, 0, w - 1)]  # (N, C, H_out, kH, W_out, kW)
    windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, out[0], out[1], k[0] * k[1])
    lowest = _lowest(x.dtype)
    key = jnp.where(valid, windows, lowest)
    # torch scans the window row-major and keeps an element if it is larger than the
    # running maximum or NaN, starting from the first in-bounds element. jnp.argmax
    # returns the first maximum and, like NumPy, the first NaN if there is one.
    pick = jnp.argmax(key, axis=-1)
    first_valid = np.argmax(valid, axis=-1)
    best = jnp.take_along_axis(key, pick[..., None], axis=-1)[..., 0]
    pick = jnp.where(best == lowest, first_valid, pick)
    values = jnp.take_along_axis(windows, pick[..., None], axis=-1)[..., 0]
    indices = jnp.take_along_axis(jnp.broadcast_to(flat, key.shape), pick[..., None], axis=-1)
    return values, indices[..., 0]


__all__ = ["conv2d", "max_pool2d"]
