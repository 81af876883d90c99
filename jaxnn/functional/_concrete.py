"""Reading an argument's values for validation without touching a traced computation."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def concrete_values(x: Any) -> np.ndarray | None:
    """``x`` as a NumPy array when its values are known now, else None (inside a trace).

    Validation uses NumPy: a ``jnp`` reduction here would itself be staged when
    the caller is being traced, even if ``x`` is a concrete constant.
    """
    if isinstance(x, jax.core.Tracer):
        return None
    return np.asarray(x)
