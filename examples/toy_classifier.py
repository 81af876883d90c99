"""E18 and E19: the toy classifiers of the recap loop and the "Full flow" (notebook S4).

E18, the recap training loop (S4 1806-1927):

``NeuralNetwork(2, 2)`` trained with SGD (lr 0.5) and cross-entropy for three
epochs over the five-point toy set in batches of two, ``drop_last=True``
(the notebook's printed log has two batches per epoch, which needs it; the notebook's
code never shows it). Prints the per-step loss; the final metrics are the
accuracy on the training and test sets (the notebook's ``compute_accuracy``: 1.0, 1.0).

E19, the "Full flow" (S4 2009-2197): ``NeuralNetwork(2, 3)`` (three outputs for
a two-class problem, as the notebook has it; inventory §5 item 28) trained the same
way but over the loader the notebook defines, without ``drop_last``: three batches
per epoch (2, 2 and 1 samples), nine steps. The notebook's forward pass of an
unseeded ``NeuralNetwork(50, 3)`` before training, its batch print (which the
shown code cannot produce, §5 item 27) and its save/load belong to other
examples; here the final metrics are the accuracies (notebook: "Number of correct
predictions out of 5" and ``compute_accuracy`` = 1.0).
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.recipe import Data, Recipe
from twincore.data.toy import toy_data


def data(settings: Settings) -> Data:
    toy = toy_data(np.dtype(settings.dtype))
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

EXAMPLE = Example(
    name="toy_classifier",
    title="toy classifier, the recap training loop (E18)",
    source="S4 1806-1927",
    model="NeuralNetwork(2, 2): 2-30-20-2 MLP",
    data="toy set: 5 training and 2 test points in 2-D (bundled)",
    prints="per-batch loss; train and test accuracy (notebook: 1.0 and 1.0)",
    defaults=Settings(epochs=3, batch_size=2, lr=0.5, seed=123),
    recipe=RECIPE,
)

FULL_FLOW = Example(
    "toy_full_flow",
    "toy NeuralNetwork(2, 3), the full flow: 3 batches per epoch (E19)",
    "S4 2009-2197",
    "NeuralNetwork(2, 3): 2-30-20-3 MLP",
    "toy set: 5 training and 2 test points in 2-D (bundled); batches of 2, 2 and 1",
    "per-batch loss; softmax, argmax and correct predictions per epoch; "
    "compute_accuracy (notebook: 1.0)",
    Settings(epochs=3, batch_size=2, lr=0.5, seed=123),
    Recipe(
        model=("models.NeuralNetwork", 2, 3),
        data=data,
        loss="cross_entropy",
        optimizer="sgd",
        batching="loader",
        shuffle=True,
        drop_last=False,
        report=("train_accuracy", "test_accuracy"),
    ),
)
