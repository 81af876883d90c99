"""Activation modules (``torch.nn`` activation layers). None holds parameters.

Each module calls its ``jaxnn.functional`` twin; constructor arguments are torch's,
checked when the module is built.
"""

from __future__ import annotations

import jax

from jaxnn import functional as F
from jaxnn.functional.activation import check_gelu_approximate
from jaxnn.nn.module import Module


class ReLU(Module):
    """``ReLU(x) = max(0, x)`` element-wise. No parameters.

    PyTorch twin: ``torch.nn.ReLU``. One instance may be reused for several
    layers, as in the notebooks' MLP.
    """

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.relu(x)


class GELU(Module):
    """``GELU(x) = x * Phi(x)``, exact (erf) by default; see :func:`jaxnn.functional.gelu`.

    Args:
      approximate: ``'none'`` (default, exact) or ``'tanh'``.

    Raises:
      ValueError: at construction, for any other ``approximate``.

    PyTorch twin: ``torch.nn.GELU(approximate='none')``. torch accepts an
    unknown ``approximate`` at construction and raises RuntimeError on the
    first call; ``flax.nnx.gelu`` / ``jax.nn.gelu`` default to the tanh form.
    """

    def __init__(self, approximate: str = "none"):
        self.approximate = check_gelu_approximate(approximate, "GELU")

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.gelu(x, approximate=self.approximate)


class Sigmoid(Module):
    """``Sigmoid(x) = 1 / (1 + exp(-x))``. PyTorch twin: ``torch.nn.Sigmoid``."""

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.sigmoid(x)


class Tanh(Module):
    """``Tanh(x) = tanh(x)``. PyTorch twin: ``torch.nn.Tanh``."""

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.tanh(x)


class LeakyReLU(Module):
    """``x`` where ``x > 0``, else ``negative_slope * x``; see :func:`jaxnn.functional.leaky_relu`.

    Args:
      negative_slope: slope for ``x <= 0`` (default 0.01). Any float, as in torch.

    PyTorch twin: ``torch.nn.LeakyReLU(negative_slope=0.01)``; the gradient at
    0 is ``negative_slope`` in both. torch's ``inplace`` flag is not offered.
    """

    def __init__(self, negative_slope: float = 0.01):
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)):
            raise ValueError(f"LeakyReLU: negative_slope must be a float; got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.leaky_relu(x, self.negative_slope)


def _check_dim(layer: str, dim: int | None) -> int | None:
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int)):
        raise ValueError(f"{layer}: dim must be an int or None; got {dim!r}")
    return dim


class Softmax(Module):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``; see :func:`jaxnn.functional.softmax`.

    Args:
      dim: the dimension to normalise. ``None`` (torch's default) follows
        torch's deprecated implicit rule on each call, with torch's
        UserWarning: dim 0 for 0-, 1- and 3-d inputs, else dim 1.

    PyTorch twin: ``torch.nn.Softmax(dim=None)``. Every notebook passes ``dim``.
    """

    def __init__(self, dim: int | None = None):
        self.dim = _check_dim("Softmax", dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.softmax(x, self.dim)


class LogSoftmax(Module):
    """``x_i - logsumexp(x)`` along ``dim``; ``dim=None`` as in :class:`Softmax`.

    PyTorch twin: ``torch.nn.LogSoftmax(dim=None)``.
    """

    def __init__(self, dim: int | None = None):
        self.dim = _check_dim("LogSoftmax", dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def __call__(self, x: jax.Array) -> jax.Array:
        return F.log_softmax(x, self.dim)
