"""The harness must fail loudly and precisely: a comparator that cannot fail proves nothing."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from twincore import harness

F64 = harness.tolerance("float64")
F32 = harness.tolerance("float32")


def test_tolerance_table_meets_the_contract():
    # The project's promise: float64 within 1e-10 relative, everywhere.
    for (dtype, _), tol in harness.TOLERANCES.items():
        if dtype == "float64":
            assert tol.rtol <= 1e-10
        assert tol.why, "every tolerance says why"


def test_close_values_pass_across_array_types():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    with jax.enable_x64(True):
        harness.assert_close(torch.tensor(x), jnp.asarray(x), F64)
    with pytest.raises(AssertionError, match="10 of 12"):  # float32 rounding is caught
        harness.assert_close(torch.tensor(x), jnp.asarray(x, dtype=jnp.float32), F64)
    harness.assert_close(x * (1 + 1e-12), x, F64)


def test_failure_names_element_values_errors_and_tolerance():
    expected = np.arange(6.0).reshape(2, 3)
    actual = expected.copy()
    actual[1, 2] += 1e-6
    with pytest.raises(AssertionError) as info:
        harness.assert_close(actual, expected, F64, name="layers.0.weight")
    msg = str(info.value)
    assert "layers.0.weight" in msg
    assert "1 of 6 elements" in msg
    assert "index (1, 2)" in msg
    assert "actual=5.000001" in msg and "expected=5.0" in msg
    assert "abs err=1e-06" in msg
    assert "rel err=2e-07" in msg
    assert "rtol=1e-10" in msg


def test_worst_element_is_reported():
    expected = np.zeros(5)
    actual = np.array([0.0, 1e-3, 0.0, 5e-3, 0.0])
    with pytest.raises(AssertionError, match=r"(?s)2 of 5 elements.*index \(3\)"):
        harness.assert_close(actual, expected, F32)


def test_shape_mismatch_is_not_broadcast():
    with pytest.raises(AssertionError, match=r"shape \(3,\) \(actual\) != \(1, 3\)"):
        harness.assert_close(np.ones(3), np.ones((1, 3)), F64)


def test_nan_positions_must_match():
    harness.assert_close(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), F64)
    with pytest.raises(AssertionError, match="1 of 2"):
        harness.assert_close(np.array([np.nan, 1.0]), np.array([0.0, 1.0]), F64)
    with pytest.raises(AssertionError, match="1 of 2"):
        harness.assert_close(np.array([np.inf, 1.0]), np.array([-np.inf, 1.0]), F64)


def test_float32_tolerance_rejects_a_real_difference():
    with pytest.raises(AssertionError):
        harness.assert_close(np.float32(1.0001), np.float32(1.0), F32)


def test_assert_equal_ignores_dtype_but_not_values():
    harness.assert_equal(torch.tensor([1, 2, 3]), jnp.array([1, 2, 3], dtype=jnp.int32))
    with pytest.raises(AssertionError, match=r"(?s)index \(1\).*actual=5, expected=2"):
        harness.assert_equal(np.array([1, 5, 3]), np.array([1, 2, 3]))


def test_tree_and_state_dict_report_keys_and_leaf_names():
    a = {"fc": {"kernel": np.ones((2, 2)), "bias": np.zeros(2)}}
    b = {"fc": {"kernel": np.ones((2, 2)), "bias": np.array([0.0, 1.0])}}
    with pytest.raises(AssertionError, match=r"tree\[fc.bias\]"):
        harness.assert_tree_close(a, b, F64)
    with pytest.raises(AssertionError, match=r"missing from actual: \['w2'\]"):
        harness.assert_state_dict_close(
            {"w1": np.ones(1)}, {"w1": np.ones(1), "w2": np.ones(1)}, F64
        )
    harness.assert_state_dict_close(
        {"w": torch.ones(2, dtype=torch.float64)}, {"w": np.ones(2)}, F64
    )


def test_printed_tolerance_is_half_a_unit_in_the_last_place():
    tol = harness.printed(4)
    harness.assert_close(0.23684, 0.2368, tol)
    with pytest.raises(AssertionError):
        harness.assert_close(0.23686, 0.2368, tol)


def test_mode_fixture_switches_jax_precision(mode):
    x = jnp.asarray(mode.array([1.0, 2.0]))
    assert x.dtype == mode.jnp
    assert torch.tensor(mode.array([1.0])).dtype == mode.torch
