"""Activation functions with torch's signatures (``torch.nn.functional``)."""

from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp

from jaxnn.functional._dims import normalize_dim

GELU_APPROXIMATIONS = ("none", "tanh")


@jax.custom_jvp
def _relu(x: jax.Array) -> jax.Array:
    return jnp.maximum(x, 0)


# torch's threshold_backward: the gradient is zeroed where the output is <= 0, so it passes
# through a NaN; jax.nn.relu's rule (x > 0) stops it there.
_relu.defjvps(lambda g, ans, x: jnp.where(ans <= 0, jnp.zeros_like(g), g))


def relu(input: jax.Array) -> jax.Array:
    """``max(0, x)`` element-wise; the gradient at 0 is 0, as in torch.

    PyTorch twin: ``F.relu`` / ``torch.relu``, gradient included: 1 at a NaN input,
    as torch's (``jax.nn.relu`` gives 0 there). XLA's CPU backend reads a subnormal
    input as 0 (relu and its gradient are then 0; torch keeps the subnormal).
    """
    return _relu(jnp.asarray(input))


def check_gelu_approximate(approximate: str, caller: str = "gelu()") -> str:
    """Returns ``approximate`` if it is ``'none'`` or ``'tanh'``; raises ValueError otherwise."""
    if approximate not in GELU_APPROXIMATIONS:
        raise ValueError(
            f"{caller}: approximate must be one of {GELU_APPROXIMATIONS}; got {approximate!r}"
        )
    return approximate


def gelu(input: jax.Array, approximate: str = "none") -> jax.Array:
    """Gaussian Error Linear Unit ``GELU(x) = x * Phi(x)``, Phi the standard normal CDF.

    With ``approximate='none'`` (the default) ``Phi(x) = (1 + erf(x / sqrt(2))) / 2``
    exactly; with ``'tanh'``,
    ``GELU(x) ~ 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Args:
      input: any shape.
      approximate: ``'none'`` (exact erf form) or ``'tanh'``.

    Returns:
      An array of ``input``'s shape and dtype.

    Raises:
      ValueError: ``approximate`` is neither ``'none'`` nor ``'tanh'``.

    PyTorch twin: ``F.gelu(input, approximate='none')``. ``jax.nn.gelu`` and
    ``flax.linen.gelu`` default to the tanh approximation (``approximate=True``),
    which differs from torch's default in the 4th decimal (-0.0036 vs -0.0040
    at x = -3); this twin maps ``'none'`` to ``approximate=False``. The tanh
    form's gradient is torch's formula (autodiff of it overflows to NaN for
    float32 ``|x|`` in ``(1.1e19, 1.8e19)`` where torch gives 0). In float32
    the exact form of torch loses digits to ``1 + erf(x)`` for ``x < -3``
    (-1.49e-6 at x = -5, true -1.43e-6); ``jax.nn.gelu`` keeps them via ``erfc``:
    a difference below 1e-7 absolute. torch raises RuntimeError for an unknown
    ``approximate``, and only when called.
    """
    check_gelu_approximate(approximate)
    if approximate == "tanh":
        return _gelu_tanh(jnp.asarray(input))
    return jax.nn.gelu(input, approximate=False)


_GELU_BETA = math.sqrt(2 / math.pi)
_GELU_KAPPA = 0.044715


@jax.custom_jvp
def _gelu_tanh(x: jax.Array) -> jax.Array:
    inner = _GELU_BETA * (x + _GELU_KAPPA * (x * x * x))
    return 0.5 * x * (1 + jnp.tanh(inner))


@_gelu_tanh.defjvp
def _gelu_tanh_jvp(primals, tangents):
    # torch's GeluBackward (tanh) term for term: autodiff of the forward multiplies
    # (1 - tanh^2) = 0 by d(x^3) = 3 x^2, which overflows first (float32 |x| > 1.1e19):
    # NaN where torch's 0.5 x (1 - tanh^2) * beta (1 + 3 kappa x^2) gives 0. Unlike torch,
    # 1 + t and 1 - t are formed as 2 sigmoid(+-2u), not by subtracting from a t near +-1:
    # torch's float32 gradient is up to 1.0e-6 off near |x| = 4.9 (measured against float64
    # on a grid of [-10, 10]), this one 1.7e-7.
    (x,), (g,) = primals, tangents
    x_sq = x * x
    u = _GELU_BETA * (x + _GELU_KAPPA * (x_sq * x))
    one_plus_t, one_minus_t = 2 * jax.nn.sigmoid(2 * u), 2 * jax.nn.sigmoid(-2 * u)
    inner_derivative = _GELU_BETA * (1 + 3 * _GELU_KAPPA * x_sq)
    derivative = 0.5 * one_plus_t + (0.5 * x) * (one_plus_t * one_minus_t) * inner_derivative
    return 0.5 * x * (1 + jnp.tanh(u)), g * derivative


