"""Parity tests for inventory §1.4: broadcasting (scalar, row/column with keepdim, bias).

Notebook lines: S0 9-20 (printed); S2 18-23 (printed in comments); S1 911-995 (keepdim and
row normalisation, including the misleading claim at 949-952), 1767-1799 (feature
standardisation), 1323-1368 (bias broadcast); S4 393-415 (vector to matrix).

Both frameworks align shapes from the right and stretch size-1 dimensions, so the twin of
every expression is the same expression on ``jnp`` arrays; ``keepdim`` -> ``keepdims``,
and the reductions that differ by default (``std``) use ``jaxnn.functional``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jaxnn import functional as jf
from twincore import harness

from .components import BROADCASTING

pytestmark = BROADCASTING

X33 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]  # S1 912-916


def test_scalar_broadcast_seed_values(mode):
    x = mode.array([[1.0, 2.0], [3.0, 4.0]])  # S0 9
    t, j = torch.tensor(x), jnp.asarray(x)
    for t_out, j_out, printed in [
        (t + 2, j + 2, [[3.0, 4.0], [5.0, 6.0]]),  # S0 17-18
        (t * 3, j * 3, [[3.0, 6.0], [9.0, 12.0]]),  # S0 19-20
    ]:
        harness.assert_equal(t_out, printed)
        harness.assert_equal(j_out, printed)
    # The same cell's x.mean() (a reduction, printed S0 21) and x.T (S0 22-23, test_shape).
    harness.assert_close(t.mean(), 2.5, harness.printed(4))
    harness.assert_close(jf.mean(j), 2.5, harness.printed(4))
    mode.assert_close(jf.mean(j), t.mean())
    v = mode.array([2.0, 3.0, 4.0])  # S2 18
    tv, jv = torch.tensor(v), jnp.asarray(v)
    harness.assert_equal(tv + 2, [4.0, 5.0, 6.0])  # S2 22
    harness.assert_equal(jv + 2, [4.0, 5.0, 6.0])
    harness.assert_equal(tv * 3, [6.0, 9.0, 12.0])  # S2 23
    harness.assert_equal(jv * 3, [6.0, 9.0, 12.0])


def test_scalar_broadcast_keeps_the_tensor_dtype(mode):
    x = mode.array([1.0, 2.0])
    # A Python scalar is weakly typed on both sides: float32 + 2 stays float32.
    assert (torch.tensor(x) + 2).dtype == mode.torch
    assert (jnp.asarray(x) + 2).dtype == mode.jnp
    assert (jnp.asarray(x) * 2.5).dtype == mode.jnp


def test_row_sums_with_keepdim_normalise_rows(mode):
    x = mode.array(X33)
    t, j = torch.tensor(x), jnp.asarray(x)
    t_sums, j_sums = t.sum(dim=1, keepdim=True), jnp.sum(j, axis=1, keepdims=True)
    assert tuple(t_sums.shape) == (3, 1) == j_sums.shape  # §3.2 S1 924-964
    t_norm, j_norm = t / t_sums, j / j_sums
    mode.assert_close(j_norm, t_norm)
    derived = [[0.1667, 0.3333, 0.5000], [0.2667, 0.3333, 0.4000], [0.2917, 0.3333, 0.3750]]
    harness.assert_close(t_norm, derived, harness.printed(4))
    harness.assert_close(j_norm, derived, harness.printed(4))
    mode.assert_close(j_norm.sum(axis=1), t_norm.sum(dim=1))
    mode.assert_close(t_norm.sum(dim=1), np.ones(3))


def test_dividing_by_unkept_row_sums_silently_broadcasts_over_columns(mode):
    # S1 949-952 claims (3,3) / (3,) "can't directly divide ... shapes don't align".
    # It does not fail in either framework: (3,) aligns with the LAST axis, so column k is
    # divided by the sum of ROW k -- wrong semantics, no error (inventory §5.33).
    x = mode.array(X33)
    t, j = torch.tensor(x), jnp.asarray(x)
    t_sums, j_sums = t.sum(dim=1), jnp.sum(j, axis=1)
    assert tuple(t_sums.shape) == (3,) == j_sums.shape
    t_out, j_out = t / t_sums, j / j_sums
    mode.assert_close(j_out, t_out)
    mode.assert_close(t_out, x / x.sum(axis=1)[None, :])  # what actually happened
    kept = x / x.sum(axis=1, keepdims=True)
    assert not np.allclose(harness.to_numpy(t_out), kept)  # not the row normalisation
    assert not np.allclose(harness.to_numpy(t_out).sum(axis=1), 1.0)


def _standardise_jax(dim: int):
    """The notebook's keepdim pipeline as one JAX program (one compile, not one per op)."""

    @jax.jit
    def run(x):
        mean = jf.mean(x, dim=dim, keepdim=True)
        std = jf.std(x, dim=dim, keepdim=True)
        normalized = (x - mean) / std
        return mean, std, x - mean, normalized, jf.std(normalized, dim=dim)

    return run


def _standardise_torch(x: torch.Tensor, dim: int):
    mean = x.mean(dim=dim, keepdim=True)
    std = x.std(dim=dim, keepdim=True)
    normalized = (x - mean) / std
    return mean, std, x - mean, normalized, normalized.std(dim=dim)


