"""Mixed precision in torch: ``torch.autocast`` and ``torch.amp.GradScaler`` for a policy.

The policies (:class:`Precision`, by name ``"float32"``, ``"bf16-mixed"`` or
``"fp16-mixed"``) are the neutral core's, shared with ``jaxnn.train.precision``. torch
casts per operator at dispatch time: inside :func:`autocast`, ``linear``/``matmul``/
``conv2d`` run in the compute dtype, the losses in float32, everything else in the dtype
that reaches it. The seeds print this pattern with the deprecated ``torch.cuda.amp``
names (S1 3871-3889); ``torch.amp`` is their current home, on CPU too.
"""

from __future__ import annotations

import torch

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
]

CAST_LAYERS = (torch.nn.Linear, torch.nn.Conv2d)
"""The layers whose ops torch's CPU autocast lists for the lower precision."""

KEPT_LAYERS = (torch.nn.Embedding,)
"""Layers with parameters autocast leaves in float32 (``embedding`` is on no list)."""


def check_castable(model: torch.nn.Module, precision: str | Precision) -> None:
    """Raises ValueError when ``model`` holds parameters outside :data:`CAST_LAYERS` and
    :data:`KEPT_LAYERS` under a mixed policy: torch would cast their ops per operator, but
    the JAX twin (``jaxnn.train.precision.check_castable``) can place only these layers'
    parameters, so the two runs would not be the same computation. A float32 policy
    accepts every model."""
    if not as_precision(precision).mixed:
        return
    foreign = []
    for name, module in model.named_modules():
        if isinstance(module, CAST_LAYERS + KEPT_LAYERS):
            continue
        own = [k for k, v in module.named_parameters(recurse=False) if v is not None]
        if own:
            foreign.append(f"{name or 'the model'} ({type(module).__name__}: {', '.join(own)})")
    if foreign:
        layers = ", ".join(c.__name__ for c in CAST_LAYERS + KEPT_LAYERS)
        raise ValueError(
            f"precision {as_precision(precision).name!r}: {'; '.join(foreign)} holds "
            f"parameters outside {layers} layers, which JAX cannot cast per operator as "
            "torch's autocast does; use precision 'float32'"
        )


def autocast(precision: str | Precision, device_type: str = "cpu") -> torch.autocast:
    """``torch.autocast(device_type, dtype=<compute dtype>)``, disabled for float32.

    JAX twin: ``jaxnn.train.precision.autocast(model, precision)``, which sets the
    compute dtype on the layers instead (JAX has no dispatcher to hook).
    """
    policy = as_precision(precision)
    dtype = getattr(torch, policy.compute_dtype)
    return torch.autocast(device_type=device_type, dtype=dtype, enabled=policy.mixed)


def grad_scaler(precision: str | Precision, device_type: str = "cpu") -> torch.amp.GradScaler:
    """``torch.amp.GradScaler(device_type, **LossScaling)`` of the policy, disabled (every
    method a pass-through) when it does not scale the loss.

    JAX twin: ``jaxnn.train.precision.grad_scaler(precision)``, a pure
    ``GradScaler`` whose state the train state carries.
    """
    policy = as_precision(precision)
    settings = policy.loss_scaling or LossScaling()
    return torch.amp.GradScaler(
        device_type,
        init_scale=settings.init_scale,
        growth_factor=settings.growth_factor,
        backoff_factor=settings.backoff_factor,
        growth_interval=settings.growth_interval,
        enabled=policy.loss_scaling is not None,
    )
