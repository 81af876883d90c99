"""Inventory §1.23: seeding and reproducibility, and why parity copies parameters.

Notebook lines: S4 796-811 (seed torch, NumPy and Python ``random`` together),
S0 180-222 (E03: ``torch.manual_seed(0)`` then Linear(3,2), ReLU, Linear(2,1)).
Each framework is reproducible with itself; torch's streams can never be
reproduced in JAX (inventory §5 item 54), so the E03 replay copies torch's
initial parameters into JAX and then gets the notebook's printed numbers.
"""

import random

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
import jaxnn.random
import torch_ref
import torch_ref.random
from twincore import harness

from .components import SEEDING

pytestmark = SEEDING


@pytest.fixture(autouse=True)
def _restore_global_generators():
    # These tests reseed process-wide generators; leave them as found.
    states = torch.get_rng_state(), np.random.get_state(), random.getstate()
    yield
    torch.set_rng_state(states[0])
    np.random.set_state(states[1])
    random.setstate(states[2])


def _torch_draws() -> list[torch.Tensor]:
    return [torch.randn(5), torch.rand(3), torch.randint(0, 10, (4,)), torch.randperm(6)]


def _jax_draws(key: jax.Array) -> list[jax.Array]:
    k1, k2, k3, k4 = jax.random.split(key, 4)
    return [
        jax.random.normal(k1, (5,)),
        jax.random.uniform(k2, (3,)),
        jax.random.randint(k3, (4,), 0, 10),
        jax.random.permutation(k4, 6),
    ]


@pytest.mark.parametrize("seed", [0, 42, 123])
def test_manual_seed_same_seed_same_draws(seed):
    torch.manual_seed(seed)
    first = _torch_draws()
    torch.manual_seed(seed)
    for a, b in zip(_torch_draws(), first, strict=True):
        harness.assert_equal(a, b)


def test_manual_seed_different_seeds_differ():
    torch.manual_seed(0)
    a = torch.randn(5)
    torch.manual_seed(1)
    assert not np.array_equal(torch.randn(5).numpy(), a.numpy())


@pytest.mark.parametrize("seed", [0, 42, 123])
def test_jax_same_key_same_draws(seed):
    for a, b in zip(
        _jax_draws(jax.random.key(seed)), _jax_draws(jax.random.key(seed)), strict=True
    ):
        harness.assert_equal(a, b)


def test_jax_different_keys_and_split_keys_differ():
    a = jax.random.normal(jax.random.key(0), (5,))
    assert not np.array_equal(a, jax.random.normal(jax.random.key(1), (5,)))
    left, right = jax.random.split(jax.random.key(0))
    assert not np.array_equal(jax.random.normal(left, (5,)), jax.random.normal(right, (5,)))
    assert not np.array_equal(jax.random.normal(left, (5,)), a)


def test_torch_state_advances_but_a_jax_key_repeats():
    # torch draws from a global generator whose state advances after each call;
    # a JAX key is a value, so reusing it repeats the draw: split for fresh numbers.
    torch.manual_seed(0)
    assert not np.array_equal(torch.randn(3).numpy(), torch.randn(3).numpy())
    key = jax.random.key(0)
    harness.assert_equal(jax.random.normal(key, (3,)), jax.random.normal(key, (3,)))


def test_seed_everything_returns_each_frameworks_generator():
    gen = torch_ref.random.seed_everything(7)
    assert isinstance(gen, torch.Generator) and gen.initial_seed() == 7
    after_helper = torch.randn(4)
    torch.manual_seed(7)
    harness.assert_equal(after_helper, torch.randn(4))  # it is torch.manual_seed's generator
    rngs = jaxnn.random.seed_everything(7)
    assert isinstance(rngs, nnx.Rngs)
    harness.assert_equal(
        jax.random.key_data(rngs.params()), jax.random.key_data(nnx.Rngs(7).params())
    )


def test_seed_everything_twins_seed_numpy_and_python_identically():
    torch_ref.random.seed_everything(2024)
    expected_np, expected_py = np.random.rand(4), [random.random() for _ in range(3)]
    expected_int = np.random.randint(0, 1000, size=5)
    jaxnn.random.seed_everything(2024)
    harness.assert_equal(np.random.rand(4), expected_np)
    harness.assert_equal(np.array([random.random() for _ in range(3)]), np.array(expected_py))
    harness.assert_equal(np.random.randint(0, 1000, size=5), expected_int)


