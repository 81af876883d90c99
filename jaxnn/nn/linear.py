"""``nn.Linear`` twin."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.config import canonical_param_dtype
from jaxnn.nn.init import fan_in_bound, uniform
from jaxnn.nn.module import Module


class Linear(Module, nnx.Linear):
    """Affine map ``y = x W^T + b``, computed here as ``x @ kernel + bias``.

    Args:
      in_features: size of each input sample.
      out_features: size of each output sample.
      bias: learn an additive bias (default True).
      dtype: parameter dtype (torch's factory ``dtype``; default float32).
      rngs: ``nnx.Rngs`` supplying the ``params`` stream.

    Shape:
      Input ``(*, in_features)``, including unbatched ``(in_features,)``;
      output ``(*, out_features)``.

    Attributes:
      kernel: ``(in_features, out_features)``, drawn from U(-k, k) with
        ``k = 1/sqrt(in_features)``, torch's ``kaiming_uniform_(a=sqrt(5))``.
      bias: ``(out_features,)``, drawn from U(-k, k).

    PyTorch twin: ``torch.nn.Linear``. torch stores ``weight`` as
    ``(out_features, in_features)``; the kernel is its transpose
    (``jaxnn.interop`` converts). Flax's own ``Dense``/``nnx.Linear`` default
    to lecun-normal kernels and zero biases.

    Example:
      >>> layer = Linear(3, 2, rngs=nnx.Rngs(0))
      >>> layer(jnp.ones((4, 3))).shape
      (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int; got {value!r}")
        init = uniform(fan_in_bound(in_features))
        super().__init__(
            in_features,
            out_features,
            use_bias=bias,
            param_dtype=canonical_param_dtype(dtype),
            kernel_init=init,
            bias_init=init,
            rngs=rngs,
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        if jnp.ndim(x) == 0 or jnp.shape(x)[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}): "
                f"expected input of shape (*, {self.in_features}), got {tuple(jnp.shape(x))}"
            )
        y = super().__call__(x)
        # Under a mixed-precision policy (jaxnn.train.precision.autocast) the sum is
        # accumulated in float32 and rounded once, bias included, like torch's autocast.
        return y if self.dtype is None else y.astype(self.dtype)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged: ``y = x``. No parameters.

    Args:
      *args, **kwargs: accepted and ignored, as in torch (so a layer can be
        swapped for ``Identity`` without touching its arguments).

    PyTorch twin: ``torch.nn.Identity``. Both return the input object itself.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        del args, kwargs

    def __call__(self, x: Any) -> Any:
        return x
