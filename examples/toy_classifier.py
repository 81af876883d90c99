"""E18: the toy classifier of the recap training loop (seed S4 1806-1927).

``NeuralNetwork(2, 2)`` trained with SGD (lr 0.5) and cross-entropy for three
epochs over the five-point toy set in batches of two, ``drop_last=True``
(the seed's printed log has two batches per epoch, which needs it; the seed's
code never shows it). Prints the per-step loss; the final metrics are the
accuracy on the training and test sets (the seed's ``compute_accuracy``: 1.0, 1.0).
"""

from __future__ import annotations

import numpy as np

from examples.engine import Data, Recipe, runners
from examples.runner import Config, Example
from jaxnn.data import toy_data


def data(config: Config) -> Data:
    toy = toy_data(np.dtype(config.dtype))
    return Data(toy.X_train, toy.y_train, toy.X_test, toy.y_test)


RECIPE = Recipe(
    model=("models.NeuralNetwork", 2, 2),
    data=data,
    loss="cross_entropy",
    optimizer="sgd",
    batching="loader",
    shuffle=True,
    drop_last=True,
    report=("train_accuracy", "test_accuracy"),
)
run_torch, run_jax = runners(RECIPE)

EXAMPLE = Example(
    name="toy_classifier",
    title="toy classifier, the recap training loop (E18)",
    seed_ref="S4 1806-1927",
    model="NeuralNetwork(2, 2): 2-30-20-2 MLP",
    data="toy set: 5 training and 2 test points in 2-D (bundled)",
    prints="per-batch loss; train and test accuracy (seed: 1.0 and 1.0)",
    defaults=Config(epochs=3, batch_size=2, lr=0.5, seed=123),
    run_torch=run_torch,
    run_jax=run_jax,
)