def test_seed_everything_makes_jax_init_reproducible():
    first = jaxnn.nn.Linear(3, 2, rngs=jaxnn.random.seed_everything(0))
    second = jaxnn.nn.Linear(3, 2, rngs=jaxnn.random.seed_everything(0))
    for key, value in jaxnn.interop.state_dict(first).items():
        harness.assert_equal(jaxnn.interop.state_dict(second)[key], value)
    other = jaxnn.nn.Linear(3, 2, rngs=jaxnn.random.seed_everything(1))
    assert not np.array_equal(
        jaxnn.interop.state_dict(other)["weight"], jaxnn.interop.state_dict(first)["weight"]
    )


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "0"])
def test_seed_everything_rejects_bad_seeds(seed):
    # np.random.seed only takes [0, 2**32); both twins check before seeding anything.
    with pytest.raises(ValueError, match="seed must be an int"):
        torch_ref.random.seed_everything(seed)
    with pytest.raises(ValueError, match="seed must be an int"):
        jaxnn.random.seed_everything(seed)
    for seed_ok in (0, 2**32 - 1):
        torch_ref.random.seed_everything(seed_ok)
        jaxnn.random.seed_everything(seed_ok)


# E03 (S0 180-214): printed with 4 decimals, and a float32 `.item()`.
E03_PREDICTED = -0.2039
E03_LOSS = 104.1186294555664


def _e03_torch(dtype: torch.dtype):
    torch.manual_seed(0)
    layer1 = torch.nn.Linear(3, 2)
    relu = torch.nn.ReLU()
    layer2 = torch.nn.Linear(2, 1)
    layer1.to(dtype)
    layer2.to(dtype)
    x = torch.tensor([[1.0, 2.0, 3.0]], dtype=dtype)
    y_true = torch.tensor([[10.0]], dtype=dtype)
    y_pred = layer2(relu(layer1(x)))
    loss = torch.nn.MSELoss()(y_pred, y_true)
    loss.backward()
    return layer1, layer2, y_pred, loss


def test_e03_torch_replay_matches_seed_print():
    _, _, y_pred, loss = _e03_torch(torch.float32)
    harness.assert_close(y_pred.detach(), np.array([[E03_PREDICTED]]), harness.printed(4))
    # torch 2.13 CPU gives 104.11864471..., 2 float32 ulps from the notebook's CUDA-machine
    # print: a float32 op-level difference, within the float32 op tolerance.
    harness.assert_close(loss.detach(), np.float32(E03_LOSS), harness.tolerance("float32"))


def test_e03_jax_init_does_not_reproduce_torch_init():
    # Same seed, same distribution U(-1/sqrt(3), 1/sqrt(3)), different generator.
    torch.manual_seed(0)
    torch_weight = torch.nn.Linear(3, 2).weight.detach().numpy()
    jax_weight = jaxnn.interop.state_dict(jaxnn.nn.Linear(3, 2, rngs=nnx.Rngs(0)))["weight"]
    assert jax_weight.shape == torch_weight.shape
    assert not np.allclose(jax_weight, torch_weight)


def test_e03_copied_params_reproduce_seed_print_and_gradients(mode):
    layer1, layer2, y_pred, loss = _e03_torch(mode.torch)
    model = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(3, 2, dtype=mode.jnp, rngs=nnx.Rngs(0)),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Linear(2, 1, dtype=mode.jnp, rngs=nnx.Rngs(1)),
    )
    # The rule in action: no seed reproduces torch's draws, so copy them.
    torch_state = {f"0.{k}": v for k, v in layer1.state_dict().items()}
    torch_state |= {f"2.{k}": v for k, v in layer2.state_dict().items()}
    jaxnn.interop.load_state_dict(model, torch_state)
    x = jnp.asarray(mode.array([[1.0, 2.0, 3.0]]))
    y_true = jnp.asarray(mode.array([[10.0]]))

    def loss_fn(m):
        pred = m(x)
        return jaxnn.functional.mse_loss(pred, y_true), pred

    (jax_loss, jax_pred), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    mode.assert_close(jax_pred, y_pred.detach())
    mode.assert_close(jax_loss, loss.detach())
    harness.assert_close(jax_pred, np.array([[E03_PREDICTED]]), harness.printed(4))
    harness.assert_close(jax_loss, np.float32(E03_LOSS), harness.tolerance("float32"))
    # Gradients (S0 216-222), compared in torch's names and layouts.
    grad_state = jaxnn.interop.state_dict(nnx.merge(nnx.graphdef(model), grads))
    torch_grads = {f"0.{k}": p.grad for k, p in layer1.named_parameters()}
    torch_grads |= {f"2.{k}": p.grad for k, p in layer2.named_parameters()}
    mode.assert_state_dict_close(grad_state, torch_grads)


