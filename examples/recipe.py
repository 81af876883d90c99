"""A training example as data: its :class:`Recipe`, its :class:`Data` and its :class:`Variant` s.

A recipe says what model, which loss, which optimizer, how the data is batched
and what to report; the application's engine trains it with each framework's
``fit`` (``torch_ref.train.fit``, ``jaxnn.train.fit``). Both read the same NumPy
data in the same batch order; in a run of both frameworks the JAX side starts
from a copy of torch's initial parameters.

Models are specs resolved by name in each framework (``jaxnn_examples.specs``),
so one spec builds both twins::

    ("models.NeuralNetwork", 2, 2)                 # torch_ref.models / jaxnn.models
    ("nn.Linear", 3, 1)                            # torch.nn / jaxnn.nn
    ("nn.Sequential", ("nn.Linear", 10, 20), ("nn.ReLU",), ("nn.Linear", 20, 1))

A recipe with ``variants`` trains one fresh model per variant, one after
another from one RNG seed (the notebooks' ``train_with_lr(lr)`` helpers, E56/E57).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jaxnn_examples.example import Settings
from jaxnn_examples.specs import ModelSpec

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
"""``jaxnn.optim`` factory names; the engine maps each to its ``torch.optim`` class."""
BATCHING = ("full", "loader", "slices")
# Report items every recipe can name (besides "parameters" and its own ``metrics``).
BUILTIN_REPORTS = (
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "initial_loss",
    "final_loss",
)


@dataclass(frozen=True)
class Data:
    """One example's arrays, built once in NumPy and handed to both frameworks.

    ``info`` holds constants a recipe's own metrics need (e.g. the mean and
    standard deviation that z-scored the targets, to report errors in the
    original units).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    info: Mapping[str, float] = field(default_factory=dict)


Predict = Callable[[np.ndarray], np.ndarray]
"""The trained model in eval mode, without gradients: NumPy inputs -> NumPy outputs."""
Metric = Callable[[Predict, Data], float]
"""A recipe's own final metric, computed the same way from each framework's ``predict``."""


@dataclass(frozen=True)
class Variant:
    """One of several models a recipe trains in a row, each from fresh parameters.

    Attributes:
      label: names the variant; prefixes its final metrics and parameters (``"sgd.weight"``).
      optimizer: replaces the recipe's optimizer (``None``: keep it).
      lr_scale: the variant's learning rate is ``settings.lr * lr_scale``.
      optimizer_kwargs: replace the recipe's (``None``: keep them).
    """

    label: str
    optimizer: str | None = None
    lr_scale: float = 1.0
    optimizer_kwargs: Mapping[str, Any] | None = None

    def prefixed(self, key: str) -> str:
        """``key`` under this variant's label (unchanged for the unlabelled single model)."""
        return f"{self.label}.{key}" if self.label else key


@dataclass(frozen=True)
class Recipe:
    """How a training example runs.

    Attributes:
      model: a model spec (see the module docstring).
      data: ``data(settings) -> Data``; must honour ``settings.dtype``.
      loss: a ``torch.nn.functional`` name, the same in ``jaxnn.functional``.
      optimizer: one of :data:`OPTIMIZERS`; the learning rate comes from the
        settings, other arguments from ``optimizer_kwargs``.
      batching: ``"full"`` (the whole training set every step, the notebooks'
        full-batch loops), ``"loader"`` (a DataLoader of ``batch_size`` with
        ``shuffle``/``drop_last``) or ``"slices"`` (consecutive slices of
        ``batch_size``, no shuffle: the notebooks' manual mini-batching).
      report: final metrics, from ``"train_loss"``, ``"test_loss"`` (the
        trained model, evaluated), ``"train_accuracy"``, ``"test_accuracy"``,
        ``"initial_loss"`` and ``"final_loss"`` (the first and the last
        training step's loss, as the notebooks print ``losses[0]`` and
        ``loss.item()`` after their loops), ``"parameters"`` (every parameter
        element of a small model, by torch name), or a key of ``metrics``.
      threshold: how accuracy reads a one-column output: class 1 where the
        output is above ``threshold`` (0.5 for a Sigmoid output, 0.0 for
        logits; the targets are 0/1 floats). ``None`` (default): the class is
        the argmax over the outputs' second axis.
      metrics: the recipe's own report items: ``name -> metric(predict, data)``.
      variants: train one fresh model per variant, in order, after one RNG seed;
        empty (default): one model.
    """

    model: ModelSpec
    data: Callable[[Settings], Data]
    loss: str
    optimizer: str = "sgd"
    optimizer_kwargs: Mapping[str, Any] = field(default_factory=dict)
    batching: str = "full"
    shuffle: bool = False
    drop_last: bool = False
    report: tuple[str, ...] = ("train_loss",)
    threshold: float | None = None
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()

    def __post_init__(self):
        for optimizer in (self.optimizer, *(v.optimizer for v in self.variants)):
            if optimizer is not None and optimizer not in OPTIMIZERS:
                raise ValueError(f"unknown optimizer {optimizer!r}; known: {OPTIMIZERS}")
        if self.batching not in BATCHING:
            raise ValueError(f"batching must be one of {BATCHING}; got {self.batching!r}")
        known = (*BUILTIN_REPORTS, "parameters", *self.metrics)
        unknown = [item for item in self.report if item not in known]
        if unknown:
            raise ValueError(f"unknown report items {unknown}; known: {known}")
        labels = [v.label for v in self.variants]
        if len(set(labels)) != len(labels) or not all(x.isidentifier() for x in labels):
            raise ValueError(f"variant labels must be unique identifiers; got {labels}")

    def each_variant(self) -> tuple[Variant, ...]:
        """The models to train: the variants, or one unlabelled one with the recipe's settings."""
        return self.variants or (Variant(""),)

    def optimizer_of(self, variant: Variant, settings: Settings) -> tuple[str, float, dict]:
        """``(optimizer name, learning rate, keyword arguments)`` of one variant."""
        kwargs = (
            self.optimizer_kwargs if variant.optimizer_kwargs is None else variant.optimizer_kwargs
        )
        return variant.optimizer or self.optimizer, settings.lr * variant.lr_scale, dict(kwargs)

    def load_data(self, settings: Settings) -> Data:
        """The recipe's data, keeping the first ``settings.train_subset`` training samples."""
        data = self.data(settings)
        n = settings.train_subset
        if n is None:
            return data
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"train_subset must be a positive int or None; got {n!r}")
        if n > len(data.x_train):
            raise ValueError(
                f"train_subset {n} is more than the {len(data.x_train)} training samples there "
                f"are; use at most {len(data.x_train)}"
            )
        return dataclasses.replace(data, x_train=data.x_train[:n], y_train=data.y_train[:n])
