"""Loss functions with torch's signatures and reductions (``torch.nn.functional``).

Every loss takes ``reduction='none' | 'mean' | 'sum'`` like torch (``kl_div`` also
``'batchmean'``). optax's losses return per-element values; where one has torch's
semantics it computes the per-element values here and the reduction is torch's (each
docstring says which). The pair and triplet losses on embeddings are in
``embedding_losses.py``.

Element-wise losses refuse to broadcast: ``input`` and ``target`` must have the
same shape. torch only warns for ``mse_loss``/``l1_loss``/``smooth_l1_loss``/
``huber_loss`` and then broadcasts, so a ``(N, 1)`` prediction against an
``(N,)`` target silently averages an ``(N, N)`` matrix (the notebooks' "shape
mismatch" pitfall); torch itself raises ValueError for the BCE losses.

Each loss checks its arguments in Python (shapes, dtypes, and values where they are
concrete) and then runs one jitted kernel, so an eager call is one compiled
computation rather than a few dozen dispatched operations; under an outer ``jit``
the kernel is inlined.
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.experimental import checkify
from jax.scipy.special import xlogy

from jaxnn.functional._concrete import concrete_values

REDUCTIONS = ("none", "mean", "sum")

# torch's binary_cross_entropy_backward divides by max(p (1 - p), EPSILON), with EPSILON
# 1e-12 rounded to float32 even for float64 inputs (the float64 gradient at p = 0, y = 1
# is -1.000000004e12, not -1e12).
_BCE_GRAD_EPSILON = float(np.float32(1e-12))
# torch clamps each log term of binary_cross_entropy at -100.
_BCE_LOG_FLOOR = -100.0


def check_reduction(reduction: str, caller: str = "loss") -> str:
    """Returns ``reduction`` if it is one of torch's; raises ValueError naming it otherwise."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{caller}: reduction must be one of {REDUCTIONS}; got {reduction!r}")
    return reduction


def reduce_loss(values: jax.Array, reduction: str) -> jax.Array:
    """torch's ``'mean'`` (over all elements), ``'sum'`` or ``'none'`` of per-element losses."""
    if reduction == "mean":
        return jnp.mean(values)
    if reduction == "sum":
        return jnp.sum(values)
    return values


def _same_shape(name: str, x: jax.Array, y: jax.Array) -> None:
    if x.shape != y.shape:
        raise ValueError(
            f"{name}(): input shape {tuple(x.shape)} and target shape {tuple(y.shape)} "
            "differ; reshape one of them (torch would broadcast with a warning)"
        )


def _is_floating(x: jax.Array) -> bool:
    return jnp.issubdtype(x.dtype, jnp.floating)


@jax.custom_jvp
def _abs_error(d: jax.Array) -> jax.Array:
    """``|d|`` with torch's gradient ``sign(d)``: 0 where ``d = 0`` (``jnp.abs`` has 1
    there), -1 at ``-inf`` (``d * sign(d)`` would give ``-1 + inf * 0 = nan``), NaN at NaN."""
    return jnp.abs(d)


_abs_error.defjvps(lambda g, ans, d: g * jnp.sign(d))


@jax.custom_jvp
def _l1_error(d: jax.Array) -> jax.Array:
    """:func:`_abs_error` with l1_loss's gradient at NaN: 0, torch's ``sign(nan)``."""
    return jnp.abs(d)


_l1_error.defjvps(lambda g, ans, d: g * jnp.sign(jnp.where(jnp.isnan(d), 0, d)))


# --------------------------------------------------------------------------- regression


def mse_loss(input: jax.Array, target: jax.Array, reduction: str = "mean") -> jax.Array:
    """Mean squared error: ``l_i = (x_i - y_i)^2``, reduced over all elements.

    Args:
      input, target: the same shape.
      reduction: ``'mean'`` (default, over all elements), ``'sum'`` or ``'none'``
        (keeps the input shape).

    Raises:
      ValueError: unknown ``reduction``, or the shapes differ.

    PyTorch twin: ``F.mse_loss`` / ``nn.MSELoss``. The per-element values are
    ``optax.squared_error``; ``optax.l2_loss`` is half of them. Shapes must
    match exactly (torch only warns and broadcasts, a classic silent bug).
    """
    check_reduction(reduction, "mse_loss()")
    x, y = jnp.asarray(input), jnp.asarray(target)
    _same_shape("mse_loss", x, y)
    return _pointwise_kernel(x, y, kind="mse", reduction=reduction, param=0.0)


