"""``jaxnn.models`` / ``torch_ref.models`` composed models (``models/composition.py``).

Inventory §2 E30, E31; §3.2 parameter counts (ComposedNetwork 905, SharedParameterModule
110). Seeds: S1 4122-4165 (LinearBlock, ComposedNetwork and its nested parameter names),
S1 4655-4684 (SharedParameterModule: one layer applied twice).
"""

import jax
import pytest
from flax import nnx

import jaxnn

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_keys_and_counts_match,
    eager_pair,
    make_input,
    pair,
)

pytestmark = pytest.mark.component(
    "Composed models",
    torch="LinearBlock, ComposedNetwork, ...",
    jaxnn="jaxnn.models.LinearBlock, ...",
    lesson="08_modules_and_parameters",
)

SPECS = [
    Spec("LinearBlock", (10, 20), input_shape=(3, 10)),
    Spec("ComposedNetwork", input_shape=(3, 10), count=905),  # S1 4153
    Spec("SharedParameterModule", input_shape=(4, 10), count=110),  # S1 4681
]
BY_ID = {s.id: s for s in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_composition_models_state_dict_keys_and_parameter_counts(spec):
    assert_keys_and_counts_match(spec)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_composition_models_forward_and_gradients_match_torch(mode, rng, spec):
    # For SharedParameterModule torch accumulates the gradients of both uses of the layer into
    # one .grad; nnx.grad returns their sum for the one graph node: compared here.
    t, j = pair(spec, mode)
    assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)


def test_composed_network_nests_linear_blocks_under_the_seed_names():
    # S1 4157-4165: every parameter of the nested blocks is listed as block{i}.linear.{p}.
    t, j = eager_pair(BY_ID["ComposedNetwork"])
    names = [f"block{i}.linear.{p}" for i in (1, 2, 3) for p in ("weight", "bias")]
    names += ["output.weight", "output.bias"]
    assert [n for n, _ in t.named_parameters()] == names
    assert [n for n, _ in jaxnn.nn.named_parameters(j)] == names
    for i in (1, 2, 3):
        assert isinstance(getattr(j, f"block{i}"), jaxnn.models.LinearBlock)


def test_shared_parameter_module_holds_the_layer_once():
    # S1 4676-4684: "Only 110 parameters (10x10 + 10) even though layer is used twice".
    t, j = eager_pair(BY_ID["SharedParameterModule"])
    assert len(list(t.parameters())) == 2
    assert len(jax.tree.leaves(nnx.state(j, nnx.Param))) == 2  # one kernel, one bias
    assert jaxnn.nn.count_parameters(j) == sum(p.numel() for p in t.parameters()) == 110
