"""The notebooks' binary classifiers with a Sigmoid output and ``BCELoss``, full batch (E36, E42).

- ``imbalanced_bias`` (E36, S1 5460-5502): ``Sequential(Linear(5, 1), Sigmoid())``
  on 1000 samples whose labels are 1 with probability 0.1, independent of x;
  Adam lr 0.01, 100 epochs. The notebook prints the final bias, which turns
  negative: with no signal in x, the model learns the base rate through the
  bias (sigmoid(bias) moves towards 0.1).
- ``circle_classifier`` (E42, S1 6181-6230): a 20-64-32-1 ReLU network with a
  Sigmoid output on 1000 samples labelled by the circle rule
  ``x0² + x1² > 1``; Adam lr 0.01, 50 epochs. The notebook prints loss and accuracy
  every 10 epochs; its accuracy comes from the predictions made *before* that
  step's update (inventory §5 item 42). The final ``train_accuracy`` here is
  the trained model's (predictions above 0.5 are class 1).

The notebooks draw x with ``torch.randn`` after ``torch.manual_seed(42)``; here the
data comes from NumPy (``twincore.data.synthetic``), so the printed numbers differ
while the recipe is the notebook's.
"""

from __future__ import annotations

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.recipe import Data, Recipe
from twincore.data import synthetic


def _imbalanced(settings: Settings) -> Data:
    d = synthetic.imbalanced_binary(
        1000, 5, positive_rate=0.1, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _circle(settings: Settings) -> Data:
    d = synthetic.circle_classification(1000, 20, seed=settings.seed, dtype=settings.dtype)
    return Data(d.x, d.y)


IMBALANCED_BIAS = Example(
    "imbalanced_bias",
    "imbalanced binary classification: the bias learns the base rate (E36)",
    "S1 5460-5502",
    "nn.Sequential(Linear(5, 1), Sigmoid)",
    "1000 samples, x ~ N(0, 1)^5, y = 1 with probability 0.1 (NumPy)",
    "the final bias (negative); here also the loss, accuracy and weights",
    Settings(epochs=100, batch_size=1000, lr=0.01, seed=42),
    Recipe(
        model=("nn.Sequential", ("nn.Linear", 5, 1, True), ("nn.Sigmoid",)),
        data=_imbalanced,
        loss="binary_cross_entropy",
        optimizer="adam",
        threshold=0.5,
        report=("train_loss", "train_accuracy", "parameters"),
    ),
)

CIRCLE_CLASSIFIER = Example(
    "circle_classifier",
    "binary classification with a non-linear rule (circle) (E42)",
    "S1 6181-6230",
    "nn.Sequential(Linear(20,64), ReLU, Linear(64,32), ReLU, Linear(32,1), Sigmoid)",
    "1000 samples, x ~ N(0, 1)^20, y = 1 where x0² + x1² > 1 (NumPy)",
    "loss and (pre-step) accuracy every 10 epochs; here the trained model's loss and accuracy",
    Settings(epochs=50, batch_size=1000, lr=0.01, seed=42),
    Recipe(
        model=(
            "nn.Sequential",
            ("nn.Linear", 20, 64),
            ("nn.ReLU",),
            ("nn.Linear", 64, 32),
            ("nn.ReLU",),
            ("nn.Linear", 32, 1),
            ("nn.Sigmoid",),
        ),
        data=_circle,
        loss="binary_cross_entropy",
        optimizer="adam",
        threshold=0.5,
        report=("train_loss", "train_accuracy"),
    ),
)
