"""Bad inputs to the training loop: ``jaxnn.train.fit`` and its options; the class metrics.

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
        "train-metrics-num-classes",
        "train",
        "asked for a confusion matrix of 0 classes",
        lambda tmp: train.confusion_matrix(np.array([0, 1]), np.array([0, 1]), 0),
        ValueError,
        "confusion_matrix(): num_classes must be >= 1; got 0",
    ),
    BadInput(
        "train-metrics-pred-range",
        "train",
        "predicted class 3 with num_classes=3 (outside jit)",
        lambda tmp: train.precision_recall_f1(np.array([0, 3]), np.array([0, 1]), 3),
        ValueError,
        "precision_recall_f1(): preds holds class 3, outside [0, 3) for num_classes=3",
    ),
    BadInput(
        "train-metrics-logits",
        "train",
        "gave precision_recall_f1 the (N, C) logits instead of class indices",
        lambda tmp: train.precision_recall_f1(np.zeros((2, 3), np.float32), np.array([0, 1]), 3),
        TypeError,
        "precision_recall_f1(): preds must hold integer class indices; got dtype float32 "
        "(for logits pass argmax(logits, axis=1))",
    ),
    BadInput(
        "train-metrics-shapes",
        "train",
        "gave confusion_matrix 3 predictions and 2 targets",
        lambda tmp: train.confusion_matrix(np.array([0, 1, 1]), np.array([0, 1]), 2),
        ValueError,
        "confusion_matrix(): preds shape (3,) differs from targets shape (2,)",
    ),
    BadInput(
        "train-precision-unknown",
        "train",
        "called fit with precision='fp16' (not a policy's name)",
        lambda tmp: _fit(_X, _Y, precision="fp16"),
        ValueError,
        "precision must be one of float32, bf16-mixed, fp16-mixed or a Precision; got 'fp16'",
    ),
    BadInput(
        "train-precision-hand-made-parameters",
        "train",
        "trained a model with hand-made parameters (x @ W + b) under precision='bf16-mixed'",
        lambda tmp: _fit_hand_made(precision="bf16-mixed"),
        ValueError,
        "the model (ModuleWithParameter: weight, bias) holds parameters outside Linear, Conv2d, "
        "Embedding layers, which JAX cannot cast per operator",
    ),
    BadInput(
        "train-loss-scaling-growth-factor",
        "train",
        "made a loss scaling that never grows (growth_factor=1.0)",
        lambda tmp: train.precision.LossScaling(growth_factor=1.0),
        ValueError,
        "growth_factor must be > 1.0; got 1.0",
    ),
    BadInput(
        "train-fp16-state-without-loss-scale",
        "train",
        "ran an fp16-mixed train step on a state made without the policy (no loss scale)",
        lambda tmp: _fp16_step_without_loss_scale(),
        ValueError,
        "precision 'fp16-mixed' scales the loss: make the state with "
        "TrainState.create(model, tx, precision)",
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


def _fit_hand_made(**kwargs: Any) -> train.FitResult:
    """One epoch of a model whose parameters are its own (``x @ weight + bias``)."""
    from jaxnn.models import ModuleWithParameter

    x = np.ones((4, 3), np.float32)
    loader = DataLoader(TensorDataset(x, x), batch_size=2)
    model = ModuleWithParameter(rngs=nnx.Rngs(0))
    return train.fit(model, optim.sgd(lr=0.1), F.mse_loss, loader, 1, **kwargs)


def _fp16_step_without_loss_scale():
    model = nn.Linear(2, 1, rngs=nnx.Rngs(0))
    tx = optim.sgd(lr=0.1)
    graphdef, state = train.TrainState.create(model, tx)  # no precision: no loss scale
    step = train.make_train_step(graphdef, tx, F.mse_loss, precision="fp16-mixed")
    return step(state, (_X, _Y))
