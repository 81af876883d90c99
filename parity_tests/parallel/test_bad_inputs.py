"""Multi-seed and data-parallel bad inputs (``bad_inputs.py``): each call raises the row's
error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

MULTISEED = pytest.mark.component(
    "Multi-seed training",
    torch="a Python loop of single runs, one per seed",
    jaxnn="jaxnn.parallel.fit_seeds, make_multi_train_step",
    lesson="17_training_loop",
)

SHARDING = pytest.mark.component(
    "Data parallelism",
    torch="torch.nn.parallel.DistributedDataParallel",
    jaxnn="jaxnn.parallel.make_sharded_train_step, data_mesh",
    lesson="17_training_loop",
)

COMPONENTS = {
    "train-seeds-": MULTISEED,
    "train-devices-": SHARDING,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