# E12 (S4 813-872, inventory §3.3): torch.manual_seed(42); NeuralNetwork(50, 3);
# X = torch.rand((1, 50)); y = model(X). torch 2.13 reproduces the printed weight excerpt
# under seed 42 (parity_tests/examples/test_forward.py) but not the printed outputs
# [0.1685, -0.1599, 0.2402] (S4 836), [0.1073, -0.0125, -0.0168] (S4 859) and
# [0.3101, 0.3544, 0.3355] (S4 872): with seed 42's model no input in [0, 1)^50 comes within
# 0.15 of the first, so they came from another state of the notebook's session. The upstream
# tutorial's seed 123 (re-set before rand) gives its printed numbers exactly.
E12_SEED_42_PRINTED = [0.1685, -0.1599, 0.2402]
E12_SEED_123_OUTPUT = [-0.1262, 0.1080, -0.1792]
E12_SEED_123_SOFTMAX = [0.3113, 0.3934, 0.2952]
E12_SEED_123_WEIGHT = [-0.0577, 0.0047]  # layers[0].weight[0, :2]


def _e12_torch(model_seed: int, input_seed: int | None, dtype: torch.dtype):
    """The notebook's cell: the model after ``manual_seed(model_seed)``, then ``rand``."""
    torch.manual_seed(model_seed)
    model = torch_ref.models.NeuralNetwork(50, 3)
    if input_seed is not None:
        torch.manual_seed(input_seed)
    X = torch.rand((1, 50))
    model.to(dtype)
    X = X.to(dtype)
    return model, X, model(X)


def test_e12_upstream_seed_123_replays_its_print():
    model, X, y = _e12_torch(123, 123, torch.float32)
    harness.assert_close(model.layers[0].weight[0, :2], E12_SEED_123_WEIGHT, harness.printed(4))
    harness.assert_close(y.detach()[0], E12_SEED_123_OUTPUT, harness.printed(4))
    with torch.no_grad():
        harness.assert_close(model(X)[0], E12_SEED_123_OUTPUT, harness.printed(4))
        softmax = torch.softmax(model(X), dim=1)[0]
    harness.assert_close(softmax, E12_SEED_123_SOFTMAX, harness.printed(4))


def test_e12_seed_42_output_is_not_the_notebooks_print():
    # The seed's printed output for seed 42 is not torch's: a finding, kept as a test so a
    # future torch that does print it is noticed.
    _, _, y = _e12_torch(42, None, torch.float32)
    assert np.abs(y.detach().numpy()[0] - E12_SEED_42_PRINTED).max() > 0.1


