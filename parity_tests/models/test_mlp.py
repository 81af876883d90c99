"""``jaxnn.models`` / ``torch_ref.models`` multilayer perceptrons (``models/mlp.py``).

The family's own checks; keys, counts, forward outputs and gradients are its rows of
``test_models.py``'s table (NeuralNetwork's under its own component there).

Inventory §2 E02, E06, E07, E12-E14, E30, E31, E34, E41, E43, E45; §3.2 parameter counts;
§3.5 relations (dead ReLU, manual stepping, ``model.forward(x) == model(x)``, argmax
invariance); §5 item 19 (the broken ``MLP``). Notebook lines: S4 2021-2036, S2 232-262, S3 269-281,
S4 965-1125, S4 1277-1297, S1 4071-4114, 4692-4726, 5082-5093, 6079-6152, 6352-6385,
6660-6749, 7176-7272, S0 133-175.
"""

import re

import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx
from torch import nn

import jaxnn
from twincore import harness

from ..model_pairs import (
    Spec,
    eager_pair,
    jax_forward_and_grads,
    make_input,
    pair,
    torch_forward_and_grads,
    torch_layout_grads,
)
from .components import MLPS
from .test_models import BY_ID

pytestmark = MLPS


# --- the notebook's broken MLP (§5 item 19) -------------------------------------------------------


