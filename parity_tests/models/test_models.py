"""``jaxnn.models`` / ``torch_ref.models``: every notebook model pair in one table.

Each row of :data:`TABLE` is one model (a :class:`~parity_tests.model_pairs.Spec`) with its
family's ``component`` marker, so ``jaxnn parity`` keeps one row per family. Two checks run
over it: state-dict keys and parameter counts for every row, and forward outputs and
gradients (input and every parameter, float64 and float32) for the rows that say so. A row
left out of the forward check says why; its family file checks it another way (float64
only) or another row runs the same code at other sizes. Each family's own checks (notebook
relations, printed output, dropout masks, initial distributions) are in its
``test_<family>.py``, which takes its specs from :data:`BY_ID` and its marker from here.

Inventory references per family are at its rows; the notebooks' lines are in comments.
"""

import numpy as np
import pytest
import torch

import jaxnn

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_keys_and_counts_match,
    eager_pair,
    make_input,
    pair,
)
from .components import (
    CNN,
    COMPOSED,
    LSTM,
    MANUAL_PARAMETERS,
    MLPS,
    NEURAL_NETWORK,
    NORMALIZATION,
    ONE_LAYER,
    REGULARIZATION,
    TEXT,
    TRANSFORMER,
)

# --- the families' rows in the parity table ------------------------------------------------------

# --- the table -----------------------------------------------------------------------------------

FORWARD = "forward"
"""Forward outputs and gradients of the model as built (torch's initial training mode)."""
EVAL_FORWARD = "eval forward"
"""The same after ``model.eval()`` on both sides, with non-trivial BatchNorm running
statistics; training mode needs torch's dropout masks (``test_regularization.py``)."""
KEYS_ONLY = None
"""Keys and counts only: the row's comment says where its forward pass is checked."""

MNIST_BATCH = (2, 1, 28, 28)  # the notebooks feed (64, 1, 28, 28); a batch of 2 is enough here


def _row(component, spec: Spec, forward: str | None = FORWARD):
    return pytest.param(spec, forward, marks=component, id=spec.id)


