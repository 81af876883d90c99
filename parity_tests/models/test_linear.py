"""``jaxnn.models`` / ``torch_ref.models`` one-layer models (``models/linear.py``).

Inventory §2 E04, E07, E30, E37; §3.2 parameter counts (SimpleModule 55). Seeds: S2 118-142
(SimpleNet, with the seed's input [[1., 2.]]), S3 50-56 (Net), S3 252-258 (LinearModel),
S1 3995-4051 (SimpleModule), S1 4370-4378 (MyModule), S1 5620-5627 (LinearRegressionModel).
"""

import pytest

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_keys_and_counts_match,
    make_input,
    pair,
)

pytestmark = pytest.mark.component(
    "One-layer models",
    torch="SimpleNet, Net, LinearModel, ...",
    jaxnn="jaxnn.models.SimpleNet, Net, ...",
    lesson="08_modules_and_parameters",
)

SPECS = [
    Spec("SimpleNet", seed_input=((1.0, 2.0),)),  # S2 136: x = torch.tensor([[1.0, 2.0]])
    Spec("Net", input_shape=(4, 10)),
    Spec("LinearModel", (6, 2), input_shape=(4, 6)),  # the template's sizes are free (§5 6)
    Spec("SimpleModule", input_shape=(3, 10), count=55),  # S1 4044-4051
    Spec("MyModule", input_shape=(3, 10)),
    Spec("LinearRegressionModel", input_shape=(5, 1)),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_linear_models_state_dict_keys_and_parameter_counts(spec):
    assert_keys_and_counts_match(spec)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_linear_models_forward_and_gradients_match_torch(mode, rng, spec):
    t, j = pair(spec, mode)
    assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)
