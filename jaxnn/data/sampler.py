"""Index orders for ``DataLoader``: the neutral core's NumPy samplers, used as they are.

torch's samplers draw from torch's global generator, which JAX cannot replay, so
both twins draw their orders from NumPy (``twincore.data.sampler``).
"""

from twincore.data.sampler import RandomSampler as RandomSampler
from twincore.data.sampler import ReplaySampler as ReplaySampler
from twincore.data.sampler import SequentialSampler as SequentialSampler

__all__ = ["SequentialSampler", "RandomSampler", "ReplaySampler"]
