"""The layers' bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS
from .components import CONV2D, DROPOUT, EMBEDDING, LINEAR, LOSSES, NORMALIZATION, RECURRENT

COMPONENTS = {
    "nn-linear-": LINEAR,
    "nn-conv2d-": CONV2D,
    "nn-lstm-": RECURRENT,
    "nn-embedding-": EMBEDDING,
    "nn-dropout-": DROPOUT,
    "nn-batchnorm-": NORMALIZATION,
    "nn-loss-": LOSSES,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
