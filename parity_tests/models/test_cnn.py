"""``jaxnn.models`` / ``torch_ref.models`` CNN template (``models/cnn.py``).

Inventory §2 E08; §3.2 (CNN with 10 classes: 34,826 parameters); §5 items 6 (num_classes
undefined in the seed: a constructor argument) and 7 (64*5*5 fits 28x28 input only).
Seeds: S3 290-323.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_keys_and_counts_match,
    make_input,
    pair,
)

pytestmark = pytest.mark.component(
    "CNN template",
    torch="CNN (seed class, S3 290)",
    jaxnn="jaxnn.models.CNN",
    lesson="21_cnn",
)

SPEC = Spec("CNN", (10,), input_shape=(2, 1, 28, 28), count=34_826)


def test_cnn_state_dict_keys_and_parameter_counts():
    # features.0 / features.3 (the convolutions) and the classifier, in torch's OIHW layout.
    assert_keys_and_counts_match(SPEC)


def test_cnn_forward_and_gradients_match_torch(mode, rng):
    t, j = pair(SPEC, mode)
    assert_forward_and_grads_match(t, j, make_input(SPEC, mode, rng), mode, rng, name=SPEC.id)


def test_cnn_classifier_size_fits_only_28x28_images(mode):
    # §5 item 7: 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5, so 64*5*5 = 1600 features.
    # A 32x32 image gives 64*6*6 = 2304: torch fails in the matmul, jaxnn in Linear's check
    # (at trace time, so nothing is computed).
    t, j = pair(SPEC, mode)
    x = np.zeros((2, 1, 32, 32), mode.np)
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        t(torch.tensor(x))
    with pytest.raises(ValueError, match=r"expected input of shape \(\*, 1600\), got \(2, 2304\)"):
        nnx.eval_shape(lambda m, x: m(x), j, jnp.asarray(x))
    features = nnx.eval_shape(lambda m, x: m.features(x), j, jnp.zeros((2, 1, 28, 28), mode.np))
    assert features.shape == tuple(t.features(torch.zeros(2, 1, 28, 28, dtype=mode.torch)).shape)
    assert features.shape == (2, 64, 5, 5) and isinstance(features, jax.ShapeDtypeStruct)
