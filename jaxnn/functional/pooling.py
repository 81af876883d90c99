"""``torch.nn.functional.max_pool2d`` twin, NCHW like torch.

Each window's maximum is chosen by torch's own scan: the taps are visited in
row-major window order, starting from the first in-bounds one, and a tap
replaces the running maximum when it is larger or NaN. The scan is a chain of
``where`` over strided slices, one per tap, that also records the winning tap.
A custom JVP gives each output the tangent of that one element, so the
gradient goes where torch's backward sends it: the first maximum on ties (an
all-zero window after a ReLU gives it all to its first element, not a share
to each), the last NaN in a window holding NaNs. The gradient is elementwise
(a masked concatenate where the windows tile the input, one pad per tap
otherwise), where ``lax.reduce_window``'s is ``select_and_scatter``, slow on
XLA:CPU. Being plain ``jnp`` with a JVP rule, it works under ``jit``,
``vmap``, ``grad`` and forward-mode AD, to any order.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxnn.functional.conv import IntOrPair, Pair, as_pair, check_image_input


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
    # lax.pad refuses a padding value of another dtype than its operand.
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        return np.array(jnp.iinfo(dtype).min, dtype)
    raise ValueError(f"max_pool2d: unsupported input dtype {dtype}; expected floating or integer")


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
        the maximum within its input plane.

    Returns:
      ``(N, C, H_out, W_out)`` with
      ``H_out = floor_or_ceil((H + 2 pH - dH (kH - 1) - 1) / sH) + 1``; with
      ``return_indices`` a pair ``(values, indices)``.

    Raises:
      ValueError: bad arguments (non-positive kernel, stride or dilation,
        negative padding or more than half the kernel), an input that is not 3D
        or 4D, or an output size below 1 (torch raises RuntimeError for these).

    PyTorch twin: ``torch.nn.functional.max_pool2d``. The maximum, its index
    and the element that receives the gradient follow torch's CPU and CUDA
    kernels: the first maximum in row-major window order on ties, the last
    NaN when a window holds NaNs (the value is then NaN), the first in-bounds
    element when every in-bounds element is ``-inf``. Indices are int32
    without x64 (torch: int64).
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
    values, taps = _max_pool(x, Window(k, s, p, d, out))
    if unbatched:
        values, taps = values[0], taps[0]
    if not return_indices:
        return values
    return values, _flat_indices(taps, Window(k, s, p, d, out), h, w)


class Window(NamedTuple):
    """Static pooling geometry: kernel, stride, padding, dilation and output size, as pairs."""

    k: Pair
    s: Pair
    p: Pair
    d: Pair
    out: Pair

    def rows_cols(self, h: int, w: int):
        """Input row of tap ``a`` in output row ``i`` (``(H_out, kH)``), likewise columns, and
        whether each lies inside the ``h x w`` input (padding counted out)."""
        rows = np.arange(self.out[0])[:, None] * self.s[0] - self.p[0]
        rows = rows + np.arange(self.k[0]) * self.d[0]
        cols = np.arange(self.out[1])[:, None] * self.s[1] - self.p[1]
        cols = cols + np.arange(self.k[1]) * self.d[1]
        return rows, cols, (rows >= 0) & (rows < h), (cols >= 0) & (cols < w)

    def tiles(self, h: int, w: int) -> bool:
        """Whether the windows tile the input: no overlap, gap, padding or overhang."""
        return (
            self.s == self.k
            and self.p == (0, 0)
            and self.d == (1, 1)
            and self.out[0] * self.k[0] <= h
            and self.out[1] * self.k[1] <= w
        )


def _taps(x: jax.Array, win: Window, fill) -> list[jax.Array]:
    """Per tap ``(a, b)`` in row-major window order, ``x`` at that tap of every window
    ``(N, C, H_out, W_out)``; positions outside the input read ``fill``."""
    n, c, h, w = x.shape
    rows, cols, _, _ = win.rows_cols(h, w)
    # Room around the input for the padding and the part of a ceil-mode window that
    # overhangs the bottom/right.
    below = (max(0, int(rows[-1, -1]) - (h - 1)), max(0, int(cols[-1, -1]) - (w - 1)))
    if win.p != (0, 0) or below != (0, 0):
        config = ((0, 0, 0), (0, 0, 0), (win.p[0], below[0], 0), (win.p[1], below[1], 0))
        x = lax.pad(x, fill, config)
    taps = []
    for a in range(win.k[0]):
        for b in range(win.k[1]):
            start = (0, 0, a * win.d[0], b * win.d[1])
            stop = (
                n,
                c,
                start[2] + (win.out[0] - 1) * win.s[0] + 1,
                start[3] + (win.out[1] - 1) * win.s[1] + 1,
            )
            taps.append(lax.slice(x, start, stop, (1, 1) + win.s))
    return taps


def _tap_dtype(win: Window):
    return np.int8 if win.k[0] * win.k[1] <= np.iinfo(np.int8).max else np.int32


@partial(jax.custom_jvp, nondiff_argnums=(1,))
def _max_pool(x: jax.Array, win: Window) -> tuple[jax.Array, jax.Array]:
    """Window maxima and, per output, the winning tap ``a * kW + b`` by torch's scan."""
    n, c, h, w = x.shape
    _, _, row_in, col_in = win.rows_cols(h, w)
    # The first in-bounds tap in row-major order: in-bounds-ness is per row times per
    # column, so it is (first in-bounds row, first in-bounds column). Every window has
    # one, since it starts inside the input or its left padding (at most half a kernel).
    first_row = np.argmax(row_in, axis=1)  # (H_out,)
    first_col = np.argmax(col_in, axis=1)  # (W_out,)
    floating = jnp.issubdtype(x.dtype, jnp.floating)
    tap_dtype = _tap_dtype(win)
    best = winner = None
    for t, tap in enumerate(_taps(x, win, _lowest(x.dtype))):
        if best is None:
            # Out of bounds only where padding precedes the window; the first in-bounds
            # tap then replaces it unconditionally.
            best, winner = tap, jnp.zeros(tap.shape, tap_dtype)
            continue
        a, b = divmod(t, win.k[1])
        # torch: `if ((val > maxval) || isnan(val))` over the in-bounds taps.
        take = tap > best
        if floating:
            take = take | jnp.isnan(tap)
        first = (first_row == a)[:, None] & (first_col == b)[None, :]  # (H_out, W_out)
        if first.any():
            take = take | first
        inside = row_in[:, a, None] & col_in[None, :, b]  # (H_out, W_out)
        if not inside.all():
            take = take & inside
        best = jnp.where(take, tap, best)
        winner = jnp.where(take, tap_dtype(t), winner)
    return best, winner


@_max_pool.defjvp
def _max_pool_jvp(win: Window, primals, tangents):
    # Each output's tangent is its winning element's tangent: a sum over the taps of the
    # tap's tangent where it won. The gradient is the transpose of this linear map, so the
    # way each tap's tangent is read fixes the backward pass: where the windows tile the
    # input, lax.split (transposed: one concatenate) makes it a single elementwise pass of
    # the output gradient, masked by the winner; elsewhere the strided slices transpose to
    # one pad per tap. Both beat lax.reduce_window's select_and_scatter on XLA:CPU.
    (x,), (tx,) = primals, tangents
    values, winner = _max_pool(x, win)
    n, c, h, w = x.shape
    (kh, kw), (ho, wo) = win.k, win.out
    zero = np.zeros((), tx.dtype)
    if win.tiles(h, w):
        tx6 = tx[:, :, : ho * kh, : wo * kw].reshape(n, c, ho, kh, wo, kw)
        taps = [
            tap.reshape(n, c, ho, wo)
            for row in lax.split(tx6, (1,) * kh, axis=3)
            for tap in lax.split(row, (1,) * kw, axis=5)
        ]
    else:
        taps = _taps(tx, win, zero)
    t_values = sum(jnp.where(winner == t, tap, zero) for t, tap in enumerate(taps))
    return (values, winner), (t_values, np.zeros(winner.shape, jax.dtypes.float0))


def _flat_indices(winner: jax.Array, win: Window, h: int, w: int) -> jax.Array:
    """torch's ``return_indices``: the flat ``row * W + col`` of each winning tap."""
    rows, cols, _, _ = win.rows_cols(h, w)
    # Linear in the tap: row = rows[i, 0] + a * dH, col = cols[j, 0] + b * dW.
    base = jnp.asarray(rows[:, :1] * w + cols[None, :, 0])  # (H_out, W_out)
    a, b = jnp.divmod(winner.astype(base.dtype), win.k[1])
    return base + a * (win.d[0] * w) + b * win.d[1]


__all__ = ["max_pool2d"]
