"""Conversion between jaxnn and torch: state dicts (torch key names and layouts) and whole
modules (``from_torch``, the JAX twin of a torch model)."""

from jaxnn.nn.torch_keys import CONVERSIONS as CONVERSIONS
from jaxnn.nn.torch_keys import Conversion as Conversion
from jaxnn.interop.state_dict import IncompatibleKeys as IncompatibleKeys
from jaxnn.interop.state_dict import StateDictError as StateDictError
from jaxnn.interop.state_dict import load_state_dict as load_state_dict
from jaxnn.interop.state_dict import state_dict as state_dict
from jaxnn.interop.converter import UnsupportedTorchOp as UnsupportedTorchOp
from jaxnn.interop.converter import from_torch as from_torch
from jaxnn.interop.compare import compare_forward as compare_forward
from jaxnn.interop.compare import compare_gradients as compare_gradients
from jaxnn.interop.compare import compare_training as compare_training
