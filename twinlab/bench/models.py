"""The benchmarked models, each twin's constructor, and the synthetic batches they train on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

MODELS = ("toy", "mnist_mlp", "cnn", "lstm")
BATCH_SIZES = (2, 64, 1024)
VARIANTS = ("torch", "jaxnn-step", "jaxnn-converted", "jaxnn-fused", "jax-floor")
LSTM_STEPS = 16  # sequence length of the LSTM benchmark's inputs


@dataclass(frozen=True)
class ModelSpec:
    """One benchmarked model: how to build each twin and its batches."""

    name: str
    title: str
    jax_model: Callable[[Any, str], Any]  # (rngs, dtype) -> nnx.Module
    torch_model: Callable[[], Any]
    input_shape: tuple[int, ...]  # per sample
    classes: int  # 0: a regression target of shape (1,)
    lr: float
    convolutional: bool = False


def model_specs() -> dict[str, ModelSpec]:
    """Every benchmarked model by name (:data:`MODELS`)."""

    # Each twin's package is imported only when its model is built: the torch worker
    # process never imports JAX (see `twinlab.bench.torch_worker`).
    def jax_models():
        import jaxnn

        return jaxnn.models

    def torch_models():
        import torch_ref

        return torch_ref.models

    return {
        "toy": ModelSpec(
            "toy",
            "toy classifier NeuralNetwork(2, 2) (E12)",
            lambda rngs, dtype: jax_models().NeuralNetwork(2, 2, dtype=dtype, rngs=rngs),
            lambda: torch_models().NeuralNetwork(2, 2),
            (2,),
            2,
            0.5,
        ),
        "mnist_mlp": ModelSpec(
            "mnist_mlp",
            "MNIST MLP 784-256-128-10 (E14)",
            lambda rngs, dtype: jax_models().MNIST(256, 128, dtype=dtype, rngs=rngs),
            lambda: torch_models().MNIST(256, 128),
            (1, 28, 28),
            10,
            0.1,
        ),
        "cnn": ModelSpec(
            "cnn",
            "CNN(10): two 3x3 convs + pooling (E08)",
            lambda rngs, dtype: jax_models().CNN(10, dtype=dtype, rngs=rngs),
            lambda: torch_models().CNN(10),
            (1, 28, 28),
            10,
            0.01,
            convolutional=True,
        ),
        "lstm": ModelSpec(
            "lstm",
            f"RNNModel(8, 16, 1): LSTM over {LSTM_STEPS} steps (E09)",
            lambda rngs, dtype: jax_models().RNNModel(8, 16, 1, dtype=dtype, rngs=rngs),
            lambda: torch_models().RNNModel(8, 16, 1),
            (LSTM_STEPS, 8),
            0,
            0.01,
        ),
    }


def synthetic_data(spec: ModelSpec, batch: int, steps: int, dtype: str, seed: int = 0):
    """``(x, y)`` NumPy arrays of ``batch * steps`` random samples for ``spec``: normal
    inputs, and integer labels below ``spec.classes`` (or a normal target of shape (1,))."""
    rng = np.random.default_rng(seed)
    n = batch * steps
    x = rng.normal(size=(n, *spec.input_shape)).astype(dtype)
    if spec.classes:
        y = rng.integers(0, spec.classes, size=n).astype(np.int32)
    else:
        y = rng.normal(size=(n, 1)).astype(dtype)
    return x, y
