"""torchvision's ``ToTensor``, ``Normalize`` and ``Compose`` for JAX: the NumPy transforms
of the neutral core, used as they are (a JAX data loader hands NumPy batches to the device).
"""

from twincore.data.transforms import Compose as Compose
from twincore.data.transforms import Normalize as Normalize
from twincore.data.transforms import ToTensor as ToTensor
from twincore.data.transforms import apply_batch as apply_batch

__all__ = ["ToTensor", "Normalize", "apply_batch", "Compose"]
