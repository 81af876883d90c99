"""Saving and loading (torch): the seeds' ``torch.save``/``torch.load``, made atomic and safe.

Twin of ``jaxnn.checkpoint``. The seeds write ``torch.save(model.state_dict(),
'model.pth')`` and read ``model.load_state_dict(torch.load('model.pth'))``. Here:

- ``torch_ref.checkpoint.pth``: :func:`save_state_dict` / :func:`load_torch_state_dict`
  are those two lines, with the write going through a temporary file and a rename, and
  the read pinned to ``weights_only=True``;
- ``torch_ref.checkpoint.safetensors``: :func:`save_safetensors` /
  :func:`load_safetensors` / :func:`load_safetensors_into` exchange state dicts with
  jaxnn: the files are byte-identical to the ones ``jaxnn.checkpoint`` writes.

:class:`CheckpointError` is ``twincore``'s, the same class as
``jaxnn.checkpoint.CheckpointError``. The orbax train states of ``jaxnn.checkpoint`` have
no twin here: torch keeps that state in the model and the optimizer.
"""

# The neutral core's error, the same class in both twins.
from twincore.safetensors import CheckpointError as CheckpointError

from torch_ref.checkpoint.safetensors import save_safetensors as save_safetensors
from torch_ref.checkpoint.safetensors import load_safetensors as load_safetensors
from torch_ref.checkpoint.safetensors import load_safetensors_into as load_safetensors_into
from torch_ref.checkpoint.pth import save_state_dict as save_state_dict
from torch_ref.checkpoint.pth import load_torch_state_dict as load_torch_state_dict
