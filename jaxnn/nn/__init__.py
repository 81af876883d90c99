"""Flax NNX twins of ``torch.nn`` layers: torch constructor arguments plus keyword ``rngs``."""

from jaxnn.nn.activation import ReLU as ReLU
from jaxnn.nn.container import Sequential as Sequential
from jaxnn.nn.linear import Linear as Linear
