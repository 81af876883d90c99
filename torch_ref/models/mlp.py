"""The notebooks' multilayer perceptrons: stacks of ``Linear`` layers and activations.

The notebooks' code; repairs are commented.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


class NeuralNetwork(torch.nn.Module):
    """Two hidden layers of 30 and 20 ReLU units.

    ``Linear(num_inputs, 30) -> ReLU -> Linear(30, 20) -> ReLU -> Linear(20, num_outputs)``;
    returns logits. JAX twin: ``jaxnn.models.NeuralNetwork``.
    """

    def __init__(self, num_inputs: int, num_outputs: int):
        super().__init__()
        self.layers = torch.nn.Sequential(
            # 1st hidden layer
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            # 2nd hidden layer
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            # output layer
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)  # logits


class SimpleNN(nn.Module):
    """MNIST-shaped MLP ``784 -> 128 -> ReLU -> 10``.

    JAX twin: ``jaxnn.models.SimpleNN``.
    """

    def __init__(self):
        super(SimpleNN, self).__init__()  # noqa: UP008 (the notebook's spelling)
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(-1, 28 * 28)
        x = torch.relu(self.fc1(x))
        x = self.fc2(x)
        return x


class ANN(nn.Module):
    """``n_in -> 128 -> ReLU -> 64 -> ReLU -> n_out``.

    JAX twin: ``jaxnn.models.ANN``.
    """

    # Repair: the notebook reads the undefined globals n_in and n_out;
    # they are constructor arguments here.
    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, 128),
            nn.ReLU(),
            nn.Linear(128, 64),
            nn.ReLU(),
            nn.Linear(64, n_out),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class MLP(nn.Module):
    """MNIST MLP ``Flatten -> 784 -> 128 -> ReLU -> 64 -> ReLU -> 10``.

    JAX twin: ``jaxnn.models.MLP``.
    """

    def __init__(self):
        super(MLP, self).__init__()  # noqa: UP008 (the notebook's spelling)
        # flatten
        self.flatten = nn.Flatten()
        # first linear layer transformation (first y=mx+c) : 28*28(784) -> 128
        self.linear1 = nn.Linear(784, 128)
        self.activation = nn.ReLU()
        # second layer (MNIST has 2 hidden layers we are using)
        self.linear2 = nn.Linear(128, 64)
        # Repair: the notebook assigned `self.activation = nn.ReLU()` a second time here.
        # Reassigning keeps the first position, so the printed repr
        # (flatten, linear1, activation, linear2, linear3) is unchanged without it.
        # take 64 inputs from hidden layer 2 and output the final 10 class labels
        self.linear3 = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Repair: the notebook called the undefined self.relu (an AttributeError);
        # its own later version uses self.activation.
        x = self.flatten(x)
        x = self.activation(self.linear1(x))
        x = self.activation(self.linear2(x))
        x = self.linear3(x)
        return x  # raw logits (no softmax here, CrossEntropyLoss handles it)


class MNIST(nn.Module):
    """MNIST MLP ``784 -> h1 -> ReLU -> h2 -> ReLU -> 10``.

    h1 = ReLU(XW1 + b1); h2 = ReLU(h1W2 + b2); logits = h2W3 + b3.
    JAX twin: ``jaxnn.models.MNIST``.
    """

    def __init__(self, h1: int = 256, h2: int = 128):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, h1)
        self.fc2 = nn.Linear(h1, h2)
        self.fc3 = nn.Linear(h2, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [B, 1, 28, 28] (batch size, channels, height, width)

        x = x.view(-1, 28 * 28)  # flatten -> [B, 784]
        x = F.relu(self.fc1(x))  # hidden layer 1 with ReLU activation
        x = F.relu(self.fc2(x))  # hidden layer 2 with ReLU activation
        x = self.fc3(x)
        return x


class MultiLayerNetwork(nn.Module):
    """``input_size -> hidden_size -> ReLU -> output_size``.

    JAX twin: ``jaxnn.models.MultiLayerNetwork``.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        # Define multiple layers
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.activation = nn.ReLU()  # Non-linear activation
        self.layer2 = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Define the forward pass through all layers
        x = self.layer1(x)  # First linear transformation
        x = self.activation(x)  # Apply ReLU activation
        x = self.layer2(x)  # Second linear transformation
        return x