def l1_loss(input: jax.Array, target: jax.Array, reduction: str = "mean") -> jax.Array:
    """Mean absolute error: ``l_i = |x_i - y_i|``, reduced over all elements.

    PyTorch twin: ``F.l1_loss`` / ``nn.L1Loss``. optax has no L1 loss. The
    gradient at ``x = y`` is 0 as in torch (``jax.grad(jnp.abs)(0.)`` is 1), and
    so is the gradient where ``x - y`` is NaN (torch's ``sign(nan)`` is 0).
    Shapes must match exactly, unlike torch (see the module docstring).
    """
    check_reduction(reduction, "l1_loss()")
    x, y = jnp.asarray(input), jnp.asarray(target)
    _same_shape("l1_loss", x, y)
    return _pointwise_kernel(x, y, kind="l1", reduction=reduction, param=0.0)


def smooth_l1_loss(
    input: jax.Array, target: jax.Array, reduction: str = "mean", beta: float = 1.0
) -> jax.Array:
    """Smooth L1: ``l_i = 0.5 z^2 / beta`` if ``z < beta`` else ``z - 0.5 beta``, ``z = |x - y|``.

    Args:
      input, target: the same shape.
      reduction: ``'mean'``, ``'sum'`` or ``'none'``.
      beta: the switch point, ``>= 0``; ``beta = 0`` is :func:`l1_loss`.

    Raises:
      ValueError: negative ``beta``, unknown ``reduction`` or different shapes.

    PyTorch twin: ``F.smooth_l1_loss``. ``SmoothL1(beta) = Huber(delta=beta) / beta``:
    the two are equal only for ``beta = delta = 1`` (the notebook calls SmoothL1
    "Huber loss"). Computed with torch's formula rather than
    ``optax.huber_loss(...) / beta``, which rounds differently for tiny beta.
    """
    check_reduction(reduction, "smooth_l1_loss()")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss(): beta must be >= 0; got {beta!r}")
    x, y = jnp.asarray(input), jnp.asarray(target)
    _same_shape("smooth_l1_loss", x, y)
    kind = "l1" if beta == 0 else "smooth_l1"  # torch dispatches beta = 0 to l1_loss
    return _pointwise_kernel(x, y, kind=kind, reduction=reduction, param=float(beta))


def huber_loss(
    input: jax.Array, target: jax.Array, reduction: str = "mean", delta: float = 1.0
) -> jax.Array:
    """Huber: ``l_i = 0.5 z^2`` if ``z < delta`` else ``delta (z - 0.5 delta)``, ``z = |x - y|``.

    Args:
      input, target: the same shape.
      reduction: ``'mean'``, ``'sum'`` or ``'none'``.
      delta: the switch point, ``> 0``.

    Raises:
      ValueError: ``delta <= 0``, unknown ``reduction`` or different shapes.

    PyTorch twin: ``F.huber_loss`` / ``nn.HuberLoss``. The per-element values
    are ``optax.huber_loss(input, target, delta=delta)``, the same formula.
    """
    check_reduction(reduction, "huber_loss()")
    if not delta > 0:
        raise ValueError(f"huber_loss(): delta must be > 0; got {delta!r}")
    x, y = jnp.asarray(input), jnp.asarray(target)
    _same_shape("huber_loss", x, y)
    return _pointwise_kernel(x, y, kind="huber", reduction=reduction, param=float(delta))


@partial(jax.jit, static_argnames=("kind", "reduction", "param"))
def _pointwise_kernel(
    x: jax.Array, y: jax.Array, *, kind: str, reduction: str, param: float
) -> jax.Array:
    if kind == "mse":
        losses = optax.squared_error(x, y)
    elif kind == "l1":
        losses = _l1_error(x - y)
    elif kind == "smooth_l1":
        z = _abs_error(x - y)
        # The quadratic branch sees 0 where it is not taken: its z * z at z = inf would
        # turn where's zero cotangent into inf * 0 = nan (torch's gradient there is +-1).
        small = z < param
        z_small = jnp.where(small, z, 0)
        losses = jnp.where(small, 0.5 * z_small * z_small / param, z - 0.5 * param)
    else:
        losses = optax.huber_loss(x, y, delta=param)
    return reduce_loss(losses, reduction)


