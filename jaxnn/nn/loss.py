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
from flax import nnx

from jaxnn import functional as F
from jaxnn.functional.loss import check_reduction


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


class _Loss(nnx.Module):
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
