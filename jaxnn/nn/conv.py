"""``nn.Conv2d`` twin: torch's NCHW at the boundary, Flax's NHWC ``nnx.Conv`` inside."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.config import canonical_param_dtype
from jaxnn.functional.conv import as_pair, check_conv_input, conv_padding
from jaxnn.functional.conv_patches import conv_general_dilated
from jaxnn.nn.init import fan_in_bound, uniform
from jaxnn.nn.module import Module

_TORCH_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module, nnx.Conv):
    """2-d cross-correlation over NCHW images:
    ``out[n, o] = bias[o] + sum_c weight[o, c] ⋆ input[n, c]``, ``c`` running over the
    input channels of output channel ``o``'s group (all of them when ``groups=1``).

    Args:
      in_channels: channels of the input.
      out_channels: channels of the output.
      kernel_size: int or ``(kH, kW)``.
      stride: int or ``(sH, sW)`` (default 1).
      padding: int or ``(pH, pW)`` zeros on both sides (default 0), or
        ``'valid'`` (none) / ``'same'`` (output size = input size, stride 1
        only; the odd pixel goes bottom/right, as in torch).
      dilation: int or ``(dH, dW)`` spacing between kernel taps (default 1).
      groups: split the channels into this many independent groups; both
        channel counts must be divisible by it (default 1).
      bias: learn an additive bias (default True).
      padding_mode: only ``'zeros'``; torch's ``'reflect'``, ``'replicate'``
        and ``'circular'`` raise ValueError here.
      dtype: parameter dtype (torch's factory ``dtype``; default float32).
      rngs: ``nnx.Rngs`` supplying the ``params`` stream.

    Shape:
      Input ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``; output
      ``(N, C_out, H_out, W_out)`` (or unbatched) with
      ``H_out = floor((H + pad_top + pad_bottom - dH (kH - 1) - 1) / sH) + 1``.

    Attributes:
      kernel: ``(kH, kW, C_in / groups, C_out)`` (Flax's HWIO), drawn from
        U(-k, k) with ``k = 1/sqrt(C_in / groups * kH * kW)``, torch's
        ``kaiming_uniform_(a=sqrt(5))``.
      bias: ``(C_out,)``, drawn from U(-k, k).
      in_channels, out_channels, stride, dilation, groups, padding_mode:
        torch's values (pairs for the tuple arguments). ``padding`` holds the
        explicit ``((top, bottom), (left, right))`` pairs handed to Flax.

    Raises:
      ValueError: invalid constructor arguments (torch checks some of them
        only in the forward pass); input of the wrong rank, channel count, or
        smaller (after padding) than the dilated kernel (torch: RuntimeError),
        naming the layer and the shapes.

    PyTorch twin: ``torch.nn.Conv2d``. torch stores ``weight`` as OIHW
    ``(C_out, C_in / groups, kH, kW)``; ``kernel`` is its ``(2, 3, 1, 0)``
    transpose (``jaxnn.interop`` converts). Input and output stay NCHW like
    torch, so a following ``flatten`` gives torch's C, H, W order and a
    classifier's weights carry over unchanged; inside, the input is
    transposed to NHWC for ``nnx.Conv`` and back (XLA fuses the transposes).
    On CPU the convolution runs as patches and one matmul
    (``jaxnn.functional.conv_patches``), as torch's CPU kernels do.
    Flax's own ``Conv`` defaults to ``padding='SAME'``, lecun-normal kernels
    and zero biases.

    Example:
      >>> conv = Conv2d(1, 32, 3, rngs=nnx.Rngs(0))
      >>> conv(jnp.ones((8, 1, 28, 28))).shape
      (8, 32, 26, 26)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: str | int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        owner = "Conv2d"
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{owner}: {name} must be a positive int; got {value!r}")
        if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
            raise ValueError(f"{owner}: groups must be a positive int; got {groups!r}")
        if in_channels % groups:
            raise ValueError(
                f"{owner}: in_channels ({in_channels}) must be divisible by groups ({groups})"
            )
        if out_channels % groups:
            raise ValueError(
                f"{owner}: out_channels ({out_channels}) must be divisible by groups ({groups})"
            )
        if padding_mode not in _TORCH_PADDING_MODES:
            raise ValueError(
                f"{owner}: padding_mode must be one of {set(_TORCH_PADDING_MODES)}, but got "
                f"padding_mode={padding_mode!r}"
            )
        if padding_mode != "zeros":
            raise ValueError(
                f"{owner}: padding_mode={padding_mode!r} is not implemented in jaxnn; only "
                "'zeros' is supported"
            )
        kernel = as_pair(kernel_size, "kernel_size", owner, 1)
        strides = as_pair(stride, "stride", owner, 1)
        dilations = as_pair(dilation, "dilation", owner, 1)
        pads = conv_padding(padding, kernel, strides, dilations, owner)
        init = uniform(fan_in_bound(in_channels // groups * kernel[0] * kernel[1]))
        super().__init__(
            in_channels,
            out_channels,
            kernel,
            strides,
            padding=pads,
            kernel_dilation=dilations,
            feature_group_count=groups,
            use_bias=bias,
            param_dtype=canonical_param_dtype(dtype),
            kernel_init=init,
            bias_init=init,
            # On CPU as patches and a matmul, whose gradient XLA:CPU runs far faster than
            # its convolution gradients; elsewhere lax.conv_general_dilated itself.
            conv_general_dilated=conv_general_dilated,
            rngs=rngs,
        )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = strides
        self.dilation = dilations
        self.groups = groups
        self.padding_mode = padding_mode
        # torch's own padding attribute (a pair, or the string); self.padding is Flax's pairs
        self.torch_padding = (
            padding if isinstance(padding, str) else as_pair(padding, "padding", owner, 0)
        )

    def extra_repr(self) -> str:
        # torch's _ConvNd.extra_repr: the non-default settings only
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={tuple(self.kernel_size)}, "
            f"stride={tuple(self.stride)}"
        )
        if self.torch_padding != (0, 0):
            s += f", padding={self.torch_padding}"
        if tuple(self.dilation) != (1, 1):
            s += f", dilation={tuple(self.dilation)}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s

    def __call__(self, x: jax.Array) -> jax.Array:
        x = jnp.asarray(x)
        check_conv_input(
            x.shape, self.in_channels, self.kernel_size, self.padding, self.dilation, "Conv2d"
        )
        unbatched = x.ndim == 3
        if unbatched:
            x = x[None]
        y = super().__call__(jnp.transpose(x, (0, 2, 3, 1)))  # (N, H_out, W_out, C_out)
        y = jnp.transpose(y, (0, 3, 1, 2))  # (N, C_out, H_out, W_out)
        if self.dtype is not None:  # a mixed-precision policy: float32 sum, rounded once
            y = y.astype(self.dtype)
        return y[0] if unbatched else y
