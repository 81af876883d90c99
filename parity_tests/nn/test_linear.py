"""``nn.Linear`` twin (inventory §1.12; S0 111-131, S1 4828-5032): forward and gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
from twincore import harness

from .components import LINEAR

pytestmark = LINEAR


def _twins(in_features, out_features, bias, mode):
    t = torch.nn.Linear(in_features, out_features, bias=bias).to(mode.torch)
    j = jaxnn.nn.Linear(in_features, out_features, bias=bias, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3)], ids=["batch", "unbatched", "3d"])
def test_linear_forward_and_gradients(mode, rng, bias, shape):
    t, j = _twins(3, 2, bias, mode)
    x = mode.array(rng.normal(size=shape))
    xt = torch.tensor(x, requires_grad=True)
    out_t = t(xt)
    out_t.pow(2).sum().backward()

    def loss(model, x):
        return jnp.sum(model(x) ** 2)

    grads, x_grad = nnx.grad(loss, argnums=(0, 1))(j, jnp.asarray(x))
    mode.assert_close(j(jnp.asarray(x)), out_t, name="output")
    mode.assert_close(x_grad, xt.grad, name="input grad")
    mode.assert_close(grads["kernel"][...].T, t.weight.grad, name="weight grad")
    if bias:
        mode.assert_close(grads["bias"][...], t.bias.grad, name="bias grad")
    else:
        assert t.bias is None and j.bias is None


def test_linear_seed_printed_output():
    # S0 111-131: the printed weights, bias and output (4 decimals).
    x = np.array([[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [2.0, 0.5, 1.0], [1.5, 1.5, 0.5]], np.float32)
    weight = np.array([[0.4852, 0.5576, -0.1539]], np.float32)
    bias = np.array([-0.0402], np.float32)
    expected = [[1.0985], [0.5292], [1.0550], [1.4470]]
    t = torch.nn.Linear(3, 1)
    t.load_state_dict({"weight": torch.tensor(weight), "bias": torch.tensor(bias)})
    j = jaxnn.nn.Linear(3, 1, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, {"weight": weight, "bias": bias})
    # The printed weights are themselves rounded to 4 decimals, so the outputs can
    # differ from the print by up to sum(|x|) * 0.5e-4 + 0.5e-4 = 3.5e-4 (inventory §3.1).
    harness.assert_close(t(torch.tensor(x)), expected, harness.printed(3))
    harness.assert_close(j(x), expected, harness.printed(3))
    harness.assert_close(j(x), t(torch.tensor(x)), harness.tolerance("float32"))


def test_linear_fixed_weights_without_bias():
    # S1 4870-4923: W=[[1,2,3],[4,5,6]], no bias.
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    j = jaxnn.nn.Linear(3, 2, bias=False, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, {"weight": w})
    t = torch.nn.Linear(3, 2, bias=False)
    with torch.no_grad():
        t.weight.copy_(torch.tensor(w))
    x = np.array([10.0, 20.0, 30.0], np.float32)
    batch = np.arange(1.0, 10.0, dtype=np.float32).reshape(3, 3)
    harness.assert_equal(j(x), [140.0, 320.0])
    harness.assert_equal(t(torch.tensor(x)).detach(), [140.0, 320.0])
    harness.assert_equal(j(batch), [[14, 32], [32, 77], [50, 122]])
    harness.assert_equal(t(torch.tensor(batch)).detach(), [[14, 32], [32, 77], [50, 122]])


def test_linear_parameter_count_matches_torch():
    # S1 5239-5252: 6 parameters without bias, 8 with.
    for bias, count in [(False, 6), (True, 8)]:
        j = jaxnn.nn.Linear(3, 2, bias=bias, rngs=nnx.Rngs(0))
        n = sum(p.size for p in jax.tree.leaves(nnx.state(j, nnx.Param)))
        assert n == count == sum(p.numel() for p in torch.nn.Linear(3, 2, bias=bias).parameters())


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_linear_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="in_features must be a non-negative int"):
        jaxnn.nn.Linear(bad, 2, rngs=nnx.Rngs(0))


def test_linear_rejects_a_wrong_feature_size_naming_both_shapes():
    layer = jaxnn.nn.Linear(3, 2, rngs=nnx.Rngs(0))
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=3, out_features=2\): expected "
        r"input of shape \(\*, 3\), got \(4, 5\)",
    ):
        layer(jnp.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"got \(\)"):
        layer(jnp.zeros(()))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        torch.nn.Linear(3, 2)(torch.zeros(4, 5))


def test_two_stacked_linears_without_an_activation_are_one_linear(mode, rng):
    # S1 6499-6563, S0 147-148: without a non-linearity, layer2(layer1(x)) is the single
    # linear map x @ (W2 W1)^T + (W2 b1 + b2); a ReLU between the layers breaks that.
    t1, j1 = _twins(3, 4, True, mode)
    t2, j2 = _twins(4, 2, True, mode)
    x = mode.array(rng.normal(size=(6, 3)))
    xt = torch.from_numpy(x)
    with torch.no_grad():
        stacked_t = t2(t1(xt))
        one_t = xt @ (t2.weight @ t1.weight).T + (t2.weight @ t1.bias + t2.bias)
        relu_t = t2(torch.relu(t1(xt)))
    stacked_j = j2(j1(jnp.asarray(x)))
    w, b = j1.kernel[...] @ j2.kernel[...], j1.bias[...] @ j2.kernel[...] + j2.bias[...]
    one_j = jnp.asarray(x) @ w + b
    relu_j = j2(jaxnn.functional.relu(j1(jnp.asarray(x))))
    mode.assert_close(one_t, stacked_t, name="torch: one linear")
    mode.assert_close(one_j, stacked_j, name="jax: one linear")
    mode.assert_twins_close(stacked_j, stacked_t.numpy(), name="stacked")
    mode.assert_twins_close(relu_j, relu_t.numpy(), name="with ReLU")
    assert not np.allclose(relu_t.numpy(), one_t.numpy()), "ReLU changed nothing: no check"
