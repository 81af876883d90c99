"""``jaxnn.models`` / ``torch_ref.models`` transformer pieces (``models/transformer.py``).

The family's own checks; keys, counts, forward outputs and gradients are its rows of
``test_models.py``'s table (at the notebook's sizes and scale: float64 only, here).

Inventory §2 E23, E45, E47; §3.2 (TransformerStyleNetwork 2,099,712, TransformerBlock
2,100,736); §5 item 34 (the notebook's unscaled randn attention projections saturate the
softmax). Notebook lines: S1 6912-6936, S1 7832-7866, S1 1403-1450.
"""

import pytest

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_init_matches_torch_distribution,
    float64_mode,
    make_input,
    pair,
)
from .components import TRANSFORMER
from .test_models import BY_ID

pytestmark = TRANSFORMER

# The notebook's sizes: keys and counts in the table, forward and gradients here (float64 only).
REAL_SIZE = [BY_ID["TransformerStyleNetwork"], BY_ID["TransformerBlock(512, 2048)"]]
# S1 1410-1419 at the notebook's own input scale (the table's row runs at 0.1 x, see there).
SELF_ATTENTION = Spec("SelfAttention", (64,), input_shape=(2, 8, 64))


@pytest.mark.parametrize("spec", REAL_SIZE, ids=lambda s: s.id)
def test_transformer_models_at_the_seed_size_match_torch_in_float64(rng, spec):
    # Float64 only. Each entry of a 512 x 2048 weight gradient sums 2 (or 6) products of
    # O(1)-O(10) factors; among the million entries a few cancel to ~1e-2, where float32's
    # rounding of the factors (~1e-6 absolute) exceeds the float32 "op" tolerance, which
    # assumes O(1) terms (measured: 11 of 1,048,576 entries of layer2.weight's gradient at
    # 1.8e-6, the same size as either framework's float32 error against float64). The float32
    # path of the same code is checked at a small size in test_models.py's table.
    with float64_mode() as mode:
        t, j = pair(spec, mode)
        assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)


def test_self_attention_at_the_seed_scale_matches_torch_in_float64(rng):
    # S1 1410-1446: x = randn(2, 8, 64), W = randn(64, 64): saturated attention, float64 only
    # (see the table's SelfAttention row in test_models.py).
    with float64_mode() as mode:
        t, j = pair(SELF_ATTENTION, mode)
        x = make_input(SELF_ATTENTION, mode, rng)
        assert_forward_and_grads_match(t, j, x, mode, rng, name="notebook scale")


def test_self_attention_init_matches_torch_distribution():
    # W_q, W_k, W_v = torch.randn(64, 64) each (S1 1416-1418): N(0, 1), unscaled. (The table's
    # row: the input scale plays no part, and its eagerly built twin is already cached.)
    assert_init_matches_torch_distribution(BY_ID["SelfAttention(64,)"])
