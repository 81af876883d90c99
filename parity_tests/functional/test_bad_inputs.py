"""The functional twins' bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below); the losses, dropout and
softmax are components of ``parity_tests/nn``.
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

REDUCTIONS = pytest.mark.component(
    "Reductions",
    torch="torch.sum, mean, max, std",
    jaxnn="jnp.sum; jaxnn.functional.mean, max, std",
    lesson="04_reductions_and_argmax",
)

LOSSES = pytest.mark.component(
    "Losses",
    torch="torch.nn.MSELoss, CrossEntropyLoss, ...",
    jaxnn="jaxnn.nn.MSELoss, ...; jaxnn.functional.*",
    lesson="14_losses",
)

DROPOUT = pytest.mark.component(
    "nn.Dropout",
    torch="torch.nn.Dropout, F.dropout",
    jaxnn="jaxnn.nn.Dropout, jaxnn.functional.dropout",
    lesson="13_dropout",
)

ACTIVATIONS = pytest.mark.component(
    "Activations",
    torch="torch.nn.ReLU, GELU, ...; F.relu, ...",
    jaxnn="jaxnn.nn.ReLU, ...; jaxnn.functional.relu, ...",
    lesson="10_activations",
)

GATHER = pytest.mark.component(
    "gather",
    torch="torch.gather",
    jaxnn="jaxnn.functional.gather",
    lesson="06_gather",
)

TOPK = pytest.mark.component(
    "argmax, argmin, topk",
    torch="torch.argmax, torch.topk",
    jaxnn="jnp.argmax, jaxnn.functional.topk",
    lesson="04_reductions_and_argmax",
)

COMPONENTS = {
    "fn-mean-": REDUCTIONS,
    "fn-cross-entropy-": LOSSES,
    "fn-mse-": LOSSES,
    "fn-dropout-": DROPOUT,
    "fn-softmax-": ACTIVATIONS,
    "fn-gather-": GATHER,
    "fn-topk-": TOPK,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
