"""The notebooks' regularized models: dropout (module and functional) and batch norm.

Mode: every model starts in training mode, like torch's. ``model.eval()`` /
``model.train()`` (NNX's methods) set ``deterministic`` on each ``Dropout`` (and on
:class:`NetworkWithFunctionalDropout` itself) and ``use_running_average`` on each
``BatchNorm1d``. Dropout masks come from the ``dropout`` stream of the ``rngs``
given at construction (``default`` when there is none); they never match torch's.
"""

from __future__ import annotations

from typing import Any

import jax
from flax import nnx

from jaxnn import functional as F
from jaxnn import nn


class ModelWithDropout(nn.Module):
    """``10 -> 20 -> Dropout(0.5) -> 5``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation, ``dropout`` for the masks.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.ModelWithDropout``; keys ``linear{1,2}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.linear1 = nn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.dropout = nn.Dropout(p=0.5, rngs=rngs)  # Drop 50% of activations
        self.linear2 = nn.Linear(20, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.linear1(x)
        x = self.dropout(x)  # Dropout is applied here
        x = self.linear2(x)
        return x


class ImageClassifier(nn.Module):
    """A simple image classifier.

    ``input_size -> 256 -> ReLU -> Dropout(0.2) -> 128 -> ReLU -> Dropout(0.2) -> num_classes``
    in one ``Sequential``.

    Args:
      input_size: flattened image size (default 784 = 28 x 28).
      num_classes: classes (default 10).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation, ``dropout`` for the masks.

    Shape:
      ``(N, input_size) -> (N, num_classes)`` logits.

    PyTorch twin: ``torch_ref.models.ImageClassifier``; keys
    ``network.{0,3,6}.{weight,bias}``; 235,146 parameters with the defaults.
    """

    def __init__(
        self, input_size: int = 784, num_classes: int = 10, *, dtype: Any = None, rngs: nnx.Rngs
    ):
        self.network = nn.Sequential(
            nn.Linear(input_size, 256, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Dropout(0.2, rngs=rngs),  # 20% dropout for regularization
            nn.Linear(256, 128, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Dropout(0.2, rngs=rngs),
            nn.Linear(128, num_classes, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        # x shape: (batch_size, 784)
        return self.network(x)


class NetworkWithDropout(nn.Module):
    """``100 -> 256 -> ReLU -> Dropout(0.5) -> 128 -> ReLU -> Dropout(0.5) -> 10``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation, ``dropout`` for the masks.

    Shape:
      ``(N, 100) -> (N, 10)``.

    PyTorch twin: ``torch_ref.models.NetworkWithDropout``; keys ``fc{1,2,3}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(100, 256, dtype=dtype, rngs=rngs)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(p=0.5, rngs=rngs)  # 50% dropout

        self.fc2 = nn.Linear(256, 128, dtype=dtype, rngs=rngs)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(p=0.5, rngs=rngs)  # 50% dropout

        self.fc3 = nn.Linear(128, 10, dtype=dtype, rngs=rngs)  # No dropout on output layer

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.fc1(x)
        x = self.relu1(x)
        x = self.dropout1(x)  # Apply dropout after activation

        x = self.fc2(x)
        x = self.relu2(x)
        x = self.dropout2(x)  # Apply dropout after activation

        x = self.fc3(x)  # No dropout on output
        return x


class NetworkWithFunctionalDropout(nn.Module):
    """``100 -> 256 -> relu -> F.dropout(0.5) -> 10``, no dropout module.

    torch's forward passes ``training=self.training``. NNX modules have no
    ``training`` flag, so the model keeps its own ``deterministic`` attribute (the
    inverse), which ``model.train()`` / ``model.eval()`` set like a ``Dropout``'s,
    and its own ``dropout_rngs`` stream for the masks (torch uses its global
    generator).

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation, ``dropout`` for the masks.

    Shape:
      ``(N, 100) -> (N, 10)``.

    Attributes:
      deterministic: False in training mode (the default), True after ``model.eval()``.

    PyTorch twin: ``torch_ref.models.NetworkWithFunctionalDropout``; keys ``fc{1,2}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(100, 256, dtype=dtype, rngs=rngs)
        self.fc2 = nn.Linear(256, 10, dtype=dtype, rngs=rngs)
        # No dropout modules defined! The twin of torch's self.training, inverted:
        self.deterministic = False
        self.dropout_rngs = rngs["dropout"].fork()

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.fc1(x)
        x = F.relu(x)
        training = not self.deterministic
        key = self.dropout_rngs() if training else None
        x = F.dropout(x, p=0.5, training=training, rng=key)  # torch: training=self.training

        x = self.fc2(x)
        return x


class WellRegularizedNetwork(nn.Module):
    """``Linear -> BatchNorm1d -> ReLU -> Dropout`` twice, then ``Linear``: 784 -> 512 -> 256 -> 10.

    Dropout 0.5 after the first block, 0.3 after the second, none on the output.
    In training mode the batch norms use the batch's statistics and update their
    running ones (torch's momentum 0.1 and unbiased running variance); after
    ``model.eval()`` they use the running statistics and dropout is off.

    Args:
      dtype: parameter and running-statistics dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation, ``dropout`` for the masks.

    Shape:
      ``(N, 784) -> (N, 10)``; training mode needs ``N > 1`` (batch statistics).

    PyTorch twin: ``torch_ref.models.WellRegularizedNetwork``; keys ``fc{1,2,3}.*``
    and ``bn{1,2}.{weight,bias,running_mean,running_var,num_batches_tracked}``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        # Input layer - no dropout
        self.fc1 = nn.Linear(784, 512, dtype=dtype, rngs=rngs)
        self.bn1 = nn.BatchNorm1d(512, dtype=dtype)  # Can combine with BatchNorm
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5, rngs=rngs)  # Heavy dropout after first layer

        # Hidden layer
        self.fc2 = nn.Linear(512, 256, dtype=dtype, rngs=rngs)
        self.bn2 = nn.BatchNorm1d(256, dtype=dtype)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(0.3, rngs=rngs)  # Lighter dropout

        # Output layer - no dropout
        self.fc3 = nn.Linear(256, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.fc1(x)
        x = self.bn1(x)
        x = self.relu1(x)
        x = self.dropout1(x)  # Dropout after activation

        x = self.fc2(x)
        x = self.bn2(x)
        x = self.relu2(x)
        x = self.dropout2(x)  # Dropout after activation

        x = self.fc3(x)  # No dropout on output
        return x