TABLE = [
    # One-layer models (models/linear.py). Inventory §2 E04, E07, E30, E37; §3.2 (SimpleModule
    # 55). Notebook lines: S2 118-142, S3 50-56, S3 252-258, S1 3995-4051, S1 4370-4378,
    # S1 5620-5627.
    _row(ONE_LAYER, Spec("SimpleNet", seed_input=((1.0, 2.0),))),  # S2 136: x = [[1.0, 2.0]]
    _row(ONE_LAYER, Spec("Net", input_shape=(4, 10))),
    # The template's sizes are free (§5 item 6).
    _row(ONE_LAYER, Spec("LinearModel", (6, 2), input_shape=(4, 6))),
    _row(ONE_LAYER, Spec("SimpleModule", input_shape=(3, 10), count=55)),  # S1 4044-4051
    _row(ONE_LAYER, Spec("MyModule", input_shape=(3, 10))),
    _row(ONE_LAYER, Spec("LinearRegressionModel", input_shape=(5, 1))),
    # Composed models (models/composition.py). Inventory §2 E30, E31; §3.2. Notebook lines:
    # S1 4122-4165, S1 4655-4684. For SharedParameterModule torch accumulates the gradients of
    # both uses of the layer into one .grad; nnx.grad returns their sum for the one graph node:
    # compared.
    _row(COMPOSED, Spec("LinearBlock", (10, 20), input_shape=(3, 10))),
    _row(COMPOSED, Spec("ComposedNetwork", input_shape=(3, 10), count=905)),  # S1 4153
    _row(COMPOSED, Spec("SharedParameterModule", input_shape=(4, 10), count=110)),  # S1 4681
    # Manual-parameter models (models/parameters.py). Inventory §2 E15, E22, E31; §3.2. The keys
    # are the attribute names (W1, b1, ...) in registration order; nothing transposed.
    _row(MANUAL_PARAMETERS, Spec("ModuleWithParameter", input_shape=(4, 3))),
    _row(
        MANUAL_PARAMETERS,
        Spec("ModuleWithTensor", input_shape=(4, 3), count=0, plain_arrays=("regular_tensor",)),
    ),
    # S1 4508: one (3, 3) parameter.
    _row(MANUAL_PARAMETERS, Spec("ModuleWithParam", input_shape=(4, 3), count=9)),
    _row(MANUAL_PARAMETERS, Spec("MLP2Hidden", input_shape=MNIST_BATCH, count=101_770)),
    # S1 1375: x = torch.randn(16, 20). The notebook's unscaled randn weights: forward and
    # gradients in float64 only, test_parameters.py's
    # test_manual_mlp_forward_and_gradients_match_torch_in_float64.
    _row(MANUAL_PARAMETERS, Spec("ManualMLP", input_shape=(16, 20)), KEYS_ONLY),
    # NeuralNetwork (models/mlp.py; S4 2021-2036), its own row of the parity table. Inventory
    # §3.2: 2213 (printed in S4 2041), 752, 773. The (2, 2) and (2, 3) sizes differ from
    # (50, 3) in sizes only: keys and counts.
    _row(NEURAL_NETWORK, Spec("NeuralNetwork", (50, 3), input_shape=(4, 50), count=2213)),
    _row(NEURAL_NETWORK, Spec("NeuralNetwork", (2, 2), input_shape=(5, 2), count=752), KEYS_ONLY),
    _row(NEURAL_NETWORK, Spec("NeuralNetwork", (2, 3), input_shape=(5, 2), count=773), KEYS_ONLY),
    # Multilayer perceptrons (models/mlp.py). Inventory §2 E02, E06, E07, E12-E14, E30, E31,
    # E34, E41, E43, E45; §3.2 parameter counts.
    _row(MLPS, Spec("SimpleNN", input_shape=MNIST_BATCH, count=101_770)),
    # The template's n_in, n_out are free (§5 item 6).
    _row(MLPS, Spec("ANN", (12, 3), input_shape=(4, 12))),
    _row(MLPS, Spec("MLP", input_shape=MNIST_BATCH, count=109_386)),
    _row(MLPS, Spec("MNIST", input_shape=MNIST_BATCH, count=235_146)),
    _row(MLPS, Spec("MNIST", (32, 16), input_shape=MNIST_BATCH), KEYS_ONLY),  # sizes only
    # S1 4105-4114.
    _row(MLPS, Spec("MultiLayerNetwork", (20, 64, 10), input_shape=(5, 20), count=1994)),
    _row(MLPS, Spec("SmallNet", input_shape=(2, 784), count=109_386)),  # S1 4726
    _row(MLPS, Spec("MultiLayerNet", input_shape=(3, 10))),
    # The notebook passes the list [64, 32, 16]; a tuple keeps the Spec hashable. 9,157: S1 6108.
    _row(
        MLPS, Spec("FeedForwardNetwork", (100, (64, 32, 16), 5), input_shape=(3, 100), count=9157)
    ),
    _row(MLPS, Spec("TracedNetwork", input_shape=(2, 5))),
    _row(MLPS, Spec("CustomModel", input_shape=(3, 10))),
    _row(MLPS, Spec("SimpleNetwork", input_shape=(3, 10))),
    _row(MLPS, Spec("NetworkWithFunctionalReLU", input_shape=(3, 10))),
    _row(MLPS, Spec("ClassificationNetwork", (20, 50, 10), input_shape=(5, 20))),
    _row(MLPS, Spec("ClassificationNetworkCorrect", (20, 50, 10), input_shape=(5, 20))),
    # Transformer-style blocks (models/transformer.py). Inventory §2 E23, E45, E47; §3.2. The
    # notebook's sizes with a cheap input (batch 2, a sequence of 3 for the block): forward and
    # gradients in float64 only, test_transformer.py's
    # test_transformer_models_at_the_seed_size_match_torch_in_float64.
    _row(
        TRANSFORMER,
        Spec("TransformerStyleNetwork", input_shape=(2, 512), count=2_099_712),  # S1 6932
        KEYS_ONLY,
    ),
    _row(
        TRANSFORMER,
        Spec("TransformerBlock", (512, 2048), input_shape=(2, 3, 512), count=2_100_736),
        KEYS_ONLY,
    ),
    # The block's sizes are constructor arguments: a small one for the float32 check.
    _row(TRANSFORMER, Spec("TransformerBlock", (16, 64), input_shape=(2, 3, 16))),
    # S1 1410-1419. The notebook's input is randn(2, 8, 64). With the unscaled randn projections
    # its scores have std ~8 after the 1/sqrt(64), a nearly one-hot softmax whose float32
    # result is sensitive to the last bits of the scores (§5 item 34). At 0.1 x the notebook's
    # scale the scores have std ~0.6: a well-conditioned check in both modes. The notebook's own
    # scale is checked in float64 in test_transformer.py.
    _row(TRANSFORMER, Spec("SelfAttention", (64,), input_shape=(2, 8, 64), input_scale=0.1)),
    # Text classifier (models/text.py). Inventory §2 E46; §3.2 (136,581). Notebook lines:
    # S1 7500-7555; S1 7550: 4 sequences of 10 token ids. Integer input: no input gradient. The
    # embedding table's gradient is dense on both sides (rows of unused ids are zero; a repeated
    # id accumulates).
    _row(TEXT, Spec("TextClassifier", (1000, 128, 64, 5), tokens=(1000, (4, 10)), count=136_581)),
    # Networks with and without LayerNorm (models/normalization.py). Inventory §2 E47.
    # Notebook lines: S1 7868-7925. NetworkWithNorm's keys: fc1, ln1, fc2, ln2, fc3 in
    # registration order.
    _row(NORMALIZATION, Spec("NetworkWithoutNorm", input_shape=(5, 100))),  # S1 7914
    _row(NORMALIZATION, Spec("NetworkWithNorm", input_shape=(5, 100))),
    # Dropout and batch-norm models (models/regularization.py). Inventory §2 E30, E43, E48;
    # §3.2 (ImageClassifier 235,146). Here evaluation mode; training mode with torch's masks
    # is in test_regularization.py. WellRegularizedNetwork's BatchNorm buffers (running_mean,
    # running_var, num_batches_tracked) sit between the layers' parameters, in torch's order.
    _row(REGULARIZATION, Spec("ModelWithDropout", input_shape=(5, 10)), EVAL_FORWARD),
    _row(
        REGULARIZATION,
        Spec("ImageClassifier", input_shape=(4, 784), count=235_146),  # S1 4331
        EVAL_FORWARD,
    ),
    _row(REGULARIZATION, Spec("NetworkWithDropout", input_shape=(5, 100)), EVAL_FORWARD),
    _row(REGULARIZATION, Spec("NetworkWithFunctionalDropout", input_shape=(5, 100)), EVAL_FORWARD),
    _row(REGULARIZATION, Spec("WellRegularizedNetwork", input_shape=(4, 784)), EVAL_FORWARD),
    # CNN template (models/cnn.py). Inventory §2 E08; §3.2 (10 classes: 34,826). Notebook lines: S3
    # 290-323. Keys: features.0 / features.3 (the convolutions) and the classifier, in torch's
    # OIHW layout.
    _row(CNN, Spec("CNN", (10,), input_shape=(2, 1, 28, 28), count=34_826)),
    # LSTM template (models/rnn.py). Inventory §2 E09 (sizes undefined in the notebook; F=8, H=16,
    # T=10 chosen). Notebook lines: S3 327-348. Input (batch, seq_len, features). Keys:
    # rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, fc.weight, fc.bias.
    _row(LSTM, Spec("RNNModel", (8, 16, 3), input_shape=(3, 10, 8))),
]
BY_ID = {row.id: row.values[0] for row in TABLE}
assert len(BY_ID) == len(TABLE), "two rows of the table share an id"

