"""How far apart two results are: the difference metrics every report and check uses.

A result is an array (or anything :func:`~twincore.arrays.to_numpy` takes), a
list of per-step losses, or a state dict of named arrays. Differences are
measured in float64; booleans count as 0 and 1. Non-finite values agree where
both sides hold the same one (NaN and NaN, inf and inf: a run that diverged in
step on both sides) and differ by ``inf`` anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from twincore.arrays import to_numpy


def _float64(value: Any) -> np.ndarray:
    return to_numpy(value).astype(np.float64)


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = _float64(a), _float64(b)
    if x.shape != y.shape:
        raise ValueError(f"cannot compare shapes {x.shape} and {y.shape}")
    return x, y


def _abs_diff(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(x - y)
    same = (x == y) | (np.isnan(x) & np.isnan(y))
    return np.where(same, 0.0, np.where(np.isfinite(d), d, np.inf))


def max_abs_diff(a: Any, b: Any) -> float:
    """``max |a - b|`` over two arrays or loss lists, or the worst tensor of two state dicts
    (keys of ``a``; empty tensors count 0)."""
    if isinstance(a, Mapping):
        return max((max_abs_diff(a[k], b[k]) for k in a), default=0.0)
    x, y = _pair(a, b)
    return float(np.max(_abs_diff(x, y))) if x.size else 0.0


def max_rel_diff(a: Any, b: Any) -> float:
    """``max |a - b| / max |b|``: the largest difference relative to ``b``'s scale.

    Over a whole loss curve or array, and per tensor for state dicts (the worst
    tensor), with the scale taken over ``b``'s finite values. Per-element ratios
    would blow up where a loss or a parameter nears zero, and absolute differences
    on runs whose values grow huge (a diverging learning rate).
    """
    if isinstance(a, Mapping):
        return max((max_rel_diff(a[k], b[k]) for k in a), default=0.0)
    x, y = _pair(a, b)
    if not x.size:
        return 0.0
    finite = np.abs(y[np.isfinite(y)])
    scale = float(finite.max()) if finite.size else 0.0
    return float(np.max(_abs_diff(x, y)) / max(scale, 1e-300))
