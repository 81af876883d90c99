"""The notebooks' multilayer perceptrons: stacks of ``Linear`` layers and activations.

Attribute names are the notebooks', so the state-dict keys are the torch twin's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
from flax import nnx

from jaxnn import functional as F
from jaxnn import nn


class NeuralNetwork(nn.Module):
    """Two hidden layers of 30 and 20 ReLU units.

    ``Linear(num_inputs, 30) -> ReLU -> Linear(30, 20) -> ReLU -> Linear(20, num_outputs)``;
    returns logits.

    Args:
      num_inputs: input features.
      num_outputs: classes (logits per sample).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, num_inputs) -> (N, num_outputs)``.

    PyTorch twin: ``torch_ref.models.NeuralNetwork``; parameter keys
    ``layers.{0,2,4}.{weight,bias}`` on both sides.
    """

    def __init__(self, num_inputs: int, num_outputs: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layers = nn.Sequential(
            # 1st hidden layer
            nn.Linear(num_inputs, 30, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            # 2nd hidden layer
            nn.Linear(30, 20, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            # output layer
            nn.Linear(20, num_outputs, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.layers(x)  # logits


class SimpleNN(nn.Module):
    """MNIST-shaped MLP ``784 -> 128 -> ReLU -> 10``.

    The input is flattened with ``x.reshape(-1, 28 * 28)``, the twin of the
    notebook's ``x.view(-1, 28 * 28)``: any shape with a multiple of 784 elements.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the torch-distributed initialisation.

    Shape:
      ``(N, 1, 28, 28)`` (or anything with ``N * 784`` elements) ``-> (N, 10)`` logits.

    PyTorch twin: ``torch_ref.models.SimpleNN``; keys ``fc1.*``, ``fc2.*``; 101,770
    parameters. torch's ``view`` needs contiguous memory, JAX's ``reshape`` does not.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(28 * 28, 128, dtype=dtype, rngs=rngs)
        self.fc2 = nn.Linear(128, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = x.reshape(-1, 28 * 28)  # torch: x.view(-1, 28 * 28)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


class ANN(nn.Module):
    """The notebook's ANN/MLP template ``n_in -> 128 -> ReLU -> 64 -> ReLU -> n_out``.

    The notebook's template reads the undefined globals ``n_in`` and ``n_out``;
    here, as in the torch twin, they are constructor arguments.

    Args:
      n_in: input features.
      n_out: outputs (logits).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, n_in) -> (N, n_out)``.

    PyTorch twin: ``torch_ref.models.ANN``; keys ``net.{0,2,4}.{weight,bias}``.
    """

    def __init__(self, n_in: int, n_out: int, *, dtype: Any = None, rngs: nnx.Rngs):
        self.net = nn.Sequential(
            nn.Linear(n_in, 128, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Linear(128, 64, dtype=dtype, rngs=rngs),
            nn.ReLU(),
            nn.Linear(64, n_out, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.net(x)


class MLP(nn.Module):
    """MNIST MLP ``Flatten -> 784 -> 128 -> ReLU -> 64 -> ReLU -> 10``.

    The notebook's class assigns ``self.activation`` twice and calls the
    undefined ``self.relu`` in ``forward``. Repaired as in the notebook's own
    later version: one ``activation`` module, used after both hidden layers.
    The children keep the notebook's printed order
    ``flatten, linear1, activation, linear2, linear3``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 1, 28, 28) -> (N, 10)`` logits.

    PyTorch twin: ``torch_ref.models.MLP``; keys ``linear{1,2,3}.{weight,bias}``;
    109,386 parameters.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(784, 128, dtype=dtype, rngs=rngs)
        self.activation = nn.ReLU()  # one module, reused after both hidden layers
        self.linear2 = nn.Linear(128, 64, dtype=dtype, rngs=rngs)
        self.linear3 = nn.Linear(64, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.flatten(x)
        x = self.linear1(x)
        x = self.activation(x)
        x = self.linear2(x)
        x = self.activation(x)
        x = self.linear3(x)
        return x  # raw logits


class MNIST(nn.Module):
    """MNIST MLP ``784 -> h1 -> ReLU -> h2 -> ReLU -> 10``.

    ``h1 = ReLU(X W1 + b1)``, ``h2 = ReLU(h1 W2 + b2)``, ``logits = h2 W3 + b3``; the
    input is flattened with ``x.reshape(-1, 28 * 28)`` (torch: ``x.view``).

    Args:
      h1: first hidden width (default 256).
      h2: second hidden width (default 128).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 1, 28, 28) -> (N, 10)`` logits.

    PyTorch twin: ``torch_ref.models.MNIST``; keys ``fc{1,2,3}.{weight,bias}``;
    235,146 parameters with the defaults.
    """

    def __init__(self, h1: int = 256, h2: int = 128, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(28 * 28, h1, dtype=dtype, rngs=rngs)
        self.fc2 = nn.Linear(h1, h2, dtype=dtype, rngs=rngs)
        self.fc3 = nn.Linear(h2, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = x.reshape(-1, 28 * 28)  # flatten -> [B, 784]; torch: x.view(-1, 28*28)
        x = F.relu(self.fc1(x))  # hidden layer 1 with ReLU activation
        x = F.relu(self.fc2(x))  # hidden layer 2 with ReLU activation
        x = self.fc3(x)
        return x


class MultiLayerNetwork(nn.Module):
    """``input_size -> hidden_size -> ReLU -> output_size``.

    Args:
      input_size: input features.
      hidden_size: hidden units.
      output_size: outputs.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, input_size) -> (N, output_size)``.

    PyTorch twin: ``torch_ref.models.MultiLayerNetwork``; keys ``layer{1,2}.*``;
    ``MultiLayerNetwork(20, 64, 10)`` has 1,994 parameters.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        self.layer1 = nn.Linear(input_size, hidden_size, dtype=dtype, rngs=rngs)
        self.activation = nn.ReLU()  # Non-linear activation
        self.layer2 = nn.Linear(hidden_size, output_size, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.layer1(x)  # First linear transformation
        x = self.activation(x)  # Apply ReLU activation
        x = self.layer2(x)  # Second linear transformation
        return x


class SmallNet(nn.Module):
    """``784 -> 128 -> ReLU -> 64 -> ReLU -> 10`` with one shared ReLU.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 784) -> (N, 10)``.

    PyTorch twin: ``torch_ref.models.SmallNet``; keys ``layer{1,2,3}.*``; 109,386
    parameters, 0.42 MB in float32.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer1 = nn.Linear(784, 128, dtype=dtype, rngs=rngs)
        self.layer2 = nn.Linear(128, 64, dtype=dtype, rngs=rngs)
        self.layer3 = nn.Linear(64, 10, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.relu(self.layer1(x))
        x = self.relu(self.layer2(x))
        x = self.layer3(x)
        return x


class MultiLayerNet(nn.Module):
    """``10 -> 20 -> ReLU -> 20 -> ReLU -> 5``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.MultiLayerNet`` (``torch.relu`` there,
    ``jaxnn.functional.relu`` here); keys ``layer{1,2,3}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer1 = nn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.layer2 = nn.Linear(20, 20, dtype=dtype, rngs=rngs)
        self.layer3 = nn.Linear(20, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        x = self.layer3(x)
        return x


class FeedForwardNetwork(nn.Module):
    """A ``Sequential`` of ``Linear -> ReLU`` per hidden size, then ``Linear``.

    Args:
      input_size: number of input features.
      hidden_sizes: list of hidden layer sizes.
      output_size: number of output units (no activation).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, input_size) -> (N, output_size)``.

    PyTorch twin: ``torch_ref.models.FeedForwardNetwork``; keys
    ``network.{0,2,4,...}.{weight,bias}``; ``FeedForwardNetwork(100, [64, 32, 16], 5)``
    has 9,157 parameters.
    """

    def __init__(
        self,
        input_size: int,
        hidden_sizes: Sequence[int],
        output_size: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        # Build layers dynamically
        layers: list[nnx.Module] = []
        prev_size = input_size
        # Add hidden layers with ReLU activation
        for hidden_size in hidden_sizes:
            layers.append(nn.Linear(prev_size, hidden_size, dtype=dtype, rngs=rngs))
            layers.append(nn.ReLU())
            prev_size = hidden_size
        # Add output layer (no activation)
        layers.append(nn.Linear(prev_size, output_size, dtype=dtype, rngs=rngs))
        # Combine into sequential model
        self.network = nn.Sequential(*layers)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.network(x)


class TracedNetwork(nn.Module):
    """``5 -> 10 -> ReLU -> 3`` that prints the shape after every layer.

    The prints are Python ``print`` calls on static shapes, so they run while JAX
    traces: every call when eager (as in torch), but once per compilation under
    ``jax.jit`` / ``nnx.jit`` (the compiled function has those shapes, whatever
    the values). Shapes print as tuples, ``(2, 5)``, where torch prints
    ``torch.Size([2, 5])``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 5) -> (N, 3)``.

    PyTorch twin: ``torch_ref.models.TracedNetwork``; keys ``fc{1,2}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(5, 10, dtype=dtype, rngs=rngs)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(10, 3, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        print(f"Input shape: {x.shape}")

        x = self.fc1(x)
        print(f"After fc1: {x.shape}")

        x = self.relu1(x)
        print(f"After relu1: {x.shape} (ReLU doesn't change shape)")

        x = self.fc2(x)
        print(f"After fc2 (output): {x.shape}")

        return x


class CustomModel(nn.Module):
    """``10 -> 20 -> ReLU -> 5`` whose forward announces itself.

    ``__call__`` is the forward pass; there is no separate ``forward`` method
    and no hooks, so torch's ``model.forward(x)`` vs ``model(x)`` distinction has
    no twin. The message is a trace-time ``print``: every call when eager, once
    per compilation under ``jax.jit``.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.CustomModel``; keys ``fc{1,2}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.fc1 = nn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(20, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        """This method defines the forward pass."""
        print("  forward() method called!")
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


class SimpleNetwork(nn.Module):
    """``10 -> 20 -> ReLU -> 10 -> ReLU -> 5`` with two ReLU modules.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.SimpleNetwork``; keys ``layer{1,2,3}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer1 = nn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.relu1 = nn.ReLU()
        self.layer2 = nn.Linear(20, 10, dtype=dtype, rngs=rngs)
        self.relu2 = nn.ReLU()
        self.layer3 = nn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.layer1(x)
        x = self.relu1(x)  # Apply ReLU after first layer
        x = self.layer2(x)
        x = self.relu2(x)  # Apply ReLU after second layer
        x = self.layer3(x)  # No ReLU after final layer
        return x


class NetworkWithFunctionalReLU(nn.Module):
    """``10 -> 20 -> F.relu -> 5``: the ReLU is a function, not a module.

    Args:
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, 10) -> (N, 5)``.

    PyTorch twin: ``torch_ref.models.NetworkWithFunctionalReLU``; keys ``layer{1,2}.*``.
    """

    def __init__(self, *, dtype: Any = None, rngs: nnx.Rngs):
        self.layer1 = nn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.layer2 = nn.Linear(20, 5, dtype=dtype, rngs=rngs)
        # No need to define ReLU modules!

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.layer1(x)
        x = F.relu(x)  # Apply ReLU functionally
        x = self.layer2(x)
        return x


class ClassificationNetwork(nn.Module):
    """``input -> hidden -> ReLU -> classes -> Softmax(dim=1)``: returns probabilities.

    The notebook itself later calls softmax inside the model the wrong pattern for
    training with cross-entropy; see
    :class:`ClassificationNetworkCorrect`.

    Args:
      input_size: input features.
      hidden_size: hidden units.
      num_classes: classes.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, input_size) -> (N, num_classes)``, rows summing to 1.

    PyTorch twin: ``torch_ref.models.ClassificationNetwork``; keys ``layer{1,2}.*``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_classes: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        self.layer1 = nn.Linear(input_size, hidden_size, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()
        self.layer2 = nn.Linear(hidden_size, num_classes, dtype=dtype, rngs=rngs)
        self.softmax = nn.Softmax(dim=1)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.layer1(x)
        x = self.relu(x)
        logits = self.layer2(x)  # Raw scores
        probabilities = self.softmax(logits)  # Convert to probabilities
        return probabilities


class ClassificationNetworkCorrect(nn.Module):
    """``input -> hidden -> ReLU -> classes``: returns logits.

    Args:
      input_size: input features.
      hidden_size: hidden units.
      num_classes: classes.
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs`` for the initialisation.

    Shape:
      ``(N, input_size) -> (N, num_classes)`` logits, for ``cross_entropy``.

    PyTorch twin: ``torch_ref.models.ClassificationNetworkCorrect``; keys ``layer{1,2}.*``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_classes: int,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        self.layer1 = nn.Linear(input_size, hidden_size, dtype=dtype, rngs=rngs)
        self.relu = nn.ReLU()
        self.layer2 = nn.Linear(hidden_size, num_classes, dtype=dtype, rngs=rngs)
        # No softmax in the model!

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.layer1(x)
        x = self.relu(x)
        logits = self.layer2(x)  # Return raw logits
        return logits
