"""The optimizers' bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

SGD = pytest.mark.component(
    "SGD",
    torch="torch.optim.SGD",
    jaxnn="jaxnn.optim.sgd",
    lesson="15_optimizers_and_learning_rate",
)

ADAM = pytest.mark.component(
    "Adam",
    torch="torch.optim.Adam",
    jaxnn="jaxnn.optim.adam",
    lesson="15_optimizers_and_learning_rate",
)

SCHEDULES = pytest.mark.component(
    "Learning-rate schedules",
    torch="lr_scheduler.StepLR, ExponentialLR, ...",
    jaxnn="jaxnn.optim.step_lr, exponential_lr, ...",
    lesson="15_optimizers_and_learning_rate",
)

CLIPPING = pytest.mark.component(
    "Gradient clipping",
    torch="torch.nn.utils.clip_grad_norm_",
    jaxnn="jaxnn.optim.clip_grad_norm_, clip",
    lesson="15_optimizers_and_learning_rate",
)

COMPONENTS = {
    "optim-sgd-": SGD,
    "optim-adam-": ADAM,
    "optim-step-lr-": SCHEDULES,
    "optim-clip-": CLIPPING,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
