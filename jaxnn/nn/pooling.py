"""``nn.MaxPool2d`` twin (NCHW, like torch)."""

from __future__ import annotations

from collections.abc import Sequence

import jax

from jaxnn.functional.pooling import max_pool2d_checked, pool_arguments
from jaxnn.nn.module import Module


class MaxPool2d(Module):
    """2-d max pooling over NCHW images:
    ``out[n, c, i, j] = max_{a, b} input[n, c, sH i + dH a - pH, sW j + dW b - pW]``.

    Args:
      kernel_size: window size, int or ``(kH, kW)``.
      stride: window step; ``None`` (default) means ``kernel_size``.
      padding: implicit ``-inf`` padding on both sides, at most half the kernel
        (default 0).
      dilation: spacing between window taps (default 1).
      return_indices: also return the flat ``h * W + w`` index of each maximum,
        as torch does.
      ceil_mode: round the output size up instead of down.

    Shape:
      Input ``(N, C, H, W)`` or unbatched ``(C, H, W)``; output
      ``(N, C, H_out, W_out)`` with
      ``H_out = floor((H + 2 pH - dH (kH - 1) - 1) / sH) + 1`` (ceil with
      ``ceil_mode``). ``MaxPool2d(2)`` halves and floors: 26 → 13, 11 → 5.

    Raises:
      ValueError: invalid arguments here at construction (torch checks them
        in the forward pass); input that is not 3D/4D or too small for one
        window (torch: RuntimeError), naming the layer and the shape.

    PyTorch twin: ``torch.nn.MaxPool2d``. Flax's ``max_pool`` is NHWC, has a
    stride that defaults to 1 and no dilation; this layer calls
    ``jaxnn.functional.max_pool2d``, which picks each window's maximum by
    torch's scan: values, indices and the one element that gets each
    output's gradient match torch (the first maximum on ties, the last NaN
    in a window holding NaNs).

    Example:
      >>> MaxPool2d(2)(jnp.ones((8, 32, 26, 26))).shape
      (8, 32, 13, 13)
    """

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ):
        k, s, p, d = pool_arguments(kernel_size, stride, padding, dilation, "MaxPool2d")
        self.kernel_size = k
        self.stride = s
        self.padding = p
        self.dilation = d
        self.return_indices = bool(return_indices)
        self.ceil_mode = bool(ceil_mode)
        # torch shows the arguments as given (2, not (2, 2)), and stride=None as the kernel
        stride = kernel_size if stride is None else stride
        self._torch_extra_repr = (
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}, "
            f"dilation={dilation}, ceil_mode={ceil_mode}"
        )

    def extra_repr(self) -> str:
        return self._torch_extra_repr

    def __call__(self, x: jax.Array) -> jax.Array | tuple[jax.Array, jax.Array]:
        return max_pool2d_checked(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
            "MaxPool2d",
        )
