"""``torch.nn.init`` twins, plus the initialisers behind jaxnn's default layer init.

torch's ``init.xavier_uniform_(layer.weight)`` overwrites a tensor in place.
The twins do the same to an ``nnx.Variable`` (``layer.kernel``, ``layer.bias``,
a manual ``nnx.Param``): NNX variables are mutable containers around immutable
arrays, so ``xavier_uniform_(layer.kernel, key=key)`` writes a new array into
the variable and returns the variable. Random twins take a keyword ``key`` (a
``jax.random`` key, or an ``nnx.Rngs`` whose ``params`` stream is used) where
torch uses its global generator (or ``generator=``).

Fans follow Flax's kernel layout: the last axis is ``fan_out``, the one before
it ``fan_in``, and every other axis is the receptive field. A Linear kernel
``(in, out)`` and a Conv kernel ``(kh, kw, in, out)`` (HWIO) therefore get the
same fans as torch computes for their torch layouts ``(out, in)`` and
``(out, in, kh, kw)``. A variable stored in torch's own layout (the recurrent
layers' ``weight_ih_l0``) takes ``in_axis=1, out_axis=0``.

The random streams never match torch's (parity tests copy torch's parameters
instead); the distributions do.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

_LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
_MODES = ("fan_in", "fan_out")


def _draw(sampler, key: jax.Array, shape: Sequence[int], dtype: Any, **kwargs) -> jax.Array:
    # i.i.d. draws, so a flat draw reshaped has the same distribution. XLA:CPU takes seconds
    # to compile the random-bit kernels for some 4-D shapes (e.g. HWIO (3, 3, 8, 16)); a 1-D
    # draw compiles in well under a second for any shape. 1-D and 2-D shapes draw directly.
    shape = tuple(shape)
    if len(shape) <= 2:
        return sampler(key, shape, dtype, **kwargs)
    return sampler(key, (math.prod(shape),), dtype, **kwargs).reshape(shape)


def uniform(bound: float):
    """Initialiser for U(-bound, bound), the shape of torch's ``init.uniform_(-b, b)``."""

    def init(key, shape, dtype=jnp.float32):
        return _draw(jax.random.uniform, key, shape, dtype, minval=-bound, maxval=bound)

    return init


