"""MaxPool2d on hard inputs, against torch: property tests (hypothesis) over magnitudes across
the dtype's range (``1e-30 ... 1e30``), inputs far from zero, ``nan`` and ``+-inf`` mixed in
one window, ties between ``0`` and ``-0`` and one-ulp neighbours, and size-1 spatial
dimensions; values, indices and the routed input gradient, with and without
``return_indices``, module and functional; both dtypes.

``test_pooling.py`` covers hand-made tie and NaN windows; here the windows are drawn. Pooling
picks an element and moves no digits, so values and indices must be equal, not close.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from ..hard_inputs import hard_arrays
from .components import MAXPOOL2D

pytestmark = MAXPOOL2D

# name -> (input shape, MaxPool2d keyword arguments); few, because each compiles once per
# dtype.
CONFIGS = {
    "kernel2": ((2, 2, 4, 5), {"kernel_size": 2}),
    "kernel3_stride2_padding1_ceil": (
        (1, 2, 5, 5),
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    ),
    "height1": ((1, 2, 1, 5), {"kernel_size": (1, 2), "stride": 1}),  # size-1 spatial dim
    "size1": ((2, 1, 1, 1), {"kernel_size": 1}),  # a 1x1 image and a 1x1 window
}

KINDS = ("wide", "offset", "nonfinite", "ties")

_programs = {}


def _jax_program(kwargs, dtype):
    """One jitted program per (arguments, dtype): the module's values, indices and input
    gradient of ``sum(values * g)`` with ``return_indices``, and the functional's without."""
    key = (tuple(sorted(kwargs.items())), np.dtype(dtype).name)
    if key not in _programs:
        with_indices = jaxnn.nn.MaxPool2d(**kwargs, return_indices=True)

        def module_loss(x, g):
            values, indices = with_indices(x)
            return jnp.sum(values * g), (values, indices)

        def functional_loss(x, g):
            values = jaxnn.functional.max_pool2d(x, **kwargs)
            return jnp.sum(values * g), values

        @jax.jit
        def program(x, g):
            grad, (values, indices) = jax.grad(module_loss, has_aux=True)(x, g)
            plain_grad, plain_values = jax.grad(functional_loss, has_aux=True)(x, g)
            return values, indices, grad, plain_values, plain_grad

        _programs[key] = program
    return _programs[key]


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_max_pool2d_matches_torch_on_hard_inputs(mode, kind, data):
    config = data.draw(st.sampled_from(list(CONFIGS)), label="config")
    shape, kwargs = CONFIGS[config]
    x = data.draw(hard_arrays(mode.np, kind, shape), label="x")
    xt = torch.tensor(x, requires_grad=True)
    values_t, indices_t = F.max_pool2d(xt, **kwargs, return_indices=True)
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    g = np.random.default_rng(seed).uniform(0.5, 1.5, size=values_t.shape).astype(mode.np)
    (values_t * torch.tensor(g)).sum().backward()
    values, indices, grad, plain_values, plain_grad = _jax_program(kwargs, mode.np)(x, g)
    harness.assert_equal(values, values_t, name="values")
    harness.assert_equal(indices, indices_t, name="indices")
    harness.assert_equal(plain_values, values_t, name="values, no indices")
    # Windows overlap in one config: an element's gradient is then a sum, in either order.
    mode.assert_close(grad, xt.grad, name="input grad")
    mode.assert_close(plain_grad, xt.grad, name="input grad, no indices")
    # -0 and 0 tie: the first in window order is kept, sign included.
    np.testing.assert_array_equal(np.signbit(values), np.signbit(values_t.detach().numpy()))


def test_max_pool2d_infinities_and_nan_in_one_window_match_torch(mode):
    # +inf beats every number, -inf loses to all; a NaN anywhere in the window wins over
    # both (torch keeps a tap when it is larger or NaN), and the last NaN takes the gradient.
    windows = [
        [[np.inf, 1.0], [np.inf, 2.0]],  # tied +inf: the first
        [[-np.inf, -np.inf], [-1e30, -np.inf]],  # the only finite value
        [[np.inf, np.nan], [-np.inf, np.nan]],  # the last NaN
        [[-0.0, 0.0], [-0.0, -1.0]],  # -0 ties 0: the first, -0
    ]
    x = mode.array(np.concatenate(windows, axis=1)[None, None])  # (1, 1, 2, 8)
    xt = torch.tensor(x, requires_grad=True)
    values_t, indices_t = F.max_pool2d(xt, 2, return_indices=True)
    g = mode.array([[[[1.0, 2.0, 3.0, 4.0]]]])
    (values_t * torch.tensor(g)).sum().backward()
    values, indices, grad, plain_values, plain_grad = _jax_program({"kernel_size": 2}, mode.np)(
        x, g
    )
    harness.assert_equal(indices_t, [[[[0, 10, 13, 6]]]])
    harness.assert_equal(values, values_t)
    harness.assert_equal(indices, indices_t)
    harness.assert_equal(grad, xt.grad)
    harness.assert_equal(plain_grad, xt.grad)
    assert np.signbit(np.asarray(values)[0, 0, 0, 3]) and np.signbit(values_t[0, 0, 0, 3].item())
