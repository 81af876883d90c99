"""``jaxnn.models`` / ``torch_ref.models`` transformer pieces (``models/transformer.py``).

Inventory §2 E23, E45, E47; §3.2 (TransformerStyleNetwork 2,099,712, TransformerBlock
2,100,736); §5 item 34 (the seed's unscaled randn attention projections saturate the
softmax). Seeds: S1 6912-6936, S1 7832-7866, S1 1403-1450.
"""

import pytest

from ..model_pairs import (
    Spec,
    assert_forward_and_grads_match,
    assert_init_matches_torch_distribution,
    assert_keys_and_counts_match,
    float64_mode,
    make_input,
    pair,
)

pytestmark = pytest.mark.component(
    "Transformer-style blocks",
    torch="SelfAttention, TransformerBlock",
    jaxnn="jaxnn.models.SelfAttention, TransformerBlock",
    lesson="10_activations",
)

# The seed's sizes, with a cheap input: batch 2 and a sequence of 3 for the block.
REAL_SIZE = [
    Spec("TransformerStyleNetwork", input_shape=(2, 512), count=2_099_712),  # S1 6932
    Spec("TransformerBlock", (512, 2048), input_shape=(2, 3, 512), count=2_100_736),
]
SELF_ATTENTION = Spec("SelfAttention", (64,), input_shape=(2, 8, 64))  # S1 1410-1419
SPECS = [
    *REAL_SIZE,
    # The block's sizes are constructor arguments: a small one for the float32 check.
    Spec("TransformerBlock", (16, 64), input_shape=(2, 3, 16)),
    # The seed's input is randn(2, 8, 64). With the unscaled randn projections its scores
    # have std ~8 after the 1/sqrt(64), a nearly one-hot softmax whose float32 result is
    # sensitive to the last bits of the scores (§5 item 34). At 0.1 x the seed's scale the
    # scores have std ~0.6: a well-conditioned check in both modes. The seed's own scale is
    # checked in float64 below.
    Spec("SelfAttention", (64,), input_shape=(2, 8, 64), input_scale=0.1),
]


@pytest.mark.parametrize("spec", [*REAL_SIZE, SELF_ATTENTION], ids=lambda s: s.id)
def test_transformer_models_state_dict_keys_and_parameter_counts(spec):
    assert_keys_and_counts_match(spec)


@pytest.mark.parametrize("spec", SPECS[2:], ids=lambda s: s.id)
def test_transformer_models_forward_and_gradients_match_torch(mode, rng, spec):
    t, j = pair(spec, mode)
    assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)


@pytest.mark.parametrize("spec", REAL_SIZE, ids=lambda s: s.id)
def test_transformer_models_at_the_seed_size_match_torch_in_float64(rng, spec):
    # Float64 only. Each entry of a 512 x 2048 weight gradient sums 2 (or 6) products of
    # O(1)-O(10) factors; among the million entries a few cancel to ~1e-2, where float32's
    # rounding of the factors (~1e-6 absolute) exceeds the float32 "op" tolerance, which
    # assumes O(1) terms (measured: 11 of 1,048,576 entries of layer2.weight's gradient at
    # 1.8e-6, the same size as either framework's float32 error against float64). The float32
    # path of the same code is checked at a small size above.
    with float64_mode() as mode:
        t, j = pair(spec, mode)
        assert_forward_and_grads_match(t, j, make_input(spec, mode, rng), mode, rng, name=spec.id)


def test_self_attention_at_the_seed_scale_matches_torch_in_float64(rng):
    # S1 1410-1446: x = randn(2, 8, 64), W = randn(64, 64): saturated attention, float64 only
    # (see the spec above).
    with float64_mode() as mode:
        t, j = pair(SELF_ATTENTION, mode)
        x = make_input(SELF_ATTENTION, mode, rng)
        assert_forward_and_grads_match(t, j, x, mode, rng, name="seed scale")


def test_self_attention_init_matches_torch_distribution():
    # W_q, W_k, W_v = torch.randn(64, 64) each (S1 1416-1418): N(0, 1), unscaled.
    assert_init_matches_torch_distribution(SELF_ATTENTION)
