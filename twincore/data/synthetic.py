"""Seeded synthetic data for the worked examples, built once in NumPy for both frameworks.

The notebooks draw their data from torch's generator after ``torch.manual_seed(42)``;
JAX cannot reproduce that stream, so each builder draws the same distributions
from ``np.random.default_rng(seed)`` instead and both frameworks receive the
same arrays. The formulas (true weights, noise scales) are the notebooks'.
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

    The notebooks' ``X = torch.randn(n, F) * s; y = X @ w.T + b + torch.randn(n, 1) * noise``
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
    """Unrelated ``x ~ N(0, 1)`` (n, features) and ``y ~ N(0, 1)`` (n, 1): the notebooks'
    ``torch.randn(n, F), torch.randn(n, 1)`` demos (E44, E56, E57, E60, E61)."""
    if n < 1 or features < 1:
        raise ValueError(f"n and features must be positive ints; got {n!r}, {features!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    y = rng.standard_normal((n, 1))
    return Regression(x.astype(dtype), y.astype(dtype))


class Classification(NamedTuple):
    """Inputs ``x`` (N, F) and labels ``y``: int64 ``(N,)`` classes or float ``(N, 1)`` 0/1."""

    x: np.ndarray
    y: np.ndarray


def _check_sizes(**sizes: int) -> None:
    bad = {k: v for k, v in sizes.items() if isinstance(v, bool) or not isinstance(v, int) or v < 1}
    if bad:
        raise ValueError(f"sizes must be positive ints; got {bad}")


def noisy_line(
    n: int,
    start: float,
    stop: float,
    slope: float,
    intercept: float,
    noise_std: float,
    *,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Regression:
    """``x = linspace(start, stop, n)`` (n, 1); ``y = slope·x + intercept + noise_std·N(0, 1)``.

    The notebook's ``torch.linspace(0, 10, 50).reshape(-1, 1)`` and
    ``2 * x + 3 + torch.randn(50, 1) * 0.5`` (E52), drawn from NumPy.
    """
    _check_sizes(n=n)
    rng = np.random.default_rng(seed)
    x = np.linspace(start, stop, n).reshape(-1, 1)
    y = slope * x + intercept + rng.standard_normal((n, 1)) * noise_std
    return Regression(x.astype(dtype), y.astype(dtype))


def random_weights_regression(
    n: int,
    features: int,
    *,
    x_scale: float = 1.0,
    weight_scale: float = 1.0,
    bias: float = 0.0,
    noise_std: float = 1.0,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Regression:
    """``x ~ N(0, 1)·x_scale``; ``w ~ N(0, 1)`` (F, 1); ``y = (x @ w)·weight_scale + bias + noise``.

    The notebook's ``X = torch.randn(1000, 5) * 2; y = X @ torch.randn(5, 1) * 2 + 10 +
    torch.randn(1000, 1)`` (E39; ``@`` binds before ``*``),
    drawn from NumPy in the same order: x, w, noise.
    """
    _check_sizes(n=n, features=features)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)) * x_scale
    w = rng.standard_normal((features, 1))
    y = (x @ w) * weight_scale + bias + rng.standard_normal((n, 1)) * noise_std
    return Regression(x.astype(dtype), y.astype(dtype))


HOUSE_FEATURES = ("square_feet", "bedrooms", "bathrooms", "age", "distance")
"""Column names of :func:`house_prices`' inputs."""


def house_prices(n: int, *, seed: int = 0, dtype: str | np.dtype = np.float32) -> Regression:
    """The notebook's simulated houses (E40), raw (not standardised).

    Columns (:data:`HOUSE_FEATURES`): square feet ``N(0, 1)·500 + 2000`` (unbounded;
    the notebook's comment "1500-2500 sq ft" is one standard deviation),
    bedrooms uniform in {2, ..., 5}, bathrooms uniform in {1, 2, 3}, age
    ``U(0, 1)·50``, distance to the city ``U(0, 1)·30``; the price is
    ``100·sqft + 20000·bedrooms + 15000·bathrooms - 500·age - 2000·distance
    + 10000·N(0, 1)``. Drawn from NumPy in the notebook's order.
    """
    _check_sizes(n=n)
    rng = np.random.default_rng(seed)
    square_feet = rng.standard_normal((n, 1)) * 500 + 2000
    bedrooms = rng.integers(2, 6, (n, 1)).astype(np.float64)  # torch.randint(2, 6): 2..5
    bathrooms = rng.integers(1, 4, (n, 1)).astype(np.float64)  # 1..3
    age = rng.random((n, 1)) * 50
    distance = rng.random((n, 1)) * 30
    x = np.concatenate([square_feet, bedrooms, bathrooms, age, distance], axis=1)
    y = (
        100 * square_feet
        + 20000 * bedrooms
        + 15000 * bathrooms
        - 500 * age
        - 2000 * distance
        + rng.standard_normal((n, 1)) * 10000
    )
    return Regression(x.astype(dtype), y.astype(dtype))


