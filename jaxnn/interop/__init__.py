"""Conversion between jaxnn modules and torch state dicts (torch key names and layouts)."""

from jaxnn.nn.torch_keys import CONVERSIONS as CONVERSIONS
from jaxnn.nn.torch_keys import Conversion as Conversion
from jaxnn.interop.state_dict import IncompatibleKeys as IncompatibleKeys
from jaxnn.interop.state_dict import StateDictError as StateDictError
from jaxnn.interop.state_dict import load_state_dict as load_state_dict
from jaxnn.interop.state_dict import state_dict as state_dict
