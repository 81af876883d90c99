"""``jaxnn.models`` / ``torch_ref.models`` manual-parameter models (``models/parameters.py``).

The family's own checks; keys, counts, forward outputs and gradients are its rows of
``test_models.py``'s table (ManualMLP's forward pass: float64 only, here).

Inventory §2 E15, E22, E31; §3.2 (ModuleWithTensor: 0 parameters, ModuleWithParam: one
(3, 3) parameter, MLP2Hidden 101,770); §5 item 24 (MLP2Hidden ignores h1/h2 and has one
hidden layer). Notebook lines: S1 4445-4510, S4 1467-1486, S1 1370-1401 (E22, as ManualMLP).
"""

import pytest
from flax import nnx

import jaxnn
import torch_ref

from ..model_pairs import (
    assert_forward_and_grads_match,
    assert_init_matches_torch_distribution,
    eager_pair,
    float64_mode,
    make_input,
    pair,
)
from .components import MANUAL_PARAMETERS
from .test_models import BY_ID, family

pytestmark = MANUAL_PARAMETERS


@pytest.mark.parametrize("spec", family(MANUAL_PARAMETERS), ids=lambda s: s.id)
def test_parameter_models_name_parameters_by_their_attributes(spec):
    # The keys are the attribute names (W1, b1, ...) in registration order (the table checks
    # the order); each names the twin's attribute of torch's shape: nothing transposed.
    t, j = eager_pair(spec)
    for name, p in t.named_parameters():
        assert getattr(j, name).shape == tuple(p.shape), name


def test_manual_mlp_forward_and_gradients_match_torch_in_float64(rng):
    # Float64 only. The notebook draws every weight and bias from an unscaled randn (S1 1377-1390),
    # so the hidden activations reach ~20 and each gradient entry sums terms of ~10-100: float32
    # rounding then leaves absolute errors of ~2e-6 on entries that cancel to ~0.06, above the
    # float32 "op" tolerance, which assumes O(1) terms. The float64 check is the algorithm check
    # at the notebook's own scale; the float32 path is the same code as MLP2Hidden's, checked in
    # test_models.py's table.
    spec = BY_ID["ManualMLP"]
    with float64_mode() as mode:
        t, j = pair(spec, mode)
        assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng)


def test_module_with_tensor_plain_array_is_state_but_not_a_parameter():
    # S1 4483-4495: `Number of parameters: 0`, `Parameters: []`. In NNX the plain array is
    # still module state (moved by jax.device_put of the state); torch's is not even a buffer.
    t, j = eager_pair(BY_ID["ModuleWithTensor"])
    assert list(t.parameters()) == [] and dict(t.state_dict()) == {}
    assert list(jaxnn.nn.parameters(j)) == [] and jaxnn.interop.state_dict(j) == {}
    assert len(nnx.state(j, nnx.Param)) == 0 and "regular_tensor" in nnx.state(j)


def test_mlp2hidden_ignores_h1_h2_and_has_one_hidden_layer():
    # §5 item 24: MLP2Hidden(h1, h2) builds 784 -> 128 -> 10 whatever h1 and h2 are.
    expected = {"W1": (784, 128), "b1": (128,), "W2": (128, 10), "b2": (10,)}
    t = torch_ref.models.MLP2Hidden(h1=512, h2=64)
    j = nnx.eval_shape(lambda: jaxnn.models.MLP2Hidden(h1=512, h2=64, rngs=nnx.Rngs(0)))
    assert {k: tuple(v.shape) for k, v in t.state_dict().items()} == expected
    assert {k: v.shape for k, v in jaxnn.nn.named_parameters(j)} == expected


@pytest.mark.parametrize(
    "name, zeros",
    [("MLP2Hidden", ("b1", "b2")), ("ManualMLP", ()), ("ModuleWithParameter", ())],
)
def test_manual_parameters_init_matches_torch_distribution(name, zeros):
    # torch.randn(...) (* 0.01 for MLP2Hidden, whose biases are torch.zeros): jaxnn's own draws
    # vs torch's, pooled over the model's random parameters.
    assert_init_matches_torch_distribution(BY_ID[name], zeros)
