"""Saving and loading: safetensors shared with torch, torch ``.pth`` files, orbax train states.

Three formats, three jobs:

- **safetensors** (``jaxnn.checkpoint.safetensors``) is the interchange with torch. A
  file holds the state dict under torch's key names and layouts (``layers.0.weight`` as
  ``(out, in)``), so a file written here loads into the torch twin and the other way
  round, bit for bit. The format is a JSON header plus raw little-endian bytes: loading
  it runs no code.
- **torch ``.pth``/``.pt``** files (``jaxnn.checkpoint.pth``; the seeds'
  ``torch.save(model.state_dict(), 'model.pth')``) are pickles; they are read only
  through ``torch.load(weights_only=True)``, which refuses any payload that would run
  code. torch is imported only when such a file is read.
- **orbax** (``jaxnn.checkpoint.train_state``, JAX only) holds the whole training state
  (parameters, optimizer state, step, running statistics and RNG state) for resuming a run.

Every write is atomic: a reader or a crash sees the old file or the complete new one,
never a half-written checkpoint. :class:`CheckpointError` is ``twincore``'s, the same
class as ``torch_ref.checkpoint.CheckpointError``.

PyTorch twin: ``torch_ref.checkpoint``, the same names in the same order, less the orbax
train states and plus ``save_state_dict`` (a ``.pth`` writer; jaxnn never needs torch).
"""

# The neutral core's error, the same class in both twins.
from twincore.safetensors import CheckpointError as CheckpointError

from jaxnn.checkpoint.safetensors import save_safetensors as save_safetensors
from jaxnn.checkpoint.safetensors import load_safetensors as load_safetensors
from jaxnn.checkpoint.safetensors import load_safetensors_into as load_safetensors_into
from jaxnn.checkpoint.pth import load_torch_state_dict as load_torch_state_dict
from jaxnn.checkpoint.train_state import save_train_state as save_train_state
from jaxnn.checkpoint.train_state import restore_train_state as restore_train_state
from jaxnn.checkpoint.train_state import checkpoint_steps as checkpoint_steps
