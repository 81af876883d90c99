"""``jaxnn.models`` / ``torch_ref.models`` dropout and batch-norm models (``regularization.py``).

Inventory §2 E30, E43, E48; §3.2 (ImageClassifier 235,146); §3.5 (dropout: eval is the
identity, train rescales survivors). Notebook lines: S1 4250-4358 (ModelWithDropout, train/eval,
ImageClassifier), S1 8117-8176 (NetworkWithDropout: train differs, eval identical),
S1 8235-8262 (NetworkWithFunctionalDropout, training=self.training), S1 8264-8302
(WellRegularizedNetwork, never run by the notebook).

Masks never match across frameworks, so training mode is checked with torch's own masks
injected into the twin (read from torch's generator, see ``model_pairs.torch_dropout_masks``).
Evaluation mode is compared directly: keys, counts, eval-mode forward outputs and gradients
are the family's rows of ``test_models.py``'s table.
"""

import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import jaxnn.models.regularization
import torch_ref
from twincore import harness

from ..model_pairs import (
    assert_forward_and_grads_match,
    float64_mode,
    inject_dropout_masks,
    make_input,
    pair,
    remove_dropout_masks,
    torch_dropout_masks,
)
from ..modes import Mode
from .components import REGULARIZATION
from .test_models import BY_ID, family

pytestmark = REGULARIZATION

# The dropout calls of one forward pass, in order: (the twin's attribute path, features, p).
# NetworkWithFunctionalDropout calls F.dropout inside its forward: no layer to wrap.
DROPOUTS = {
    "ModelWithDropout": [("dropout", 20, 0.5)],
    "ImageClassifier": [("network.2", 256, 0.2), ("network.5", 128, 0.2)],
    "NetworkWithDropout": [("dropout1", 256, 0.5), ("dropout2", 128, 0.5)],
    "NetworkWithFunctionalDropout": [(None, 256, 0.5)],
    "WellRegularizedNetwork": [("dropout1", 512, 0.5), ("dropout2", 256, 0.3)],
}


class _FunctionalWithMask:
    """``jaxnn.functional`` whose ``dropout`` applies a given keep-mask (torch's).

    Stands in for the ``F`` the model module calls, so the model's own forward, training
    flag and ``jaxnn.functional.dropout`` arithmetic run; only the mask is injected.
    """

    def __init__(self, mask: np.ndarray):
        self.mask = mask

    def __getattr__(self, name):
        return getattr(jaxnn.functional, name)

    def dropout(self, input, p=0.5, training=True, inplace=False, *, rng=None, mask=None):
        return jaxnn.functional.dropout(input, p, training, inplace, mask=self.mask)


def _check_training_mode_with_torch_masks(spec, mode, rng, monkeypatch):
    t, j = pair(spec, mode)
    x = make_input(spec, mode, rng)
    calls = DROPOUTS[spec.name]
    masks = torch_dropout_masks([((len(x), n), p) for _, n, p in calls], mode.torch, seed=7)
    paths = [path for path, _, _ in calls if path is not None]
    if paths:
        inject_dropout_masks(j, paths, masks)
    else:
        monkeypatch.setattr(jaxnn.models.regularization, "F", _FunctionalWithMask(masks[0][0]))
    assert t.training and jaxnn.nn.is_training(j)
    torch.manual_seed(7)  # torch's forward draws the masks above again
    assert_forward_and_grads_match(t, j, x, mode, rng, name=spec.id)
    remove_dropout_masks(j, paths)
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), name="buffers")


@pytest.mark.parametrize(
    "spec",
    [s for s in family(REGULARIZATION) if s.name != "WellRegularizedNetwork"],
    ids=lambda s: s.id,
)
def test_regularization_models_training_mode_with_torch_masks_match_torch(
    mode, rng, monkeypatch, spec
):
    # Training mode (the initial one on both sides), with torch's masks injected into the twin.
    _check_training_mode_with_torch_masks(spec, mode, rng, monkeypatch)


