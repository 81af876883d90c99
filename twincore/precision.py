"""Mixed-precision policies both twins read: the dtype that holds the parameters, the one the
matmul-like layers compute in, the one the output and loss come in, and loss scaling.

``"bf16-mixed"`` and ``"fp16-mixed"`` are the twins of torch's
``torch.autocast(device_type, dtype=torch.bfloat16 / torch.float16)``; ``"fp16-mixed"`` adds
``torch.amp.GradScaler``'s dynamic loss scaling, whose settings (:class:`LossScaling`) are
torch's defaults. The names follow PyTorch Lightning's ``precision=`` strings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LossScaling:
    """Dynamic loss scaling with ``torch.amp.GradScaler``'s settings and defaults.

    The loss is multiplied by ``scale`` before differentiation and the gradients divided by it
    after; a step whose scaled gradients hold an inf or NaN is skipped (the optimizer does not
    step) and the scale multiplied by ``backoff_factor``; after ``growth_interval`` steps in a
    row without one, the scale is multiplied by ``growth_factor`` (unless that overflows).
    """

    init_scale: float = 2.0**16
    growth_factor: float = 2.0
    backoff_factor: float = 0.5
    growth_interval: int = 2000

    def __post_init__(self):
        # torch's GradScaler asserts the same two factor bounds.
        if not self.init_scale > 0:
            raise ValueError(f"init_scale must be > 0; got {self.init_scale!r}")
        if not self.growth_factor > 1.0:
            raise ValueError(f"growth_factor must be > 1.0; got {self.growth_factor!r}")
        if not 0.0 < self.backoff_factor < 1.0:
            raise ValueError(f"backoff_factor must be in (0, 1); got {self.backoff_factor!r}")
        interval = self.growth_interval
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f"growth_interval must be an int >= 1; got {interval!r}")


@dataclass(frozen=True)
class Precision:
    """A precision policy: parameter, compute and output dtypes, and optional loss scaling.

    Attributes:
      name: ``"float32"``, ``"bf16-mixed"`` or ``"fp16-mixed"``.
      param_dtype: the parameters and their gradients (the optimizer's master copy).
      compute_dtype: what torch's autocast runs its lower-precision ops in (linear,
        matmul, conv); the jaxnn twin casts the inputs, weights and bias of ``Linear`` and
        ``Conv2d`` to it and rounds their float32-accumulated result to it once.
      output_dtype: the model's output is cast to it before the loss (torch's autocast
        runs every loss in float32).
      loss_scaling: :class:`LossScaling` for float16, whose range (max 65504, smallest
        normal 6.1e-5) loses small gradients without it; ``None`` otherwise.
    """

    name: str
    param_dtype: str = "float32"
    compute_dtype: str = "float32"
    output_dtype: str = "float32"
    loss_scaling: LossScaling | None = None

    @property
    def mixed(self) -> bool:
        """Whether any layer computes in another dtype than the parameters'."""
        return self.compute_dtype != self.param_dtype


PRECISIONS: dict[str, Precision] = {
    "float32": Precision("float32"),
    "bf16-mixed": Precision("bf16-mixed", compute_dtype="bfloat16"),
    "fp16-mixed": Precision("fp16-mixed", compute_dtype="float16", loss_scaling=LossScaling()),
}
"""The policies by name (``jaxnn run --precision``)."""


def as_precision(policy: str | Precision | None) -> Precision:
    """``policy`` as a :class:`Precision`: a name from :data:`PRECISIONS`, a policy, or
    ``None`` (float32)."""
    if policy is None:
        return PRECISIONS["float32"]
    if isinstance(policy, Precision):
        return policy
    try:
        return PRECISIONS[policy]
    except (KeyError, TypeError):
        raise ValueError(
            f"precision must be one of {', '.join(PRECISIONS)} or a Precision; got {policy!r}"
        ) from None
