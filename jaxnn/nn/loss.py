"""Loss modules (``torch.nn`` loss classes) calling the ``jaxnn.functional`` losses.

Constructor arguments are torch's, checked when the module is built, without the
deprecated ``size_average`` / ``reduce``. Because
torch's positional order still has those two, every argument after ``weight`` is
keyword-only here (``HuberLoss``, which never had them, keeps torch's positions).
No loss holds trainable parameters: a class ``weight`` or ``pos_weight`` is stored
as a constant array (torch registers it as a buffer, so it appears in torch's
``state_dict``; jaxnn's ``state_dict`` holds parameters and batch statistics
only), gets no gradient and is never updated.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from jaxnn import functional as F
from jaxnn.functional.loss import KL_DIV_REDUCTIONS, check_reduction
from jaxnn.nn.module import Module


def _constant(layer: str, name: str, value: Any, ndim: int | None = None) -> jax.Array | None:
    if value is None:
        return None
    array = jnp.asarray(value)
    if not jnp.issubdtype(array.dtype, jnp.floating):
        raise ValueError(f"{layer}: {name} must be a floating array; got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{layer}: {name} must be {ndim}-d (one value per class); got shape "
            f"{tuple(array.shape)}"
        )
    return array


class _Loss(Module):
    def __init__(self, *, reduction: str = "mean"):
        self.reduction = check_reduction(reduction, type(self).__name__)


class MSELoss(_Loss):
    """Mean squared error ``(x - y)^2``; see :func:`jaxnn.functional.mse_loss`.

    Args:
      reduction: ``'mean'`` (default, over all elements), ``'sum'`` or ``'none'``.

    PyTorch twin: ``torch.nn.MSELoss(reduction='mean')``; shapes must match.
    """

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|x - y|``; see :func:`jaxnn.functional.l1_loss`.

    PyTorch twin: ``torch.nn.L1Loss(reduction='mean')``; shapes must match.
    """

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss with switch point ``beta``; see :func:`jaxnn.functional.smooth_l1_loss`.

    Args:
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      beta: ``>= 0`` (default 1.0); ``SmoothL1(beta) = Huber(delta=beta) / beta``.

    PyTorch twin: ``torch.nn.SmoothL1Loss(reduction='mean', beta=1.0)``. torch
    rejects a negative ``beta`` only when called; this module at construction.
    """

    def __init__(self, *, reduction: str = "mean", beta: float = 1.0):
        super().__init__(reduction=reduction)
        if not beta >= 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0; got {beta!r}")
        self.beta = float(beta)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss with switch point ``delta``; see :func:`jaxnn.functional.huber_loss`.

    Args:
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      delta: ``> 0`` (default 1.0).

    PyTorch twin: ``torch.nn.HuberLoss(reduction='mean', delta=1.0)``. torch
    rejects ``delta <= 0`` only when called; this module at construction.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be > 0; got {delta!r}")
        self.delta = float(delta)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities; see :func:`jaxnn.functional.nll_loss`.

    Args:
      weight: optional per-class weights ``(C,)``, stored as a constant.
      ignore_index: target value to skip (default -100).
      reduction: ``'mean'`` (default; divides by the summed weights of the
        non-ignored targets), ``'sum'`` or ``'none'``.

    PyTorch twin: ``torch.nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')``,
    usually after ``LogSoftmax(dim=1)``.
    """

    def __init__(
        self,
        weight: jax.Array | None = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
    ):
        super().__init__(reduction=reduction)
        self.weight = _constant("NLLLoss", "weight", weight, ndim=1)
        self.ignore_index = int(ignore_index)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits; see :func:`jaxnn.functional.cross_entropy`.

    Args:
      weight: optional per-class weights ``(C,)``, stored as a constant.
      ignore_index: class-index target to skip (default -100).
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      label_smoothing: in ``[0, 1]`` (default 0.0).

    Targets are class indices ``(N,)`` or class probabilities ``(N, C)``.

    PyTorch twin: ``torch.nn.CrossEntropyLoss(weight=None, ignore_index=-100,
    reduction='mean', label_smoothing=0.0)``. torch checks ``label_smoothing``
    only when called; this module at construction.
    """

    def __init__(
        self,
        weight: jax.Array | None = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ):
        super().__init__(reduction=reduction)
        self.weight = _constant("CrossEntropyLoss", "weight", weight, ndim=1)
        self.ignore_index = int(ignore_index)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be in [0, 1]; got {label_smoothing!r}"
            )
        self.label_smoothing = float(label_smoothing)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities; see :func:`jaxnn.functional.binary_cross_entropy`.

    Args:
      weight: optional element weights broadcastable to the input, stored as a constant.
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.

    PyTorch twin: ``torch.nn.BCELoss(weight=None, reduction='mean')``, after
    ``Sigmoid``; logs are clamped at -100 as in torch.
    """

    def __init__(self, weight: jax.Array | None = None, *, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.weight = _constant("BCELoss", "weight", weight)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, stable for any logit.

    See :func:`jaxnn.functional.binary_cross_entropy_with_logits`.

    Args:
      weight: optional element weights broadcastable to the input, a constant.
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.
      pos_weight: optional positive-class weights, e.g. ``(C,)``, a constant.

    PyTorch twin: ``torch.nn.BCEWithLogitsLoss(weight=None, reduction='mean',
    pos_weight=None)``.
    """

    def __init__(
        self,
        weight: jax.Array | None = None,
        *,
        reduction: str = "mean",
        pos_weight: jax.Array | None = None,
    ):
        super().__init__(reduction=reduction)
        self.weight = _constant("BCEWithLogitsLoss", "weight", weight)
        self.pos_weight = _constant("BCEWithLogitsLoss", "pos_weight", pos_weight)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class KLDivLoss(Module):
    """KL divergence of a target distribution from log-probabilities; see
    :func:`jaxnn.functional.kl_div`.

    Args:
      reduction: ``'mean'`` (default; over all elements, not the divergence),
        ``'batchmean'`` (the divergence per sample), ``'sum'`` or ``'none'``.
      log_target: whether the target holds log-probabilities (default False).

    PyTorch twin: ``torch.nn.KLDivLoss(reduction='mean', log_target=False)``; the
    input must be log-probabilities (``LogSoftmax`` output), the target probabilities.
    """

    def __init__(self, *, reduction: str = "mean", log_target: bool = False):
        if reduction not in KL_DIV_REDUCTIONS:
            raise ValueError(
                f"KLDivLoss: reduction must be one of {KL_DIV_REDUCTIONS}; got {reduction!r}"
            )
        self.reduction = reduction
        self.log_target = bool(log_target)

    def __call__(self, input: jax.Array, target: jax.Array) -> jax.Array:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """Cosine embedding loss of pairs labelled 1 (similar) or -1 (dissimilar); see
    :func:`jaxnn.functional.cosine_embedding_loss`.

    Args:
      margin: how far below ``margin`` a dissimilar pair's cosine must be to cost
        nothing (default 0.0).
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.

    Called as ``loss(input1, input2, target)``. PyTorch twin:
    ``torch.nn.CosineEmbeddingLoss(margin=0.0, reduction='mean')``.
    """

    def __init__(self, margin: float = 0.0, *, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.margin = float(margin)

    def __call__(self, input1: jax.Array, input2: jax.Array, target: jax.Array) -> jax.Array:
        return F.cosine_embedding_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class TripletMarginLoss(_Loss):
    """Triplet margin loss of (anchor, positive, negative) embeddings; see
    :func:`jaxnn.functional.triplet_margin_loss`.

    Args:
      margin: ``> 0`` (default 1.0).
      p: the distance's norm order, ``> 0`` (default 2.0).
      eps: added to each difference before the norm (default 1e-6).
      swap: use the distance swap, ``min(d(a, n), d(p, n))``.
      reduction: ``'mean'`` (default), ``'sum'`` or ``'none'``.

    Called as ``loss(anchor, positive, negative)``. PyTorch twin:
    ``torch.nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=False,
    reduction='mean')``, which checks ``margin`` at construction too; ``p`` is
    checked here, at construction, and in torch never.
    """

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        *,
        reduction: str = "mean",
    ):
        super().__init__(reduction=reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0; got {margin!r}")
        if not p > 0:
            raise ValueError(f"TripletMarginLoss: p must be > 0; got {p!r}")
        self.margin, self.p, self.eps, self.swap = float(margin), float(p), float(eps), bool(swap)

    def __call__(self, anchor: jax.Array, positive: jax.Array, negative: jax.Array) -> jax.Array:
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )
