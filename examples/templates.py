"""The notebooks' templates, trained briefly on small synthetic tasks (E07, E09, E10).

The templates have no data (inventory §2), so each example chooses a small
task that fits the notebook's advice (S3 226-234: MSE for regression,
``BCEWithLogitsLoss`` for binary and ``CrossEntropyLoss`` for multi-class
tasks, Adam as the default optimizer, lr 0.001 as in S3 91) and the canonical
loop over a shuffled ``DataLoader`` (S3 106-117, 352-364). Data comes from
``twincore.data.synthetic`` (NumPy, seeded), 256 training and 64 test samples.

- ``template_net`` (E07, S3 50-56): ``Net`` = ``Linear(10, 1)``, a noisy linear
  regression (``y = (x @ w) + 0.1·noise``, ``w ~ N(0, 1)``), MSE.
- ``template_linear_model`` (E07, S3 252-258): ``LinearModel(10, 1)`` on a
  linearly separable binary task (labels 0/1 as floats), BCE with logits;
  accuracy thresholds the logit at 0.
- ``template_ann`` (E07, S3 269-281): ``ANN(10, 3)`` (10-128-64-3) on a
  three-class task (``argmax(x @ W)``), cross-entropy.
- ``lstm_template`` (E09, S3 327-348): ``RNNModel(8, 16, 1)`` (an LSTM with
  ``batch_first=True``, then ``Linear`` on the last time step) predicting the
  mean of a sequence's first feature over 10 steps, MSE (sizes F=8, H=16,
  T=10 as the inventory suggests).
- ``train_loop_template`` (E10, S1 10323-10365): the notebook's
  ``train_model(model, train_loader, criterion, optimizer, num_epochs)``, which
  prints the average loss per epoch, run with a 10-32-1 ReLU network, MSE and
  Adam on a noisy linear regression of 320 samples.

Repairs (inventory §5 item 6): the templates read undefined globals
(``in_features``, ``out_features``, ``n_in``, ``n_out``, ``input_size``,
``hidden_size``, ``output_size``); the models take them as constructor
arguments (``torch_ref.models``, ``jaxnn.models``).
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.recipe import Data, Recipe
from twincore.data import synthetic

N_TRAIN, N_TEST = 256, 64
TEMPLATE_CONFIG = Settings(epochs=10, batch_size=32, lr=0.001, seed=0)


def _split(x: np.ndarray, y: np.ndarray) -> Data:
    return Data(x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:])


def _regression(settings: Settings) -> Data:
    d = synthetic.random_weights_regression(
        N_TRAIN + N_TEST, 10, noise_std=0.1, seed=settings.seed, dtype=settings.dtype
    )
    return _split(d.x, d.y)


def _binary(settings: Settings) -> Data:
    d = synthetic.linear_classification(
        N_TRAIN + N_TEST, 10, 2, seed=settings.seed, dtype=settings.dtype
    )
    return _split(d.x, d.y.astype(settings.dtype).reshape(-1, 1))  # BCE wants float targets


def _three_classes(settings: Settings) -> Data:
    d = synthetic.linear_classification(
        N_TRAIN + N_TEST, 10, 3, seed=settings.seed, dtype=settings.dtype
    )
    return _split(d.x, d.y)


def _sequences(settings: Settings) -> Data:
    d = synthetic.sequence_mean(N_TRAIN + N_TEST, 10, 8, seed=settings.seed, dtype=settings.dtype)
    return _split(d.x, d.y)


def _train_loop(settings: Settings) -> Data:
    d = synthetic.random_weights_regression(
        320, 10, bias=1.0, noise_std=0.1, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _loader_recipe(model, data, loss, **kwargs) -> Recipe:
    return Recipe(
        model=model,
        data=data,
        loss=loss,
        optimizer="adam",
        batching="loader",
        shuffle=True,
        **kwargs,
    )


TEMPLATE_NET = Example(
    "template_net",
    "template Net = Linear(10, 1), regression (E07)",
    "S3 50-56, 106-117, 226-234",
    "Net: nn.Linear(10, 1)",
    "256 + 64 samples, x ~ N(0, 1)^10, y = x·w + 0.1·noise, w ~ N(0, 1) (NumPy)",
    "nothing (a template); here the per-step loss, train and test loss, the parameters",
    TEMPLATE_CONFIG,
    _loader_recipe(
        ("models.Net",), _regression, "mse_loss", report=("train_loss", "test_loss", "parameters")
    ),
)

TEMPLATE_LINEAR_MODEL = Example(
    "template_linear_model",
    "template LinearModel(10, 1), binary classification with logits (E07)",
    "S3 252-258, 226-234",
    "LinearModel(10, 1): nn.Linear(10, 1)",
    "256 + 64 samples, x ~ N(0, 1)^10, label 1 where x·v > 0 (NumPy)",
    "nothing (a template); here the per-step loss, train and test accuracy (logit > 0)",
    TEMPLATE_CONFIG,
    _loader_recipe(
        ("models.LinearModel", 10, 1),
        _binary,
        "binary_cross_entropy_with_logits",
        threshold=0.0,
        report=("train_loss", "train_accuracy", "test_accuracy"),
    ),
)

TEMPLATE_ANN = Example(
    "template_ann",
    "template ANN(10, 3), three-class classification (E07)",
    "S3 269-281, 226-234",
    "ANN(10, 3): Linear(10,128)-ReLU-Linear(128,64)-ReLU-Linear(64,3)",
    "256 + 64 samples, x ~ N(0, 1)^10, class argmax(x @ W), W ~ N(0, 1) (NumPy)",
    "nothing (a template); here the per-step loss, train and test accuracy",
    TEMPLATE_CONFIG,
    _loader_recipe(
        ("models.ANN", 10, 3),
        _three_classes,
        "cross_entropy",
        report=("train_loss", "train_accuracy", "test_accuracy"),
    ),
)

LSTM_TEMPLATE = Example(
    "lstm_template",
    "LSTM template RNNModel(8, 16, 1): the mean of a sequence (E09)",
    "S3 327-348",
    "RNNModel(8, 16, 1): LSTM(8, 16, batch_first=True), Linear(16, 1) on the last step",
    "256 + 64 sequences of 10 steps, x ~ N(0, 1)^8; y = mean of feature 0 over time (NumPy)",
    "nothing (a template); here the per-step loss, train and test loss",
    TEMPLATE_CONFIG,
    _loader_recipe(
        ("models.RNNModel", 8, 16, 1), _sequences, "mse_loss", report=("train_loss", "test_loss")
    ),
)

TRAIN_LOOP_TEMPLATE = Example(
    "train_loop_template",
    "the generic train_model(model, train_loader, criterion, optimizer, num_epochs) (E10)",
    "S1 10323-10365",
    "nn.Sequential(Linear(10, 32), ReLU, Linear(32, 1))",
    "320 samples, x ~ N(0, 1)^10, y = x·w + 1 + 0.1·noise, w ~ N(0, 1) (NumPy)",
    "Epoch [e/E], Loss: average per epoch (from the per-step losses); the final train loss",
    TEMPLATE_CONFIG,
    _loader_recipe(
        ("nn.Sequential", ("nn.Linear", 10, 32), ("nn.ReLU",), ("nn.Linear", 32, 1)),
        _train_loop,
        "mse_loss",
        report=("train_loss",),
    ),
)