KEYS_TABLE = [pytest.param(row.values[0], marks=row.marks, id=row.id) for row in TABLE]
FORWARD_TABLE = [row for row in TABLE if row.values[1] is not KEYS_ONLY]


def family(component) -> list[Spec]:
    """The specs of one family's rows (``component`` is its marker above)."""
    return [row.values[0] for row in TABLE if component in row.marks]


# --- the checks ----------------------------------------------------------------------------------


def _randomize_running_stats(t: torch.nn.Module, rng: np.random.Generator) -> None:
    """Non-trivial BatchNorm buffers, so that evaluation mode really reads them."""
    for bn in (m for m in t.modules() if isinstance(m, torch.nn.BatchNorm1d)):
        n = bn.num_features
        bn.running_mean.copy_(torch.tensor(rng.normal(size=n)))
        bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, size=n)))
        bn.num_batches_tracked.fill_(3)


@pytest.mark.parametrize("spec", KEYS_TABLE)
def test_model_state_dict_keys_and_parameter_counts(spec):
    assert_keys_and_counts_match(spec)


@pytest.mark.parametrize("spec, forward", FORWARD_TABLE)
def test_model_forward_and_gradients_match_torch(mode, rng, spec, forward):
    t, j = pair(spec, mode)
    if forward == EVAL_FORWARD:
        # model.eval(): dropout is the identity and batch norm uses the running statistics,
        # so both frameworks compute the same deterministic function.
        _randomize_running_stats(t, rng)
        jaxnn.interop.load_state_dict(j, t.state_dict())
        t.eval()
        j.eval()
        assert not t.training and not jaxnn.nn.is_training(j)
    assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)
    if forward == EVAL_FORWARD:
        mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), name="buffers")


# --- print(model) and model = model.eval() -------------------------------------------------------


@MLPS
def test_every_model_class_has_a_row():
    """The repr check below covers every model ``jaxnn.models`` exports."""
    classes = {
        name
        for name, obj in vars(jaxnn.models).items()
        if isinstance(obj, type) and issubclass(obj, jaxnn.nn.Module)
    }
    assert classes <= {spec.name for spec in BY_ID.values()}


@pytest.mark.parametrize("spec", KEYS_TABLE)
def test_model_repr_is_torchs_and_eval_returns_the_model(spec):
    # print(model) (S4 990, 1218) and model = model.eval() (S4 1902, 2161) paste unchanged.
    t, j = eager_pair(spec)
    assert repr(j) == repr(t)
    assert str(j) == str(t)
    try:
        assert j.eval() is j and t.eval() is t
    finally:  # the pair is shared: back to the training mode both were built in
        assert j.train() is j and t.train() is t


# S4 985-992 and 1218-1224: the notebook's print(model) of its MNIST MLP.
SEED_MLP_PRINT = """MLP(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear1): Linear(in_features=784, out_features=128, bias=True)
  (activation): ReLU()
  (linear2): Linear(in_features=128, out_features=64, bias=True)
  (linear3): Linear(in_features=64, out_features=10, bias=True)
)"""


@MLPS
def test_mlp_prints_the_notebooks_text():
    t, j = eager_pair(BY_ID["MLP"])
    assert str(t) == SEED_MLP_PRINT
    assert str(j) == SEED_MLP_PRINT
