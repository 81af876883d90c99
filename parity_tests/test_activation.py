"""Activations in the vertical slice: ReLU (module and functional), softmax, log_softmax.

Inventory §1.13-1.14; seeds S1 6586-6804 (ReLU), S1 7018-7365 (softmax).
"""

import jax
import jax.numpy as jnp
import pytest
import torch
import torch.nn.functional as F

import jaxnn
import jaxnn.functional as JF
from parity_tests import harness


def test_relu_forward_and_gradient_including_zero(mode):
    x = mode.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.ReLU()(xt).sum().backward()
    grad = jax.grad(lambda v: jnp.sum(jaxnn.nn.ReLU()(v)))(jnp.asarray(x))
    mode.assert_close(JF.relu(jnp.asarray(x)), F.relu(torch.tensor(x)))
    # torch and jax.nn.relu both use 0 as the derivative at 0.
    mode.assert_close(grad, xt.grad)


def test_relu_seed_values():
    # S1 6713-6733: F.relu and nn.ReLU agree; [-2,-1,0,1,2] -> [0,0,0,1,2].
    x = [-2.0, -1.0, 0.0, 1.0, 2.0]
    expected = [0.0, 0.0, 0.0, 1.0, 2.0]
    harness.assert_equal(F.relu(torch.tensor(x)), expected)
    harness.assert_equal(JF.relu(jnp.asarray(x)), expected)
    harness.assert_equal(jaxnn.nn.ReLU()(jnp.asarray(x)), expected)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_log_softmax(mode, rng, dim):
    x = mode.array(rng.normal(size=(3, 4)) * 3)
    mode.assert_close(JF.softmax(jnp.asarray(x), dim=dim), F.softmax(torch.tensor(x), dim=dim))
    mode.assert_close(
        JF.log_softmax(jnp.asarray(x), dim=dim), F.log_softmax(torch.tensor(x), dim=dim)
    )


def test_softmax_seed_values():
    # S1 7056-7109: softmax([2, 1, 0.1]) printed as [0.6590, 0.2424, 0.0986].
    x = [2.0, 1.0, 0.1]
    expected = [0.6590, 0.2424, 0.0986]
    harness.assert_close(F.softmax(torch.tensor(x), dim=0), expected, harness.printed(4))
    harness.assert_close(JF.softmax(jnp.asarray(x), dim=0), expected, harness.printed(4))


def test_softmax_rejects_an_out_of_range_dim():
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        JF.softmax(jnp.ones((2, 3)), dim=2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.softmax(torch.ones(2, 3), dim=2)
