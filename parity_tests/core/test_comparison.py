"""``twincore.comparison``: a comparison as rows, which must fail loudly where the harness would."""

import math

import numpy as np
import pytest

from twincore import harness
from twincore.comparison import Comparison, compare

F64 = harness.tolerance("float64")


def test_a_row_measures_what_assert_close_checks():
    expected = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    row = compare("w", "gradient", expected * (1 + 1e-13), expected, F64)
    assert row.ok and row.outside == 0 and 0 < row.max_abs < 1e-12
    harness.assert_close(expected * (1 + 1e-13), expected, F64)  # the same verdict
    bad = expected.copy()
    bad[1, 2] += 1e-6
    row = compare("w", "gradient", bad, expected, F64)
    assert not row.ok and row.outside == 1 and row.worst == (1, 2)
    assert row.worst_actual == bad[1, 2] and row.worst_expected == expected[1, 2]
    assert math.isclose(row.max_abs, 1e-6, rel_tol=1e-6)
    with pytest.raises(AssertionError, match="worst at index \\(1, 2\\)"):
        harness.assert_close(bad, expected, F64)
    assert not compare("w", "gradient", np.zeros(3), np.zeros(4), F64).ok  # shapes differ
    assert not compare("l", "loss", np.array(np.nan), np.array(1.0), F64).ok


def test_a_comparison_names_the_failing_tensor_and_renders_every_row():
    good = compare("a", "forward", np.ones(3), np.ones(3), F64)
    bad = compare("b.weight", "gradient", np.array([1.0, 2.5]), np.array([1.0, 2.0]), F64)
    result = Comparison("gradients, float64", (good, bad))
    assert not result.ok and result.failures == (bad,)
    with pytest.raises(AssertionError) as info:
        result.assert_ok()
    message = str(info.value)
    assert "1 of 2 tensors differ" in message and "gradient b.weight" in message
    assert "JAX 2.5, torch 2.0" in message and F64.why in message
    Comparison("forward", (good,)).assert_ok()
    md = result.markdown()
    assert md.count("\n|") == 4 and "FAIL (1)" in md and "max \\|Δ\\|" in md
    assert "<td>b.weight</td>" in result.html() and 'class="fail"' in result.html()
    assert "b.weight" in result.text() and "worst at [1]" in result.text()
