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


def check_worker_args(
    num_workers: Any, prefetch_factor: Any, persistent_workers: Any
) -> int | None:
    """Checks torch's worker arguments with torch's messages; returns the prefetch factor in
    effect (torch's default 2 with workers, None without)."""
    if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)):
        raise TypeError(f"num_workers must be an int; got {num_workers!r}")
    if num_workers < 0:
        raise ValueError(
            "num_workers option should be non-negative; use num_workers=0 to disable "
            "multiprocessing."
        )
    if not isinstance(persistent_workers, (bool, np.bool_)):
        raise TypeError(f"persistent_workers must be a bool; got {persistent_workers!r}")
    if prefetch_factor is not None and (
        isinstance(prefetch_factor, bool) or not isinstance(prefetch_factor, (int, np.integer))
    ):
        raise TypeError(f"prefetch_factor must be an int or None; got {prefetch_factor!r}")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing."
            "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
        )
    if num_workers > 0 and prefetch_factor is None:
        prefetch_factor = 2
    elif prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    return None if prefetch_factor is None else int(prefetch_factor)
