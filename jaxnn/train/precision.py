"""Mixed precision in JAX: the twin of ``torch.autocast`` and ``torch.amp.GradScaler``.

A policy (:class:`Precision`, by name ``"float32"``, ``"bf16-mixed"`` or ``"fp16-mixed"``)
keeps the parameters in float32, computes the matmul-like layers in bfloat16 or float16
and hands the loss a float32 output. torch decides per operator at dispatch time
(``torch.autocast``); JAX has no dispatcher to hook, so the policy is set on the layers
themselves (:func:`autocast`), as Flax's own ``dtype``/``param_dtype`` pair does, and
the train step (``jaxnn.train.make_train_step(..., precision=)``, ``fit(precision=)``)
applies it to the module it traces. float16 adds dynamic loss scaling
(:class:`GradScaler`), a pure state carried in ``TrainState.loss_scale``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.nn.conv import Conv2d
from jaxnn.nn.embedding import Embedding
from jaxnn.nn.linear import Linear
from twincore.precision import PRECISIONS as PRECISIONS
from twincore.precision import LossScaling as LossScaling
from twincore.precision import Precision as Precision
from twincore.precision import as_precision as as_precision

__all__ = [
    "Precision",
    "LossScaling",
    "PRECISIONS",
    "as_precision",
    "autocast",
    "check_castable",
    "grad_scaler",
    "GradScaler",
    "LossScaleState",
]

CAST_LAYERS = (Linear, Conv2d)
"""The layers computed in the compute dtype: torch's CPU autocast runs ``linear``,
``matmul``/``mm``/``addmm`` and ``conv2d`` in the lower precision."""

KEPT_LAYERS = (Embedding,)
"""Layers with parameters that both frameworks leave in float32 under a policy: torch's
autocast lists no ``embedding``, which returns rows of its float32 table."""


def check_castable(model: nnx.Module, precision: str | Precision) -> None:
    """Raises ValueError when ``model`` holds parameters the policy cannot place.

    Under a mixed policy every parameter must belong to a layer of :data:`CAST_LAYERS` or
    :data:`KEPT_LAYERS`. A parameter used by a hand-written ``x @ W`` (``MLP2Hidden``) or by
    a layer torch's autocast treats in its own way (LayerNorm and BatchNorm run in the
    input's lower precision with float32 weights; LSTM fails under CPU autocast in torch
    2.13; GRU stays float32) has no twin here: torch casts per operator, a JAX array's
    ``@`` cannot be intercepted. A float32 policy accepts every model.
    """
    if not as_precision(precision).mixed:
        return
    foreign = []
    for path, module in nnx.iter_modules(model):
        if isinstance(module, CAST_LAYERS + KEPT_LAYERS):
            continue
        own = [k for k, v in vars(module).items() if isinstance(v, nnx.Param)]
        if own:
            where = ".".join(str(p) for p in path) or "the model"
            foreign.append(f"{where} ({type(module).__name__}: {', '.join(own)})")
    if foreign:
        layers = ", ".join(c.__name__ for c in CAST_LAYERS + KEPT_LAYERS)
        raise ValueError(
            f"precision {as_precision(precision).name!r}: {'; '.join(foreign)} holds "
            f"parameters outside {layers} layers, which JAX cannot cast per operator as "
            "torch's autocast does; use precision 'float32'"
        )


def autocast(model: nnx.Module, precision: str | Precision) -> nnx.Module:
    """Sets ``model``'s matmul-like layers to compute in the policy's dtype; returns ``model``.

    Each ``Linear`` and ``Conv2d`` casts its input, weight and bias to the compute dtype,
    accumulates in float32 (``preferred_element_type``) and rounds the result, bias
    included, once to the compute dtype: what torch's CPU autocast does through oneDNN
    (measured: torch's bf16 ``linear`` equals this single rounding on all but a few
    elements in 16k, which differ by one bf16 ulp from float32 summation order). Every
    other op runs in whatever dtype reaches it, as under torch's autocast (ReLU, max pool,
    flatten in the lower precision). The parameters stay float32.

    Changes the layers in place (their Flax ``dtype`` attributes, which are part of the
    module's static structure, so a jitted function traces each setting separately); use
    it on a copy (``nnx.clone``) to keep a float32 model. The train step applies it to
    the module it merges inside its trace.

    PyTorch twin: ``with torch.autocast(device_type, dtype):`` around the forward pass
    (``torch_ref.train.precision.autocast``).
    """
    policy = as_precision(precision)
    check_castable(model, policy)
    if not policy.mixed:
        return model
    dtype = jnp.dtype(policy.compute_dtype)
    for _, module in nnx.iter_modules(model):
        if isinstance(module, CAST_LAYERS):
            module.dtype = dtype
            module.preferred_element_type = jnp.float32
    return model


class LossScaleState(NamedTuple):
    """The dynamic loss scale: ``scale`` (float32) and ``growth_tracker`` (int32), the
    steps in a row without an inf/NaN gradient since the scale last changed. torch's
    ``GradScaler.state_dict()`` holds the same two (``scale``, ``_growth_tracker``)."""

    scale: jax.Array
    growth_tracker: jax.Array


@dataclass(frozen=True)
class GradScaler:
    """``torch.amp.GradScaler``'s dynamic loss scaling as pure functions of a
    :class:`LossScaleState`, for use inside a jitted step.

    One step: ``loss * state.scale`` is differentiated; :meth:`unscale` divides the
    gradients by the scale and says whether any scaled element was inf/NaN; the caller
    skips the optimizer update when it was (the update is dropped, not applied as zeros:
    parameters, optimizer state and step count stay as they were); :meth:`update` backs off
    or grows the scale. Unscale comes before anything that reads the gradients' size
    (clipping), as with ``scaler.unscale_(optimizer)`` before ``clip_grad_norm_``.

    Args:
      settings: :class:`LossScaling` (torch's defaults: ``init_scale=2**16``,
        ``growth_factor=2.0``, ``backoff_factor=0.5``, ``growth_interval=2000``).

    PyTorch twin: ``torch.amp.GradScaler(device, init_scale, growth_factor,
    backoff_factor, growth_interval)`` with ``scaler.scale(loss).backward()``,
    ``scaler.step(optimizer)``, ``scaler.update()``; its scale lives in the scaler
    object, here in the train state. torch multiplies the scale by a factor in double
    precision and stores float32; here the product is float32, the same for the default
    factors (powers of two) and within one float32 rounding otherwise.
    """

    settings: LossScaling = LossScaling()

    def init(self) -> LossScaleState:
        """The state before the first step: ``init_scale``, no clean steps yet."""
        return LossScaleState(
            jnp.asarray(self.settings.init_scale, jnp.float32), jnp.zeros([], jnp.int32)
        )

    def scale(self, state: LossScaleState, loss: jax.Array) -> jax.Array:
        """``loss * scale`` (torch: ``scaler.scale(loss)``)."""
        return loss * state.scale.astype(loss.dtype)

    def unscale(self, state: LossScaleState, grads: Any) -> tuple[Any, jax.Array]:
        """``(grads / scale, found_inf)``: ``found_inf`` is True when any element of the
        scaled gradients is inf or NaN (checked before dividing, as torch's
        ``_amp_foreach_non_finite_check_and_unscale_`` does)."""
        leaves = jax.tree.leaves(grads)
        found_inf = ~jnp.stack([jnp.all(jnp.isfinite(g)) for g in leaves]).all()
        inv_scale = 1.0 / state.scale  # exact for the powers of two the defaults give
        return jax.tree.map(lambda g: g * inv_scale.astype(g.dtype), grads), found_inf

    def update(self, state: LossScaleState, found_inf: jax.Array) -> LossScaleState:
        """torch's ``_amp_update_scale_``: after a step with an inf/NaN gradient, scale
        times ``backoff_factor`` and the count reset; after ``growth_interval`` clean steps
        in a row, scale times ``growth_factor`` (kept when the product would overflow to
        inf) and the count reset; otherwise the count goes up by one."""
        s = self.settings
        successful = state.growth_tracker + 1
        grow = successful == s.growth_interval
        grown = state.scale * jnp.float32(s.growth_factor)
        kept = jnp.where(grow & jnp.isfinite(grown), grown, state.scale)
        scale = jnp.where(found_inf, state.scale * jnp.float32(s.backoff_factor), kept)
        tracker = jnp.where(found_inf | grow, 0, successful).astype(jnp.int32)
        return LossScaleState(scale, tracker)


def grad_scaler(precision: str | Precision) -> GradScaler | None:
    """The policy's :class:`GradScaler`, or ``None`` when it does not scale the loss."""
    policy = as_precision(precision)
    return None if policy.loss_scaling is None else GradScaler(policy.loss_scaling)
