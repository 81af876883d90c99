"""Evaluation metrics over a data loader."""

from __future__ import annotations

from collections.abc import Iterable

import jax
import jax.numpy as jnp
from flax import nnx


@nnx.jit
def _correct(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.sum(jnp.argmax(model(x), axis=1) == y)


def compute_accuracy(model: nnx.Module, dataloader: Iterable) -> float:
    """Fraction of samples whose argmax logit equals the label.

    Puts the model in eval mode (dropout off) and leaves it there, as the notebook
    does; sums correct predictions on the device and fetches the total once.

    PyTorch twin: ``torch_ref.train.compute_accuracy(model, dataloader)``.
    """
    model.eval()
    correct, total = jnp.zeros((), jnp.int32), 0
    for x, y in dataloader:
        correct = correct + _correct(model, x, y)
        total += int(y.shape[0])
    if total == 0:
        raise ValueError("compute_accuracy(): the data loader yielded no samples")
    return float(correct) / total
