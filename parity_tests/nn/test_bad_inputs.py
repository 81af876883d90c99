"""The layers' bad inputs (``bad_inputs.py``): each call raises the row's error.

Each row counts for the component it tests (the id prefixes below).
"""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS

LINEAR = pytest.mark.component(
    "nn.Linear",
    torch="torch.nn.Linear",
    jaxnn="jaxnn.nn.Linear",
    lesson="09_layers",
)

CONV2D = pytest.mark.component(
    "nn.Conv2d",
    torch="torch.nn.Conv2d, F.conv2d",
    jaxnn="jaxnn.nn.Conv2d, jaxnn.functional.conv2d",
    lesson="21_cnn",
)

RECURRENT = pytest.mark.component(
    "nn.RNN, nn.LSTM, nn.GRU",
    torch="torch.nn.RNN, LSTM, GRU",
    jaxnn="jaxnn.nn.RNN, LSTM, GRU",
    lesson="22_lstm",
)

EMBEDDING = pytest.mark.component(
    "nn.Embedding",
    torch="torch.nn.Embedding, F.embedding",
    jaxnn="jaxnn.nn.Embedding, jaxnn.functional.embedding",
    lesson="11_embeddings",
)

DROPOUT = pytest.mark.component(
    "nn.Dropout",
    torch="torch.nn.Dropout, F.dropout",
    jaxnn="jaxnn.nn.Dropout, jaxnn.functional.dropout",
    lesson="13_dropout",
)

NORMALIZATION = pytest.mark.component(
    "nn.LayerNorm, nn.BatchNorm1d",
    torch="torch.nn.LayerNorm, torch.nn.BatchNorm1d",
    jaxnn="jaxnn.nn.LayerNorm, jaxnn.nn.BatchNorm1d",
    lesson="12_layernorm",
)

COMPONENTS = {
    "nn-linear-": LINEAR,
    "nn-conv2d-": CONV2D,
    "nn-lstm-": RECURRENT,
    "nn-embedding-": EMBEDDING,
    "nn-dropout-": DROPOUT,
    "nn-batchnorm-": NORMALIZATION,
}


@pytest.mark.parametrize("row", cases(BAD_INPUTS, COMPONENTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