# --------------------------------------------------------------------------- divergence

KL_DIV_REDUCTIONS = ("none", "batchmean", "sum", "mean")


def kl_div(
    input: jax.Array,
    target: jax.Array,
    reduction: str = "mean",
    log_target: bool = False,
) -> jax.Array:
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``.

    ``l_i = y_i (log y_i - x_i)`` with ``y log y = 0`` at ``y = 0`` (``xlogy``), or
    ``l_i = exp(y_i) (y_i - x_i)`` when ``log_target`` (``y`` given as log-probabilities).

    Args:
      input: log-probabilities ``x`` (e.g. ``log_softmax`` output), floating, any shape.
      target: probabilities (or log-probabilities with ``log_target``), the input's shape.
      reduction: ``'mean'`` (default; the mean over all elements, which is not the
        KL divergence), ``'batchmean'`` (the sum divided by ``input.shape[0]``, the
        divergence per sample; the plain sum for a 0-d input), ``'sum'`` or ``'none'``.
      log_target: whether ``target`` holds log-probabilities.

    Raises:
      ValueError: different shapes, or a ``reduction`` not among the four.
      TypeError: non-floating input or target.

    PyTorch twin: ``F.kl_div`` / ``nn.KLDivLoss``: ATen's formula, so a target of 0
    contributes exactly 0 and its gradient for ``input`` is 0; the gradient for the
    target itself is NaN there, in torch as here (``d/dy y log y = log y + 1`` at 0).
    With ``log_target`` a target of ``-inf`` gives NaN (``0 * inf``), again as torch.
    torch warns that ``'mean'`` divides by the number of elements and broadcasts
    mismatched shapes; this twin documents the first and refuses the second.
    ``optax.kl_divergence`` takes the same arguments but sums over the last axis.
    """
    if reduction not in KL_DIV_REDUCTIONS:
        raise ValueError(
            f"kl_div(): reduction must be one of {KL_DIV_REDUCTIONS}; got {reduction!r}"
        )
    x, y = jnp.asarray(input), jnp.asarray(target)
    _same_shape("kl_div", x, y)
    for what, a in (("input", x), ("target", y)):
        if not _is_floating(a):
            raise TypeError(f"kl_div(): {what} must be floating; got dtype {a.dtype}")
    return _kl_div_kernel(x, y, reduction=reduction, log_target=bool(log_target))


@partial(jax.jit, static_argnames=("reduction", "log_target"))
def _kl_div_kernel(x: jax.Array, y: jax.Array, *, reduction: str, log_target: bool) -> jax.Array:
    losses = jnp.exp(y) * (y - x) if log_target else xlogy(y, y) - y * x
    if reduction == "batchmean":
        total = jnp.sum(losses)
        return total / x.shape[0] if x.ndim else total
    return reduce_loss(losses, reduction)


# --------------------------------------------------------------------------- classification


def _class_weight(name: str, weight: Any, num_classes: int, dtype: Any) -> jax.Array | None:
    """The ``(C,)`` class weights in the input's dtype (torch would refuse another dtype)."""
    if weight is None:
        return None
    w = jnp.asarray(weight, dtype=dtype)
    if w.shape != (num_classes,):
        raise ValueError(
            f"{name}(): weight must have shape ({num_classes},), one value per class; "
            f"got {tuple(w.shape)}"
        )
    return w


def _class_layout(name: str, x: jax.Array) -> int:
    """torch's class dimension: 0 for an unbatched ``(C,)`` input, else 1."""
    if x.ndim == 0:
        raise ValueError(f"{name}(): input must be (C,), (N, C) or (N, C, d1, ...); got ()")
    if not _is_floating(x):
        # jax.nn.log_softmax would fail deep inside JAX; torch raises "not implemented for 'Long'".
        raise TypeError(f"{name}(): input must be a floating array of scores; got dtype {x.dtype}")
    return 0 if x.ndim == 1 else 1


