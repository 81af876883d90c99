"""jaxnn's own initialisers draw from torch's distributions (inventory §1.11, Appendix A).

Random streams never match across frameworks, so the check is statistical: a
two-sample Kolmogorov-Smirnov test between thousands of jaxnn draws and torch
draws at fixed seeds, plus the support bound.
"""

import numpy as np
import torch
from flax import nnx
from scipy import stats

import jaxnn
from parity_tests import harness


def _torch_linear_samples(in_features, out_features, n_layers):
    torch.manual_seed(0)
    w, b = [], []
    for _ in range(n_layers):
        layer = torch.nn.Linear(in_features, out_features)
        w.append(layer.weight.detach().numpy().ravel())
        b.append(layer.bias.detach().numpy().ravel())
    return np.concatenate(w), np.concatenate(b)


def _jax_linear_samples(in_features, out_features, n_layers):
    rngs = nnx.Rngs(0)
    w, b = [], []
    for _ in range(n_layers):
        layer = jaxnn.nn.Linear(in_features, out_features, rngs=rngs)
        w.append(np.asarray(layer.kernel[...]).ravel())
        b.append(np.asarray(layer.bias[...]).ravel())
    return np.concatenate(w), np.concatenate(b)


def test_linear_init_matches_torch_distribution():
    in_features = 50
    bound = 1 / np.sqrt(in_features)
    tw, tb = _torch_linear_samples(in_features, 40, 4)
    jw, jb = _jax_linear_samples(in_features, 40, 4)
    for name, j, t in [("weight", jw, tw), ("bias", jb, tb)]:
        assert np.all(np.abs(j) <= bound) and np.all(np.abs(t) <= bound), name
        result = stats.ks_2samp(j, t)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{name}: KS p={result.pvalue:.2e}"


def test_linear_init_is_not_flax_default():
    # Flax's default lecun-normal kernel and zero bias would fail the same KS test.
    in_features = 50
    tw, tb = _torch_linear_samples(in_features, 40, 4)
    flax_layer = nnx.Linear(in_features, 160, rngs=nnx.Rngs(0))
    kernel = np.asarray(flax_layer.kernel[...]).ravel()
    assert stats.ks_2samp(kernel, tw).pvalue < harness.STATISTICAL_ALPHA
    assert np.all(np.asarray(flax_layer.bias[...]) == 0) and np.any(tb != 0)
