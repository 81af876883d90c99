"""The arguments both twins' ``make_grid`` accept, checked in one place."""

from __future__ import annotations

import math
from typing import Any


def check_grid_arguments(
    shape: tuple[int, ...], floating: bool, nrow, padding, normalize, value_range
) -> None:
    """Refuses what ``torchvision.utils.make_grid`` would fail on or silently garble."""
    if len(shape) not in (2, 3, 4):
        raise ValueError(
            "make_grid: images must be (N, C, H, W), (C, H, W) or (H, W), or a list of "
            f"(C, H, W); got shape {tuple(shape)}"
        )
    if len(shape) == 4 and shape[0] == 0:
        raise ValueError("make_grid: images holds no image; expected at least one")
    if isinstance(nrow, bool) or not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"make_grid: nrow must be an int >= 1; got {nrow!r}")
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"make_grid: padding must be an int >= 0; got {padding!r}")
    if normalize and not floating:
        raise ValueError(
            "make_grid: normalize=True needs floating-point images (it rescales to [0, 1]); "
            "got an integer array"
        )
    if value_range is not None and not _is_range(value_range):
        raise ValueError(
            f"make_grid: value_range must be a tuple (low, high) of numbers; got {value_range!r}"
        )


def _is_range(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and math.isfinite(v) for v in value)
    )