def _check_class_targets(
    name: str, x: jax.Array, target: Any, class_dim: int, ignore_index: int
) -> jax.Array:
    """Checks class-index targets' shape and dtype, and their range where concrete."""
    labels = jnp.asarray(target)
    expected = x.shape[:class_dim] + x.shape[class_dim + 1 :]
    if labels.shape != expected:
        raise ValueError(
            f"{name}(): expected input (N, C) with target (N,), (C,) with (), or "
            f"(N, C, d1, ...) with (N, d1, ...); got input {tuple(x.shape)} and "
            f"target {tuple(labels.shape)}"
        )
    if not jnp.issubdtype(labels.dtype, jnp.integer):
        raise TypeError(
            f"{name}(): target must hold integer class indices; got dtype {labels.dtype}"
        )
    num_classes = x.shape[class_dim]
    known = concrete_values(target)
    if known is not None:
        known = known[known != ignore_index]
        if known.size and (known.min() < 0 or known.max() >= num_classes):
            bad = int(known.min()) if known.min() < 0 else int(known.max())
            raise IndexError(f"{name}(): target {bad} is out of bounds for {num_classes} classes")
    return labels


def _class_weight_along(weight: jax.Array, ndim: int, class_dim: int) -> jax.Array:
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


# Where checkify's tracing code lives (jax._src.checkify), not its public alias.
_CHECKIFY_MODULE = checkify.checkify.__module__


