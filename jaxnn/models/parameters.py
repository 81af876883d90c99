"""The notebooks' models built from hand-made parameters (``nn.Parameter`` -> ``nnx.Param``).

``ModuleWithParameter``, ``ModuleWithTensor``, ``ModuleWithParam``, ``MLP2Hidden``, and the
manual 20 -> 15 -> 10 -> 3 matmul network as :class:`ManualMLP`.

A parameter is a plain ``nnx.Param`` attribute named as in the notebook, stored in the
notebook's own layout (``x @ W``, so ``W`` is ``(in, out)`` on both sides): the state
dict is verbatim, nothing is transposed. Initial values are drawn from the notebook's
distributions (``torch.randn`` -> ``jax.random.normal``, ``torch.zeros`` ->
``jnp.zeros``); the random streams differ, as always.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn import functional as F
from jaxnn import nn
from jaxnn.config import canonical_param_dtype


def _randn(rngs: nnx.Rngs, shape: tuple[int, ...], dtype: Any) -> jax.Array:
    """``torch.randn(*shape)``: standard normal draws."""
    return jax.random.normal(rngs.params(), shape, dtype)


class ModuleWithParameter(nn.Module):
    """``x @ weight + bias`` with a ``(3, 3)`` weight and a ``(3,)`` bias, both N(0, 1).

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the ``randn`` draws.

    Shape:
      ``(*, 3) -> (*, 3)``.

    PyTorch twin: ``torch_ref.models.ModuleWithParameter``; keys ``weight``, ``bias``
    (in that order), used as ``x @ weight`` on both sides (no transpose).
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        dtype = canonical_param_dtype(dtype)
        # Create a learnable parameter: a 3x3 matrix
        self.weight = nnx.Param(_randn(rngs, (3, 3), dtype))
        # Create another parameter: a bias vector
        self.bias = nnx.Param(_randn(rngs, (3,), dtype))

    def __call__(self, x: jax.Array) -> jax.Array:
        # Use the parameters in computation
        return x @ self.weight + self.bias


class ModuleWithTensor(nn.Module):
    """``x @ regular_tensor`` with a plain ``(3, 3)`` array: no parameters.

    The plain ``jax.Array`` attribute is not an ``nnx.Param``: it is not counted,
    gets no gradient and is not in the state dict, as torch's plain tensor. Unlike
    torch's, it is module state (``nnx.state`` holds it), so ``jax.device_put`` of
    the state moves it; torch would need ``register_buffer`` for that.

    Args:
      dtype: dtype of the array (default float32).
      rngs: ``nnx.Rngs`` for the ``randn`` draw.

    Shape:
      ``(*, 3) -> (*, 3)``.

    PyTorch twin: ``torch_ref.models.ModuleWithTensor``; 0 parameters, empty state dict.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.regular_tensor = _randn(rngs, (3, 3), canonical_param_dtype(dtype))  # Just an array

    def __call__(self, x: jax.Array) -> jax.Array:
        return x @ self.regular_tensor


class ModuleWithParam(nn.Module):
    """``x @ param`` with one ``(3, 3)`` N(0, 1) parameter.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the ``randn`` draw.

    Shape:
      ``(*, 3) -> (*, 3)``.

    PyTorch twin: ``torch_ref.models.ModuleWithParam``; key ``param``, 9 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.param = nnx.Param(_randn(rngs, (3, 3), canonical_param_dtype(dtype)))  # Parameter!

    def __call__(self, x: jax.Array) -> jax.Array:
        return x @ self.param


class MLP2Hidden(nn.Module):
    """Manual-parameter MNIST MLP ``x @ W1 + b1 -> ReLU -> @ W2 + b2``.

    Despite its name (and the notebook's heading) it has **one** hidden layer,
    784 -> 128 -> 10, and the constructor arguments ``h1`` and ``h2`` are accepted
    and ignored, exactly as in the notebook.

    Args:
      h1: ignored (default 256), as in the notebook.
      h2: ignored (default 128), as in the notebook.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the ``randn * 0.01`` draws.

    Shape:
      ``(N, 1, 28, 28)`` (anything with ``N * 784`` elements) ``-> (N, 10)`` logits.

    Attributes:
      W1: ``(784, 128)``, N(0, 0.01^2). b1: ``(128,)`` zeros.
      W2: ``(128, 10)``, N(0, 0.01^2). b2: ``(10,)`` zeros.

    PyTorch twin: ``torch_ref.models.MLP2Hidden``; keys ``W1, b1, W2, b2`` verbatim;
    101,770 parameters.
    """

    def __init__(self, h1: int = 256, h2: int = 128, *, dtype: Any = None, rngs: nnx.Rngs):
        del h1, h2  # ignored, like the notebook's
        dtype = canonical_param_dtype(dtype)
        # Manually define weights and biases
        self.W1 = nnx.Param(_randn(rngs, (784, 128), dtype) * 0.01)
        self.b1 = nnx.Param(jnp.zeros(128, dtype))
        self.W2 = nnx.Param(_randn(rngs, (128, 10), dtype) * 0.01)
        self.b2 = nnx.Param(jnp.zeros(10, dtype))

    def __call__(self, x: jax.Array) -> jax.Array:
        x = x.reshape(-1, 784)  # Flatten; torch: x.view(-1, 784)

        # Layer 1: X @ W + b
        z1 = x @ self.W1 + self.b1
        h1 = F.relu(z1)

        # Layer 2
        logits = h1 @ self.W2 + self.b2
        return logits


class ManualMLP(nn.Module):
    """The notebook's "three-layer neural network" by matrix multiplications, 20 -> 15 -> 10 -> 3,
    as a module.

    ``h1 = relu(x @ W1 + b1)``, ``h2 = relu(h1 @ W2 + b2)``, ``out = h2 @ W3 + b3``.
    The notebook draws every weight and bias from ``torch.randn`` (no scaling) as plain
    tensors; here they are parameters, so the network can be trained and converted.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the ``randn`` draws.

    Shape:
      ``(N, 20) -> (N, 3)``.

    PyTorch twin: ``torch_ref.models.ManualMLP``; keys ``W1, b1, W2, b2, W3, b3``
    verbatim (``W`` is ``(in, out)``); 508 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        dtype = canonical_param_dtype(dtype)
        # Layer 1: 20 -> 15 features
        self.W1 = nnx.Param(_randn(rngs, (20, 15), dtype))
        self.b1 = nnx.Param(_randn(rngs, (15,), dtype))
        # Layer 2: 15 -> 10 features
        self.W2 = nnx.Param(_randn(rngs, (15, 10), dtype))
        self.b2 = nnx.Param(_randn(rngs, (10,), dtype))
        # Layer 3: 10 -> 3 features (output)
        self.W3 = nnx.Param(_randn(rngs, (10, 3), dtype))
        self.b3 = nnx.Param(_randn(rngs, (3,), dtype))

    def __call__(self, x: jax.Array) -> jax.Array:
        h1 = F.relu(x @ self.W1 + self.b1)  # (N, 15)
        h2 = F.relu(h1 @ self.W2 + self.b2)  # (N, 10)
        return h2 @ self.W3 + self.b3  # (N, 3)
