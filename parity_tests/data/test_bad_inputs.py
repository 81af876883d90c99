"""The data pipeline's bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS
from .components import DATALOADER, GRID, IDX, MNIST, SPLIT

COMPONENTS = {
    "data-loader-": DATALOADER,
    "data-batch-size-": DATALOADER,
    "data-shuffle-": DATALOADER,
    "data-dataset-": DATALOADER,
    "data-idx-": IDX,
    "data-mnist-": IDX,
    "data-mnist-float-images": MNIST,
    "data-mnist-32x32-images": MNIST,
    "data-mnist-label-255": MNIST,
    "data-split-": SPLIT,
    "data-grid-": GRID,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
