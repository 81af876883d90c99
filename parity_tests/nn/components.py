"""The components ``parity_tests/nn`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

SEQUENTIAL = pytest.mark.component(
    "nn.Sequential",
    torch="torch.nn.Sequential",
    jaxnn="jaxnn.nn.Sequential",
    lesson="08_modules_and_parameters",
)

INIT = pytest.mark.component(
    "Initialisation",
    torch="torch.nn.init.xavier_uniform_, ...",
    jaxnn="jaxnn.nn.init.xavier_uniform_, ...",
    lesson="08_modules_and_parameters",
)

MODULE_API = pytest.mark.component(
    "nn.Module API",
    torch="torch.nn.Module, .parameters(), ...",
    jaxnn="nnx.Module; jaxnn.nn.parameters, ...",
    lesson="08_modules_and_parameters",
)

LINEAR = pytest.mark.component(
    "nn.Linear",
    torch="torch.nn.Linear",
    jaxnn="jaxnn.nn.Linear",
    lesson="09_layers",
)

FLATTEN = pytest.mark.component(
    "nn.Flatten",
    torch="torch.nn.Flatten",
    jaxnn="jaxnn.nn.Flatten",
    lesson="09_layers",
)

IDENTITY = pytest.mark.component(
    "nn.Identity",
    torch="torch.nn.Identity",
    jaxnn="jaxnn.nn.Identity",
    lesson="09_layers",
)

ACTIVATIONS = pytest.mark.component(
    "Activations",
    torch="torch.nn.ReLU, GELU, ...; F.relu, ...",
    jaxnn="jaxnn.nn.ReLU, ...; jaxnn.functional.relu, ...",
    lesson="10_activations",
)

EMBEDDING = pytest.mark.component(
    "nn.Embedding",
    torch="torch.nn.Embedding, F.embedding",
    jaxnn="jaxnn.nn.Embedding, jaxnn.functional.embedding",
    lesson="11_embeddings",
)

NORMALIZATION = pytest.mark.component(
    "nn.LayerNorm, nn.BatchNorm1d",
    torch="torch.nn.LayerNorm, torch.nn.BatchNorm1d",
    jaxnn="jaxnn.nn.LayerNorm, jaxnn.nn.BatchNorm1d",
    lesson="12_layernorm",
)

DROPOUT = pytest.mark.component(
    "nn.Dropout",
    torch="torch.nn.Dropout, F.dropout",
    jaxnn="jaxnn.nn.Dropout, jaxnn.functional.dropout",
    lesson="13_dropout",
)

LOSSES = pytest.mark.component(
    "Losses",
    torch="torch.nn.MSELoss, CrossEntropyLoss, ...",
    jaxnn="jaxnn.nn.MSELoss, ...; jaxnn.functional.*",
    lesson="14_losses",
)

CONV2D = pytest.mark.component(
    "nn.Conv2d",
    torch="torch.nn.Conv2d, F.conv2d",
    jaxnn="jaxnn.nn.Conv2d, jaxnn.functional.conv2d",
    lesson="21_cnn",
)

MAXPOOL2D = pytest.mark.component(
    "nn.MaxPool2d",
    torch="torch.nn.MaxPool2d, F.max_pool2d",
    jaxnn="jaxnn.nn.MaxPool2d, jaxnn.functional.max_pool2d",
    lesson="21_cnn",
)

RECURRENT = pytest.mark.component(
    "nn.RNN, nn.LSTM, nn.GRU",
    torch="torch.nn.RNN, LSTM, GRU",
    jaxnn="jaxnn.nn.RNN, LSTM, GRU",
    lesson="22_lstm",
)