@pytest.mark.parametrize("seeds", [(42, None), (123, 123)], ids=["seed42", "seed123"])
def test_e12_copied_params_give_torchs_output_in_jax(mode, seeds):
    # The notebook's lines with torch/nn replaced: jaxnn.models.NeuralNetwork holding
    # torch's seeded parameters (load_state_dict) and fed torch's rand input.
    t, X, y = _e12_torch(*seeds, mode.torch)
    j = jaxnn.models.NeuralNetwork(50, 3, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = jnp.asarray(X.numpy())
    out = j(x)
    mode.assert_close(out, y.detach(), name="output")
    with torch.no_grad():
        t_softmax = torch.softmax(t(X), dim=1)
    mode.assert_close(jaxnn.functional.softmax(j(x), dim=1), t_softmax, name="softmax")
    if seeds == (123, 123):
        harness.assert_close(out[0], E12_SEED_123_OUTPUT, harness.printed(4))


# E02 (S0 133-175, inventory §3.3): Linear(3, 1) -> Linear(1, 1) on the notebook's x. The
# cell is unseeded and prints no weights; its four printed first-layer outputs determine
# layer1 (three weights and a bias) exactly. layer2 has two parameters for four printed
# outputs, and its bias is printed once more by the ReLU variant (every row -0.0702): those
# are the checks the replay makes on both sides.
E02_X = [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [2.0, 0.5, 1.0], [1.5, 1.5, 0.5]]
E02_OUT1 = [-0.7622, -0.6308, -1.5764, -0.7531]
E02_OUT2 = [0.3735, 0.2970, 0.8474, 0.3682]
E02_OUT_RELU = -0.0702


def _e02_weights() -> dict[str, np.ndarray]:
    """The weights the notebook's printed outputs pin down (torch's keys and layouts)."""
    x, out1, out2 = (np.array(v, np.float64) for v in (E02_X, E02_OUT1, E02_OUT2))
    layer1 = np.linalg.solve(np.c_[x, np.ones(4)], out1)  # exactly determined
    (w2, b2), *_ = np.linalg.lstsq(np.c_[out1, np.ones(4)], out2, rcond=None)
    return {
        "0.weight": layer1[:3].reshape(1, 3),
        "0.bias": layer1[3:],
        "1.weight": np.array([[w2]]),
        "1.bias": np.array([b2]),
    }


def test_e02_printed_outputs_pin_down_both_layers():
    w = _e02_weights()
    # layer1 comes out at 4 decimals, as a torch init printed with 4 decimals would
    harness.assert_close(w["0.weight"], [[-0.5489, 0.4474, -0.2029]], harness.printed(4))
    harness.assert_close(w["0.bias"], [-0.4994], harness.printed(4))
    # the ReLU variant's printed bias is the one the four out2 values fit
    harness.assert_close(w["1.bias"], [E02_OUT_RELU], harness.printed(4))


def test_e02_replay_reproduces_the_prints_in_both_frameworks(mode):
    w = {k: mode.array(v) for k, v in _e02_weights().items()}
    x = mode.array(E02_X)
    # torch, the notebook's lines
    layer1, layer2 = torch.nn.Linear(3, 1).to(mode.torch), torch.nn.Linear(1, 1).to(mode.torch)
    with torch.no_grad():
        for layer, prefix in ((layer1, "0"), (layer2, "1")):
            layer.weight.copy_(torch.tensor(w[f"{prefix}.weight"]))
            layer.bias.copy_(torch.tensor(w[f"{prefix}.bias"]))
        t_out1 = layer1(torch.tensor(x))
        t_out2 = layer2(t_out1)
        t_relu = layer2(torch.nn.ReLU()(layer1(torch.tensor(x))))
    # the same lines with torch.nn -> jaxnn.nn
    j1 = jaxnn.nn.Linear(3, 1, dtype=mode.jnp, rngs=nnx.Rngs(0))
    j2 = jaxnn.nn.Linear(1, 1, dtype=mode.jnp, rngs=nnx.Rngs(1))
    pair = jaxnn.nn.Sequential(j1, j2)
    jaxnn.interop.load_state_dict(pair, w)
    j_out1 = j1(jnp.asarray(x))
    j_out2 = j2(j_out1)
    j_relu = j2(jaxnn.nn.ReLU()(j1(jnp.asarray(x))))
    for side, (out1, out2, relu) in (
        ("torch", (t_out1, t_out2, t_relu)),
        ("jax", (j_out1, j_out2, j_relu)),
    ):
        harness.assert_close(out1[:, 0], E02_OUT1, harness.printed(4), name=f"{side} out1")
        harness.assert_close(out2[:, 0], E02_OUT2, harness.printed(4), name=f"{side} out2")
        harness.assert_close(relu[:, 0], [E02_OUT_RELU] * 4, harness.printed(4), name=side)
    mode.assert_close(j_out1, t_out1, name="out1")
    mode.assert_close(j_out2, t_out2, name="out2")
    mode.assert_close(j_relu, t_relu, name="relu")
