"""torch_ref: the PyTorch reference twin of jaxnn.

The source notebooks' code, repaired where it is broken (each fix is commented),
with the same file names and public names as ``jaxnn``. Depends on torch, numpy,
safetensors and the NumPy-only ``twincore``; never imports jax or jaxnn.
"""

from torch_ref import checkpoint as checkpoint
from torch_ref import config as config
from torch_ref import data as data
from torch_ref import device as device
from torch_ref import models as models
from torch_ref import printing as printing
from torch_ref import random as random
from torch_ref import train as train
from torch_ref.printing import set_printoptions as set_printoptions

__version__ = "0.1.0"
