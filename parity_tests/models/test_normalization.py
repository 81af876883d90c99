"""``jaxnn.models`` / ``torch_ref.models`` MLPs without and with LayerNorm (``normalization.py``).

The family's own checks; keys, counts, forward outputs and gradients are its rows of
``test_models.py``'s table.

Inventory §2 E47; §3.5 (LayerNorm: each sample has mean ~0 and biased std
~sqrt(var / (var + eps))). Notebook lines: S1 7868-7925 (NetworkWithoutNorm, NetworkWithNorm).
"""

import jax.numpy as jnp
import numpy as np
import torch
from flax import nnx

from ..model_pairs import make_input, pair
from .components import NORMALIZATION
from .test_models import BY_ID

pytestmark = NORMALIZATION


def test_network_with_norm_normalizes_each_sample_after_the_linear_layer(mode, rng):
    # §3.5: after ln1 (ones and zeros at init) each sample has mean 0 and biased std
    # sqrt(var / (var + eps)), var being the sample's variance before the norm.
    spec = BY_ID["NetworkWithNorm"]
    t, j = pair(spec, mode)
    x = make_input(spec, mode, rng)
    z_j, n_j = nnx.jit(lambda m, x: (m.fc1(x), m.ln1(m.fc1(x))))(j, jnp.asarray(x))
    with torch.no_grad():
        z_t = t.fc1(torch.tensor(x))
        n_t = t.ln1(z_t)
    mode.assert_close(n_j, n_t, name="ln1 output")
    for side, z, n in (("torch", z_t.numpy(), n_t.numpy()), ("jax", np.asarray(z_j), n_j)):
        var = z.var(axis=1)
        mode.assert_close(np.mean(n, axis=1), np.zeros(5), name=f"{side} means")
        mode.assert_close(np.std(n, axis=1), np.sqrt(var / (var + 1e-5)), name=f"{side} stds")
