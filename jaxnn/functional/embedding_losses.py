"""Losses on pairs and triplets of embedding vectors: cosine embedding and triplet margin.

Both compare vectors along the last dimension, the one a ``(N, D)`` batch holds its
embeddings in, with torch's formulas, small constants and gradients: torch's cosine adds
``1e-12`` to each squared magnitude, and its ``pairwise_distance`` adds ``eps`` to the
difference before taking the norm. Like the element-wise losses in ``loss.py`` they refuse
to broadcast: inputs compared with each other must have the same shape.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from jaxnn.functional._concrete import concrete_values
from jaxnn.functional.loss import check_reduction, reduce_loss

# ATen's cosine_embedding_loss adds this to each squared magnitude: 1e-12 as a float32
# constant, even for float64 input (a zero vector's float64 gradient shows it, 2e-9 apart).
_COSINE_EPSILON = float(np.float32(1e-12))


def _floating(name: str, what: str, x: jax.Array) -> None:
    if not jnp.issubdtype(x.dtype, jnp.floating):
        raise TypeError(f"{name}(): {what} must be a floating array; got dtype {x.dtype}")


def _clamp_min_zero(z: jax.Array) -> jax.Array:
    """``max(z, 0)`` with torch's ``clamp_min`` value and gradient: NaN stays NaN, and the
    gradient is all of it where ``z >= 0``, none elsewhere (NaN included).

    ``jnp.maximum(z, 0)`` gives half the gradient at ``z == 0``.
    """
    nan = jnp.isnan(z)
    return jnp.where(z >= 0, z, jnp.where(nan, jax.lax.stop_gradient(z), jnp.zeros_like(z)))


def _torch_sign(x: jax.Array) -> jax.Array:
    """torch's ``sgn``: 0 at NaN (``jnp.sign`` gives NaN there)."""
    return jnp.where(jnp.isnan(x), jnp.zeros_like(x), jnp.sign(x))


# --------------------------------------------------------------------------- cosine embedding


def cosine_embedding_loss(
    input1: jax.Array,
    input2: jax.Array,
    target: jax.Array,
    margin: float = 0.0,
    reduction: str = "mean",
) -> jax.Array:
    """Cosine embedding loss: pull pairs with target 1 together, push target -1 apart.

    With ``cos = sum(x1 * x2) / sqrt((sum(x1^2) + 1e-12) (sum(x2^2) + 1e-12))`` over the
    last dimension, ``l_n = 1 - cos_n`` where ``y_n = 1`` and ``max(0, cos_n - margin)``
    where ``y_n = -1``.

    Args:
      input1, input2: ``(N, D)`` with a ``(N,)`` target, or ``(D,)`` with a 0-d target;
        floating, the same shape.
      target: 1 or -1 per pair (integer or floating).
      margin: in ``[-1, 1]`` as torch suggests (default 0).
      reduction: ``'mean'`` (default, over pairs), ``'sum'`` or ``'none'``.

    Raises:
      ValueError: a target that is not 0-d or 1-D, inputs whose rank does not fit the
        target's, shapes that differ, a concrete target value other than 1 and -1, or an
        unknown ``reduction``. TypeError: non-floating inputs.

    PyTorch twin: ``F.cosine_embedding_loss`` / ``nn.CosineEmbeddingLoss``, the same
    formula as ATen's (the ``1e-12`` keeps a zero vector's cosine 0 rather than NaN;
    its gradient there is large, as in torch). torch lets any other target value
    contribute 0 silently and broadcasts mismatched inputs; this twin refuses both
    (under ``jit`` a traced target cannot be checked, and other values contribute 0
    as in torch).

    Example:
      >>> cosine_embedding_loss(jnp.array([[1.0, 0.0]]), jnp.array([[0.0, 1.0]]), jnp.array([1]))
      Array(1., dtype=float32)
    """
    name = "cosine_embedding_loss"
    check_reduction(reduction, f"{name}()")
    x1, x2, y = jnp.asarray(input1), jnp.asarray(input2), jnp.asarray(target)
    _floating(name, "input1", x1)
    _floating(name, "input2", x2)
    if y.ndim > 1:
        raise ValueError(
            f"{name}(): target must be 0-d (one pair) or 1-D (a batch of pairs); got shape "
            f"{tuple(y.shape)}"
        )
    expected = y.ndim + 1
    if x1.ndim != expected or x2.ndim != expected:
        raise ValueError(
            f"{name}(): a {y.ndim}-d target expects {expected}-d inputs; got input1 "
            f"{tuple(x1.shape)} and input2 {tuple(x2.shape)}"
        )
    if x1.shape != x2.shape or x1.shape[:-1] != y.shape:
        raise ValueError(
            f"{name}(): expected input1 and input2 of one shape (N, D) with target (N,), or "
            f"(D,) with (); got input1 {tuple(x1.shape)}, input2 {tuple(x2.shape)} and "
            f"target {tuple(y.shape)}"
        )
    known = concrete_values(target)
    if known is not None and known.size and not np.all((known == 1) | (known == -1)):
        bad = known[(known != 1) & (known != -1)].ravel()[0]
        raise ValueError(f"{name}(): target values must be 1 or -1; got {bad.item()!r}")
    return _cosine_kernel(x1, x2, y, margin=float(margin), reduction=reduction)