class SmallNet(nn.Module):
    """``784 -> 128 -> ReLU -> 64 -> ReLU -> 10``.

    JAX twin: ``jaxnn.models.SmallNet``.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(784, 128)
        self.layer2 = nn.Linear(128, 64)
        self.layer3 = nn.Linear(64, 10)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.layer1(x))
        x = self.relu(self.layer2(x))
        x = self.layer3(x)
        return x


class MultiLayerNet(nn.Module):
    """``10 -> 20 -> ReLU -> 20 -> ReLU -> 5``.

    JAX twin: ``jaxnn.models.MultiLayerNet``.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(10, 20)
        self.layer2 = nn.Linear(20, 20)
        self.layer3 = nn.Linear(20, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.layer1(x))
        x = torch.relu(self.layer2(x))
        x = self.layer3(x)
        return x


class FeedForwardNetwork(nn.Module):
    """``Linear -> ReLU`` per hidden size, then ``Linear``.

    JAX twin: ``jaxnn.models.FeedForwardNetwork``.
    """

    def __init__(self, input_size: int, hidden_sizes: Sequence[int], output_size: int):
        """
        Args:
            input_size: Number of input features
            hidden_sizes: List of hidden layer sizes
            output_size: Number of output units
        """
        super().__init__()

        # Build layers dynamically
        layers = []
        prev_size = input_size

        # Add hidden layers with ReLU activation
        for hidden_size in hidden_sizes:
            layers.append(nn.Linear(prev_size, hidden_size))
            layers.append(nn.ReLU())
            prev_size = hidden_size

        # Add output layer (no activation)
        layers.append(nn.Linear(prev_size, output_size))

        # Combine into sequential model
        self.network = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x)


class TracedNetwork(nn.Module):
    """``5 -> 10 -> ReLU -> 3``, printing the shape after each layer.

    JAX twin: ``jaxnn.models.TracedNetwork``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(5, 10)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        print(f"Input shape: {x.shape}")

        x = self.fc1(x)
        print(f"After fc1: {x.shape}")

        x = self.relu1(x)
        print(f"After relu1: {x.shape} (ReLU doesn't change shape)")

        x = self.fc2(x)
        print(f"After fc2 (output): {x.shape}")

        return x


class CustomModel(nn.Module):
    """``10 -> 20 -> ReLU -> 5``, announcing each forward call.

    JAX twin: ``jaxnn.models.CustomModel``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(20, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """This method defines the forward pass."""
        print("  forward() method called!")
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


class SimpleNetwork(nn.Module):
    """``10 -> 20 -> ReLU -> 10 -> ReLU -> 5``.

    JAX twin: ``jaxnn.models.SimpleNetwork``.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(10, 20)
        self.relu1 = nn.ReLU()
        self.layer2 = nn.Linear(20, 10)
        self.relu2 = nn.ReLU()
        self.layer3 = nn.Linear(10, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = self.relu1(x)  # Apply ReLU after first layer
        x = self.layer2(x)
        x = self.relu2(x)  # Apply ReLU after second layer
        x = self.layer3(x)  # No ReLU after final layer
        return x


class NetworkWithFunctionalReLU(nn.Module):
    """``10 -> 20 -> F.relu -> 5``.

    JAX twin: ``jaxnn.models.NetworkWithFunctionalReLU``.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(10, 20)
        self.layer2 = nn.Linear(20, 5)
        # No need to define ReLU modules!

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = F.relu(x)  # Apply ReLU functionally
        x = self.layer2(x)
        return x


class ClassificationNetwork(nn.Module):
    """``input -> hidden -> ReLU -> classes -> Softmax(dim=1)``.

    JAX twin: ``jaxnn.models.ClassificationNetwork``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_classes: int):
        super().__init__()
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.layer2 = nn.Linear(hidden_size, num_classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = self.relu(x)
        logits = self.layer2(x)  # Raw scores
        probabilities = self.softmax(logits)  # Convert to probabilities
        return probabilities


class ClassificationNetworkCorrect(nn.Module):
    """``input -> hidden -> ReLU -> classes``, returning logits.

    JAX twin: ``jaxnn.models.ClassificationNetworkCorrect``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_classes: int):
        super().__init__()
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.layer2 = nn.Linear(hidden_size, num_classes)
        # No softmax in the model!

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = self.relu(x)
        logits = self.layer2(x)  # Return raw logits
        return logits
