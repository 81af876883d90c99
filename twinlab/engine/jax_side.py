"""A recipe trained in JAX with ``jaxnn.train.fit``, from torch's initial parameters or its own."""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Settings
from jaxnn_examples.recipe import Data, Recipe
from jaxnn_examples.specs import build_jax, build_jax_from
from twinlab.engine.batches import batches, check_split
from twinlab.engine.final import add_variant, final_metrics, shown_predictions
from twinlab.engine.resume import checkpointing
from twinlab.records import SideResult


def optimizer(name: str):
    """A recipe's optimizer name -> its ``jaxnn.optim`` factory."""
    import jaxnn

    return {
        "sgd": jaxnn.optim.sgd,
        "adam": jaxnn.optim.adam,
        "adamw": jaxnn.optim.adamw,
        "rmsprop": jaxnn.optim.rmsprop,
    }[name]


def train_jax(recipe: Recipe, settings: Settings, init: dict[str, np.ndarray] | None) -> SideResult:
    """The example in JAX; starts from ``init`` (torch's parameters) when given. With
    ``settings.devices`` each batch is split over that many devices."""
    from flax import nnx

    import jaxnn

    jaxnn.config.require_dtype(settings.dtype)  # the entry point sets numerics
    data = recipe.load_data(settings)
    check_split(recipe, settings, len(data.x_train))
    loss_fn = getattr(jaxnn.functional, recipe.loss)
    rngs = nnx.Rngs(settings.seed) if init is None else None
    result = SideResult([], {}, {})
    for variant in recipe.each_variant():
        loader = jax_batches(recipe, settings, data)
        dtype = np.dtype(settings.dtype)
        if init is None:
            model = build_jax(recipe.model, dtype=dtype, rngs=rngs)
        else:
            prefix = variant.prefixed("")
            own = {k[len(prefix) :]: v for k, v in init.items() if k.startswith(prefix)}
            model = build_jax_from(recipe.model, dtype, own, rngs=nnx.Rngs(0))
        name, lr, kwargs = recipe.optimizer_of(variant, settings)
        tx = optimizer(name)(lr=lr, **kwargs)
        resume = checkpointing(settings, model, tx, settings.policy)
        losses = jaxnn.train.fit(
            model,
            tx,
            loss_fn,
            loader,
            settings.epochs,
            on_nonfinite=settings.fit_on_nonfinite,
            precision=settings.policy,
            **resume,
        ).losses
        final, state, forward = evaluate(recipe, data, model, loss_fn, losses)
        add_variant(result, variant, losses, final, state, None)
        if result.shown is None:  # the first variant's, for predictions.png
            result.shown = shown_predictions(recipe, data, forward)
    return result


def jax_batches(recipe: Recipe, settings: Settings, data: Data):
    """The JAX side's batches; split over ``settings.devices`` devices when that is set."""
    import jax

    import jaxnn

    x, y = jax.device_put(data.x_train), jax.device_put(data.y_train)  # compiles nothing
    if recipe.batching == "loader":  # the loader slices NumPy arrays and places each batch
        x, y = data.x_train, data.y_train
    loader = batches(x, y, recipe, settings, jaxnn.data.DataLoader, jaxnn.data.TensorDataset)
    if settings.devices is None:
        return loader
    mesh = jaxnn.parallel.data_mesh(settings.devices)
    if isinstance(loader, list):  # full batch or fixed slices: split once, not every epoch
        return [jaxnn.parallel.shard_batch(batch, mesh) for batch in loader]
    return jaxnn.parallel.ShardedLoader(loader, mesh)


def evaluate(recipe: Recipe, data: Data, model, loss_fn, losses):
    """``(final metrics, state dict, forward)`` of a trained jaxnn model, evaluated in eval
    mode; ``forward(xs)`` is its outputs as a NumPy array."""
    import jax
    from flax import nnx

    import jaxnn

    model.eval()
    state = jaxnn.interop.state_dict(model)
    graphdef, variables = nnx.split(model)
    # One compiled forward pass per input shape, not one small program per eager op.
    compiled = jax.jit(lambda variables, xs: nnx.merge(graphdef, variables)(xs))

    def forward(xs):
        return np.asarray(compiled(variables, xs))

    def loss_of(xs, ys):
        return float(loss_fn(compiled(variables, xs), jax.device_put(ys)))

    return final_metrics(recipe, data, forward, loss_of, state, losses), state, forward
