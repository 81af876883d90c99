"""The checks both twins' ``DataLoader`` make of their arguments, before anything is drawn."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_loader_args(dataset: Any, batch_size: Any, seed: Any, sampler: Any, **flags: Any) -> None:
    """Raises a ValueError or TypeError naming the first bad argument: ``batch_size`` a
    positive int, each of ``flags`` (``shuffle``, ``drop_last``, ...) a bool, ``seed`` a
    non-negative int, not both a ``sampler`` and ``shuffle=True``, a non-empty dataset."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
    for name, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            # A truthy string such as "False" would otherwise switch it on silently.
            raise TypeError(f"{name} must be a bool; got {flag!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        # int(1.5) or int("3") would silently pick another shuffle order.
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    if sampler is not None and flags.get("shuffle"):
        raise ValueError("sampler and shuffle=True are mutually exclusive")
    if len(dataset) == 0:
        raise ValueError("DataLoader: the dataset is empty")
