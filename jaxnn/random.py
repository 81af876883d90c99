"""Seeding for reproducibility: the notebook's three-place advice, JAX twin.

JAX has no global random state: every draw takes an explicit
``jax.random.key``, and Flax NNX modules take an ``nnx.Rngs`` that hands out
keys per stream (``params``, ``dropout``). The same key always gives the same
draw, on any device. No key reproduces torch's Mersenne-Twister/Philox streams,
so parity tests copy initial parameters, data, shuffle orders and dropout masks
from torch into JAX instead of matching random streams.
"""

from __future__ import annotations

import random

import numpy as np
from flax import nnx

# np.random.seed accepts [0, 2**32); torch and Python accept more. One range for all.
_SEED_LIMIT = 2**32


def check_seed(seed: int) -> int:
    """Returns ``seed`` if it is an int in ``[0, 2**32)``, else raises ValueError."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _SEED_LIMIT:
        raise ValueError(f"seed must be an int in [0, 2**32); got {seed!r}")
    return seed


def seed_everything(seed: int) -> nnx.Rngs:
    """Seeds NumPy's global generator and Python's ``random``; returns ``nnx.Rngs(seed)``.

    The JAX reading of "set the random seed in three places at once": NumPy and
    Python get ``seed`` exactly as the torch twin gives it, and the JAX part is a
    value, not a global: pass the returned ``Rngs`` to every module
    (``Linear(3, 2, rngs=rngs)``) and stochastic layer.

    Args:
      seed: an int in ``[0, 2**32)`` (NumPy's limit).

    Returns:
      ``nnx.Rngs(seed)``: ``rngs.params()`` / ``rngs.dropout()`` yield a fresh
      key per call, deterministically from ``seed``.

    Raises:
      ValueError: for a negative, too large or non-int seed.

    PyTorch twin: ``torch_ref.random.seed_everything`` also calls
    ``torch.manual_seed(seed)`` and returns the global ``torch.Generator``.
    After either twin, ``np.random`` and ``random`` draws are identical; torch
    and JAX draws are not, and never will be, so parity copies initial
    parameters and data from one side into the other.
    """
    check_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
    return nnx.Rngs(seed)