@partial(jax.jit, static_argnames=("margin", "reduction"))
def _cosine_kernel(
    x1: jax.Array, x2: jax.Array, y: jax.Array, *, margin: float, reduction: str
) -> jax.Array:
    dot = jnp.sum(x1 * x2, axis=-1)
    mag1 = jnp.sum(x1 * x1, axis=-1) + _COSINE_EPSILON
    mag2 = jnp.sum(x2 * x2, axis=-1) + _COSINE_EPSILON
    cos = dot / jnp.sqrt(mag1 * mag2)
    zeros = jnp.zeros_like(cos)
    losses = jnp.where(y == 1, 1 - cos, zeros) + jnp.where(
        y == -1, _clamp_min_zero(cos - margin), zeros
    )
    return reduce_loss(losses, reduction)


# --------------------------------------------------------------------------- triplet margin


@partial(jax.custom_vjp, nondiff_argnums=(1,))
def _vector_norm(x: jax.Array, p: float) -> jax.Array:
    """The ``p``-norm over the last dimension, with torch's ``norm_backward`` gradient."""
    a = jnp.abs(x)
    if p == 1:
        return jnp.sum(a, axis=-1)
    if p == 2:
        return jnp.sqrt(jnp.sum(x * x, axis=-1))
    if math.isinf(p):
        return jnp.max(a, axis=-1)
    return jnp.sum(a**p, axis=-1) ** (1 / p)


def _vector_norm_fwd(x, p):
    norm = _vector_norm(x, p)
    return norm, (x, norm)


def _vector_norm_bwd(p, residuals, g):
    # torch's norm_backward case by case; every case but p < 1 gives 0 where the norm is 0
    # (autodiff of the forward would give NaN there, 0 / 0).
    x, norm = residuals
    g, norm = g[..., None], norm[..., None]
    zero = jnp.zeros_like(x)
    if p == 1:
        return (_torch_sign(x) * g,)
    if math.isinf(p):
        # The gradient is shared evenly among the entries at the maximum; a NaN counts as
        # one (the norm is NaN then) and its sign is 0, so a row with a NaN gets 0, as in torch.
        at_max = ((jnp.abs(x) == norm) | jnp.isnan(x)).astype(x.dtype)
        return (_torch_sign(x) * at_max * g / jnp.sum(at_max, axis=-1, keepdims=True),)
    safe_norm = jnp.where(norm == 0, jnp.ones_like(norm), norm)
    if p < 1:
        a = jnp.abs(jnp.where(x == 0, jnp.ones_like(x), x))
        scaled = jnp.where(x == 0, zero, jnp.sign(x) * a ** (p - 1))
        return (scaled * g * norm ** (1 - p),)
    scale = jnp.where(norm == 0, jnp.zeros_like(norm), g / safe_norm ** (p - 1))
    if p == 2:
        return (x * scale,)
    if p < 2:
        return (jnp.sign(x) * jnp.abs(x) ** (p - 1) * scale,)
    return (x * jnp.abs(x) ** (p - 2) * scale,)


_vector_norm.defvjp(_vector_norm_fwd, _vector_norm_bwd)


