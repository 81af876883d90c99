"""Loss functions with torch's signatures and reductions (``torch.nn.functional``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from jaxnn.functional._concrete import concrete_values

REDUCTIONS = ("none", "mean", "sum")


def _reduce(values: jax.Array, reduction: str) -> jax.Array:
    if reduction == "mean":
        return jnp.mean(values)
    if reduction == "sum":
        return jnp.sum(values)
    return values


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")


def cross_entropy(input: jax.Array, target: jax.Array, reduction: str = "mean") -> jax.Array:
    """Softmax cross-entropy of logits against class indices: ``-log_softmax(input)[n, target[n]]``.

    Args:
      input: logits, shape ``(N, C)`` or ``(C,)``.
      target: integer class indices in ``[0, C)``, shape ``(N,)`` or ``()``.
      reduction: ``'mean'`` (default, over the batch), ``'sum'`` or ``'none'``.

    PyTorch twin: ``F.cross_entropy`` / ``nn.CrossEntropyLoss``. Built on
    ``optax.softmax_cross_entropy_with_integer_labels``, which returns
    per-example values; this twin reduces like torch. Out-of-range targets
    raise IndexError when the target is concrete.

    Example:
      >>> cross_entropy(jnp.array([[2.0, 1.0, 0.1]]), jnp.array([0]))
    """
    _check_reduction(reduction)
    logits = jnp.asarray(input)
    labels = jnp.asarray(target)
    if not jnp.issubdtype(labels.dtype, jnp.integer):
        raise TypeError(
            f"cross_entropy(): target must hold integer class indices; got dtype {labels.dtype}"
        )
    if logits.ndim not in (1, 2) or labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"cross_entropy(): expected input (N, C) with target (N,), or (C,) with (); "
            f"got input {tuple(logits.shape)} and target {tuple(labels.shape)}"
        )
    known = concrete_values(target)
    if known is not None and known.size:
        lo, hi = int(known.min()), int(known.max())
        if lo < 0 or hi >= logits.shape[-1]:
            raise IndexError(
                f"cross_entropy(): target {lo if lo < 0 else hi} is out of bounds for "
                f"{logits.shape[-1]} classes"
            )
    per_example = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return _reduce(per_example, reduction)


def mse_loss(input: jax.Array, target: jax.Array, reduction: str = "mean") -> jax.Array:
    """Mean squared error ``mean((input - target)^2)`` over all elements.

    PyTorch twin: ``F.mse_loss`` / ``nn.MSELoss``. ``optax.l2_loss`` is half
    of this; the twin uses ``optax.squared_error``. Shapes must match exactly
    (torch only warns and broadcasts, a classic silent bug).
    """
    _check_reduction(reduction)
    x, y = jnp.asarray(input), jnp.asarray(target)
    if x.shape != y.shape:
        raise ValueError(
            f"mse_loss(): input shape {tuple(x.shape)} and target shape {tuple(y.shape)} "
            "differ; reshape one of them (torch would broadcast with a warning)"
        )
    return _reduce(optax.squared_error(x, y), reduction)


__all__ = ["cross_entropy", "mse_loss"]
