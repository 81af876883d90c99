"""Saving and loading's bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

STATE_DICT = pytest.mark.component(
    "state_dict conversion",
    torch="model.state_dict(), load_state_dict()",
    jaxnn="jaxnn.interop.state_dict, load_state_dict",
    lesson="19_saving_and_loading",
)

CHECKPOINTS = pytest.mark.component(
    "Checkpoints",
    torch="torch.save, torch.load",
    jaxnn="jaxnn.checkpoint.save_safetensors, ...",
    lesson="19_saving_and_loading",
)

COMPONENTS = {
    "interop-": STATE_DICT,
    "checkpoint-": CHECKPOINTS,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
