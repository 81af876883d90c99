"""softmax and log_softmax on hard inputs, functional and module, property-based.

Large logits (``+-1e4``: ``exp`` overflows unless the row's maximum is subtracted first),
``-inf`` masks with whole rows masked (torch gives NaN there), ``nan`` and ``+-inf`` among
ordinary values, magnitudes across the dtype's range, empty and size-1 dimensions: forward
and gradient against real torch, along both dimensions.

Each test runs its JAX side as one jitted program over a fixed shape, so it compiles once per
dtype however many examples hypothesis draws.
"""

import jax
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
import jaxnn.functional as JF

from ..hard_inputs import hard_arrays
from .components import ACTIVATIONS

pytestmark = ACTIVATIONS

SHAPE = (3, 4)
# Empty and size-1 dimensions on either side of the normalised one.
EDGE_SHAPES = [(0, 3), (3, 0), (3, 1), (1, 4)]
DIMS = (0, -1)

# name -> (jaxnn functional, jaxnn module class, torch functional)
SOFTMAX_TWINS = {
    "softmax": (JF.softmax, jaxnn.nn.Softmax, TF.softmax),
    "log_softmax": (JF.log_softmax, jaxnn.nn.LogSoftmax, TF.log_softmax),
}


def cotangent(shape, dtype):
    """An output gradient that is not constant along a row: a constant one has a zero
    softmax gradient, which would hide every mistake in it."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


@jax.jit
def jax_softmaxes(x, cot):
    out = {}
    for name, (functional, module, _) in SOFTMAX_TWINS.items():
        for dim in DIMS:
            value, vjp = jax.vjp(lambda a, f=functional, d=dim: f(a, dim=d), x)
            out[name, dim] = (value, vjp(cot)[0], module(dim=dim)(x))
    return out


def check_against_torch(mode, x, what):
    cot = cotangent(x.shape, mode.np)
    got = jax_softmaxes(x, cot)
    for name, (_, _, torch_fn) in SOFTMAX_TWINS.items():
        for dim in DIMS:
            t = torch.tensor(x, requires_grad=True)
            expected = torch_fn(t, dim=dim)
            expected.backward(torch.tensor(cot))
            value, grad, module_value = got[name, dim]
            label = f"{name}({what}, dim={dim})"
            mode.assert_close(value, expected.detach(), name=label)
            mode.assert_close(grad, t.grad, name=f"gradient of {label}")
            mode.assert_close(module_value, expected.detach(), name=f"module {label}")


@pytest.mark.parametrize("kind", ["logits", "masked", "nonfinite", "wide", "ties"])
@given(data=st.data())
def test_softmax_family_on_hard_inputs(mode, kind, data):
    x = data.draw(hard_arrays(mode.np, kind, shape=SHAPE), label="x")
    check_against_torch(mode, x, kind)


@given(data=st.data())
def test_softmax_family_on_empty_and_size_one_dims(mode, data):
    shape = data.draw(st.sampled_from(EDGE_SHAPES), label="shape")
    x = data.draw(hard_arrays(mode.np, "logits", shape=shape), label="x")
    check_against_torch(mode, x, f"shape {shape}")


def test_fully_masked_row_is_nan_like_torch(mode):
    # The behaviour the masked kind draws only sometimes, fixed: a row of -inf normalises to
    # NaN in both frameworks (0 / 0), value and gradient; the other rows are untouched.
    # SHAPE, so that the program compiled for the property tests serves it.
    x = mode.array([[0.0, -np.inf, 1e4, -1e4], [-np.inf] * 4, [1.0, 2.0, -np.inf, 3.0]])
    check_against_torch(mode, x, "a fully masked row")
    probabilities = np.asarray(JF.softmax(x, dim=-1))
    assert np.isnan(probabilities[1]).all() and not np.isnan(probabilities[[0, 2]]).any()
