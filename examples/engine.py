"""The shared engine of the training examples: one recipe, run by each framework.

A worked example that trains is described by a :class:`Recipe` (what model, which
loss, which optimizer, how the data is batched, what to report) and a data
builder. :func:`run_torch` runs it with the seeds' torch loop
(``torch_ref.train.fit``), :func:`run_jax` with ``jaxnn.train.fit``. Both read
the same NumPy data in the same batch order; with ``--framework both`` the JAX
side starts from a copy of torch's initial parameters.

Models are written as specs resolved by name in each framework, so one spec
builds both twins::

    ("models.NeuralNetwork", 2, 2)                 # torch_ref.models / jaxnn.models
    ("nn.Linear", 3, 1)                            # torch.nn / jaxnn.nn
    ("nn.Sequential", ("nn.Linear", 10, 20), ("nn.ReLU",), ("nn.Linear", 20, 1))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from examples.runner import Config, SideResult

ModelSpec = tuple  # (name, *args); Sequential's args are specs themselves

# jaxnn.optim factory -> torch.optim class name
TORCH_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}
BATCHING = ("full", "loader", "slices")


@dataclass(frozen=True)
class Data:
    """One example's arrays, built once in NumPy and handed to both frameworks."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None


@dataclass(frozen=True)
class Recipe:
    """How a training example runs.

    Attributes:
      model: a model spec (see the module docstring).
      data: ``data(config) -> Data``; must honour ``config.dtype``.
      loss: a ``torch.nn.functional`` name, the same in ``jaxnn.functional``.
      optimizer: ``"sgd"``, ``"adam"``, ``"adamw"`` or ``"rmsprop"``; the
        learning rate comes from the config, other arguments from
        ``optimizer_kwargs``.
      batching: ``"full"`` (the whole training set every step, the seeds'
        full-batch loops), ``"loader"`` (a DataLoader of ``batch_size`` with
        ``shuffle``/``drop_last``) or ``"slices"`` (consecutive slices of
        ``batch_size``, no shuffle: the seeds' manual mini-batching).
      report: final metrics, from ``"train_loss"``, ``"test_loss"``,
        ``"train_accuracy"``, ``"test_accuracy"``, ``"parameters"`` (every
        parameter element of a small model, by torch name).
    """

    model: ModelSpec
    data: Callable[[Config], Data]
    loss: str
    optimizer: str = "sgd"
    optimizer_kwargs: Mapping[str, Any] = field(default_factory=dict)
    batching: str = "full"
    shuffle: bool = False
    drop_last: bool = False
    report: tuple[str, ...] = ("train_loss",)

    def __post_init__(self):
        if self.optimizer not in TORCH_OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}")
        if self.batching not in BATCHING:
            raise ValueError(f"batching must be one of {BATCHING}; got {self.batching!r}")


def _batches(data_x, data_y, recipe: Recipe, config: Config, loader_cls, dataset_cls):
    if recipe.batching == "full":
        return [(data_x, data_y)]
    if recipe.batching == "slices":
        n = len(data_x)
        return [
            (data_x[i : i + config.batch_size], data_y[i : i + config.batch_size])
            for i in range(0, n, config.batch_size)
        ]
    return loader_cls(
        dataset_cls(data_x, data_y),
        batch_size=config.batch_size,
        shuffle=recipe.shuffle,
        drop_last=recipe.drop_last,
        seed=config.seed,
    )


# --- torch ---------------------------------------------------------------------------------


def build_torch(spec: ModelSpec):
    """The torch module a spec names."""
    import torch

    import torch_ref

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return torch.nn.Sequential(*(build_torch(s) for s in args))
    owner = {"models": torch_ref.models, "nn": torch.nn}[space]
    return getattr(owner, cls)(*args)


