"""Flax NNX twins of ``torch.nn`` layers: torch constructor arguments plus keyword ``rngs``."""

from jaxnn.nn.activation import ReLU as ReLU
from jaxnn.nn.container import Sequential as Sequential
from jaxnn.nn.linear import Linear as Linear
from jaxnn.nn.module import Frozen as Frozen
from jaxnn.nn.module import count_parameters as count_parameters
from jaxnn.nn.module import freeze as freeze
from jaxnn.nn.module import named_parameters as named_parameters
from jaxnn.nn.module import unfreeze as unfreeze