def test_well_regularized_network_training_mode_with_torch_masks_matches_torch_in_float64(
    rng, monkeypatch
):
    # Batch statistics and their running updates, plus dropout with torch's masks. Float64
    # only: in training mode the batch-norm backward pass subtracts the batch means of the
    # incoming gradient, (N dy - sum(dy) - x_hat sum(dy x_hat)) / (N std), so with a batch of
    # 4 the gradients reaching fc1 and the input are differences of O(1) terms. In float32
    # the input gradient then differs by up to 2.5e-6 (relative 8e-5) on 2% of its entries,
    # above the float32 "op" tolerance. The realistic float32 check of this model's training
    # is the curve comparison in test_well_regularized_network_training_steps_match_torch.
    with float64_mode() as mode:
        _check_training_mode_with_torch_masks(
            BY_ID["WellRegularizedNetwork"], mode, rng, monkeypatch
        )


def test_network_with_functional_dropout_follows_train_and_eval(rng):
    # S1 8235-8262: F.dropout(..., training=self.training). The twin keeps its own
    # `deterministic` flag, set by model.train() / model.eval() like a Dropout layer's.
    mode = Mode("float32")
    t, j = pair(BY_ID["NetworkWithFunctionalDropout"], mode)
    x = make_input(BY_ID["NetworkWithFunctionalDropout"], mode, rng)
    forward = nnx.jit(lambda m, x: m(x))
    assert jaxnn.nn.is_training(j) and j.deterministic is False
    first, second = forward(j, x), forward(j, x)
    assert not np.array_equal(first, second)  # a new mask per call: the stream advances
    t.eval()
    j.eval()
    assert not jaxnn.nn.is_training(j) and j.deterministic is True
    with torch.no_grad():
        expected = t(torch.tensor(x))
    first, second = forward(j, x), forward(j, x)
    harness.assert_equal(second, first, name="eval calls")
    mode.assert_close(first, expected, name="eval output")
    j.train()
    assert jaxnn.nn.is_training(j) and j.deterministic is False


def test_well_regularized_network_training_steps_match_torch(mode, rng):
    # Four SGD-momentum steps (2 epochs x 2 batches of 4) of the full training-mode model:
    # batch statistics, running-statistics updates and dropout with torch's masks for every
    # step (the twin's injected layers count their calls). Then evaluation mode, which reads
    # the running statistics both sides accumulated.
    spec = BY_ID["WellRegularizedNetwork"]
    t, j = pair(spec, mode)
    data = [(mode.array(rng.normal(size=(4, 784))), rng.integers(0, 10, size=4)) for _ in range(2)]
    t_batches = [(torch.tensor(x), torch.tensor(y)) for x, y in data]
    j_batches = [(jnp.asarray(x), jnp.asarray(y)) for x, y in data]
    calls = DROPOUTS[spec.name]
    shapes = [((4, n), p) for _, n, p in calls]
    masks = torch_dropout_masks(shapes, mode.torch, seed=11, steps=4)
    paths = [path for path, _, _ in calls]
    inject_dropout_masks(j, paths, masks)
    torch.manual_seed(11)
    sgd = torch.optim.SGD(t.parameters(), lr=0.01, momentum=0.9)
    t_losses = torch_ref.train.fit(t, sgd, F.cross_entropy, t_batches, 2).losses
    tx = jaxnn.optim.sgd(lr=0.01, momentum=0.9)
    j_losses = jaxnn.train.fit(j, tx, jaxnn.functional.cross_entropy, j_batches, 2).losses
    remove_dropout_masks(j, paths)
    mode.assert_close(j_losses, t_losses, kind="curve", name="losses")
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), kind="curve")
    assert int(t.bn1.num_batches_tracked) == 4
    t.eval()
    j.eval()
    x = data[0][0]
    with torch.no_grad():
        expected = t(torch.tensor(x))
    mode.assert_close(nnx.jit(lambda m, x: m(x))(j, x), expected, kind="curve", name="eval")
