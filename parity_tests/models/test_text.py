"""``jaxnn.models`` / ``torch_ref.models`` embedding text classifier (``models/text.py``).

Inventory §2 E46; §3.2 (TextClassifier(1000, 128, 64, 5): 136,581 parameters).
Seeds: S1 7500-7555.
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
    "Text classifier",
    torch="TextClassifier (seed class)",
    jaxnn="jaxnn.models.TextClassifier",
    lesson="11_embeddings",
)

# S1 7550: batch = torch.randint(0, 1000, (4, 10)), 4 sequences of 10 token ids.
SPEC = Spec("TextClassifier", (1000, 128, 64, 5), tokens=(1000, (4, 10)), count=136_581)


def test_text_classifier_state_dict_keys_and_parameter_counts():
    assert_keys_and_counts_match(SPEC)


def test_text_classifier_forward_and_gradients_match_torch(mode, rng):
    # Integer input: no input gradient. The embedding table's gradient is dense on both sides
    # (rows of unused ids are zero; a repeated id accumulates).
    t, j = pair(SPEC, mode)
    assert_forward_and_grads_match(t, j, make_input(SPEC, mode, rng), mode, rng, name=SPEC.id)
