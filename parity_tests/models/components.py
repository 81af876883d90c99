"""The components ``parity_tests/models`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

ONE_LAYER = pytest.mark.component(
    "One-layer models",
    torch="SimpleNet, Net, LinearModel, ...",
    jaxnn="jaxnn.models.SimpleNet, Net, ...",
    lesson="08_modules_and_parameters",
)

COMPOSED = pytest.mark.component(
    "Composed models",
    torch="LinearBlock, ComposedNetwork, ...",
    jaxnn="jaxnn.models.LinearBlock, ...",
    lesson="08_modules_and_parameters",
)

MANUAL_PARAMETERS = pytest.mark.component(
    "Manual-parameter models",
    torch="nn.Parameter, MLP2Hidden, ...",
    jaxnn="nnx.Param; jaxnn.models.MLP2Hidden, ...",
    lesson="08_modules_and_parameters",
)

MLPS = pytest.mark.component(
    "Multilayer perceptrons",
    torch="MultiLayerNetwork, FeedForwardNetwork, ...",
    jaxnn="jaxnn.models.MultiLayerNetwork, ...",
    lesson="09_layers",
)

TRANSFORMER = pytest.mark.component(
    "Transformer-style blocks",
    torch="SelfAttention, TransformerBlock",
    jaxnn="jaxnn.models.SelfAttention, TransformerBlock",
    lesson="10_activations",
)

TEXT = pytest.mark.component(
    "Text classifier",
    torch="TextClassifier (notebook class)",
    jaxnn="jaxnn.models.TextClassifier",
    lesson="11_embeddings",
)

NORMALIZATION = pytest.mark.component(
    "Networks with and without LayerNorm",
    torch="NetworkWithoutNorm, NetworkWithNorm",
    jaxnn="jaxnn.models.NetworkWithNorm, ...",
    lesson="12_layernorm",
)

REGULARIZATION = pytest.mark.component(
    "Dropout and batch-norm models",
    torch="ModelWithDropout, ImageClassifier, ...",
    jaxnn="jaxnn.models.ModelWithDropout, ...",
    lesson="13_dropout",
)

NEURAL_NETWORK = pytest.mark.component(
    "NeuralNetwork (S4 2021)",
    torch="NeuralNetwork (notebook class)",
    jaxnn="jaxnn.models.NeuralNetwork",
    lesson="18_evaluation",
)

CNN = pytest.mark.component(
    "CNN template",
    torch="CNN (notebook class, S3 290)",
    jaxnn="jaxnn.models.CNN",
    lesson="21_cnn",
)

LSTM = pytest.mark.component(
    "LSTM template",
    torch="RNNModel (notebook class, S3 327)",
    jaxnn="jaxnn.models.RNNModel",
    lesson="22_lstm",
)
