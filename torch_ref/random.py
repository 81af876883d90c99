"""Seeding for reproducibility: the notebook's three-place advice.

Twin of ``jaxnn.random``.

Seeded torch outputs (the notebooks' printed values under ``torch.manual_seed``) are
checks for this reference package only: JAX cannot reproduce torch's generator, so parity
tests copy initial parameters, data, shuffle orders and dropout masks from one
side into the other instead of matching random streams.
"""

from __future__ import annotations

import random

import numpy as np
import torch

# np.random.seed accepts [0, 2**32); torch and Python accept more. One range for all.
_SEED_LIMIT = 2**32


def check_seed(seed: int) -> int:
    """Returns ``seed`` if it is an int in ``[0, 2**32)``, else raises ValueError."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _SEED_LIMIT:
        raise ValueError(f"seed must be an int in [0, 2**32); got {seed!r}")
    return seed


def seed_everything(seed: int) -> torch.Generator:
    """Seeds torch, NumPy's global generator and Python's ``random`` with ``seed``.

    ``torch.manual_seed(seed); np.random.seed(seed); random.seed(seed)`` —
    "three places to set the random seed which you should do all at once".
    ``torch.manual_seed`` also seeds every CUDA device.

    Args:
      seed: an int in ``[0, 2**32)`` (NumPy's limit).

    Returns:
      torch's default ``torch.Generator`` (what ``torch.manual_seed`` returns),
      now seeded: ``randn``, ``nn.Linear`` init, ``DataLoader(shuffle=True)``
      and dropout all draw from it, in program order.

    Raises:
      ValueError: for a negative, too large or non-int seed.

    JAX twin: ``jaxnn.random.seed_everything`` seeds the same NumPy and Python
    generators identically but returns ``nnx.Rngs(seed)``: JAX has no global
    generator, keys are passed explicitly. The two frameworks' streams never
    match, which is why parity copies parameters and data rather than seeds.
    """
    check_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
    return torch.manual_seed(seed)
