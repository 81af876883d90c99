"""The notebooks' linear regressions: fit ``y = x W^T + b`` with MSE, full batch.

- ``line_y2x`` (E05, S2 159-199): ``nn.Linear(1, 1)`` on x = 1..4, y = 2x;
  SGD lr 0.01, 100 epochs. The notebook prints the loss every 20 epochs and then
  the learned parameters.
- ``true_weights`` (E28, S1 3721-3765): ``nn.Linear(3, 1)`` learning
  w = [2, -1, 0.5], b = 1 from 100 noisy samples; SGD lr 0.01, 100 epochs.
  The notebook's loss is ``((y_pred - y) ** 2).mean()``, which is ``mse_loss``.
- ``regression_model`` (E37, S1 5599-5695): ``LinearRegressionModel`` on
  x ~ 10·N(0, 1), y = 3x + 2 + 2·N(0, 1); SGD lr 0.001, 100 epochs.
- ``weights_change`` (E33, S1 5038-5074): ``Linear(2, 1, bias=False)`` on the
  three points of y = 2·x1 + 3·x2; SGD lr 0.01, 5 epochs; the weights each
  epoch. Repair of the notebook's claim (inventory §5 item 39): the final weights
  are NOT "close to [2.0, 3.0]": five steps at lr 0.01 shrink the error along
  the slow direction (Hessian eigenvalue about 0.67) by only about 3 %.
- ``learn_bias`` (E35, S1 5343-5386): ``Linear(1, 1)`` on x ~ 2·N(0, 1),
  y = 3x + 7 + 0.5·N(0, 1); SGD lr 0.01, 500 steps (the notebook reports after
  0, 50, 100, 200 and 500 of them, with the loss evaluated after the step).
- ``multiple_regression`` (E38, S1 5701-5746): ``Linear(3, 1)`` on
  y = 2·x1 + 3·x2 - x3 + 5 + 0.5·N(0, 1), 200 samples; Adam lr 0.01, 500 epochs.
- ``train_test_split`` (E39, S1 5752-5816): ``Linear(5, 1)`` on x ~ 2·N(0, 1),
  y = (x @ w)·2 + 10 + N(0, 1) with w ~ N(0, 1) (5, 1), 1000 samples, the first
  800 to train and the last 200 to test; Adam lr 0.01, 200 epochs.
- ``house_prices`` (E40, S1 5818-5928): ``Linear(5, 1)`` on 500 simulated
  houses (``twincore.data.synthetic.house_prices``), features and price z-scored
  with the unbiased std (torch's ``std`` default), the first 400 to train;
  Adam lr 0.01, 1000 epochs; train/test loss and the test MAE in dollars.
- ``yhat_regression`` (E52, S1 9356-9406): ``Linear(1, 1)`` on
  x = linspace(0, 10, 50), y = 2x + 3 + 0.5·N(0, 1); SGD lr 0.01, 100 epochs;
  the final loss and the predictions ŷ at x = 2, 5, 8.
- ``manual_gradient_descent`` (E55, S1 9725-9765): ``Linear(2, 1)`` on
  x = [[1, 2], [3, 4], [5, 6]], y = [[5], [11], [17]], 100 epochs of the notebook's
  ``param -= lr * param.grad`` (lr 0.01) then ``model.zero_grad()``. That is
  plain SGD's update (no momentum, dampening or weight decay), so the example
  runs ``optim.SGD(lr=0.01)`` / ``jaxnn.optim.sgd(lr=0.01)``; the parity tests
  check the notebook's manual loop against it step by step. The notebook's model is
  unseeded; here seed 0.

The notebooks draw their data from torch after ``torch.manual_seed(42)``; here it
comes from NumPy (``twincore.data.synthetic``), so the numbers differ from the
notebook's prints while the formulas are the same.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.recipe import Data, Recipe
from twincore.data import synthetic


def _line(settings: Settings) -> Data:
    x = np.array([[1.0], [2.0], [3.0], [4.0]], dtype=settings.dtype)
    return Data(x, 2 * x)


def _true_weights(settings: Settings) -> Data:
    d = synthetic.linear_regression(
        100, [2.0, -1.0, 0.5], 1.0, 0.1, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _regression_model(settings: Settings) -> Data:
    d = synthetic.linear_regression(
        100, [3.0], 2.0, 2.0, x_scale=10.0, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _example(name, title, source, model, data, prints, defaults, recipe_model):
    recipe = Recipe(
        model=recipe_model, data=data, loss="mse_loss", report=("train_loss", "parameters")
    )
    return Example(
        name=name,
        title=title,
        source=source,
        model=model,
        data=data.__doc__ or prints,
        prints=prints,
        defaults=defaults,
        recipe=recipe,
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
    Settings(epochs=100, batch_size=4, lr=0.01, seed=0),
    ("nn.Linear", 1, 1),
)
TRUE_WEIGHTS = _example(
    "true_weights",
    "learn the true weights of a noisy linear map (E28)",
    "S1 3721-3765",
    "nn.Linear(3, 1)",
    _true_weights,
    "loss every 20 epochs; learned weights (true [2, -1, 0.5]) and bias (true 1)",
    Settings(epochs=100, batch_size=100, lr=0.01, seed=42),
    ("nn.Linear", 3, 1),
)
REGRESSION_MODEL = _example(
    "regression_model",
    "simple linear regression with a model class (E37)",
    "S1 5599-5695",
    "LinearRegressionModel: nn.Linear(1, 1)",
    _regression_model,
    "loss, weight and bias every 20 epochs (true 3 and 2)",
    Settings(epochs=100, batch_size=100, lr=0.001, seed=42),
    ("models.LinearRegressionModel",),
)


# --- E33, E35, E38-E40, E52, E55 ----------------------------------------------------------


def _weights_change(settings: Settings) -> Data:
    x = np.array([[1.0, 1.0], [2.0, 1.0], [1.0, 2.0]], dtype=settings.dtype)
    y = np.array([[5.0], [7.0], [8.0]], dtype=settings.dtype)  # y = 2*x1 + 3*x2 exactly
    return Data(x, y)


def _learn_bias(settings: Settings) -> Data:
    d = synthetic.linear_regression(
        100, [3.0], 7.0, 0.5, x_scale=2.0, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _multiple(settings: Settings) -> Data:
    d = synthetic.linear_regression(
        200, [2.0, 3.0, -1.0], 5.0, 0.5, seed=settings.seed, dtype=settings.dtype
    )
    return Data(d.x, d.y)


def _split(settings: Settings) -> Data:
    d = synthetic.random_weights_regression(
        1000,
        5,
        x_scale=2.0,
        weight_scale=2.0,
        bias=10.0,
        noise_std=1.0,
        seed=settings.seed,
        dtype=settings.dtype,
    )
    return Data(d.x[:800], d.y[:800], d.x[800:], d.y[800:])


def _houses(settings: Settings) -> Data:
    raw = synthetic.house_prices(500, seed=settings.seed, dtype=np.float64)
    x, _, _ = synthetic.standardize(raw.x)
    y, y_mean, y_std = synthetic.standardize(raw.y)
    x, y = x.astype(settings.dtype), y.astype(settings.dtype)
    info = {"y_mean": float(y_mean[0, 0]), "y_std": float(y_std[0, 0])}
    return Data(x[:400], y[:400], x[400:], y[400:], info=info)


def _test_mae_dollars(predict, data: Data) -> float:
    """The notebook's ``(test_pred - test_actual).abs().mean()`` after undoing the z-score."""
    mean, std = data.info["y_mean"], data.info["y_std"]
    predicted = predict(data.x_test).astype(np.float64) * std + mean
    actual = data.y_test.astype(np.float64) * std + mean
    return float(np.mean(np.abs(predicted - actual)))


