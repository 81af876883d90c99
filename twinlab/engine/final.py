"""A trained model's final metrics, computed the same way from either framework's model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from jaxnn_examples.recipe import Data, Recipe, Variant
from twinlab.records import ShownPredictions, SideResult

PREDICTIONS_SHOWN = 10
"""How many test images ``predictions.png`` shows, with their predictions."""


def predicted_classes(outputs: np.ndarray, threshold: float | None) -> np.ndarray:
    """Class predictions: ``outputs > threshold`` (as 0/1 floats of the outputs' shape)
    for a one-column output with a threshold, else the argmax over axis 1."""
    if threshold is None:
        return np.argmax(outputs, axis=1)
    if outputs.ndim != 2 or outputs.shape[1] != 1:
        raise ValueError(f"a threshold needs one output column; got shape {outputs.shape}")
    return (outputs > threshold).astype(outputs.dtype)


def final_metrics(
    recipe: Recipe,
    data: Data,
    predict: Callable[[np.ndarray], np.ndarray],
    loss_of: Callable[[np.ndarray, np.ndarray], float],
    state: dict[str, np.ndarray],
    losses: list[float],
) -> dict[str, float]:
    """The recipe's report items: ``predict``/``loss_of`` are the trained model in eval mode,
    ``state`` its state dict (torch keys), ``losses`` its training curve."""
    final: dict[str, float] = {}
    splits = {"train": (data.x_train, data.y_train), "test": (data.x_test, data.y_test)}
    for item in recipe.report:
        if item == "parameters":
            for key, value in state.items():
                for index, element in np.ndenumerate(value):
                    suffix = "".join(f"[{i}]" for i in index)
                    final[f"{key}{suffix}"] = float(element)
        elif item in recipe.metrics:
            final[item] = float(recipe.metrics[item](predict, data))
        elif item in ("initial_loss", "final_loss"):
            if not losses:
                raise ValueError(f"report item {item!r} needs at least one training step")
            final[item] = losses[0] if item == "initial_loss" else losses[-1]
        else:
            split, _, metric = item.partition("_")
            xs, ys = splits[split]
            if xs is None:
                raise ValueError(f"report item {item!r} needs test data, which this example lacks")
            if metric == "loss":
                final[item] = loss_of(xs, ys)
            else:
                predicted = predicted_classes(predict(xs), recipe.threshold)
                final[item] = float(np.mean(predicted == ys))
    return final


def shown_predictions(
    recipe: Recipe, data: Data, predict: Callable[[np.ndarray], np.ndarray]
) -> ShownPredictions | None:
    """The first :data:`PREDICTIONS_SHOWN` test images and ``predict``'s classes for them, for
    an image classifier (test images ``(N, C, H, W)`` with one or three channels, classes by
    argmax); ``None`` for any other example."""
    x, y = data.x_test, data.y_test
    if x is None or y is None or x.ndim != 4 or x.shape[1] not in (1, 3):
        return None
    if recipe.threshold is not None or not np.issubdtype(y.dtype, np.integer):
        return None
    images = x[:PREDICTIONS_SHOWN]
    predicted = predicted_classes(np.asarray(predict(images)), None)
    return ShownPredictions(np.array(images), np.array(y[: len(images)]), predicted)


def add_variant(result: SideResult, variant: Variant, losses, final, state, initial) -> None:
    """Adds one trained variant to ``result``: its curve after the earlier ones', its metrics
    and states under its label."""
    result.losses.extend(losses)
    result.final.update({variant.prefixed(k): v for k, v in final.items()})
    result.final_state.update({variant.prefixed(k): v for k, v in state.items()})
    if initial is not None:
        result.initial_state.update({variant.prefixed(k): v for k, v in initial.items()})
