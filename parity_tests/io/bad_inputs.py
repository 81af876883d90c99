"""Bad inputs to saving and loading: torch state dicts and checkpoint files.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.interop`` (area
``interop``) and ``jaxnn.checkpoint`` (area ``checkpoint``); ``test_bad_inputs.py`` runs them;
``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from flax import nnx

import jaxnn.nn as nn
from jaxnn import checkpoint, interop, optim, train

from ..bad_input import BadInput


def _linear() -> nn.Linear:
    return nn.Linear(3, 2, rngs=nnx.Rngs(0))


def _state_dict(**changes: Any) -> dict[str, Any]:
    """Linear(3, 2)'s torch state dict with ``changes`` (``None`` drops a key)."""
    state = dict(interop.state_dict(_linear()))
    for key, value in changes.items():
        if value is None:
            state.pop(key)
        else:
            state[key] = value
    return state


def _safetensors(root: Path) -> None:
    checkpoint.save_safetensors(interop.state_dict(_linear()), root / "model.safetensors")


def _truncated_safetensors(root: Path) -> None:
    _safetensors(root)
    path = root / "model.safetensors"
    path.write_bytes(path.read_bytes()[:-4])


def _garbage_safetensors(root: Path) -> None:
    (root / "model.safetensors").write_bytes(b"this is not a safetensors file at all")


def _wrong_model_safetensors(root: Path) -> None:
    model = nn.Linear(2, 3, rngs=nnx.Rngs(0))
    checkpoint.save_safetensors(interop.state_dict(model), root / "model.safetensors")


class _Payload:
    """A pickled object whose unpickling calls a function: the shape of a code payload.

    Here the function only creates ``marker``, so a loader that ran it is caught by the
    row's ``after`` check.
    """

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


PAYLOAD_MARKER = "payload-ran"


def _payload_did_not_run(root: Path) -> None:
    assert not (root / PAYLOAD_MARKER).exists(), "loading the .pth ran the pickled call"


def _pickle_payload_pth(root: Path) -> None:
    import torch

    torch.save(
        {"weight": torch.zeros(2, 3), "bias": _Payload(root / PAYLOAD_MARKER)}, root / "model.pth"
    )


def _garbage_pth(root: Path) -> None:
    (root / "model.pth").write_bytes(b"PK\x03\x04 not really a zip")


def _train_state_like() -> train.TrainState:
    return train.TrainState.create(_linear(), optim.sgd(lr=0.1))[1]


BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "interop-missing-key",
        "interop",
        "loaded a state dict without the bias",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(bias=None)),
        interop.StateDictError,
        'Missing key(s) in state_dict: "bias"',
    ),
    BadInput(
        "interop-flax-layer",
        "interop",
        "loaded a torch state dict into a model built from flax.nnx.Linear, not jaxnn's",
        lambda tmp: interop.load_state_dict(
            nnx.Sequential(nnx.Linear(3, 2, rngs=nnx.Rngs(0))), {"layers.0.weight": np.ones((2, 3))}
        ),
        interop.StateDictError,
        "'layers.0' is flax.nnx.Linear, which keeps Flax's parameter names and layouts (kernel, "
        "not weight): build it with jaxnn.nn.Linear, torch's twin, or convert the torch model "
        "with jaxnn.interop.from_torch",
    ),
    BadInput(
        "interop-unexpected-key",
        "interop",
        "loaded a state dict with an extra key",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(scale=np.ones(2))),
        interop.StateDictError,
        'Unexpected key(s) in state_dict: "scale"',
    ),
    BadInput(
        "interop-size-mismatch",
        "interop",
        "loaded a (3, 2) weight into a Linear(3, 2)",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(weight=np.zeros((3, 2)))),
        interop.StateDictError,
        "size mismatch for weight: copying a param with shape (3, 2) from checkpoint, the "
        "shape in current model is (2, 3).",
    ),
    BadInput(
        "interop-int-into-float",
        "interop",
        "loaded an integer weight into a float parameter",
        lambda tmp: interop.load_state_dict(
            _linear(), _state_dict(weight=np.zeros((2, 3), np.int64))
        ),
        interop.StateDictError,
        "dtype mismatch for weight: got int64, expected a floating dtype",
    ),
    BadInput(
        "interop-not-a-mapping",
        "interop",
        "passed a list of arrays as the state dict",
        lambda tmp: interop.load_state_dict(_linear(), [np.zeros((2, 3)), np.zeros(2)]),
        TypeError,
        "state_dict must be a mapping of names to arrays; got list",
    ),
    BadInput(
        "checkpoint-safetensors-missing",
        "checkpoint",
        "loaded a safetensors file that is not there",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        FileNotFoundError,
        "no safetensors file at",
    ),
    BadInput(
        "checkpoint-safetensors-truncated",
        "checkpoint",
        "loaded a safetensors file missing its last bytes",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        checkpoint.CheckpointError,
        "bytes of data that follow the header (the file is truncated)",
        setup=_truncated_safetensors,
    ),
    BadInput(
        "checkpoint-safetensors-garbage",
        "checkpoint",
        "loaded a text file as safetensors",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        checkpoint.CheckpointError,
        "the file is truncated or not a safetensors file",
        setup=_garbage_safetensors,
    ),
    BadInput(
        "checkpoint-safetensors-wrong-model",
        "checkpoint",
        "loaded a Linear(2, 3)'s safetensors into a Linear(3, 2)",
        lambda tmp: checkpoint.load_safetensors_into(_linear(), tmp / "model.safetensors"),
        interop.StateDictError,
        "size mismatch for weight: copying a param with shape (3, 2)",
        setup=_wrong_model_safetensors,
    ),
    BadInput(
        "checkpoint-pth-pickle-payload",
        "checkpoint",
        "loaded a .pth whose pickle would call a function",
        lambda tmp: checkpoint.load_torch_state_dict(tmp / "model.pth"),
        checkpoint.CheckpointError,
        "refused to unpickle",
        setup=_pickle_payload_pth,
        after=_payload_did_not_run,
    ),
    BadInput(
        "checkpoint-pth-garbage",
        "checkpoint",
        "loaded a corrupt .pth file",
        lambda tmp: checkpoint.load_torch_state_dict(tmp / "model.pth"),
        checkpoint.CheckpointError,
        "not a readable torch checkpoint",
        setup=_garbage_pth,
    ),
    BadInput(
        "checkpoint-train-state-missing",
        "checkpoint",
        "restored a training state from a directory that does not exist",
        lambda tmp: checkpoint.restore_train_state(tmp / "run", _train_state_like()),
        FileNotFoundError,
        "no checkpoint directory at",
    ),
)