def _yhat(settings: Settings) -> Data:
    d = synthetic.noisy_line(50, 0.0, 10.0, 2.0, 3.0, 0.5, seed=settings.seed, dtype=settings.dtype)
    return Data(d.x, d.y)


def _prediction_at(x: float):
    def metric(predict, data: Data) -> float:
        return float(predict(np.array([[x]], dtype=data.x_train.dtype))[0, 0])

    return metric


def _manual_gd(settings: Settings) -> Data:
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=settings.dtype)
    y = np.array([[5.0], [11.0], [17.0]], dtype=settings.dtype)
    return Data(x, y)


def _full_batch(model, data, optimizer, report, **kwargs) -> Recipe:
    return Recipe(
        model=model, data=data, loss="mse_loss", optimizer=optimizer, report=report, **kwargs
    )


_PARAMS = ("train_loss", "parameters")

WEIGHTS_CHANGE = Example(
    "weights_change",
    "how the weights change in five SGD steps (E33)",
    "S1 5038-5074",
    "nn.Linear(2, 1, bias=False)",
    "x = [[1, 1], [2, 1], [1, 2]], y = [[5], [7], [8]] (y = 2·x1 + 3·x2)",
    "weights and loss each epoch; final weights (NOT close to [2, 3], §5 item 39)",
    Settings(epochs=5, batch_size=3, lr=0.01, seed=42),
    _full_batch(("nn.Linear", 2, 1, False), _weights_change, "sgd", _PARAMS),
)
LEARN_BIAS = Example(
    "learn_bias",
    "learning a bias: y = 3x + 7 (E35)",
    "S1 5343-5386",
    "nn.Linear(1, 1)",
    "100 samples, x ~ 2·N(0, 1), y = 3x + 7 + 0.5·noise (NumPy)",
    "weight, bias and loss after 0/50/100/200/500 steps (target 3 and 7)",
    Settings(epochs=500, batch_size=100, lr=0.01, seed=42),
    _full_batch(("nn.Linear", 1, 1), _learn_bias, "sgd", _PARAMS),
)
MULTIPLE_REGRESSION = Example(
    "multiple_regression",
    "multiple linear regression with Adam (E38)",
    "S1 5701-5746",
    "nn.Linear(3, 1)",
    "200 samples, x ~ N(0, 1)^3, y = x·[2, 3, -1] + 5 + 0.5·noise (NumPy)",
    "loss every 100 epochs; learned weights (true [2, 3, -1]) and bias (true 5)",
    Settings(epochs=500, batch_size=200, lr=0.01, seed=42),
    _full_batch(("nn.Linear", 3, 1), _multiple, "adam", _PARAMS),
)
TRAIN_TEST_SPLIT = Example(
    "train_test_split",
    "train/test split: first 800 train, last 200 test (E39)",
    "S1 5752-5816",
    "nn.Linear(5, 1)",
    "1000 samples, x ~ 2·N(0, 1)^5, y = (x @ w)·2 + 10 + noise, w ~ N(0, 1) (NumPy)",
    "train and test loss every 50 epochs; final train and test loss",
    Settings(epochs=200, batch_size=800, lr=0.01, seed=42),
    _full_batch(("nn.Linear", 5, 1), _split, "adam", ("train_loss", "test_loss", "parameters")),
)
HOUSE_PRICES = Example(
    "house_prices",
    "house-price prediction, z-scored features and prices (E40)",
    "S1 5818-5928",
    "nn.Linear(5, 1)",
    "500 simulated houses (sqft, bedrooms, bathrooms, age, distance), z-scored with the "
    "unbiased std; first 400 train (NumPy)",
    "train/test loss every 200 epochs; test predictions in $ and the MAE",
    Settings(epochs=1000, batch_size=400, lr=0.01, seed=42),
    _full_batch(
        ("nn.Linear", 5, 1),
        _houses,
        "adam",
        ("train_loss", "test_loss", "test_mae_dollars", "parameters"),
        metrics={"test_mae_dollars": _test_mae_dollars},
    ),
)
YHAT_REGRESSION = Example(
    "yhat_regression",
    "ŷ in regression: predictions of a trained line (E52)",
    "S1 9356-9406",
    "nn.Linear(1, 1)",
    "x = linspace(0, 10, 50), y = 2x + 3 + 0.5·noise (NumPy)",
    "final loss; ŷ at x = 2, 5, 8 (expected about 7, 13, 19)",
    Settings(epochs=100, batch_size=50, lr=0.01, seed=42),
    _full_batch(
        ("nn.Linear", 1, 1),
        _yhat,
        "sgd",
        ("final_loss", "yhat_at_2", "yhat_at_5", "yhat_at_8", "parameters"),
        metrics={f"yhat_at_{x}": _prediction_at(float(x)) for x in (2, 5, 8)},
    ),
)
MANUAL_GRADIENT_DESCENT = Example(
    "manual_gradient_descent",
    "manual gradient descent on nn.Linear = plain SGD (E55)",
    "S1 9725-9765",
    "nn.Linear(2, 1)",
    "x = [[1, 2], [3, 4], [5, 6]], y = [[5], [11], [17]]",
    "loss every 20 epochs; here also the learned parameters",
    Settings(epochs=100, batch_size=3, lr=0.01, seed=0),
    _full_batch(("nn.Linear", 2, 1), _manual_gd, "sgd", _PARAMS),
)
