"""``NeuralNetwork`` (seed S4 2021-2036): forward, gradients and parameter counts."""

import jax
import jax.numpy as jnp
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref

pytestmark = pytest.mark.component(
    "NeuralNetwork (S4 2021)",
    torch="NeuralNetwork (seed class)",
    jaxnn="jaxnn.models.NeuralNetwork",
    lesson="18_evaluation",
)


def test_neural_network_forward_and_gradients(mode, rng):
    torch.manual_seed(0)
    t = torch_ref.models.NeuralNetwork(50, 3).to(mode.torch)
    j = jaxnn.models.NeuralNetwork(50, 3, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(rng.uniform(size=(4, 50)))  # torch.rand((1, 50)) in the seed, batched here
    y = rng.integers(0, 3, size=4)
    loss_t = F.cross_entropy(t(torch.tensor(x)), torch.tensor(y))
    loss_t.backward()

    def loss(model):
        return jaxnn.functional.cross_entropy(model(jnp.asarray(x)), jnp.asarray(y))

    loss_j, grads = nnx.value_and_grad(loss)(j)
    mode.assert_close(j(jnp.asarray(x)), t(torch.tensor(x)), name="logits")
    mode.assert_close(loss_j, loss_t, name="loss")
    nnx.update(j, grads)  # reuse the conversion table to lay gradients out like torch's
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(j),
        {k: p.grad for k, p in t.named_parameters()},
        name="gradients",
    )


@pytest.mark.parametrize("inputs, outputs, count", [(50, 3, 2213), (2, 2, 752), (2, 3, 773)])
def test_parameter_counts(inputs, outputs, count):
    # Inventory §3.2: NeuralNetwork(50,3) has 2213 trainable parameters (printed count in S4 2041).
    j = jaxnn.models.NeuralNetwork(inputs, outputs, rngs=nnx.Rngs(0))
    n_jax = sum(p.size for p in jax.tree.leaves(nnx.state(j, nnx.Param)))
    n_torch = sum(p.numel() for p in torch_ref.models.NeuralNetwork(inputs, outputs).parameters())
    assert n_jax == n_torch == count
