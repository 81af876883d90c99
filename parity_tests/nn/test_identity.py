"""``nn.Identity`` twin (torch.nn API; listed with the layers of inventory §1.12)."""

import jax
import jax.numpy as jnp
import torch
from flax import nnx

import jaxnn
from twincore import harness

from .components import IDENTITY

pytestmark = IDENTITY


def test_identity_returns_its_input_and_ignores_arguments(mode, rng):
    x = mode.array(rng.normal(size=(2, 3)))
    t = torch.nn.Identity(54, unused_argument1=0.1, unused_argument2=False)
    j = jaxnn.nn.Identity(54, unused_argument1=0.1, unused_argument2=False)
    xt, xj = torch.tensor(x), jnp.asarray(x)
    assert t(xt) is xt and j(xj) is xj
    harness.assert_equal(jax.jit(j)(xj), t(xt))


def test_identity_gradient_passes_through(mode, rng):
    x = mode.array(rng.normal(size=(4,)))
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.Identity()(xt).pow(2).sum().backward()
    grad = jax.grad(lambda x: jnp.sum(jaxnn.nn.Identity()(x) ** 2))(jnp.asarray(x))
    mode.assert_close(grad, xt.grad)


def test_identity_replaces_a_layer_in_sequential(mode, rng):
    # The usual use: swap a layer for Identity without changing the other keys.
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Identity()).to(mode.torch)
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(3, 2, dtype=mode.jnp, rngs=nnx.Rngs(0)), jaxnn.nn.Identity()
    )
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict()) == ["0.weight", "0.bias"]
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(rng.normal(size=(5, 3)))
    mode.assert_close(j(jnp.asarray(x)), t(torch.tensor(x)))


def test_identity_has_no_parameters():
    assert jaxnn.interop.state_dict(jaxnn.nn.Identity()) == {}
    assert dict(torch.nn.Identity().state_dict()) == {}
    assert jax.tree.leaves(nnx.state(jaxnn.nn.Identity())) == []
