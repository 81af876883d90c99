"""``jaxnn.models`` / ``torch_ref.models`` composed models (``models/composition.py``).

The family's own checks; keys, counts, forward outputs and gradients are its rows of
``test_models.py``'s table.

Inventory §2 E30, E31; §3.2 parameter counts (ComposedNetwork 905, SharedParameterModule
110). Notebook lines: S1 4122-4165 (LinearBlock, ComposedNetwork and its nested parameter names),
S1 4655-4684 (SharedParameterModule: one layer applied twice).
"""

import jax
from flax import nnx

import jaxnn

from ..model_pairs import eager_pair
from .components import COMPOSED
from .test_models import BY_ID

pytestmark = COMPOSED


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
