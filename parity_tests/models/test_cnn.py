"""``jaxnn.models`` / ``torch_ref.models`` CNN template (``models/cnn.py``).

The family's own check; keys, counts, forward outputs and gradients are its row of
``test_models.py``'s table.

Inventory §2 E08; §3.2 (CNN with 10 classes: 34,826 parameters); §5 items 6 (num_classes
undefined in the notebook: a constructor argument) and 7 (64*5*5 fits 28x28 input only).
Notebook lines: S3 290-323.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

from ..model_pairs import pair
from .components import CNN
from .test_models import BY_ID

pytestmark = CNN
SPEC = BY_ID["CNN(10,)"]


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