def standardize(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise z-scores ``(a - mean) / std`` with the unbiased std (N - 1), as torch's
    ``a.mean(dim=0, keepdim=True)`` and ``a.std(dim=0, keepdim=True)`` (E40).

    Returns:
      ``(z, mean, std)``; ``mean`` and ``std`` have shape ``(1, F)``. Computed in
      float64, returned in ``a``'s dtype.

    Raises:
      ValueError: fewer than two rows (the unbiased std needs two), or a constant column.
    """
    a = np.asarray(a)
    if a.ndim != 2 or a.shape[0] < 2:
        raise ValueError(f"standardize: need a 2-D array with at least 2 rows; got {a.shape}")
    a64 = a.astype(np.float64)
    mean = a64.mean(axis=0, keepdims=True)
    std = a64.std(axis=0, ddof=1, keepdims=True)
    if (std == 0).any():
        raise ValueError(f"standardize: constant columns {np.flatnonzero(std[0] == 0).tolist()}")
    return ((a64 - mean) / std).astype(a.dtype), mean.astype(a.dtype), std.astype(a.dtype)


def circle_classification(
    n: int,
    features: int,
    *,
    radius: float = 1.0,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Classification:
    """``x ~ N(0, 1)`` (n, features); ``y = (x[:, 0]² + x[:, 1]² > radius²)`` as 0/1 floats (n, 1).

    The notebook's non-linear rule ``((X[:, 0]**2 + X[:, 1]**2) > 1.0).float().unsqueeze(1)``
    (E42); only the first two features matter.
    """
    _check_sizes(n=n)
    if features < 2:
        raise ValueError(f"circle_classification: needs at least 2 features; got {features!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(dtype)
    # The notebook's rule on the inputs both frameworks see, in their dtype.
    r2 = x[:, 0] ** 2 + x[:, 1] ** 2
    return Classification(x, (r2 > radius**2).astype(dtype).reshape(-1, 1))


def imbalanced_binary(
    n: int,
    features: int,
    *,
    positive_rate: float = 0.1,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Classification:
    """``x ~ N(0, 1)`` (n, features); ``y = (U(0, 1) > 1 - positive_rate)`` as 0/1 floats (n, 1).

    The notebook's ``(torch.rand(n) > 0.9).float().unsqueeze(1)`` (E36): about 10 %
    positives, independent of ``x``.
    """
    _check_sizes(n=n, features=features)
    if not 0.0 < positive_rate < 1.0:
        raise ValueError(f"positive_rate must be in (0, 1); got {positive_rate!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    y = (rng.random(n) > 1.0 - positive_rate).astype(np.float64).reshape(-1, 1)
    return Classification(x.astype(dtype), y.astype(dtype))


def linear_classification(
    n: int,
    features: int,
    num_classes: int,
    *,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Classification:
    """``x ~ N(0, 1)`` (n, features); ``y = argmax(x @ W)`` with ``W ~ N(0, 1)`` (F, C).

    A linearly separable multi-class task (labels int64 ``(n,)`` in
    ``0..num_classes-1``) for the notebooks' templates (E07), which have no data.
    With ``num_classes=2`` the label is 1 where ``x @ (W[:, 1] - W[:, 0]) > 0``.
    """
    _check_sizes(n=n, features=features)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2; got {num_classes!r}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    w = rng.standard_normal((features, num_classes))
    return Classification(x.astype(dtype), np.argmax(x @ w, axis=1).astype(np.int64))


def sequence_mean(
    n: int,
    seq_len: int,
    features: int,
    *,
    seed: int = 0,
    dtype: str | np.dtype = np.float32,
) -> Regression:
    """Sequences ``x ~ N(0, 1)`` (n, seq_len, features); ``y`` (n, 1) the mean of feature 0
    over time.

    A small task that needs the whole sequence, for the notebook's LSTM template (E09),
    which has no data.
    """
    _check_sizes(n=n, seq_len=seq_len, features=features)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, seq_len, features))
    y = x[:, :, 0].mean(axis=1, keepdims=True)
    return Regression(x.astype(dtype), y.astype(dtype))
