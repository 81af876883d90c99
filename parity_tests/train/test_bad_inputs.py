"""The training loop's bad inputs (``bad_inputs.py``): each call raises the row's error."""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

FIT = pytest.mark.component(
    "Training loop and fit",
    torch="a zero_grad/backward/step loop",
    jaxnn="jaxnn.train.make_train_step, fit",
    lesson="17_training_loop",
)

COMPONENTS = {
    "train-": FIT,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
