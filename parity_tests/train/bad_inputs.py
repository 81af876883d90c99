"""Bad inputs to the training loop: ``jaxnn.train.fit`` and its options.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.train`` (area
``train``; the multi-seed and data-parallel rows of that area are in
``parity_tests/parallel/bad_inputs.py``); ``test_bad_inputs.py`` runs them;
``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from flax import nnx

import jaxnn.functional as F
import jaxnn.nn as nn
from jaxnn import optim, train
from jaxnn.data import DataLoader, TensorDataset

from ..bad_input import BadInput


def _fit(x: np.ndarray, y: np.ndarray, **kwargs: Any) -> train.FitResult:
    """One epoch of SGD on a Linear(2, 1) regression over ``(x, y)``."""
    loader = DataLoader(TensorDataset(x, y), batch_size=2)
    model = nn.Linear(2, 1, rngs=nnx.Rngs(0))
    return train.fit(model, optim.sgd(lr=0.1), F.mse_loss, loader, **{"epochs": 1, **kwargs})


_X = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
_Y = np.array([[1.0], [0.0]], np.float32)
_X_NAN = np.array([[math.nan, 1.0], [1.0, 0.0]], np.float32)


def _val() -> DataLoader:
    """A validation loader over the training rows."""
    return DataLoader(TensorDataset(_X, _Y), batch_size=2)


BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "train-nan-in-data",
        "train",
        "trained on inputs holding a NaN",
        lambda tmp: _fit(_X_NAN, _Y),
        train.NonFiniteLossError,
        "non-finite loss nan at step 0 (epoch 1, batch 0)",
    ),
    BadInput(
        "train-epochs-negative",
        "train",
        "called fit with epochs=-1",
        lambda tmp: _fit(_X, _Y, epochs=-1),
        ValueError,
        "epochs must be a non-negative int; got -1",
    ),
    BadInput(
        "train-on-nonfinite",
        "train",
        "called fit with on_nonfinite='ignore'",
        lambda tmp: _fit(_X, _Y, on_nonfinite="ignore"),
        ValueError,
        "on_nonfinite must be 'raise', 'skip' or 'continue'; got 'ignore'",
    ),
    BadInput(
        "train-checkpoint-without-callback",
        "train",
        "asked fit for checkpoints without an on_checkpoint callback",
        lambda tmp: _fit(_X, _Y, checkpoint_every=2),
        ValueError,
        "checkpoint_every must be >= 0, and > 0 only with an on_checkpoint callback",
    ),
    BadInput(
        "train-patience-negative",
        "train",
        "called fit with patience=-1",
        lambda tmp: _fit(_X, _Y, val_loader=_val(), patience=-1),
        ValueError,
        "patience must be None or an int >= 0; got -1",
    ),
    BadInput(
        "train-patience-without-validation",
        "train",
        "asked fit for early stopping without a val_loader",
        lambda tmp: _fit(_X, _Y, patience=3),
        ValueError,
        "patience=3 needs a val_loader to measure improvement on; got none",
    ),
    BadInput(
        "train-val-loader-empty",
        "train",
        "gave fit a validation set with no batches (an empty list)",
        lambda tmp: _fit(_X, _Y, val_loader=[], patience=2),
        ValueError,
        "val_loader yields no batches; expected at least one validation batch",
    ),
    BadInput(
        "train-min-delta-negative",
        "train",
        "called fit with min_delta=-0.1",
        lambda tmp: _fit(_X, _Y, val_loader=_val(), patience=2, min_delta=-0.1),
        ValueError,
        "min_delta must be a finite number >= 0; got -0.1",
    ),
)
