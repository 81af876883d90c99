"""jaxnn: the PyTorch learning notebooks' components, twinned in JAX.

Naming follows torch, so the twin of a notebook line is found by name:
``torch.nn.X`` -> ``jaxnn.nn.X``, ``torch.nn.functional.f`` ->
``jaxnn.functional.f``, ``torch.optim.X`` -> ``jaxnn.optim.x``. The PyTorch
twin is ``torch_ref``; both stand on the NumPy-only ``twincore``. jaxnn never
imports torch at import time (reading a ``.pth`` file imports it then).
"""

from jaxnn import checkpoint as checkpoint
from jaxnn import config as config
from jaxnn import data as data
from jaxnn import device as device
from jaxnn import functional as functional
from jaxnn import interop as interop
from jaxnn import models as models
from jaxnn import nn as nn
from jaxnn import optim as optim
from jaxnn import parallel as parallel
from jaxnn import printing as printing
from jaxnn import random as random
from jaxnn import train as train
from jaxnn.printing import set_printoptions as set_printoptions

__version__ = "0.1.0"
