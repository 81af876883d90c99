"""The seeds' models (torch), same names and constructor arguments as ``jaxnn.models``."""

from torch_ref.models.mlp import NeuralNetwork as NeuralNetwork
