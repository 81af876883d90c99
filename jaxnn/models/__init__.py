"""The seeds' models as Flax NNX modules, with the same names and constructor
arguments as their ``torch_ref.models`` twins."""

from jaxnn.models.mlp import NeuralNetwork as NeuralNetwork
