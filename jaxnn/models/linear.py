"""The notebooks' one-layer models: a single ``Linear`` wrapped in a module.

Each is ``y = x W^T + b`` under the notebook's attribute name, so the state-dict keys are
the notebook's (``fc.weight``, ``linear.bias``, ``layer.weight``).
"""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import nn


class SimpleNet(nn.Module):
    """``Linear(2, 1)`` in a module.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, 2) -> (N, 1)``.

    PyTorch twin: ``torch_ref.models.SimpleNet``; keys ``fc.{weight,bias}``, 3 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc = nn.Linear(2, 1, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.fc(x)


class Net(nn.Module):
    """``Linear(10, 1)`` in a module: the notebook's ``nn.Module`` template.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 1)``.

    PyTorch twin: ``torch_ref.models.Net``; keys ``fc.{weight,bias}``, 11 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc = nn.Linear(10, 1, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.fc(x)


class LinearModel(nn.Module):
    """``Linear(in_features, out_features)`` in a module.

    The notebook's template reads the undefined globals ``in_features`` and
    ``out_features``; here, as in the torch twin, they are constructor arguments.

    Args:
      in_features: input features.
      out_features: output features.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, in_features) -> (N, out_features)``.

    PyTorch twin: ``torch_ref.models.LinearModel``; keys ``fc.{weight,bias}``.
    """

    def __init__(self, in_features: int, out_features: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc = nn.Linear(in_features, out_features, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.fc(x)


class SimpleModule(nn.Module):
    """``Linear(10, 5)`` in a module.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.SimpleModule``; keys ``linear.{weight,bias}``,
    55 parameters (the notebook's count).
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.linear = nn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.linear(x)


class MyModule(nn.Module):
    """``Linear(10, 5)`` under the name ``layer`` (the notebook's summary template).

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.MyModule``; keys ``layer.{weight,bias}``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer = nn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.layer(x)


class LinearRegressionModel(nn.Module):
    """``Linear(1, 1)``: one weight and one bias.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 1) -> (N, 1)``.

    PyTorch twin: ``torch_ref.models.LinearRegressionModel``; keys ``linear.{weight,bias}``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.linear = nn.Linear(1, 1, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.linear(x)
