"""Bad inputs to multi-seed training and data parallelism: ``fit_seeds`` and ``data_mesh``.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.parallel``; they
keep the page's area ``train`` (with ``parity_tests/train/bad_inputs.py``).
``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import jax

import jaxnn.functional as F
from jaxnn import optim, parallel

from ..bad_input import BadInput

BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "train-seeds-zero",
        "train",
        "asked fit_seeds for zero seeds (no models)",
        lambda tmp: parallel.fit_seeds([], optim.sgd(lr=0.1), F.cross_entropy, [], 1),
        ValueError,
        "seeds must be >= 1; got no models",
    ),
    BadInput(
        "train-devices-too-many",
        "train",
        "asked for a data-parallel mesh of more devices than there are",
        lambda tmp: parallel.data_mesh(len(jax.devices()) + 1),
        ValueError,
        "devices but only",
    ),
    BadInput(
        "train-devices-zero",
        "train",
        "asked for a data-parallel mesh of 0 devices",
        lambda tmp: parallel.data_mesh(0),
        ValueError,
        "the device count must be a positive int; got 0",
    ),
)