def test_row_centering_and_unbiased_std_normalisation(mode):
    data = mode.array([[10.0, 20.0, 30.0], [15.0, 25.0, 35.0], [12.0, 22.0, 32.0]])  # S1 968
    t_mean, t_std, t_centered, t_norm, t_new_std = _standardise_torch(torch.tensor(data), 1)
    j_mean, j_std, j_centered, j_norm, j_new_std = _standardise_jax(1)(jnp.asarray(data))
    assert tuple(t_mean.shape) == (3, 1) == j_mean.shape
    for name, j_value, t_value in [
        ("centered", j_centered, t_centered),
        ("std", j_std, t_std),
        ("normalized", j_norm, t_norm),
        ("new std", j_new_std, t_new_std),
    ]:
        mode.assert_close(j_value, t_value, name=name)
    # §3.2 S1 966-995, on both sides.
    for centered, std, normalized, new_std in [
        (t_centered, t_std, t_norm, t_new_std),
        (j_centered, j_std, j_norm, j_new_std),
    ]:
        mode.assert_close(centered, [[-10.0, 0.0, 10.0]] * 3)
        mode.assert_close(std, [[10.0]] * 3)  # unbiased: torch's default and the twin's
        mode.assert_close(normalized, [[-1.0, 0.0, 1.0]] * 3)
        mode.assert_close(new_std, np.ones(3))


def test_feature_standardisation_with_column_broadcast(mode):
    data = mode.array(
        [
            [10.0, 100.0, 1000.0],
            [15.0, 150.0, 1500.0],
            [12.0, 120.0, 1200.0],
            [18.0, 180.0, 1800.0],
        ]
    )  # S1 1770-1775
    t_mean, t_std, _, t_norm, t_new_std = _standardise_torch(torch.tensor(data), 0)
    j_mean, j_std, _, j_norm, j_new_std = _standardise_jax(0)(jnp.asarray(data))
    assert tuple(t_mean.shape) == (1, 3) == j_mean.shape
    for name, j_value, t_value in [
        ("feature_mean", j_mean, t_mean),
        ("feature_std", j_std, t_std),
        ("normalized", j_norm, t_norm),
        ("new std", j_new_std, t_new_std),
    ]:
        mode.assert_close(j_value, t_value, name=name)
    column = [-1.0714, 0.3571, -0.5000, 1.2143]  # §3.2 S1 1767-1799, every column
    for mean, std, normalized in [(t_mean, t_std, t_norm), (j_mean, j_std, j_norm)]:
        mode.assert_close(mean, [[13.75, 137.5, 1375.0]])
        mode.assert_close(std, [[3.5, 35.0, 350.0]])
        columns = harness.to_numpy(normalized).T
        harness.assert_close(columns, [column] * 3, harness.printed(4))


@pytest.mark.parametrize("dim", [0, -1, -2])
def test_keepdim_normalisation_along_any_dim(mode, rng, dim):
    # S1 1038 prose: (x - x.mean(dim=-1, keepdim=True)) / x.std(dim=-1, keepdim=True)
    x = mode.array(rng.standard_normal((2, 3, 4)))
    t_out = _standardise_torch(torch.tensor(x), dim)[3]
    j_out = _standardise_jax(dim)(jnp.asarray(x))[3]
    mode.assert_close(j_out, t_out)


def test_bias_broadcast_in_a_manual_linear_layer(mode, rng):
    x = mode.array(rng.standard_normal((32, 10)))  # S1 1323-1368: y = x @ W + b
    w = mode.array(rng.standard_normal((10, 5)))
    b = mode.array(rng.standard_normal(5))
    t_y = torch.tensor(x) @ torch.tensor(w) + torch.tensor(b)
    j_y = jnp.asarray(x) @ jnp.asarray(w) + jnp.asarray(b)
    assert tuple(t_y.shape) == (32, 5) == j_y.shape
    mode.assert_close(j_y, t_y)


def test_numpy_vector_added_to_every_row():
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])  # S4 397
    v = np.array([1, 0, 1])
    derived = [[2, 2, 4], [5, 5, 7], [8, 8, 10], [11, 11, 13]]  # §3.2 S4 396-406
    harness.assert_equal(x + v, derived)
    harness.assert_equal(torch.tensor(x) + torch.tensor(v), derived)
    harness.assert_equal(jnp.asarray(x) + jnp.asarray(v), derived)


@pytest.mark.parametrize(
    "a_shape,b_shape",
    [
        ((2, 1, 3), (4, 1)),
        ((), (3,)),
        ((5, 1, 4), (1, 6, 1)),
        ((0, 3), (3,)),  # an empty dimension broadcasts to an empty result
        ((1,), (0,)),
    ],
)
def test_broadcast_shapes_and_values_match(mode, rng, a_shape, b_shape):
    a = mode.array(rng.standard_normal(a_shape))
    b = mode.array(rng.standard_normal(b_shape))
    shape = torch.broadcast_shapes(a_shape, b_shape)
    assert (
        tuple(shape)
        == jnp.broadcast_shapes(a_shape, b_shape)
        == np.broadcast_shapes(a_shape, b_shape)
    )
    ta, tb, ja, jb = torch.tensor(a), torch.tensor(b), jnp.asarray(a), jnp.asarray(b)
    mode.assert_close(ja - jb, ta - tb)
    mode.assert_close(ja * jb, ta * tb)


def test_incompatible_shapes_raise_in_both():
    a, b = np.ones((3, 3)), np.ones(2)
    with pytest.raises(RuntimeError, match=r"must match the size of tensor b \(2\)"):
        torch.tensor(a) + torch.tensor(b)
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        jnp.asarray(a) + jnp.asarray(b)
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension of length 2"):
        torch.broadcast_shapes((3, 3), (2,))
    with pytest.raises(ValueError, match="Incompatible shapes"):
        jnp.broadcast_shapes((3, 3), (2,))
