"""``to_numpy``: any framework's array as a private NumPy copy, without importing a framework."""

from __future__ import annotations

from typing import Any

import numpy as np


def is_torch_tensor(value: Any) -> bool:
    """Whether ``value`` is a torch tensor, told by its methods (torch is not imported)."""
    return hasattr(value, "detach") and hasattr(value, "cpu")


def to_numpy(value: Any) -> np.ndarray:
    """A NumPy copy of a torch tensor, a JAX array, a NumPy array or a Python value.

    The copy is private and taken now: ``tensor.numpy()`` shares torch's storage,
    and JAX's host-to-device transfer is asynchronous, so a later in-place update
    by the owner (torch's ``optimizer.step()``) must not reach what was copied.
    A torch bfloat16 tensor, which NumPy has no type for, comes back as float32.
    A JAX array is fetched from its device through ``__array__``.
    """
    if is_torch_tensor(value):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        value = value.numpy()
    return np.array(value, copy=True)
