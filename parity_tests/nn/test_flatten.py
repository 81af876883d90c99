"""``nn.Flatten`` twin (inventory §1.2 row flatten, §1.12 rows ``nn.Flatten`` and feature-map
size; S4 957-1118, the MLP's ``nn.Flatten()`` with its printed repr at S4 990, and S3
316-323, ``x.view(x.size(0), -1)`` on NCHW features).
"""

import re

import jax
import jax.numpy as jnp
import pytest
import torch
from flax import nnx

import jaxnn
from twincore import harness

from .components import FLATTEN

pytestmark = FLATTEN


@pytest.mark.parametrize(
    "start_dim, end_dim, shape",
    [
        (1, -1, (2, 3, 4, 5)),
        (0, -1, (2, 3, 4, 5)),
        (1, 2, (2, 3, 4, 5)),
        (-3, -2, (2, 3, 4, 5)),
        (2, 2, (2, 3, 4, 5)),
        (1, -1, (2, 1, 1, 1)),
        (1, -1, (4, 3)),
        (1, -1, (0, 3, 2)),
    ],
    ids=["default", "all", "middle", "negative", "single_dim", "size1", "2d", "empty_batch"],
)
def test_flatten_matches_torch(mode, rng, start_dim, end_dim, shape):
    x = mode.array(rng.normal(size=shape))
    expected = torch.nn.Flatten(start_dim, end_dim)(torch.tensor(x))
    got = jaxnn.nn.Flatten(start_dim, end_dim)(jnp.asarray(x))
    harness.assert_equal(got, expected)  # a reshape: exact


def test_flatten_equals_view_batch_minus_one_in_c_h_w_order(mode, rng):
    # S3 316-323: x.view(x.size(0), -1) on (B, C, H, W) features keeps C, H, W order.
    x = mode.array(rng.normal(size=(2, 64, 5, 5)))
    xt = torch.tensor(x)
    viewed = xt.view(xt.size(0), -1)
    flat = jaxnn.nn.Flatten()(x)
    harness.assert_equal(flat, viewed)
    harness.assert_equal(flat, torch.nn.Flatten()(xt))
    harness.assert_equal(flat[:, 25], x[:, 1, 0, 0])  # element 25 starts channel 1


def test_flatten_then_linear_forward_and_gradients(mode, rng):
    # S4 957-1118: the MLP flattens (B, 1, 28, 28) images to 784 features for Linear(784, .).
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)).to(mode.torch)
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Flatten(), jaxnn.nn.Linear(784, 10, dtype=mode.jnp, rngs=nnx.Rngs(0))
    )
    jaxnn.interop.load_state_dict(j, t.state_dict())
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict()) == ["1.weight", "1.bias"]
    x = mode.array(rng.uniform(size=(3, 1, 28, 28)))
    xt = torch.tensor(x, requires_grad=True)
    out_t = t(xt)
    out_t.pow(2).sum().backward()

    @nnx.jit
    def run(model, x):
        def loss(model, x):
            out = model(x)
            return jnp.sum(out**2), out

        return nnx.value_and_grad(loss, argnums=(0, 1), has_aux=True)(model, x)

    (_, out_j), (grads, x_grad) = run(j, jnp.asarray(x))
    assert out_j.shape == (3, 10)
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_close(x_grad, xt.grad, name="input grad")
    graphdef, _ = nnx.split(j)
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(nnx.merge(graphdef, grads)),
        {k: p.grad for k, p in t.named_parameters()},
        name="parameter grads",
    )


def test_flatten_defaults_match_the_printed_repr():
    # S4 990 printed "(flatten): Flatten(start_dim=1, end_dim=-1)".
    printed = "Flatten(start_dim=1, end_dim=-1)"
    assert repr(torch.nn.Flatten()) == printed
    j = jaxnn.nn.Flatten()
    assert f"Flatten(start_dim={j.start_dim}, end_dim={j.end_dim})" == printed


def test_flatten_has_no_parameters():
    assert jaxnn.interop.state_dict(jaxnn.nn.Flatten()) == {}
    assert dict(torch.nn.Flatten().state_dict()) == {}
    assert jax.tree.leaves(nnx.state(jaxnn.nn.Flatten())) == []


@pytest.mark.parametrize("shape", [(3,), ()], ids=["1d", "0d"])
def test_flatten_default_start_dim_out_of_range(shape):
    # start_dim=1 needs at least 2 dims: IndexError with torch's wording on both sides.
    message = "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
    with pytest.raises(IndexError, match=re.escape(message)):
        torch.nn.Flatten()(torch.zeros(shape))
    with pytest.raises(IndexError, match=re.escape(message)):
        jaxnn.nn.Flatten()(jnp.zeros(shape))


def test_flatten_start_after_end():
    # torch raises RuntimeError; the functional twin raises ValueError with the same text.
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        torch.nn.Flatten(2, 1)(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="start_dim .* cannot come after end_dim"):
        jax.jit(jaxnn.nn.Flatten(2, 1))(jnp.zeros((2, 3, 4)))


@pytest.mark.parametrize("kwargs", [{"start_dim": 1.0}, {"end_dim": "last"}, {"start_dim": True}])
def test_flatten_rejects_non_int_dims(kwargs):
    # torch accepts these in the constructor and fails in the forward pass.
    with pytest.raises(TypeError):
        torch.nn.Flatten(**kwargs)(torch.zeros(2, 3, 4))
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"Flatten: {name} must be an int"):
        jaxnn.nn.Flatten(**kwargs)
