"""Seeded synthetic data for the worked examples, built once in NumPy for both frameworks.

The seeds draw their data from torch's generator after ``torch.manual_seed(42)``;
JAX cannot reproduce that stream, so each builder draws the same distributions
from ``np.random.default_rng(seed)`` instead and both frameworks receive the
same arrays. The formulas (true weights, noise scales) are the seeds'.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Regression(NamedTuple):
    """Inputs ``x`` (N, F) and targets ``y`` (N, 1)."""

    x: np.ndarray
    y: np.ndarray


def linear_regression(
    n: int,
    weights: list[float],
    bias: float,
    noise_std: float,
    *,
    x_scale: float = 1.0,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Regression:
    """``x ~ N(0, 1)·x_scale``, shape (n, F); ``y = x @ weights + bias + noise_std·N(0, 1)``.

    The seeds' ``X = torch.randn(n, F) * s; y = X @ w.T + b + torch.randn(n, 1) * noise``
    (E28, E35, E37, E38), drawn from NumPy. Computed in float64, then cast.
    """
    if n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    rng = np.random.default_rng(seed)
    w = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
    x = rng.standard_normal((n, w.shape[0])) * x_scale
    y = x @ w + bias + rng.standard_normal((n, 1)) * noise_std
    return Regression(x.astype(dtype), y.astype(dtype))


def random_regression(
    n: int, features: int, *, seed: int = 0, dtype: str | np.dtype = np.float32
) -> Regression:
    """Unrelated ``x ~ N(0, 1)`` (n, features) and ``y ~ N(0, 1)`` (n, 1): the seeds'
    ``torch.randn(n, F), torch.randn(n, 1)`` demos (E44, E56, E57, E60, E61)."""
    if n < 1 or features < 1:
        raise ValueError(f"n and features must be positive ints; got {n!r}, {features!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    y = rng.standard_normal((n, 1))
    return Regression(x.astype(dtype), y.astype(dtype))
