"""The difference metrics every report uses: runs that went non-finite in step on both
sides agree, a NaN on one side only is an infinite difference, never a silent 0 or NaN."""

import math

import numpy as np

from twincore.diff import max_abs_diff, max_rel_diff


def test_finite_values_differ_by_their_distance_relative_to_the_second_scale():
    a, b = np.array([1.0, 2.0, -4.0]), np.array([1.0, 2.5, -4.0])
    assert max_abs_diff(a, b) == 0.5
    assert max_rel_diff(a, b) == 0.5 / 4.0
    assert max_abs_diff({"w": a, "b": b}, {"w": a, "b": a}) == 0.5


def test_the_same_nan_or_inf_on_both_sides_agrees():
    losses = [2.0, 1.5, math.nan, math.inf, -math.inf]
    assert max_abs_diff(losses, list(losses)) == 0.0
    assert max_rel_diff(losses, list(losses)) == 0.0


def test_a_non_finite_value_on_one_side_only_is_an_infinite_difference():
    finite = [2.0, 1.5, 1.0]
    for bad in (math.nan, math.inf, -math.inf):
        assert max_abs_diff([2.0, 1.5, bad], finite) == math.inf
        assert max_abs_diff(finite, [2.0, 1.5, bad]) == math.inf
        assert max_rel_diff(finite, [2.0, 1.5, bad]) == math.inf
    assert max_abs_diff([math.inf], [-math.inf]) == math.inf
