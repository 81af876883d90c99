"""``nn.Flatten`` twin."""

from __future__ import annotations

import jax

from jaxnn.functional.shape import flatten
from jaxnn.nn.module import Module


class Flatten(Module):
    """Merges dimensions ``start_dim..end_dim`` (inclusive) into one, row-major.

    Args:
      start_dim: first dimension to merge (default 1, keeping the batch).
      end_dim: last dimension to merge, inclusive (default -1).

    Shape:
      Input ``(*, S_start, ..., S_end, *)``; output
      ``(*, S_start * ... * S_end, *)``. An NCHW batch ``(N, C, H, W)`` becomes
      ``(N, C * H * W)`` in C, H, W order, as ``x.view(x.size(0), -1)`` does.

    Raises:
      IndexError: a dimension out of range for the input (as in torch).
      ValueError: ``start_dim`` after ``end_dim`` (torch: RuntimeError).

    PyTorch twin: ``torch.nn.Flatten``; computed by ``jaxnn.functional.flatten``.
    torch's result is a view of contiguous input; JAX arrays never alias.

    Example:
      >>> Flatten()(jnp.ones((64, 1, 28, 28))).shape
      (64, 784)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        for name, value in (("start_dim", start_dim), ("end_dim", end_dim)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Flatten: {name} must be an int; got {value!r}")
        self.start_dim = start_dim
        self.end_dim = end_dim

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

    def __call__(self, x: jax.Array) -> jax.Array:
        return flatten(x, self.start_dim, self.end_dim)
