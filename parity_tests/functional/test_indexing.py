"""Parity tests for inventory §1.3: integer, slice, 0-d-tensor, boolean and advanced indexing.

Notebook lines: S4 170-211 (NumPy slicing, fancy and boolean indexing; printed 177, 197),
S4 318-329 (printed ``tensor(7)``, ``tensor([9, 10, 11, 12])``); S1 1117-1126, 1952-1960,
2005-2057, 5115-5117, 7455, 7497, 8105, 8567-8593.

JAX indexing reads like torch's. Where they part: a boolean mask gives a data-dependent
shape (fine eagerly, impossible under ``jit``); out-of-range indices raise in torch but are
clamped (reads) or dropped (``.at[]`` writes) in JAX; ``x[idx] += v`` becomes
``x.at[idx].add(v)``, which accumulates repeated indices where torch does not.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from twincore import harness

from .components import INDEXING

pytestmark = INDEXING

GRID = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])  # S4 318-322, S4 170


def _exact_data(x: np.ndarray) -> np.ndarray:
    """float32 data for pure data movement (reshape, squeeze, indexing).

    Moving elements is exact and blind to the dtype, so one dtype is enough and results
    are compared exactly; the mode-parametrised tests cover arithmetic.
    """
    return np.asarray(x, dtype=np.float32)


def test_integer_index_seed_values():
    t, j = torch.tensor(GRID), jnp.asarray(GRID)
    harness.assert_equal(t[1, 2], 7)  # printed S4 328: tensor(7)
    harness.assert_equal(j[1, 2], 7)
    harness.assert_equal(t[1][2], t[1, 2])  # "same thing" (S4 324)
    harness.assert_equal(j[1][2], j[1, 2])
    harness.assert_equal(t[-1], [9, 10, 11, 12])  # printed S4 329
    harness.assert_equal(j[-1], [9, 10, 11, 12])
    assert tuple(t[1, 2].shape) == () == j[1, 2].shape  # an integer index drops the dim
    assert tuple(t[-1:].shape) == (1, 4) == j[-1:].shape  # a slice keeps it


def test_slice_seed_value():
    printed = [[2, 3], [6, 7]]  # S4 177: a[:2, 1:3]
    harness.assert_equal(torch.tensor(GRID)[:2, 1:3], printed)
    harness.assert_equal(jnp.asarray(GRID)[:2, 1:3], printed)
    harness.assert_equal(GRID[:2, 1:3], printed)


@pytest.mark.parametrize(
    "index",
    [
        (0, slice(None)),  # A[0, :]  (S1 1117)
        (slice(None), 0),  # B[:, 0], X[:, 0]
        (slice(None), -1, slice(None)),  # out[:, -1, :]  (S3 342)
        slice(None, 3),  # logits[:3]  (S1 9088)
        (0, slice(None, 5)),  # output_train1[0, :5]  (S1 8159)
        slice(None, 1),  # images[:1]  (S4 1440)
        (slice(1, 3), slice(None, None, 2)),
        (Ellipsis, 1),
        (None, 0),
        (0, 1, 2),
        (-1, -2, -3),
        slice(2, 100),  # slices clip at the end in both
        slice(5, 3),  # an empty slice
    ],
    ids=repr,
)
def test_basic_indexing_matches(rng, index):
    x = _exact_data(rng.standard_normal((4, 5, 6)))
    harness.assert_equal(jnp.asarray(x)[index], torch.tensor(x)[index])


def test_index_by_0d_tensor():
    scores = _exact_data([0.2, 0.8, 0.5, 0.3, 0.9, 0.1])  # S1 1952
    t, j = torch.tensor(scores), jnp.asarray(scores)
    t_idx, j_idx = torch.argmax(t), jnp.argmax(j)
    assert t_idx.dtype == torch.int64  # a 0-d int64 tensor works as an index
    assert tuple(t[t_idx].shape) == () == j[j_idx].shape
    harness.assert_equal(j[j_idx], t[t_idx])
    harness.assert_equal(t[t_idx], scores[4])  # §3.2 S1 1948-1968: index 4, value 0.9
    class_scores = _exact_data(
        [[0.2, 0.7, 0.1], [0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.3, 0.5, 0.2]]
    )  # S1 2005
    tc, jc = torch.tensor(class_scores), jnp.asarray(class_scores)
    t_pred, j_pred = torch.argmax(tc, dim=1), jnp.argmax(jc, axis=1)
    harness.assert_equal(jc[0, j_pred[0]], tc[0, t_pred[0]])  # S1 2038
    t_best, j_best = torch.argmax(tc, dim=0), jnp.argmax(jc, axis=0)
    harness.assert_equal(jc[j_best[0], 0], tc[t_best[0], 0])  # S1 2055


def test_numpy_fancy_index_and_in_place_add_seed_values():
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])  # S4 186
    b_indices = np.array([0, 2, 0, 1])
    t, j = torch.tensor(a), jnp.asarray(a)
    rows_t, rows_j = torch.arange(4), jnp.arange(4)
    printed = [1, 6, 7, 11]  # S4 197
    harness.assert_equal(t[rows_t, torch.tensor(b_indices)], printed)
    harness.assert_equal(j[rows_j, b_indices], printed)
    harness.assert_equal(a[np.arange(4), b_indices], printed)

    t[rows_t, torch.tensor(b_indices)] += 100  # S4 200: in place
    j = j.at[rows_j, b_indices].add(100)  # the functional twin
    after = [[101, 2, 3], [4, 5, 106], [107, 8, 9], [10, 111, 12]]  # §3.2 S4 200-211
    harness.assert_equal(t, after)
    harness.assert_equal(j, after)

    mask = [[True, False, False], [False, False, True], [True, False, False], [False, True, True]]
    harness.assert_equal(t > 10, mask)  # S4 205: bool_idx = (a > 10)
    harness.assert_equal(j > 10, mask)
    selected = [101, 106, 107, 111, 12]  # §3.2 S4 211: a[a > 10]
    harness.assert_equal(t[t > 10], selected)
    harness.assert_equal(j[j > 10], selected)


def test_advanced_index_pairs_row_and_column_indices():
    matrix = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]])  # S1 8567-8593
    indices = np.array([1, 0, 2])
    t = torch.tensor(matrix)[torch.arange(len(matrix)), torch.tensor(indices)]
    j = jnp.asarray(matrix)[jnp.arange(len(matrix)), indices]
    harness.assert_equal(t, [20, 40, 90])  # §3.2 S1 8567-8603
    harness.assert_equal(j, [20, 40, 90])


@pytest.mark.parametrize(
    "index",
    [
        ([0, 2, 2], [1, 1, 0]),
        ([[0, 1], [2, 3]],),  # index array shape becomes the leading result shape
        (slice(None), [3, 0, 1]),
        ([1, -1],),  # negative entries count from the end in both
    ],
    ids=repr,
)
def test_integer_array_indexing_matches(rng, index):
    x = _exact_data(rng.standard_normal((4, 5)))
    t_index = tuple(torch.tensor(i) if isinstance(i, list) else i for i in index)
    j_index = tuple(jnp.asarray(i) if isinstance(i, list) else i for i in index)
    harness.assert_equal(jnp.asarray(x)[j_index], torch.tensor(x)[t_index])


def test_repeated_indices_in_place_add_differs_from_at_add():
    x = _exact_data([0.0, 0.0, 0.0])
    idx = [0, 0, 1]
    t = torch.tensor(x)
    t[torch.tensor(idx)] += 1.0  # torch: reads once, writes x + 1 (the repeat is lost)
    j = jnp.asarray(x)
    # .at[].add accumulates every occurrence, so it is NOT the twin of torch's += here.
    harness.assert_equal(j.at[jnp.asarray(idx)].add(1.0), [2.0, 1.0, 0.0])
    harness.assert_equal(t, [1.0, 1.0, 0.0])
    # The twins: read-then-set for +=, and index_put_(accumulate=True) for .at[].add.
    harness.assert_equal(j.at[jnp.asarray(idx)].set(j[jnp.asarray(idx)] + 1.0), t)
    t_acc = torch.tensor(x)
    t_acc.index_put_((torch.tensor(idx),), torch.tensor(1.0, dtype=torch.float32), accumulate=True)
    harness.assert_equal(j.at[jnp.asarray(idx)].add(1.0), t_acc)
    harness.assert_equal(_np_add_at(x, idx), t_acc)


def _np_add_at(x: np.ndarray, idx: list[int]) -> np.ndarray:
    out = x.copy()
    np.add.at(out, idx, 1.0)  # NumPy's unbuffered twin of .at[].add
    return out


def test_setitem_slice_is_at_set(rng):
    x = _exact_data(rng.standard_normal((3, 4)))
    t = torch.tensor(x)
    t[:, 0] = 0.0
    t[1] = 5.0
    j = jnp.asarray(x).at[:, 0].set(0.0).at[1].set(5.0)
    harness.assert_equal(j, t)


def test_boolean_mask_select_matches_eagerly(rng):
    output = _exact_data(rng.standard_normal(20))
    output[::3] = 0.0  # S1 8105: output[output != 0][:5] after dropout
    t, j = torch.tensor(output), jnp.asarray(output)
    harness.assert_equal(j[j != 0][:5], t[t != 0][:5])
    harness.assert_equal(j[j != 0], t[t != 0])
    assert j[j > 100].shape == (0,) == tuple(t[t > 100].shape)  # an empty selection


def test_boolean_mask_select_cannot_be_jitted_but_where_can(rng):
    x = _exact_data(rng.standard_normal(10))
    t, j = torch.tensor(x), jnp.asarray(x)
    # A mask selection has a data-dependent shape, which jit cannot trace.
    with pytest.raises(jax.errors.NonConcreteBooleanIndexError):
        jax.jit(lambda v: v[v > 0])(j)
    # Jittable twins: keep the shape (jnp.where), or fix the size when it is known.
    harness.assert_equal(jax.jit(lambda v: jnp.where(v > 0, v, 0.0))(j), torch.where(t > 0, t, 0.0))
    count = int((t > 0).sum())
    picked = jax.jit(lambda v: v[jnp.nonzero(v > 0, size=count)])(j)
    harness.assert_equal(picked, t[t > 0])


def test_mask_counts_are_int64_in_torch_and_int32_in_jax(mode, rng):
    weights = mode.array(rng.standard_normal(50))  # S1 5115-5117
    t, j = torch.tensor(weights), jnp.asarray(weights)
    for t_mask, j_mask in [
        (t > 0, j > 0),
        (t < 0, j < 0),
        (t.abs() < 0.1, jnp.abs(j) < 0.1),
        (t == 0, j == 0),
    ]:
        harness.assert_equal(j_mask.sum(), t_mask.sum())
        assert t_mask.sum().dtype == torch.int64
        assert j_mask.sum().dtype == (jnp.int64 if mode.name == "float64" else jnp.int32)
    harness.assert_equal((j < 0).all(), (t < 0).all())  # S1 6781
    harness.assert_equal((j < 100).all(), (t < 100).all())


def test_weight_row_lookup(rng):
    weight = _exact_data(rng.standard_normal((10, 4)))  # S1 7455: embedding.weight[token_id]
    t, j = torch.tensor(weight), jnp.asarray(weight)
    token_id = 3
    harness.assert_equal(j[token_id], t[token_id])
    batch_sequences = np.array([[1, 4, 2, 7, 0], [3, 8, 5, 2, 9], [0, 1, 1, 4, 6]])  # S1 7471
    t_rows = t[torch.tensor(batch_sequences)]
    j_rows = j[jnp.asarray(batch_sequences)]
    assert tuple(t_rows.shape) == (3, 5, 4) == j_rows.shape
    harness.assert_equal(j_rows, t_rows)
    token = batch_sequences[0, 0].item()  # S1 7495-7497
    harness.assert_equal(j_rows[0, 0], t[token])


def test_out_of_range_index_raises_in_torch_but_clamps_in_jax():
    t, j = torch.arange(5), jnp.arange(5)
    with pytest.raises(IndexError, match="out of bounds"):
        t[10]
    with pytest.raises(IndexError, match="out of bounds"):
        t[torch.tensor([1, 10])]
    # JAX cannot raise from compiled code: reads clamp to the last element ...
    harness.assert_equal(j[10], 4)
    harness.assert_equal(j[jnp.asarray([1, 10])], [1, 4])
    # ... and out-of-range .at[] writes are dropped.
    harness.assert_equal(j.at[10].set(99), [0, 1, 2, 3, 4])
    # mode="fill" makes an out-of-range read visible instead of clamping it.
    harness.assert_equal(j.at[jnp.asarray([1, 10])].get(mode="fill", fill_value=-1), [1, -1])


def test_negative_step_slice_needs_flip_in_torch(rng):
    x = _exact_data(rng.standard_normal((3, 4)))
    t, j = torch.tensor(x), jnp.asarray(x)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        t[::-1]
    harness.assert_equal(j[::-1], torch.flip(t, dims=[0]))
    harness.assert_equal(j[:, ::-2], torch.flip(t, dims=[1])[:, ::2])
