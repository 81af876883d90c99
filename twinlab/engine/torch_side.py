"""A recipe trained in torch: ``torch.manual_seed(seed)``, then the notebooks' loop."""

from __future__ import annotations

import time

import numpy as np

from jaxnn_examples.example import Settings
from jaxnn_examples.recipe import Data, Recipe, Variant
from jaxnn_examples.specs import build_torch
from twinlab.engine.batches import batches
from twinlab.engine.final import add_variant, final_metrics, shown_predictions
from twinlab.records import SideResult

OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}
"""A recipe's optimizer name -> its ``torch.optim`` class."""


def train_torch(recipe: Recipe, settings: Settings) -> SideResult:
    """The example in torch: ``torch.manual_seed(seed)``, then per variant a model and the
    notebooks' loop (the models of several variants are drawn one after another)."""
    import torch

    data = recipe.load_data(settings)
    torch.manual_seed(settings.seed)
    result = SideResult([], {}, {}, initial_state={})
    for variant in recipe.each_variant():
        train_variant(recipe, settings, variant, data, result)
    return result


def draw_initial(recipe: Recipe, settings: Settings) -> dict[str, np.ndarray]:
    """The parameters :func:`train_torch` starts a one-model recipe from, drawn the same way
    (``torch.manual_seed(seed)``, then the model, in ``settings.dtype``) without training it."""
    import torch

    import torch_ref

    if recipe.variants:
        raise ValueError("draw_initial: a recipe of several variants draws each after training")
    torch.manual_seed(settings.seed)
    model = build_torch(recipe.model).to(torch_ref.config.torch_dtype(settings.dtype))
    return _state(model)


def train_variant(
    recipe: Recipe, settings: Settings, variant: Variant, data: Data, result: SideResult
) -> float:
    """Draws one model from torch's global generator, trains it with the notebooks' loop and
    adds its curve, final metrics and states to ``result``; returns the seconds ``fit`` took."""
    import torch

    import torch_ref

    dtype = torch_ref.config.torch_dtype(settings.dtype)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    loss_fn = getattr(torch.nn.functional, recipe.loss)
    loader = batches(
        x, y, recipe, settings, torch_ref.data.DataLoader, torch_ref.data.TensorDataset
    )
    model = build_torch(recipe.model).to(dtype)
    initial = _state(model)
    name, lr, kwargs = recipe.optimizer_of(variant, settings)
    optimizer = getattr(torch.optim, OPTIMIZERS[name])(model.parameters(), lr=lr, **kwargs)
    start = time.perf_counter()
    losses = torch_ref.train.fit(
        model,
        optimizer,
        loss_fn,
        loader,
        settings.epochs,
        on_nonfinite=settings.fit_on_nonfinite,
        precision=settings.policy,
    ).losses
    seconds = time.perf_counter() - start

    model.eval()
    state = _state(model)

    def predict(xs):
        with torch.no_grad():
            return model(torch.from_numpy(xs)).numpy()

    def loss_of(xs, ys):
        with torch.no_grad():
            return loss_fn(model(torch.from_numpy(xs)), torch.from_numpy(ys)).item()

    final = final_metrics(recipe, data, predict, loss_of, state, losses)
    add_variant(result, variant, losses, final, state, initial)
    if result.shown is None:  # the first variant's, for predictions.png
        result.shown = shown_predictions(recipe, data, predict)
    return seconds


def _state(model) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