def sigmoid(input: jax.Array) -> jax.Array:
    """``sigmoid(x) = 1 / (1 + exp(-x))`` element-wise.

    PyTorch twin: ``torch.sigmoid`` / ``F.sigmoid``; computed by ``jax.nn.sigmoid``.
    """
    return jax.nn.sigmoid(input)


@jax.custom_jvp
def _tanh(x: jax.Array) -> jax.Array:
    return jnp.tanh(x)


@_tanh.defjvp
def _tanh_jvp(primals, tangents):
    # One product, like torch's tanh_backward grad * (1 - t^2). JAX's own rule transposes into
    # two terms, g (1 - t) and g (1 - t) t, added separately into the input's gradient: at
    # saturation (t = -1) they are +-2g and cancel, and any other contribution to the same
    # input added between them is lost at g's scale (an LSTM cell state's gradient 0.94 came
    # out 0 in float32 beside g ~ 1e11). (1 - t)(1 + t) keeps the digits 1 - t^2 loses near 1.
    (x,), (g,) = primals, tangents
    t = jnp.tanh(x)
    return t, g * ((1 - t) * (1 + t))


def tanh(input: jax.Array) -> jax.Array:
    """``tanh(x) = (e^x - e^-x) / (e^x + e^-x)`` element-wise.

    PyTorch twin: ``torch.tanh`` / ``F.tanh``; computed by ``jnp.tanh``. The gradient is
    one product ``g (1 - t)(1 + t)`` like torch's ``g (1 - t^2)``; JAX's own rule adds two
    terms that cancel at saturation and swamp other contributions to the same input.
    """
    return _tanh(jnp.asarray(input))


def leaky_relu(input: jax.Array, negative_slope: float = 0.01) -> jax.Array:
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Args:
      input: any shape.
      negative_slope: slope for ``x <= 0`` (default 0.01, torch's).

    PyTorch twin: ``F.leaky_relu(input, negative_slope=0.01)``. At ``x = 0``
    torch's gradient is ``negative_slope``; ``jax.nn.leaky_relu`` tests
    ``x >= 0`` and gives 1 there, so this twin tests ``x > 0`` like torch.
    torch's ``inplace`` argument has no JAX counterpart.
    """
    x = jnp.asarray(input)
    return jnp.where(x > 0, x, x * negative_slope)


def _softmax_dim(name: str, dim: int | None, ndim: int) -> int | None:
    """The axis to normalise; ``None`` for a 0-d input (one element, softmax 1)."""
    if dim is None:
        # torch's legacy rule (torch.nn.functional._get_softmax_dim), kept for parity.
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. "
            "Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=3,
        )
        dim = 0 if ndim in (0, 1, 3) else 1
    axis = normalize_dim(dim, ndim)
    return axis if ndim else None


def softmax(input: jax.Array, dim: int | None = None) -> jax.Array:
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``.

    Args:
      input: any shape.
      dim: the dimension to normalise (negative counts from the end). ``None``
        follows torch's deprecated implicit rule with torch's UserWarning:
        dim 0 for 0-, 1- and 3-d inputs, else dim 1. Always pass it.

    Raises:
      IndexError: ``dim`` out of range, worded like torch.

    PyTorch twin: ``F.softmax(input, dim)`` / ``torch.softmax``.
    """
    x = jnp.asarray(input)
    return jax.nn.softmax(x, axis=_softmax_dim("softmax", dim, x.ndim))


def log_softmax(input: jax.Array, dim: int | None = None) -> jax.Array:
    """``x_i - logsumexp(x)`` along ``dim``; ``dim=None`` as in :func:`softmax`.

    PyTorch twin: ``F.log_softmax(input, dim)``.
    """
    x = jnp.asarray(input)
    return jax.nn.log_softmax(x, axis=_softmax_dim("log_softmax", dim, x.ndim))


__all__ = ["gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "tanh"]