def fan_in_bound(fan_in: int) -> float:
    """``1/sqrt(fan_in)``: torch's bound for ``kaiming_uniform_(a=sqrt(5))`` and for biases.

    ``kaiming_uniform_`` with ``a=sqrt(5)`` has gain ``sqrt(2 / (1 + 5))`` and bound
    ``gain * sqrt(3 / fan_in) = 1/sqrt(fan_in)``. torch uses bound 0 when fan_in is 0.
    """
    return 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity.

    ``linear``, ``conv{1,2,3}d``, ``conv_transpose{1,2,3}d``, ``sigmoid``: 1;
    ``tanh``: 5/3; ``relu``: sqrt(2); ``leaky_relu``: sqrt(2 / (1 + slope^2))
    with ``slope = param`` (default 0.01); ``selu``: 3/4.

    Args:
      nonlinearity: the ``torch.nn.functional`` name of the nonlinearity.
      param: the negative slope for ``leaky_relu`` (an int or float, not a bool).

    Returns:
      The gain (``1`` is returned as the int 1, as in torch).

    Raises:
      ValueError: for an unsupported nonlinearity or a slope that is not a number.

    PyTorch twin: ``torch.nn.init.calculate_gain`` (same values and messages).
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def calculate_fan_in_and_fan_out(
    shape: Sequence[int] | Any, *, in_axis: int = -2, out_axis: int = -1
) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight: ``fan_in = shape[in_axis] * rf``,
    ``fan_out = shape[out_axis] * rf``, ``rf`` the product of the other axes.

    Args:
      shape: a shape, or anything with ``.shape`` (an ``nnx.Variable``, an array).
      in_axis: the input-feature axis; default -2, Flax's ``(..., in, out)`` kernels.
      out_axis: the output-feature axis; default -1.

    Returns:
      ``(fan_in, fan_out)`` as ints.

    Raises:
      ValueError: for fewer than 2 dimensions (torch's message) or equal axes.

    PyTorch twin: ``torch.nn.init._calculate_fan_in_and_fan_out``, which reads
    torch's ``(out, in, *receptive_field)`` layout, i.e. ``in_axis=1, out_axis=0``.
    On a jaxnn kernel the defaults give the numbers torch gives on the torch
    weight it converts to (Linear ``(in, out)`` vs ``(out, in)``; Conv2d HWIO vs OIHW).
    """
    shape = tuple(int(s) for s in getattr(shape, "shape", shape))
    ndim = len(shape)
    if ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    axes = []
    for name, axis in (("in_axis", in_axis), ("out_axis", out_axis)):
        if not -ndim <= axis < ndim:
            raise ValueError(f"{name}={axis} is out of range for a {ndim}-d shape {shape}")
        axes.append(axis % ndim)
    i, o = axes
    if i == o:
        raise ValueError(f"in_axis and out_axis must differ; both are axis {i}")
    receptive_field = math.prod(s for a, s in enumerate(shape) if a not in (i, o))
    return shape[i] * receptive_field, shape[o] * receptive_field


def _variable(variable: Any, fn: str) -> nnx.Variable:
    if not isinstance(variable, nnx.Variable):
        raise TypeError(
            f"{fn}: expected an nnx.Variable such as layer.kernel (JAX arrays are immutable, "
            f"so there is nothing to fill in place); got {type(variable).__name__}. "
            "For a functional initialiser use jax.nn.initializers."
        )
    return variable


def _key(key: jax.Array | nnx.Rngs, fn: str) -> jax.Array:
    if isinstance(key, nnx.Rngs):
        return key.params()
    if isinstance(key, jax.Array):
        return key
    raise TypeError(f"{fn}: key must be a jax.random key or an nnx.Rngs; got {type(key).__name__}")


def _write(variable: nnx.Variable, value: jax.Array) -> nnx.Variable:
    variable[...] = value
    return variable


def _fan(variable: nnx.Variable, mode: str, in_axis: int, out_axis: int) -> int:
    mode = mode.lower()
    if mode not in _MODES:
        raise ValueError(f"Mode {mode} not supported, please use one of {list(_MODES)}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(variable, in_axis=in_axis, out_axis=out_axis)
    return fan_in if mode == "fan_in" else fan_out


def _check_uniform_bounds(a: float, b: float, dtype: Any) -> None:
    # torch's check_uniform_bounds, in its order: each bound within the dtype's finite range
    # (a NaN bound fails it, as a NaN gain makes), then from <= to. Without it a NaN gain
    # filled the variable with NaN where torch refuses.
    limit = float(jnp.finfo(dtype).max) if jnp.issubdtype(dtype, jnp.floating) else math.inf
    name = {"float32": "float", "float64": "double"}.get(jnp.dtype(dtype).name, str(dtype))
    for label, bound in (("from", a), ("to", b)):
        if not -limit <= bound <= limit:
            raise RuntimeError(f"{label} is out of bounds for {name}")
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}"
        )


def _uniform(variable: nnx.Variable, a: float, b: float, key: jax.Array) -> nnx.Variable:
    value = variable[...]
    _check_uniform_bounds(a, b, value.dtype)
    return _write(
        variable, _draw(jax.random.uniform, key, value.shape, value.dtype, minval=a, maxval=b)
    )


def _normal(variable: nnx.Variable, mean: float, std: float, key: jax.Array) -> nnx.Variable:
    if not std >= 0:  # a NaN std (from a NaN gain) is refused too, as torch does
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    value = variable[...]
    z = _draw(jax.random.normal, key, value.shape, value.dtype)
    return _write(variable, jnp.asarray(mean, value.dtype) + jnp.asarray(std, value.dtype) * z)


def uniform_(
    variable: nnx.Variable, a: float = 0.0, b: float = 1.0, *, key: jax.Array | nnx.Rngs
) -> nnx.Variable:
    """Fills ``variable`` in place with draws from U(a, b) (``[a, b)``, like torch).

    Args:
      variable: the ``nnx.Variable`` to overwrite; shape and dtype are kept.
      a: lower bound.
      b: upper bound.
      key: a ``jax.random`` key or an ``nnx.Rngs`` (its ``params`` stream).

    Returns:
      ``variable``.

    Raises:
      RuntimeError: if ``a > b`` (torch's error and message).

    PyTorch twin: ``torch.nn.init.uniform_(tensor, a, b, generator)``; ``key``
    replaces ``generator``.
    """
    return _uniform(_variable(variable, "uniform_"), a, b, _key(key, "uniform_"))


def normal_(
    variable: nnx.Variable, mean: float = 0.0, std: float = 1.0, *, key: jax.Array | nnx.Rngs
) -> nnx.Variable:
    """Fills ``variable`` in place with draws from N(mean, std^2).

    Args:
      variable: the ``nnx.Variable`` to overwrite; shape and dtype are kept.
      mean: the mean.
      std: the standard deviation (>= 0).
      key: a ``jax.random`` key or an ``nnx.Rngs`` (its ``params`` stream).

    Returns:
      ``variable``.

    Raises:
      RuntimeError: if ``std < 0`` (torch's error and message).

    PyTorch twin: ``torch.nn.init.normal_(tensor, mean, std, generator)``.
    """
    return _normal(_variable(variable, "normal_"), mean, std, _key(key, "normal_"))


def constant_(variable: nnx.Variable, val: float) -> nnx.Variable:
    """Fills ``variable`` in place with ``val`` (cast to its dtype); returns it.

    PyTorch twin: ``torch.nn.init.constant_(tensor, val)``.
    """
    value = _variable(variable, "constant_")[...]
    return _write(variable, jnp.full(value.shape, val, value.dtype))


def zeros_(variable: nnx.Variable) -> nnx.Variable:
    """Fills ``variable`` in place with zeros; returns it.

    PyTorch twin: ``torch.nn.init.zeros_(tensor)``.
    """
    return constant_(_variable(variable, "zeros_"), 0)


def ones_(variable: nnx.Variable) -> nnx.Variable:
    """Fills ``variable`` in place with ones; returns it.

    PyTorch twin: ``torch.nn.init.ones_(tensor)``.
    """
    return constant_(_variable(variable, "ones_"), 1)


def _xavier_std(variable: nnx.Variable, gain: float, in_axis: int, out_axis: int) -> float | None:
    fan_in, fan_out = calculate_fan_in_and_fan_out(variable, in_axis=in_axis, out_axis=out_axis)
    if variable[...].size == 0:
        return None  # nothing to fill; torch divides by zero when both fans are 0
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(
    variable: nnx.Variable,
    gain: float = 1.0,
    *,
    key: jax.Array | nnx.Rngs,
    in_axis: int = -2,
    out_axis: int = -1,
) -> nnx.Variable:
    """Glorot uniform: fills ``variable`` with U(-a, a),
    ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Args:
      variable: the ``nnx.Variable`` to overwrite (at least 2-D).
      gain: scaling factor, e.g. ``calculate_gain("relu")``.
      key: a ``jax.random`` key or an ``nnx.Rngs`` (its ``params`` stream).
      in_axis, out_axis: see :func:`calculate_fan_in_and_fan_out`; the defaults
        read Flax's kernel layout.

    Returns:
      ``variable``.

    Raises:
      ValueError: for fewer than 2 dimensions, or an integer or bool variable
        (torch raises NotImplementedError there).
      RuntimeError: a negative, NaN or infinite gain, as torch (its messages).

    PyTorch twin: ``torch.nn.init.xavier_uniform_(tensor, gain, generator)``.
    A zero-element variable is left as it is; torch raises ZeroDivisionError
    when both fans are 0 (shape ``(0, 0)``).
    """
    variable, key = _variable(variable, "xavier_uniform_"), _key(key, "xavier_uniform_")
    std = _xavier_std(variable, gain, in_axis, out_axis)
    if std is None:
        return variable
    bound = math.sqrt(3.0) * std
    return _uniform(variable, -bound, bound, key)


def xavier_normal_(
    variable: nnx.Variable,
    gain: float = 1.0,
    *,
    key: jax.Array | nnx.Rngs,
    in_axis: int = -2,
    out_axis: int = -1,
) -> nnx.Variable:
    """Glorot normal: fills ``variable`` with N(0, std^2),
    ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Args and errors as :func:`xavier_uniform_`.

    PyTorch twin: ``torch.nn.init.xavier_normal_(tensor, gain, generator)``.
    Unlike ``jax.nn.initializers.glorot_normal``, the normal is not truncated.
    """
    variable, key = _variable(variable, "xavier_normal_"), _key(key, "xavier_normal_")
    std = _xavier_std(variable, gain, in_axis, out_axis)
    if std is None:
        return variable
    return _normal(variable, 0.0, std, key)


def _kaiming_std(
    variable: nnx.Variable, a: float, mode: str, nonlinearity: str, in_axis: int, out_axis: int
) -> float | None:
    if variable[...].size == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _fan(variable, mode, in_axis, out_axis)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    variable: nnx.Variable,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    key: jax.Array | nnx.Rngs,
    in_axis: int = -2,
    out_axis: int = -1,
) -> nnx.Variable:
    """He uniform: fills ``variable`` with U(-bound, bound),
    ``bound = gain * sqrt(3 / fan)``, ``gain = calculate_gain(nonlinearity, a)``.

    Args:
      variable: the ``nnx.Variable`` to overwrite (at least 2-D).
      a: negative slope of the rectifier (used with ``"leaky_relu"``). With the
        defaults the gain is ``sqrt(2 / (1 + a^2))``; ``a=0`` gives ReLU's sqrt(2),
        ``a=sqrt(5)`` gives ``bound = 1/sqrt(fan_in)``, torch's Linear/Conv default.
      mode: ``"fan_in"`` (default, case-insensitive) or ``"fan_out"``.
      nonlinearity: a name accepted by :func:`calculate_gain`.
      key: a ``jax.random`` key or an ``nnx.Rngs`` (its ``params`` stream).
      in_axis, out_axis: see :func:`calculate_fan_in_and_fan_out`.

    Returns:
      ``variable``.

    Raises:
      ValueError: fewer than 2 dimensions, an unknown mode or nonlinearity, or an
        integer or bool variable (torch raises NotImplementedError there).

    PyTorch twin: ``torch.nn.init.kaiming_uniform_``; a zero-element variable
    is left unchanged with torch's warning "Initializing zero-element tensors is a no-op".
    """
    variable, key = _variable(variable, "kaiming_uniform_"), _key(key, "kaiming_uniform_")
    std = _kaiming_std(variable, a, mode, nonlinearity, in_axis, out_axis)
    if std is None:
        return variable
    bound = math.sqrt(3.0) * std
    return _uniform(variable, -bound, bound, key)


def kaiming_normal_(
    variable: nnx.Variable,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    key: jax.Array | nnx.Rngs,
    in_axis: int = -2,
    out_axis: int = -1,
) -> nnx.Variable:
    """He normal: fills ``variable`` with N(0, std^2), ``std = gain / sqrt(fan)``,
    ``gain = calculate_gain(nonlinearity, a)``.

    Args, errors and the zero-element warning as :func:`kaiming_uniform_`.

    PyTorch twin: ``torch.nn.init.kaiming_normal_``. The normal is **not**
    truncated; ``jax.nn.initializers.he_normal`` draws a truncated normal
    (rescaled to the same variance), which never exceeds about 2.3 std.
    Note torch's defaults (``a=0``, ``"leaky_relu"``) give gain
    ``sqrt(2)`` exactly as ``"relu"`` does.
    """
    variable, key = _variable(variable, "kaiming_normal_"), _key(key, "kaiming_normal_")
    std = _kaiming_std(variable, a, mode, nonlinearity, in_axis, out_axis)
    if std is None:
        return variable
    return _normal(variable, 0.0, std, key)