def run_torch(recipe: Recipe, config: Config) -> SideResult:
    """The example in torch: model under ``torch.manual_seed(seed)``, then the seeds' loop."""
    import torch

    import torch_ref

    dtype = torch_ref.config.torch_dtype(config.dtype)
    data = recipe.data(config)
    as_tensor = torch.from_numpy
    x, y = as_tensor(data.x_train), as_tensor(data.y_train)
    batches = _batches(
        x, y, recipe, config, torch_ref.data.DataLoader, torch_ref.data.TensorDataset
    )

    torch.manual_seed(config.seed)
    model = build_torch(recipe.model).to(dtype)
    initial = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    optimizer = getattr(torch.optim, TORCH_OPTIMIZERS[recipe.optimizer])(
        model.parameters(), lr=config.lr, **recipe.optimizer_kwargs
    )
    loss_fn = getattr(torch.nn.functional, recipe.loss)
    losses = torch_ref.train.fit(model, optimizer, loss_fn, batches, config.epochs).losses

    model.eval()
    state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}

    def evaluate(xs, ys):
        with torch.no_grad():
            out = model(as_tensor(xs))
            return loss_fn(out, as_tensor(ys)).item(), out.argmax(dim=1).numpy()

    return SideResult(losses, _report(recipe, data, evaluate, state), state, initial_state=initial)


# --- JAX -----------------------------------------------------------------------------------


def build_jax(spec: ModelSpec, *, dtype, rngs):
    """The jaxnn module a spec names."""
    import jaxnn

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return jaxnn.nn.Sequential(*(build_jax(s, dtype=dtype, rngs=rngs) for s in args))
    owner = {"models": jaxnn.models, "nn": jaxnn.nn}[space]
    target = getattr(owner, cls)
    if space == "nn" and not _takes_rngs(target):
        return target(*args)
    return target(*args, dtype=dtype, rngs=rngs)


def _takes_rngs(cls) -> bool:
    import inspect

    return "rngs" in inspect.signature(cls.__init__).parameters


def run_jax(recipe: Recipe, config: Config, init: dict[str, np.ndarray] | None) -> SideResult:
    """The example in JAX; starts from ``init`` (torch's parameters) when given."""
    import jax.numpy as jnp
    from flax import nnx

    import jaxnn

    jaxnn.config.require_dtype(config.dtype)  # the entry point sets numerics
    data = recipe.data(config)
    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    if recipe.batching == "loader":  # the loader slices NumPy arrays and places each batch
        x, y = data.x_train, data.y_train
    batches = _batches(x, y, recipe, config, jaxnn.data.DataLoader, jaxnn.data.TensorDataset)

    model = build_jax(recipe.model, dtype=np.dtype(config.dtype), rngs=nnx.Rngs(config.seed))
    if init is not None:
        jaxnn.interop.load_state_dict(model, init)
    tx = getattr(jaxnn.optim, recipe.optimizer)(lr=config.lr, **recipe.optimizer_kwargs)
    loss_fn = getattr(jaxnn.functional, recipe.loss)
    losses = jaxnn.train.fit(model, tx, loss_fn, batches, config.epochs).losses

    model.eval()
    state = jaxnn.interop.state_dict(model)

    def evaluate(xs, ys):
        out = model(jnp.asarray(xs))
        return float(loss_fn(out, jnp.asarray(ys))), np.asarray(jnp.argmax(out, axis=1))

    return SideResult(losses, _report(recipe, data, evaluate, state), state)


# --- reports -------------------------------------------------------------------------------


def _report(recipe: Recipe, data: Data, evaluate, state) -> dict[str, float]:
    final: dict[str, float] = {}
    splits = {"train": (data.x_train, data.y_train), "test": (data.x_test, data.y_test)}
    for item in recipe.report:
        if item == "parameters":
            for key, value in state.items():
                for index, element in np.ndenumerate(value):
                    suffix = "".join(f"[{i}]" for i in index)
                    final[f"{key}{suffix}"] = float(element)
            continue
        split, _, metric = item.partition("_")
        xs, ys = splits[split]
        if xs is None:
            raise ValueError(f"report item {item!r} needs test data, which this example lacks")
        loss, predicted = evaluate(xs, ys)
        final[item] = loss if metric == "loss" else float(np.mean(predicted == ys))
    return final


def runners(recipe: Recipe):
    """``(run_torch, run_jax)`` bound to ``recipe``, as an :class:`Example` wants them."""
    return (
        lambda config: run_torch(recipe, config),
        lambda config, init: run_jax(recipe, config, init),
    )


def with_dtype(config: Config, dtype: str) -> Config:
    """``config`` in another precision."""
    return dataclasses.replace(config, dtype=dtype)
