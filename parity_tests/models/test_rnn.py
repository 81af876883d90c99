"""``jaxnn.models`` / ``torch_ref.models`` LSTM template (``models/rnn.py``).

Inventory §2 E09 (sizes undefined in the seed; F=8, H=16, T=10 chosen); §5 item 6.
Seeds: S3 327-348: ``out, (h, c) = self.rnn(x)``, ``self.fc(out[:, -1, :])``.
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
    "LSTM template",
    torch="RNNModel (seed class, S3 327)",
    jaxnn="jaxnn.models.RNNModel",
    lesson="22_lstm",
)

SPEC = Spec("RNNModel", (8, 16, 3), input_shape=(3, 10, 8))  # (batch, seq_len, features)


def test_rnn_model_state_dict_keys_and_parameter_counts():
    # rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, fc.weight, fc.bias.
    assert_keys_and_counts_match(SPEC)


def test_rnn_model_forward_and_gradients_match_torch(mode, rng):
    t, j = pair(SPEC, mode)
    assert_forward_and_grads_match(t, j, make_input(SPEC, mode, rng), mode, rng, name=SPEC.id)