def _under_checkify() -> bool:
    """Whether this call is being traced by ``jax.experimental.checkify.checkify``.

    checkify traces the function it wraps from inside its own module and leaves no other
    mark, so the caller's frames are read (at trace time only: a jitted step never runs
    this again). ``parity_tests/functional/test_bad_inputs.py`` pins that the check
    still fires under ``checkify``, and
    ``parity_tests/train/test_fit_fused.py::test_a_train_step_stays_on_jits_fast_path``
    that a train step without it has no effect in its program.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == _CHECKIFY_MODULE:
            return True
        frame = frame.f_back
    return False


def _log_softmax_nll(x: jax.Array, labels: jax.Array, class_dim: int) -> jax.Array:
    """``-log_softmax(x)[label]`` per sample, with torch's log_softmax at infinities.

    ``optax.softmax_cross_entropy_with_integer_labels`` is the same formula, but its
    ``logsumexp`` shifts by 0 where a row's maximum is ``+inf``: the loss is then ``inf``
    (not NaN) for the other labels and the other classes' gradient 0. torch subtracts the
    maximum itself, so a row holding ``+inf`` is NaN throughout, as ``jax.nn.log_softmax``
    is; only the label's entry of the normalised row is formed here.
    """
    shifted = x - jax.lax.stop_gradient(jnp.max(x, axis=class_dim, keepdims=True))
    log_normalizer = jnp.log(jnp.sum(jnp.exp(shifted), axis=class_dim))
    picked = jnp.take_along_axis(shifted, jnp.expand_dims(labels, class_dim), axis=class_dim)
    return log_normalizer - jnp.squeeze(picked, class_dim)


@partial(
    jax.jit,
    static_argnames=(
        "from_logits",
        "class_dim",
        "ignore_index",
        "reduction",
        "label_smoothing",
        "checked",
    ),
)
def _class_index_kernel(
    x: jax.Array,
    labels: jax.Array,
    weight: jax.Array | None,
    *,
    from_logits: bool,
    class_dim: int,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    checked: bool,
) -> jax.Array:
    """torch's nll_loss (of log_softmax(x) when ``from_logits``), with label smoothing.

    Ignored targets contribute 0 and leave the weighted-mean denominator
    ``sum w[y]``; an out-of-range target (possible only under a trace: concrete ones
    raise IndexError first) gathers from the safe index 0, and its loss and its row of
    the gradient are NaN. ``checked`` (traced by ``checkify``) adds the check that fails
    instead; only then, because the check's effect stays in every program that calls
    the loss and keeps jit's C++ dispatch off it (each train step would pay the Python
    dispatch path, ~0.1 ms).
    """
    num_classes = x.shape[class_dim]
    ignored = labels == ignore_index
    out_of_range = ~ignored & ((labels < 0) | (labels >= num_classes))
    if checked and labels.size:
        flat = out_of_range.ravel()
        checkify.debug_check(
            ~jnp.any(flat),
            f"{'cross_entropy' if from_logits else 'nll_loss'}(): target {{bad}} is out of "
            f"bounds for {num_classes} classes",
            bad=labels.ravel()[jnp.argmax(flat)],  # the first one
        )
    safe = jnp.where(ignored | out_of_range, 0, labels)
    if from_logits:
        per = _log_softmax_nll(x, safe, class_dim)
    else:
        picked = jnp.take_along_axis(x, jnp.expand_dims(safe, class_dim), axis=class_dim)
        per = -jnp.squeeze(picked, class_dim)
    w_y = jnp.ones_like(per) if weight is None else jnp.take(weight, safe)
    w_y = jnp.where(ignored, 0, w_y)
    # A bad row's loss is NaN times its loss, not a NaN constant, so that its row of the
    # gradient is NaN too (not a silent 0); the factor is 1 elsewhere, so no other row is.
    nan_there = jnp.where(out_of_range, jnp.nan, 1.0).astype(per.dtype)
    # An ignored row is left out, not multiplied by a zero weight: with every row ignored
    # the mean's 1 / 0 cotangent would make 0 * inf = NaN of its gradient, where torch's
    # backward skips the row and gives 0.
    nll = jnp.where(out_of_range, per * nan_there, jnp.where(ignored, 0, w_y * per))
    smooth = None
    if label_smoothing > 0:
        logp = jax.nn.log_softmax(x, axis=class_dim)
        if weight is not None:
            logp = logp * _class_weight_along(weight, logp.ndim, class_dim)
        smooth = jnp.where(ignored, 0, -jnp.sum(logp, axis=class_dim))
    if reduction == "sum":
        nll = jnp.sum(nll)
        smooth = None if smooth is None else jnp.sum(smooth)
    elif reduction == "mean":
        total = jnp.sum(w_y)  # all ignored: 0 / 0 = NaN, as in torch
        nll = jnp.sum(nll) / total
        smooth = None if smooth is None else jnp.sum(smooth) / total
    if smooth is None:
        return nll
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / num_classes)


def nll_loss(
    input: jax.Array,
    target: jax.Array,
    weight: jax.Array | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> jax.Array:
    """Negative log-likelihood of log-probabilities: ``l_n = -w[y_n] * input[n, y_n]``.

    Args:
      input: log-probabilities ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
      target: integer class indices ``(N,)``, ``()`` or ``(N, d1, ...)`` in ``[0, C)``.
      weight: optional per-class weights ``(C,)`` (a constant; default all 1).
      ignore_index: targets equal to it contribute 0 and are left out of the mean.
      reduction: ``'mean'`` (default) is ``sum_n l_n / sum_n w[y_n]`` over the
        non-ignored ``n`` (NaN when all are ignored), ``'sum'`` or ``'none'``.

    Raises:
      ValueError: shapes that do not fit, a ``weight`` not of shape ``(C,)``, or an
        unknown ``reduction``. TypeError: non-floating input or non-integer targets.
        IndexError: a concrete target outside ``[0, C)`` that is not ``ignore_index``.

    PyTorch twin: ``F.nll_loss`` / ``nn.NLLLoss``. optax has no NLL on
    log-probabilities; this gathers with ``jnp.take_along_axis``.

    Out-of-range targets under ``jax.jit``: a traced target cannot be checked
    before the computation runs, so instead of torch's IndexError the bad
    element's loss (and the reduced loss) is NaN and its gradient holds a NaN
    (not a silent 0); ``jaxnn.train.fit`` then stops at that step naming it. For the
    error itself, check the call with ``jax.experimental.checkify``:
    ``err, loss = jax.jit(checkify.checkify(nll_loss))(x, y)``; ``err.throw()``
    raises ``JaxRuntimeError`` (a ValueError) naming the first bad target.
    """
    check_reduction(reduction, "nll_loss()")
    x = jnp.asarray(input)
    class_dim = _class_layout("nll_loss", x)
    w = _class_weight("nll_loss", weight, x.shape[class_dim], x.dtype)
    labels = _check_class_targets("nll_loss", x, target, class_dim, ignore_index)
    return _class_index_kernel(
        x,
        labels,
        w,
        from_logits=False,
        class_dim=class_dim,
        ignore_index=int(ignore_index),
        reduction=reduction,
        label_smoothing=0.0,
        checked=_under_checkify(),
    )


def cross_entropy(
    input: jax.Array,
    target: jax.Array,
    weight: jax.Array | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> jax.Array:
    """Softmax cross-entropy of logits against class indices or class probabilities.

    With class indices ``y`` and ``logp = log_softmax(input, class dim)``:
    ``l_n = -w[y_n] * logp[n, y_n]`` (:func:`nll_loss` of ``logp``); with
    ``label_smoothing = e`` the loss is
    ``(1 - e) * nll + (e / C) * s`` where ``s_n = -sum_c w[c] * logp[n, c]``,
    reduced like the nll (ignored targets 0; mean divides by ``sum w[y_n]``).

    With probability targets ``p`` (a float array of the input's shape):
    ``l_n = -sum_c w[c] * p'[n, c] * logp[n, c]`` with
    ``p' = (1 - e) p + e / C``; ``'mean'`` divides by the number of samples
    ``N * d1 * ...``, not by the weights.

    Args:
      input: logits ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; the class dimension
        is 1 (0 for an unbatched ``(C,)``).
      target: integer class indices of the input's shape without the class
        dimension, or float class probabilities of the input's shape.
      weight: optional per-class weights ``(C,)`` (a constant).
      ignore_index: class-index targets equal to it are skipped. Probability
        targets refuse a non-negative ``ignore_index``, as torch does.
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      label_smoothing: ``e`` in ``[0, 1]``.

    Raises:
      ValueError: bad shapes, weight shape, ``label_smoothing``, ``reduction``,
        or ``ignore_index >= 0`` with probability targets. TypeError: class
        targets that are not integers, or same-shaped targets that are not
        floating, or non-floating input. IndexError: a concrete class target outside
        ``[0, C)``.

    PyTorch twin: ``F.cross_entropy`` / ``nn.CrossEntropyLoss``, the same
    formulas (torch's ``cross_entropy_loss_label_smoothing`` and
    ``cross_entropy_loss_prob_target``). The per-example values come from
    ``optax.softmax_cross_entropy`` (unweighted probabilities) and, for class
    indices, from torch's ``-log_softmax(x)[y]`` (optax's integer-label loss
    differs at ``+inf`` logits: ``inf`` and zero gradients where torch's row is
    NaN); class weights, ``ignore_index``, label smoothing and torch's
    reductions are added here. Logits of ``+-1e4`` give finite losses and
    gradients, ``-inf`` masks give ``inf`` for a masked target, and a fully
    masked row NaN, all as torch.

    Out-of-range class targets under ``jax.jit``: a traced target cannot be
    checked before the computation runs, so instead of torch's IndexError the
    bad element's loss (and the reduced loss) is NaN and so is its row of the
    gradient; ``jaxnn.train.fit`` then stops at that step naming it. The checked
    mode is ``jax.experimental.checkify``:
    ``err, loss = jax.jit(checkify.checkify(cross_entropy))(x, y)``;
    ``err.throw()`` raises ``JaxRuntimeError`` (a ValueError) naming the first
    bad target (``cross_entropy(): target 7 is out of bounds for 3 classes``).

    Example:
      >>> cross_entropy(jnp.array([[2.0, 1.0, 0.1]]), jnp.array([0]))
    """
    check_reduction(reduction, "cross_entropy()")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"cross_entropy(): label_smoothing must be in [0, 1]; got {label_smoothing!r}"
        )
    logits = jnp.asarray(input)
    class_dim = _class_layout("cross_entropy", logits)
    num_classes = logits.shape[class_dim]
    w = _class_weight("cross_entropy", weight, num_classes, logits.dtype)
    labels = jnp.asarray(target)
    if labels.shape == logits.shape:
        return _cross_entropy_probabilities(
            logits, labels, w, ignore_index, reduction, label_smoothing, class_dim
        )
    labels = _check_class_targets("cross_entropy", logits, target, class_dim, ignore_index)
    return _class_index_kernel(
        logits,
        labels,
        w,
        from_logits=True,
        class_dim=class_dim,
        ignore_index=int(ignore_index),
        reduction=reduction,
        label_smoothing=float(label_smoothing),
        checked=_under_checkify(),
    )


def _cross_entropy_probabilities(
    logits: jax.Array,
    probs: jax.Array,
    weight: jax.Array | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    class_dim: int,
) -> jax.Array:
    if not _is_floating(probs):
        raise TypeError(
            "cross_entropy(): a target of the input's shape holds class probabilities "
            f"and must be floating; got dtype {probs.dtype}"
        )
    if ignore_index >= 0:
        raise ValueError(
            "cross_entropy(): ignore_index is not supported for probability targets; "
            f"got ignore_index={ignore_index}"
        )
    return _probability_kernel(
        logits,
        probs,
        weight,
        class_dim=class_dim,
        reduction=reduction,
        label_smoothing=float(label_smoothing),
    )


@partial(jax.jit, static_argnames=("class_dim", "reduction", "label_smoothing"))
def _probability_kernel(
    logits: jax.Array,
    probs: jax.Array,
    weight: jax.Array | None,
    *,
    class_dim: int,
    reduction: str,
    label_smoothing: float,
) -> jax.Array:
    num_classes = logits.shape[class_dim]
    if label_smoothing > 0:
        probs = probs * (1 - label_smoothing) + label_smoothing / num_classes
    if weight is None:
        per = optax.softmax_cross_entropy(logits, probs, axis=class_dim)
    else:
        logp = jax.nn.log_softmax(logits, axis=class_dim)
        w = _class_weight_along(weight, logits.ndim, class_dim)
        per = -jnp.sum(logp * probs * w, axis=class_dim)
    return reduce_loss(per, reduction)  # torch's mean: over samples, not weights


def _check_unit_interval(name: str, what: str, value: Any) -> None:
    known = concrete_values(value)
    if known is not None and known.size and not np.all((known >= 0) & (known <= 1)):
        raise ValueError(f"{name}(): all elements of {what} should be between 0 and 1")


def _elementwise_weight(name: str, weight: Any, x: jax.Array, what: str) -> jax.Array | None:
    """``weight`` in ``x``'s dtype, if it broadcasts to ``x``'s shape without enlarging it."""
    if weight is None:
        return None
    shape = tuple(x.shape)
    w = jnp.asarray(weight, dtype=x.dtype)
    try:
        broadcast = jnp.broadcast_shapes(w.shape, shape)
    except ValueError:
        broadcast = None
    if broadcast != shape:
        raise ValueError(
            f"{name}(): {what} of shape {tuple(w.shape)} does not broadcast to the "
            f"input shape {shape}"
        )
    return w


@jax.custom_vjp
def _bce_terms(p: jax.Array, y: jax.Array) -> jax.Array:
    # torch's CPU kernel, term for term: log1p(-p) and log(p), each clamped at -100.
    return (y - 1) * jnp.maximum(jnp.log1p(-p), _BCE_LOG_FLOOR) - y * jnp.maximum(
        jnp.log(p), _BCE_LOG_FLOOR
    )


def _bce_fwd(p, y):
    return _bce_terms(p, y), (p, y)


def _bce_bwd(residuals, g):
    p, y = residuals
    # torch's binary_cross_entropy_backward; autodiff of the clamped logs would give
    # 0 * inf = NaN at p = 0 and p = 1.
    grad_p = g * (p - y) / jnp.maximum((1 - p) * p, _BCE_GRAD_EPSILON)
    # torch's binary_cross_entropy_target_backward: -logit(p), unclamped.
    grad_y = g * -jnp.log(p / (1 - p))
    return grad_p, grad_y


_bce_terms.defvjp(_bce_fwd, _bce_bwd)


def binary_cross_entropy(
    input: jax.Array,
    target: jax.Array,
    weight: jax.Array | None = None,
    reduction: str = "mean",
) -> jax.Array:
    """Binary cross-entropy of probabilities, each log clamped at -100.

    ``l_i = -w_i [y_i max(log p_i, -100) + (1 - y_i) max(log(1 - p_i), -100)]``.

    Args:
      input: probabilities ``p`` in ``[0, 1]``, any shape.
      target: float targets ``y`` in ``[0, 1]``, the input's shape.
      weight: optional element weights broadcastable to the input's shape (a constant).
      reduction: ``'mean'`` (default, over all elements; not normalised by the
        weights), ``'sum'`` or ``'none'``.

    Raises:
      ValueError: different shapes (as torch), a weight that does not broadcast
        to the input, concrete values outside ``[0, 1]`` (torch raises
        RuntimeError), or an unknown ``reduction``. TypeError: a non-floating target.

    PyTorch twin: ``F.binary_cross_entropy`` / ``nn.BCELoss``, including the
    clamp: ``p = 0`` or ``1`` against the opposite label costs a finite 100.
    The gradient is torch's hand-written one, ``w (p - y) / max(p (1 - p), 1e-12)``
    (e.g. -1e12 at p = 0, y = 1) and ``-w logit(p)`` for the target, installed
    with ``jax.custom_vjp``. optax's ``sigmoid_binary_cross_entropy`` takes
    logits, so it is the twin of :func:`binary_cross_entropy_with_logits`
    instead. Under a trace the range check is skipped and ``p`` outside
    ``[0, 1]`` gives NaN.
    """
    check_reduction(reduction, "binary_cross_entropy()")
    p, y = jnp.asarray(input), jnp.asarray(target)
    if p.shape != y.shape:
        raise ValueError(
            f"binary_cross_entropy(): target shape {tuple(y.shape)} differs from input "
            f"shape {tuple(p.shape)}; they must be the same (torch raises too)"
        )
    if not _is_floating(y):
        raise TypeError(f"binary_cross_entropy(): target must be floating; got {y.dtype}")
    w = _elementwise_weight("binary_cross_entropy", weight, p, "weight")
    _check_unit_interval("binary_cross_entropy", "input", input)
    _check_unit_interval("binary_cross_entropy", "target", target)
    return _bce_kernel(p, y.astype(p.dtype), w, reduction=reduction)


@partial(jax.jit, static_argnames=("reduction",))
def _bce_kernel(p: jax.Array, y: jax.Array, w: jax.Array | None, *, reduction: str) -> jax.Array:
    losses = _bce_terms(p, y)
    if w is not None:
        losses = losses * w
    return reduce_loss(losses, reduction)


def binary_cross_entropy_with_logits(
    input: jax.Array,
    target: jax.Array,
    weight: jax.Array | None = None,
    reduction: str = "mean",
    pos_weight: jax.Array | None = None,
) -> jax.Array:
    """Binary cross-entropy of logits, with ``s`` the sigmoid and ``q`` the positive weight.

    ``l_i = -w_i [q_i y_i log s(x_i) + (1 - y_i) log(1 - s(x_i))]``.

    ``q`` is ``pos_weight`` (default 1), broadcast against the target along its
    last (class) dimension. Computed as torch computes it,
    ``(1 - y) x - (1 + (q - 1) y) log_sigmoid(x)``, finite for any finite logit
    (NaN at ``x = -inf``, as torch).

    Args:
      input: logits, any shape.
      target: float targets in ``[0, 1]``, the input's shape.
      weight: optional element weights broadcastable to the input's shape (a constant).
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      pos_weight: optional weight of the positive term, e.g. ``(C,)`` for
        ``(N, C)`` input; must broadcast to the input's shape (a constant).

    Raises:
      ValueError: different shapes (as torch), weights that do not broadcast, or
        an unknown ``reduction``.

    PyTorch twin: ``F.binary_cross_entropy_with_logits`` /
    ``nn.BCEWithLogitsLoss``, torch's formula above with or without ``pos_weight``.
    ``optax.sigmoid_binary_cross_entropy(input, target)`` has the same semantics
    but rounds otherwise where ``(1 - y) x`` cancels: at ``x = -1e5``,
    ``y = 7.3e-13`` it gives the true ``7.33974e-8``, torch ``7.33999e-8``
    (``|x|`` times the unit roundoff); and ``inf`` at ``x = -inf`` where torch is NaN.
    """
    check_reduction(reduction, "binary_cross_entropy_with_logits()")
    x, y = jnp.asarray(input), jnp.asarray(target)
    if x.shape != y.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits(): target shape {tuple(y.shape)} differs "
            f"from input shape {tuple(x.shape)}; they must be the same (torch raises too)"
        )
    name = "binary_cross_entropy_with_logits"
    w = _elementwise_weight(name, weight, x, "weight")
    q = _elementwise_weight(name, pos_weight, x, "pos_weight")
    return _bce_logits_kernel(x, y.astype(x.dtype), w, q, reduction=reduction)


@partial(jax.jit, static_argnames=("reduction",))
def _bce_logits_kernel(
    x: jax.Array, y: jax.Array, w: jax.Array | None, q: jax.Array | None, *, reduction: str
) -> jax.Array:
    # torch's formula, with or without q: optax.sigmoid_binary_cross_entropy is more
    # accurate where (1 - y) x cancels (x = -1e5, y = 7.3e-13: 7.33974e-8, torch's
    # 7.33999e-8) and gives inf where torch's x = -inf is NaN.
    log_weight = 1 if q is None else 1 + (q - 1) * y
    losses = (1 - y) * x - log_weight * jax.nn.log_sigmoid(x)
    if w is not None:
        losses = losses * w
    return reduce_loss(losses, reduction)


__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
]
