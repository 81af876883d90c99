"""The training loop's bad inputs (``bad_inputs.py``): each call raises the row's error."""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS
from .components import CLASSIFICATION_METRICS, EARLY_STOPPING, FIT

COMPONENTS = {
    "train-": FIT,
    "train-metrics-": CLASSIFICATION_METRICS,
    "train-patience-": EARLY_STOPPING,
    "train-val-": EARLY_STOPPING,
    "train-min-delta-": EARLY_STOPPING,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
