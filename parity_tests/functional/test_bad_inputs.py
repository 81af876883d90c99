"""The functional twins' bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below); the losses, dropout and
softmax are components of ``parity_tests/nn``.
"""

import pytest

from ..bad_input import BadInput, cases, check
from ..nn.components import ACTIVATIONS, DROPOUT, LOSSES
from .bad_inputs import BAD_INPUTS
from .components import ARGMAX_TOPK, GATHER, INDEX_SELECT, REDUCTIONS

COMPONENTS = {
    "fn-mean-": REDUCTIONS,
    "fn-cross-entropy-": LOSSES,
    "fn-mse-": LOSSES,
    "fn-dropout-": DROPOUT,
    "fn-softmax-": ACTIVATIONS,
    "fn-gather-": GATHER,
    "fn-topk-": ARGMAX_TOPK,
    "fn-index-select-": INDEX_SELECT,
    "fn-prod-": REDUCTIONS,
    "fn-kl-div-": LOSSES,
    "fn-cosine-embedding-": LOSSES,
    "fn-triplet-margin-": LOSSES,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
