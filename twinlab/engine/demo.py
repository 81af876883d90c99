"""A forward or backward demo run in each framework: its two functions, each given a side."""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.forward import JaxSide, TorchSide
from twinlab.records import SideResult


def demo_torch(example: Example, settings: Settings) -> SideResult:
    """The demo's torch half; its models' parameters and torch's draws go to ``initial_state``."""
    side = TorchSide(settings)
    example.torch_side(side)
    return SideResult(side.losses, side.final, side.state, initial_state=side.initial)


def demo_jax(
    example: Example, settings: Settings, init: dict[str, np.ndarray] | None
) -> SideResult:
    """The demo's JAX half, from torch's parameters and draws (``init``) when given."""
    side = JaxSide(settings, init)
    example.jax_side(side)
    return SideResult(side.losses, side.final, side.state)
