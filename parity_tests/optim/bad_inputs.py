"""Bad inputs to the optimizers, the learning-rate schedules and gradient clipping.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.optim``;
``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import math

import jax.numpy as jnp

from jaxnn import optim

from ..bad_input import BadInput

BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "optim-sgd-negative-lr",
        "optim",
        "built SGD with a negative learning rate",
        lambda tmp: optim.sgd(lr=-0.1),
        ValueError,
        "Invalid learning rate: -0.1",
    ),
    BadInput(
        "optim-adam-nan-lr",
        "optim",
        "built Adam with a NaN learning rate",
        lambda tmp: optim.adam(lr=math.nan),
        ValueError,
        "Invalid learning rate: nan",
    ),
    BadInput(
        "optim-adam-beta2-one",
        "optim",
        "built Adam with betas=(0.9, 1.0)",
        lambda tmp: optim.adam(lr=1e-3, betas=(0.9, 1.0)),
        ValueError,
        "Invalid beta parameter at index 1: 1.0",
    ),
    BadInput(
        "optim-adam-beta1-negative",
        "optim",
        "built Adam with betas=(-0.1, 0.999)",
        lambda tmp: optim.adam(lr=1e-3, betas=(-0.1, 0.999)),
        ValueError,
        "Invalid beta parameter at index 0: -0.1",
    ),
    BadInput(
        "optim-sgd-nesterov",
        "optim",
        "asked SGD for Nesterov momentum without momentum",
        lambda tmp: optim.sgd(lr=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    BadInput(
        "optim-step-lr-zero",
        "optim",
        "built a StepLR schedule with step_size=0",
        lambda tmp: optim.step_lr(0.1, step_size=0),
        ValueError,
        "step_size must be a positive integer, got 0",
    ),
    BadInput(
        "optim-clip-nonfinite",
        "optim",
        "clipped NaN gradients with error_if_nonfinite=True (outside jit)",
        lambda tmp: optim.clip_grad_norm_(
            {"w": jnp.array([math.nan])}, 1.0, error_if_nonfinite=True
        ),
        RuntimeError,
        "The total norm of order 2.0 for gradients from",
    ),
)
