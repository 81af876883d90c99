"""A seeded split of ``range(n)`` into parts: the indices both twins' ``random_split`` use."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def split_lengths(n: int, lengths: Sequence[int | float]) -> list[int]:
    """The part sizes of ``n`` samples, as ``torch.utils.data.random_split`` reads ``lengths``.

    Integers must sum to ``n``. Fractions (floats summing to 1) become
    ``floor(n * fraction)`` each, and the samples left over go one each to the
    parts in order (torch's round robin), so ``[0.8, 0.2]`` of 11 is ``[9, 2]``.
    """
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence) or not lengths:
        raise ValueError(f"lengths must be a non-empty list of ints or fractions; got {lengths!r}")
    if any(isinstance(k, bool) or not isinstance(k, (int, float, np.integer)) for k in lengths):
        raise ValueError(f"lengths must be ints or fractions; got {list(lengths)!r}")
    if all(isinstance(k, (int, np.integer)) for k in lengths):
        sizes = [int(k) for k in lengths]
        if any(k < 0 for k in sizes) or sum(sizes) != n:
            raise ValueError(
                f"lengths {sizes} must be >= 0 and sum to the dataset's {n} samples; "
                f"they sum to {sum(sizes)}"
            )
        return sizes
    fractions = [float(k) for k in lengths]
    if not math.isclose(sum(fractions), 1) or any(not 0 <= f <= 1 for f in fractions):
        raise ValueError(
            f"fractional lengths must each be in [0, 1] and sum to 1; got {fractions!r}"
        )
    sizes = [math.floor(n * f) for f in fractions]
    for i in range(n - sum(sizes)):  # torch's round robin of the remainder
        sizes[i % len(sizes)] += 1
    return sizes


def split_indices(n: int, lengths: Sequence[int | float], seed: int) -> list[np.ndarray]:
    """``range(n)`` split into parts of ``lengths``, from one seeded permutation.

    ``perm = np.random.default_rng(seed).permutation(n)``; part ``k`` is the next
    ``sizes[k]`` entries of ``perm`` (:func:`split_lengths`), as torch's
    ``random_split`` slices its ``randperm``. The permutation is built once in NumPy,
    so both twins get the same parts for the same seed (torch's own draws from its
    generator, which JAX cannot replay).

    Returns:
      int64 index arrays, disjoint, together a permutation of ``range(n)``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"random_split: the dataset's length must be an int >= 0; got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"random_split: seed must be an int; got {seed!r}")
    sizes = split_lengths(n, lengths)
    perm = np.random.default_rng(seed).permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [perm[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