class _SeedMLP(nn.Module):
    """S4 965-982 verbatim: `self.activation` assigned twice, `self.relu` never defined."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(784, 128)
        self.activation = nn.ReLU()
        self.linear2 = nn.Linear(128, 64)
        self.activation = nn.ReLU()
        self.linear3 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.flatten(x)
        x = self.relu(self.linear1(x))
        x = self.relu(self.linear2(x))
        return self.linear3(x)


def test_mlp_seed_class_is_broken_and_the_repair_keeps_its_printed_repr_order():
    # The notebook's printed repr (S4 989-995) lists the children in this order: reassigning
    # `self.activation` keeps its first position, so one activation module prints the same.
    printed = ["flatten", "linear1", "activation", "linear2", "linear3"]
    seed = _SeedMLP()
    assert [n for n, _ in seed.named_children()] == printed
    with pytest.raises(AttributeError, match="has no attribute 'relu'"):
        seed(torch.zeros(1, 1, 28, 28))
    t, j = eager_pair(BY_ID["MLP"])
    assert [n for n, _ in t.named_children()] == printed
    assert [k for k, v in vars(j).items() if isinstance(v, nnx.Module)] == printed
    assert list(jaxnn.interop.state_dict(j)) == list(seed.state_dict())  # the notebook's keys


# --- §3.5 relations -------------------------------------------------------------------------------

# S0 134-137: the notebook's input to the two-layer demo.
S0_X = ((1.0, 2.0, 3.0), (0.5, 1.0, 1.5), (2.0, 0.5, 1.0), (1.5, 1.5, 0.5))


def test_dead_relu_outputs_second_layer_bias_and_passes_no_gradient(mode, rng):
    # E02 (S0 158-175, §5 item 2): Linear(3, 1) -> ReLU -> Linear(1, 1). When every first-layer
    # pre-activation is negative, every row outputs layer2.bias and layer1 gets zero gradient.
    spec = Spec("MultiLayerNetwork", (3, 1, 1))
    t, j = pair(spec, mode)
    with torch.no_grad():
        t.layer1.bias.fill_(-10.0)  # the inputs are positive and |W| <= 1/sqrt(3)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(S0_X)
    out_t, gx_t, grads_t, cotangent = torch_forward_and_grads(
        t, x, lambda shape: mode.array(rng.normal(size=shape))
    )
    out_j, gx_j, g_model = jax_forward_and_grads(j, x, cotangent)
    grads_j = torch_layout_grads(j, g_model)
    bias = t.layer2.bias.detach().numpy()
    for side, out, grads, gx in (("torch", out_t, grads_t, gx_t), ("jax", out_j, grads_j, gx_j)):
        harness.assert_equal(out, np.broadcast_to(bias, (4, 1)), name=f"{side} output")
        for key in ("layer1.weight", "layer1.bias", "layer2.weight"):
            harness.assert_equal(grads[key], np.zeros(grads_t[key].shape), name=f"{side} {key}")
        harness.assert_equal(gx, np.zeros(x.shape), name=f"{side} input gradient")
        mode.assert_close(grads["layer2.bias"], cotangent.sum(0), name=f"{side} layer2.bias")


def test_simple_network_manual_stepping_equals_model_call(mode, rng):
    # S1 6288-6323: calling the layers one by one gives exactly model(x) (allclose prints True).
    spec = BY_ID["SimpleNetwork"]
    t, j = pair(spec, mode)
    x = make_input(spec, mode, rng)

    def steps(m, x):
        return m.layer3(m.relu2(m.layer2(m.relu1(m.layer1(x)))))

    auto_j, manual_j = nnx.jit(lambda m, x: (m(x), steps(m, x)))(j, jnp.asarray(x))
    with torch.no_grad():
        auto_t, manual_t = t(torch.tensor(x)), steps(t, torch.tensor(x))
    harness.assert_equal(manual_t, auto_t, name="torch manual")
    harness.assert_equal(manual_j, auto_j, name="jax manual")
    mode.assert_close(auto_j, auto_t)


def test_custom_model_forward_call_and_its_print(capsys, rng):
    # S1 6352-6385: model(x) and model.forward(x) agree, each printing the forward message.
    # NNX has one entry point, __call__ (no hooks, so no separate forward). The message is a
    # trace-time print: every eager call, but only the first (tracing) call under jit.
    spec = BY_ID["CustomModel"]
    t, j = eager_pair(spec)
    j = nnx.clone(j)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = rng.normal(size=(3, 10)).astype(np.float32)
    message = "  forward() method called!\n"
    with torch.no_grad():
        out_t, forward_t = t(torch.tensor(x)), t.forward(torch.tensor(x))
    assert capsys.readouterr().out == message * 2
    harness.assert_equal(forward_t, out_t, name="torch forward vs call")
    out_j, again_j = j(x), j(x)
    assert capsys.readouterr().out == message * 2
    jitted = nnx.jit(lambda m, x: m(x))
    first, second = jitted(j, x), jitted(j, x)
    assert capsys.readouterr().out == message  # traced once, then the compiled code runs
    harness.assert_equal(again_j, out_j, name="jax eager calls")
    harness.assert_equal(second, first, name="jax jitted calls")
    harness.assert_close(out_j, out_t, harness.tolerance("float32"), name="output")
    harness.assert_close(first, out_t, harness.tolerance("float32"), name="jitted output")


def test_traced_network_prints_the_same_shape_trace(capsys, rng):
    # S1 6131-6158: the shape after every layer. torch prints torch.Size([2, 5]), JAX (2, 5);
    # JAX prints while tracing (shapes are static), so under jit only on the first call.
    spec = BY_ID["TracedNetwork"]
    t, j = eager_pair(spec)
    x = rng.normal(size=(2, 5)).astype(np.float32)
    with torch.no_grad():
        t(torch.tensor(x))
    printed_t = capsys.readouterr().out
    as_tuples = re.sub(r"torch\.Size\(\[([\d, ]*)\]\)", r"(\1)", printed_t)
    assert printed_t.count("torch.Size") == 4 and "torch.Size" not in as_tuples
    j(x)
    assert capsys.readouterr().out == as_tuples
    jitted = nnx.jit(lambda m, x: m(x))
    jitted(j, x)
    jitted(j, x)
    assert capsys.readouterr().out == as_tuples


def test_classification_network_probabilities_are_softmax_of_the_correct_logits(mode, rng):
    # S1 7176-7272 (§3.5): with the same weights, ClassificationNetwork returns
    # softmax(ClassificationNetworkCorrect's logits); rows sum to 1 and the argmax is unchanged.
    probs_spec = BY_ID["ClassificationNetwork(20, 50, 10)"]
    logits_spec = BY_ID["ClassificationNetworkCorrect(20, 50, 10)"]
    t_p, j_p = pair(probs_spec, mode)
    t_l, j_l = pair(logits_spec, mode)
    t_l.load_state_dict(t_p.state_dict())
    jaxnn.interop.load_state_dict(j_l, t_p.state_dict())
    x = make_input(probs_spec, mode, rng)
    probs_j, logits_j = nnx.jit(lambda a, b, x: (a(x), b(x)))(j_p, j_l, jnp.asarray(x))
    with torch.no_grad():
        probs_t, logits_t = t_p(torch.tensor(x)), t_l(torch.tensor(x))
    for side, probs, logits in (("torch", probs_t, logits_t), ("jax", probs_j, logits_j)):
        probs, logits = harness.to_numpy(probs), harness.to_numpy(logits)
        mode.assert_close(probs.sum(axis=1), np.ones(5), name=f"{side} row sums")
        harness.assert_equal(probs.argmax(1), logits.argmax(1), name=f"{side} argmax")
    mode.assert_close(probs_j, torch.softmax(logits_t, dim=1), name="softmax of torch's logits")
    mode.assert_close(probs_j, probs_t)


def test_classification_network_correct_cross_entropy_with_seed_targets(mode, rng):
    # S1 7244-7258: CrossEntropyLoss on the logits with targets [3, 7, 2, 9, 1] (S1 7254).
    spec = BY_ID["ClassificationNetworkCorrect(20, 50, 10)"]
    t, j = pair(spec, mode)
    x = make_input(spec, mode, rng)
    targets = np.array([3, 7, 2, 9, 1])
    loss_t = nn.CrossEntropyLoss()(t(torch.tensor(x)), torch.tensor(targets))
    loss_t.backward()

    @nnx.jit
    def loss_and_grads(model, x, y):
        return nnx.value_and_grad(lambda m: jaxnn.functional.cross_entropy(m(x), y))(model)

    loss_j, grads = loss_and_grads(j, jnp.asarray(x), jnp.asarray(targets))
    mode.assert_close(loss_j, loss_t, name="loss")
    mode.assert_state_dict_close(
        torch_layout_grads(j, grads), {k: p.grad for k, p in t.named_parameters()}
    )


def test_small_net_parameter_memory_matches_seed():
    # S1 4717-4726: 109,386 float32 parameters take 0.42 MB (4 bytes each, MB = 2**20 bytes).
    t, j = eager_pair(BY_ID["SmallNet"])
    mb_t = sum(p.numel() * p.element_size() for p in t.parameters()) / 2**20
    mb_j = sum(p[...].nbytes for p in jaxnn.nn.parameters(j)) / 2**20
    harness.assert_twins_close(
        mb_j, mb_t, harness.tolerance("float32"), golden=0.42, golden_tol=harness.printed(2)
    )