def pairwise_distance(
    x1: jax.Array, x2: jax.Array, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> jax.Array:
    """``||x1 - x2 + eps||_p`` over the last dimension: torch's ``F.pairwise_distance``.

    The ``eps`` is added to every component of the difference (not to the norm), so the
    distance of a vector to itself is ``eps * D ** (1 / p)``, not 0. The gradient is torch's
    (0 where the norm is 0; at ``p = 1`` the sign, 0 at a zero or NaN component; at
    ``p = inf`` shared among tied maxima, and 0 for a row holding a NaN).

    PyTorch twin: ``F.pairwise_distance`` for same-shaped ``x1`` and ``x2`` and ``p > 0``.
    """
    d = _vector_norm(jnp.asarray(x1) - jnp.asarray(x2) + eps, float(p))
    return jnp.expand_dims(d, -1) if keepdim else d


def triplet_margin_loss(
    anchor: jax.Array,
    positive: jax.Array,
    negative: jax.Array,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> jax.Array:
    """Triplet margin loss: ``l_n = max(0, margin + d(a_n, p_n) - d(a_n, n_n))``.

    ``d`` is :func:`pairwise_distance` (``||x - y + eps||_p`` over the last dimension).
    With ``swap`` the negative distance is ``min(d(a, n), d(p, n))`` (the distance swap
    of Balntas et al.).

    Args:
      anchor, positive, negative: floating, one shape, ``(D,)`` or ``(N, D)`` (more
        leading dimensions are batch dimensions too).
      margin: ``> 0`` (default 1).
      p: the norm's order, ``> 0`` (``float('inf')`` allowed; default 2).
      eps: added to each difference (default 1e-6).
      swap: use the distance swap.
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.

    Raises:
      ValueError: ``margin <= 0`` (torch too), ``p <= 0``, 0-d inputs, inputs whose
        shapes differ, or an unknown ``reduction``. TypeError: non-floating inputs.

    PyTorch twin: ``F.triplet_margin_loss`` / ``nn.TripletMarginLoss``, with ATen's
    formula and its gradients: ``clamp_min`` passes the whole gradient at exactly 0
    (``jnp.maximum`` would pass half) and keeps a NaN loss NaN, passing it no gradient;
    the norm's gradient is torch's (``norm_backward``). torch also takes ``p <= 0``
    (``p = 0`` counts non-zero components, no distance) and broadcasts mismatched shapes;
    this twin refuses both.

    Example:
      >>> a = jnp.array([[0.0, 0.0]])
      >>> triplet_margin_loss(a, jnp.array([[1.0, 0.0]]), jnp.array([[3.0, 0.0]]))
      Array(0., dtype=float32)
    """
    name = "triplet_margin_loss"
    check_reduction(reduction, f"{name}()")
    if not margin > 0:
        raise ValueError(f"{name}(): margin must be greater than 0; got {margin!r}")
    if not p > 0:
        raise ValueError(f"{name}(): p must be > 0 (the order of a norm; inf allowed); got {p!r}")
    arrays = {"anchor": anchor, "positive": positive, "negative": negative}
    xs = {k: jnp.asarray(v) for k, v in arrays.items()}
    for what, x in xs.items():
        _floating(name, what, x)
    shapes = {k: tuple(x.shape) for k, x in xs.items()}
    if len(set(shapes.values())) != 1:
        described = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(
            f"{name}(): anchor, positive and negative must have one shape; got {described}"
        )
    if xs["anchor"].ndim == 0:
        raise ValueError(f"{name}(): inputs must be (D,) or (N, D) vectors; got 0-d arrays")
    return _triplet_kernel(
        xs["anchor"],
        xs["positive"],
        xs["negative"],
        margin=float(margin),
        p=float(p),
        eps=float(eps),
        swap=bool(swap),
        reduction=reduction,
    )


@partial(jax.jit, static_argnames=("margin", "p", "eps", "swap", "reduction"))
def _triplet_kernel(
    a: jax.Array,
    pos: jax.Array,
    neg: jax.Array,
    *,
    margin: float,
    p: float,
    eps: float,
    swap: bool,
    reduction: str,
) -> jax.Array:
    d_pos = pairwise_distance(a, pos, p, eps)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, pairwise_distance(pos, neg, p, eps))
    return reduce_loss(_clamp_min_zero(margin + d_pos - d_neg), reduction)


__all__ = ["cosine_embedding_loss", "pairwise_distance", "triplet_margin_loss"]
