"""Linear on hard inputs, against torch: property tests (hypothesis) over magnitudes across the
dtype's range (``1e-30 ... 1e30``), inputs far from zero, and ``nan``/``+-inf`` among ordinary
values; size-1 dimensions and an empty batch; output, input, weight and bias gradients; both
dtypes.

A dot product rounds relative to the sum of its terms' magnitudes, ``sum |x| |w|``, whatever
the order it adds them in (oneDNN/MKL and XLA add in different orders), not relative to its
possibly cancelled result. With wide inputs that sum differs by tens of orders of magnitude
from one element to the next, so a tensor-wide ``harness.scaled`` would wave through any error
at the small elements: each element is compared relative to its own sum
(``assert_close_to_terms``).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from ..hard_inputs import assert_close_to_terms, hard_arrays, ordinary
from .components import LINEAR

pytestmark = LINEAR

# (input shape, out_features): ordinary, size-1 everything, an empty batch (torch accepts
# it), a 3-d input. Few, because each compiles once per dtype.
SHAPES = [((3, 4), 2), ((1, 1), 1), ((0, 3), 2), ((2, 1, 3), 2)]

KINDS = ("wide", "offset", "nonfinite")


def _loss(model, x, g):
    return jnp.sum(model(x) * g)


_programs = {}


def _jax_program(in_features, out_features, dtype):
    """One jitted program per (features, dtype): output and the gradients of
    ``sum(out * g)`` for the weight and bias given as arguments. The module is built inside
    the program (its random init is traced once and discarded), not eagerly per example."""
    key = (in_features, out_features, np.dtype(dtype).name)
    if key not in _programs:

        @jax.jit
        def program(x, w, b, g):
            m = jaxnn.nn.Linear(in_features, out_features, dtype=dtype, rngs=nnx.Rngs(0))
            m.kernel[...], m.bias[...] = w.T, b  # torch's (out, in) weight is the transpose
            out = m(x)
            grads, dx = nnx.grad(_loss, argnums=(0, 1))(m, x, g)
            return out, dx, grads["kernel"][...].T, grads["bias"][...]

        _programs[key] = program
    return _programs[key]


def _torch_linear(x, w, b, g):
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.linear(xt, wt, bt)
    out.backward(torch.tensor(g))
    return out.detach(), xt.grad, wt.grad, bt.grad


def _terms(x, w, b, g):
    """Float64 ``sum |terms|`` of the output and of each gradient, element by element."""
    ax, aw, ab, ag = (
        np.abs(np.where(np.isfinite(a), a, 0.0).astype(np.float64)) for a in (x, w, b, g)
    )
    ax2, ag2 = ax.reshape(-1, w.shape[1]), ag.reshape(-1, w.shape[0])
    return ax @ aw.T + ab, ag @ aw, ag2.T @ ax2, ag2.sum(axis=0)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_linear_matches_torch_on_hard_inputs(mode, kind, data):
    shape, out_features = data.draw(st.sampled_from(SHAPES), label="shapes")
    x = data.draw(hard_arrays(mode.np, kind, shape), label="x")
    w = ordinary(data.draw, (out_features, shape[-1]), mode.np)
    b, g = (
        ordinary(data.draw, (out_features,), mode.np),
        ordinary(data.draw, (*shape[:-1], out_features), mode.np),
    )
    expected = _torch_linear(x, w, b, g)
    got = _jax_program(shape[-1], out_features, mode.np)(x, w, b, g)
    names = ("output", "input grad", "weight grad", "bias grad")
    for got_i, expected_i, terms, name in zip(
        got, expected, _terms(x, w, b, g), names, strict=True
    ):
        assert got_i.shape == tuple(expected_i.shape), name
        assert_close_to_terms(got_i, expected_i, terms, mode.tol(), name)


def test_linear_nonfinite_inputs_land_where_torch_puts_them(mode):
    # A nan or inf in an input row makes that row's outputs nonfinite (inf * w, inf - inf),
    # and the weight gradient's column of that input; the bias gradient stays finite.
    x = mode.array(
        [[1.0, np.inf, 2.0], [np.nan, 0.5, 1.0], [1.0, 2.0, 3.0], [np.inf, -np.inf, 0.0]]
    )
    w = mode.array([[0.5, -1.0, 2.0], [1.5, 1.0, -0.5]])
    b, g = mode.array([0.25, -0.75]), mode.array(np.full((4, 2), 1.5))
    expected = _torch_linear(x, w, b, g)
    got = _jax_program(3, 2, mode.np)(x, w, b, g)
    for got_i, expected_i in zip(got, expected, strict=True):
        harness.assert_close(got_i, expected_i, mode.tol())
    out = np.asarray(got[0])
    assert np.isinf(out[0]).all() and np.isnan(out[1]).all()
    assert np.isposinf(out[3, 0]) and np.isnan(out[3, 1])  # inf + inf, then inf - inf
    assert np.isfinite(out[2]).all() and np.isfinite(np.asarray(got[3])).all()
