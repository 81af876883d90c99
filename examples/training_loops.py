"""The notebooks' training-loop demos on unrelated random data (E44, E56, E57, E60, E61).

Every one draws ``x = torch.randn(n, F)`` and ``y = torch.randn(n, 1)`` after
``torch.manual_seed(42)``; here both come from NumPy
(``twincore.data.synthetic.random_regression``), so there is nothing to learn but
the mean and a little chance correlation, and the printed numbers differ from
the notebook's while the recipe is the notebook's. All use MSE.

- ``forward_in_loop`` (E44, S1 6419-6455): ``Sequential(Linear(5, 10), ReLU,
  Linear(10, 1))``, SGD lr 0.01, 3 full-batch epochs; the loss per epoch. (The
  notebook creates the model before the data; the order does not matter here.)
- ``learning_rates`` (E56, S1 9794-9855): the notebook's ``train_with_lr(lr)``
  trains a fresh ``Linear(5, 1)`` with SGD for 50 full-batch epochs, at lr
  0.0001 ("too low"), 0.01 ("good") and 1.0 ("too high"), one after another
  from one seed. One example runs all three (runs ``too_low``, ``good``,
  ``too_high`` at ``lr/100``, ``lr`` and ``lr*100``, so ``--lr`` scales all
  three) and reports each run's initial and final loss, as the notebook prints them
  (improvement = initial - final).
- ``adam_vs_sgd`` (E57, S1 9887-9938): the notebook's ``train_model(name, lr=0.01)``
  trains a fresh ``Linear(10, 1)`` for 100 full-batch epochs with SGD, then
  another with Adam; their final losses. (The cell before it builds a 10-20-1
  network and an ``Adam(lr=0.001)`` only to count 241 parameters.)
- ``epochs_demo`` (E60, S1 10158-10192): ``Linear(5, 1)``, Adam lr 0.01, 50
  full-batch epochs; the loss every 10 epochs.
- ``manual_batches`` (E61, S1 10231-10317): a 10-20-10-1 ReLU network, Adam
  lr 0.001, 100 epochs over 200 samples cut into consecutive slices of 32
  (``x_train[i:i+32]``, no shuffle: six batches of 32 and one of 8); the
  average loss every 20 epochs and the final training loss.
"""

from __future__ import annotations

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.recipe import Data, Recipe, Variant
from twincore.data import synthetic


def _random(n: int, features: int):
    def data(settings: Settings) -> Data:
        d = synthetic.random_regression(n, features, seed=settings.seed, dtype=settings.dtype)
        return Data(d.x, d.y)

    data.__doc__ = f"{n} samples, x ~ N(0, 1)^{features}, y ~ N(0, 1) (NumPy)"
    return data


_RANDOM_5 = _random(100, 5)

FORWARD_IN_LOOP = Example(
    "forward_in_loop",
    "the forward pass inside a training loop (E44)",
    "S1 6419-6455",
    "nn.Sequential(Linear(5, 10), ReLU, Linear(10, 1))",
    _RANDOM_5.__doc__,
    "the loss per epoch; here also the final training loss",
    Settings(epochs=3, batch_size=100, lr=0.01, seed=42),
    Recipe(
        model=("nn.Sequential", ("nn.Linear", 5, 10), ("nn.ReLU",), ("nn.Linear", 10, 1)),
        data=_RANDOM_5,
        loss="mse_loss",
        optimizer="sgd",
        report=("train_loss", "parameters"),
    ),
)

LEARNING_RATES = Example(
    "learning_rates",
    "learning rates too low, good, too high: three SGD runs (E56)",
    "S1 9794-9855",
    "nn.Linear(5, 1), a fresh one per run",
    _RANDOM_5.__doc__,
    "initial and final loss and their difference per learning rate (0.0001, 0.01, 1.0)",
    Settings(epochs=50, batch_size=100, lr=0.01, seed=42),
    Recipe(
        model=("nn.Linear", 5, 1),
        data=_RANDOM_5,
        loss="mse_loss",
        optimizer="sgd",
        report=("initial_loss", "final_loss", "parameters"),
        variants=(
            Variant("too_low", lr_scale=0.01),
            Variant("good"),
            Variant("too_high", lr_scale=100.0),
        ),
    ),
)

_RANDOM_10 = _random(100, 10)

ADAM_VS_SGD = Example(
    "adam_vs_sgd",
    "SGD vs Adam at lr 0.01: two fresh models (E57)",
    "S1 9887-9938",
    "nn.Linear(10, 1), a fresh one per optimizer",
    _RANDOM_10.__doc__,
    "final loss with SGD and with Adam",
    Settings(epochs=100, batch_size=100, lr=0.01, seed=42),
    Recipe(
        model=("nn.Linear", 10, 1),
        data=_RANDOM_10,
        loss="mse_loss",
        report=("final_loss", "parameters"),
        variants=(Variant("sgd", optimizer="sgd"), Variant("adam", optimizer="adam")),
    ),
)

EPOCHS_DEMO = Example(
    "epochs_demo",
    "training for several epochs with Adam (E60)",
    "S1 10158-10192",
    "nn.Linear(5, 1)",
    _RANDOM_5.__doc__,
    "Epoch [e/50], Loss every 10 epochs; here also the final loss and parameters",
    Settings(epochs=50, batch_size=100, lr=0.01, seed=42),
    Recipe(
        model=("nn.Linear", 5, 1),
        data=_RANDOM_5,
        loss="mse_loss",
        optimizer="adam",
        report=("train_loss", "parameters"),
    ),
)

_RANDOM_200 = _random(200, 10)

MANUAL_BATCHES = Example(
    "manual_batches",
    "a full training loop with manual slices of 32 (E61)",
    "S1 10231-10317",
    "nn.Sequential(Linear(10,20), ReLU, Linear(20,10), ReLU, Linear(10,1))",
    _RANDOM_200.__doc__ + "; consecutive slices of 32 (7 per epoch)",
    "Average Loss every 20 epochs; final training loss and sample predictions",
    Settings(epochs=100, batch_size=32, lr=0.001, seed=42),
    Recipe(
        model=(
            "nn.Sequential",
            ("nn.Linear", 10, 20),
            ("nn.ReLU",),
            ("nn.Linear", 20, 10),
            ("nn.ReLU",),
            ("nn.Linear", 10, 1),
        ),
        data=_RANDOM_200,
        loss="mse_loss",
        optimizer="adam",
        batching="slices",
        report=("train_loss",),
    ),
)
