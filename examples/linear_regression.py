"""The seeds' linear regressions: fit ``y = x W^T + b`` with MSE and SGD, full batch.

- ``line_y2x`` (E05, S2 159-199): ``nn.Linear(1, 1)`` on x = 1..4, y = 2x;
  SGD lr 0.01, 100 epochs. The seed prints the loss every 20 epochs and then
  the learned parameters.
- ``true_weights`` (E28, S1 3721-3765): ``nn.Linear(3, 1)`` learning
  w = [2, -1, 0.5], b = 1 from 100 noisy samples; SGD lr 0.01, 100 epochs.
  The seed's loss is ``((y_pred - y) ** 2).mean()``, which is ``mse_loss``.
- ``regression_model`` (E37, S1 5599-5695): ``LinearRegressionModel`` on
  x ~ 10·N(0, 1), y = 3x + 2 + 2·N(0, 1); SGD lr 0.001, 100 epochs.

The seeds draw their data from torch after ``torch.manual_seed(42)``; here it
comes from NumPy (``jaxnn.data.synthetic``), so the numbers differ from the
seed's prints while the formulas are the same.
"""

from __future__ import annotations

import numpy as np

from examples.engine import Data, Recipe, runners
from examples.runner import Config, Example
from jaxnn.data import synthetic


def _line(config: Config) -> Data:
    x = np.array([[1.0], [2.0], [3.0], [4.0]], dtype=config.dtype)
    return Data(x, 2 * x)


def _true_weights(config: Config) -> Data:
    d = synthetic.linear_regression(
        100, [2.0, -1.0, 0.5], 1.0, 0.1, seed=config.seed, dtype=config.dtype
    )
    return Data(d.x, d.y)


def _regression_model(config: Config) -> Data:
    d = synthetic.linear_regression(
        100, [3.0], 2.0, 2.0, x_scale=10.0, seed=config.seed, dtype=config.dtype
    )
    return Data(d.x, d.y)


def _example(name, title, seed_ref, model, data, prints, defaults, recipe_model):
    recipe = Recipe(
        model=recipe_model, data=data, loss="mse_loss", report=("train_loss", "parameters")
    )
    run_torch, run_jax = runners(recipe)
    return Example(
        name=name,
        title=title,
        seed_ref=seed_ref,
        model=model,
        data=data.__doc__ or prints,
        prints=prints,
        defaults=defaults,
        run_torch=run_torch,
        run_jax=run_jax,
    )


_line.__doc__ = "x = [[1], [2], [3], [4]], y = 2x"
_true_weights.__doc__ = "100 samples, x ~ N(0, 1)^3, y = x·[2, -1, 0.5] + 1 + 0.1·noise (NumPy)"
_regression_model.__doc__ = "100 samples, x ~ 10·N(0, 1), y = 3x + 2 + 2·noise (NumPy)"

LINE_Y2X = _example(
    "line_y2x",
    "linear regression y = 2x (E05)",
    "S2 159-199",
    "nn.Linear(1, 1)",
    _line,
    "loss every 20 epochs; the learned weight and bias",
    Config(epochs=100, batch_size=4, lr=0.01, seed=0),
    ("nn.Linear", 1, 1),
)
TRUE_WEIGHTS = _example(
    "true_weights",
    "learn the true weights of a noisy linear map (E28)",
    "S1 3721-3765",
    "nn.Linear(3, 1)",
    _true_weights,
    "loss every 20 epochs; learned weights (true [2, -1, 0.5]) and bias (true 1)",
    Config(epochs=100, batch_size=100, lr=0.01, seed=42),
    ("nn.Linear", 3, 1),
)
REGRESSION_MODEL = _example(
    "regression_model",
    "simple linear regression with a model class (E37)",
    "S1 5599-5695",
    "LinearRegressionModel: nn.Linear(1, 1)",
    _regression_model,
    "loss, weight and bias every 20 epochs (true 3 and 2)",
    Config(epochs=100, batch_size=100, lr=0.001, seed=42),
    ("models.LinearRegressionModel",),
)
