"""Inventory §1.22: the NumPy primer (S4 8-439), each operation next to its ``jax.numpy`` twin.

The notebook's code is NumPy, so NumPy is the reference side here; the values
asserted are the ones the notebook printed (inventory §3.1) or derived by hand
(§3.2, checked against NumPy by these very tests). Where JAX must differ (no
views, no in-place writes, int32 by default, no data-dependent shapes under
``jit``) the difference itself is asserted.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from twincore import harness

from .components import NUMPY_PRIMER

pytestmark = NUMPY_PRIMER

# S4 16-61: the dot product of range(1_000_000) with itself, printed by both the
# Python loop and np.dot; = (n-1) n (2n-1) / 6 for n = 10**6.
DOT_1M = 333332833333500000


def python_dot(a, b):
    """The notebook's loop (S4 19-24)."""
    result = 0
    for i in range(len(a)):
        result += a[i] * b[i]
    return result


def test_dot_python_loop_vs_numpy_vs_jnp_needs_int64():
    size = 1_000_000
    assert python_dot(list(range(size)), list(range(size))) == DOT_1M
    assert np.dot(np.arange(size), np.arange(size)) == DOT_1M
    # The sum needs 59 bits: JAX must run with 64-bit types (jax_enable_x64),
    # where jnp.arange gives int64 like NumPy.
    with jax.enable_x64(True):
        result = jnp.dot(jnp.arange(size), jnp.arange(size))
        assert result.dtype == jnp.int64
        assert int(result) == DOT_1M


def test_dot_jnp_default_int32_wraps_silently():
    # The documented difference (inventory §5 items 30, 56): JAX's default
    # int32 accumulates modulo 2**32, with no error or warning.
    size = 1_000_000
    with jax.enable_x64(False):
        result = jnp.dot(jnp.arange(size), jnp.arange(size))
        assert result.dtype == jnp.int32
    wrapped = (DOT_1M + 2**31) % 2**32 - 2**31
    assert int(result) == wrapped != DOT_1M


def test_ndarray_attributes_int64_numpy_int32_jax():
    rows = [[1, 2, 3], [4, 5, 6]]
    matrix = np.array(rows)
    assert (matrix.ndim, matrix.shape, matrix.size) == (2, (2, 3), 6)  # S4 83-85
    assert matrix.dtype == np.int64  # S4 86
    with jax.enable_x64(False):
        twin = jnp.array(rows)
        assert (twin.ndim, twin.shape, twin.size) == (2, (2, 3), 6)
        assert twin.dtype == jnp.int32  # JAX's default integer without x64
    with jax.enable_x64(True):
        assert jnp.array(rows).dtype == jnp.int64
    harness.assert_equal(twin, matrix)


def test_astype_float32_makes_a_new_array():
    matrix = np.array([[1, 2, 3], [4, 5, 6]])
    float_matrix = matrix.astype(np.float32)
    assert float_matrix.dtype == np.float32  # S4 93
    assert not np.shares_memory(float_matrix, matrix)
    twin = jnp.array([[1, 2, 3], [4, 5, 6]]).astype(jnp.float32)
    assert twin.dtype == jnp.float32
    harness.assert_equal(twin, float_matrix)


def test_zeros_ones_eye(mode):
    zeros, twin = np.zeros((2, 3), dtype=mode.np), jnp.zeros((2, 3), dtype=mode.jnp)
    mode.assert_close(zeros, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # S4 102-104
    mode.assert_close(twin, zeros)
    mode.assert_close(np.eye(2, dtype=mode.np), [[1.0, 0.0], [0.0, 1.0]])  # S4 110-112
    mode.assert_close(jnp.eye(2, dtype=mode.jnp), np.eye(2, dtype=mode.np))
    ones, ones_twin = np.ones((3, 2), dtype=np.int16), jnp.ones((3, 2), dtype=jnp.int16)
    assert ones.dtype == np.int16 and ones_twin.dtype == jnp.int16  # S4 106-108
    harness.assert_equal(ones_twin, ones)
    harness.assert_equal(ones, [[1, 1], [1, 1], [1, 1]])


def test_zeros_default_dtype_float64_numpy_float32_jax():
    assert np.zeros((2, 3)).dtype == np.float64
    with jax.enable_x64(False):
        assert jnp.zeros((2, 3)).dtype == jnp.float32
        assert jnp.eye(2).dtype == jnp.float32
    with jax.enable_x64(True):
        assert jnp.zeros((2, 3)).dtype == jnp.float64


def test_arange_excludes_stop():
    ranged = np.arange(0, 10, 2)
    harness.assert_equal(ranged, [0, 2, 4, 6, 8])  # S4 114-116
    harness.assert_equal(jnp.arange(0, 10, 2), ranged)
    harness.assert_equal(jnp.arange(0, 0), np.arange(0, 0))  # empty


def test_linspace_includes_both_ends(mode):
    spaced = np.linspace(0, 1, 5, dtype=mode.np)
    mode.assert_close(spaced, [0.0, 0.25, 0.5, 0.75, 1.0])  # S4 118-119
    mode.assert_close(jnp.linspace(0, 1, 5, dtype=mode.jnp), spaced)


def test_ufunc_scalar_add_equals_the_double_loop():
    matrix = np.array([[1, 2, 3], [4, 5, 6]])
    looped = np.zeros(matrix.shape)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            looped[i, j] = matrix[i, j] + 10
    vectorized = matrix + 10
    harness.assert_equal(vectorized, [[11, 12, 13], [14, 15, 16]])  # S4 140-142
    harness.assert_equal(looped, vectorized)
    harness.assert_equal(jnp.array([[1, 2, 3], [4, 5, 6]]) + 10, vectorized)


@pytest.mark.parametrize(
    "axis, keepdims, printed",
    [
        (None, False, 10),
        (0, False, [4, 6]),
        (1, False, [3, 7]),
        (-1, False, [3, 7]),
        (0, True, [[4, 6]]),
        (-1, True, [[3], [7]]),
    ],
)
def test_sum_with_axis(axis, keepdims, printed):
    x = np.array([[1, 2], [3, 4]])
    expected = np.sum(x, axis=axis, keepdims=keepdims)
    harness.assert_equal(expected, printed)  # S4 156-158
    harness.assert_equal(jnp.sum(jnp.asarray(x), axis=axis, keepdims=keepdims), expected)


def test_basic_slicing_is_a_view_in_numpy_a_copy_in_jax():
    rows = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
    a = np.array(rows)
    b = a[:2, 1:3]
    harness.assert_equal(b, [[2, 3], [6, 7]])  # S4 177
    harness.assert_equal(jnp.array(rows)[:2, 1:3], b)
    assert np.shares_memory(a, b)  # JAX slices are always new arrays


def test_fancy_indexing_select_and_add():
    rows = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
    a, b_indices = np.array(rows), np.array([0, 2, 0, 1])
    selected = a[np.arange(4), b_indices]
    harness.assert_equal(selected, [1, 6, 7, 11])  # S4 197
    twin = jnp.array(rows)
    harness.assert_equal(twin[jnp.arange(4), jnp.asarray(b_indices)], selected)
    a[np.arange(4), b_indices] += 100
    harness.assert_equal(a, [[101, 2, 3], [4, 5, 106], [107, 8, 9], [10, 111, 12]])  # S4 200
    # JAX arrays are immutable: the in-place += becomes a functional update.
    twin = twin.at[jnp.arange(4), jnp.asarray(b_indices)].add(100)
    harness.assert_equal(twin, a)


def test_fancy_index_add_with_repeated_indices_differs():
    # NumPy's a[idx] += v writes each repeated index once; JAX's .at[].add
    # accumulates, which is NumPy's np.add.at.
    idx = np.array([0, 0, 2])
    buffered = np.zeros(3, dtype=np.int64)
    buffered[idx] += 1
    harness.assert_equal(buffered, [1, 0, 1])
    accumulated = np.zeros(3, dtype=np.int64)
    np.add.at(accumulated, idx, 1)
    harness.assert_equal(jnp.zeros(3, dtype=jnp.int32).at[jnp.asarray(idx)].add(1), accumulated)
    harness.assert_equal(accumulated, [2, 0, 1])


def test_boolean_mask_indexing():
    a = np.array([[101, 2, 3], [4, 5, 106], [107, 8, 9], [10, 111, 12]])  # S4 200
    bool_idx = a > 10
    harness.assert_equal(
        bool_idx,
        [[True, False, False], [False, False, True], [True, False, False], [False, True, True]],
    )  # S4 207-208
    harness.assert_equal(a[bool_idx], [101, 106, 107, 111, 12])  # S4 209-211
    twin = jnp.asarray(a)
    harness.assert_equal(twin > 10, bool_idx)
    harness.assert_equal(twin[twin > 10], a[bool_idx])  # fine outside jit


def test_boolean_mask_under_jit_needs_a_static_size():
    a = np.array([[101, 2, 3], [4, 5, 106], [107, 8, 9], [10, 111, 12]])
    # The result's shape depends on the data, which jit cannot trace.
    with pytest.raises(jax.errors.NonConcreteBooleanIndexError):
        jax.jit(lambda x: x[x > 10])(jnp.asarray(a))
    # Twins that jit: a fixed-size selection, or jnp.where keeping the shape.
    picked = jax.jit(lambda x: x.ravel()[jnp.nonzero(x.ravel() > 10, size=5)[0]])(jnp.asarray(a))
    harness.assert_equal(picked, a[a > 10])
    kept = jax.jit(lambda x: jnp.where(x > 10, x, 0))(jnp.asarray(a))
    harness.assert_equal(kept, np.where(a > 10, a, 0))


def test_view_write_changes_numpy_original_but_not_jax():
    ary = np.array([[1, 2, 3], [4, 5, 6]])
    first_row_view = ary[0]
    first_row_view += 100
    harness.assert_equal(first_row_view, [101, 102, 103])  # S4 241-245
    harness.assert_equal(ary, [[101, 102, 103], [4, 5, 6]])
    twin = jnp.array([[1, 2, 3], [4, 5, 6]])
    row = twin[0]
    row += 100  # rebinds `row` to a new array; twin is untouched (no views in JAX)
    harness.assert_equal(row, first_row_view)
    harness.assert_equal(twin, [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(TypeError, match="immutable"):
        twin[0] = row
    # The functional twin of the aliasing write:
    harness.assert_equal(twin.at[0].add(100), ary)


def test_copy_leaves_original_unchanged():
    ary = np.array([[101, 102, 103], [4, 5, 6]])
    copied_first_row = ary[0].copy()
    copied_first_row -= 50
    harness.assert_equal(copied_first_row, [51, 52, 53])  # S4 251-255
    harness.assert_equal(ary, [[101, 102, 103], [4, 5, 6]])
    twin = jnp.asarray(ary)
    twin_row = twin[0].copy() - 50
    harness.assert_equal(twin_row, copied_first_row)
    harness.assert_equal(twin, ary)


def test_arange_view_minus_one_infers_the_dimension():
    original = torch.arange(12)
    reshaped = original.view(2, -1)
    assert tuple(reshaped.shape) == (2, 6)  # S4 226-233
    twin = jnp.arange(12).reshape(2, -1)  # JAX has no view(): reshape always copies
    assert twin.shape == (2, 6)
    harness.assert_equal(twin, reshaped)
    with pytest.raises(RuntimeError, match=r"shape '\[5, -1\]' is invalid for input of size 12"):
        original.view(5, -1)
    with pytest.raises(TypeError, match="cannot reshape"):
        jnp.arange(12).reshape(5, -1)


def test_reshape_ravel_flatten_transpose():
    a = np.arange(12)
    b = a.reshape(3, 4)
    harness.assert_equal(b, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])  # S4 363-368
    c, d = b.ravel(), b.flatten()
    harness.assert_equal(c, list(range(12)))
    harness.assert_equal(d, c)
    assert np.shares_memory(c, b) and not np.shares_memory(d, b)  # S4 371-372
    harness.assert_equal(b.T, [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]])  # S4 376
    twin = jnp.arange(12).reshape(3, 4)
    harness.assert_equal(twin, b)
    harness.assert_equal(twin.ravel(), c)  # ravel and flatten are both copies in JAX
    harness.assert_equal(twin.flatten(), d)
    harness.assert_equal(twin.T, b.T)


def test_concatenate_axis_0_and_1():
    ary1, ary2 = np.array([[1, 2], [3, 4]]), np.array([[5, 6]])
    rows = np.concatenate([ary1, ary2], axis=0)
    cols = np.concatenate([ary1, ary1], axis=1)
    harness.assert_equal(rows, [[1, 2], [3, 4], [5, 6]])  # S4 379-384
    harness.assert_equal(cols, [[1, 2, 1, 2], [3, 4, 3, 4]])
    j1, j2 = jnp.asarray(ary1), jnp.asarray(ary2)
    harness.assert_equal(jnp.concatenate([j1, j2], axis=0), rows)
    harness.assert_equal(jnp.concatenate([j1, j1], axis=-1), cols)
    with pytest.raises(ValueError):
        np.concatenate([ary1, ary2], axis=1)  # "shapes must match!" (S4 383)
    with pytest.raises(TypeError):
        jnp.concatenate([j1, j2], axis=1)


def test_broadcast_row_vector_to_each_row():
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])
    v = np.array([1, 0, 1])
    y = x + v
    harness.assert_equal(y, [[2, 2, 4], [5, 5, 7], [8, 8, 10], [11, 11, 13]])  # S4 396-406
    harness.assert_equal(jnp.asarray(x) + jnp.asarray(v), y)
    # Right-aligned rule (S4 411-415): (4, 3) with (4,) is incompatible in both.
    with pytest.raises(ValueError, match="broadcast"):
        x + np.ones(4, dtype=x.dtype)
    with pytest.raises(ValueError, match="broadcast"):
        jnp.asarray(x) + jnp.ones(4, dtype=jnp.int32)


def test_matmul_matrix_vector_and_matrix_matrix():
    m, v = np.array([[1, 2, 3], [4, 5, 6]]), np.array([1, 0, 1])
    harness.assert_equal(m @ v, [4, 10])  # S4 422-428
    harness.assert_equal(jnp.asarray(m) @ jnp.asarray(v), m @ v)
    m1, m2 = np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)
    product = m1 @ m2
    harness.assert_equal(product, [[10, 13], [28, 40]])  # S4 432-435
    harness.assert_equal(np.matmul(m1, m2), product)
    j1, j2 = jnp.arange(6).reshape(2, 3), jnp.arange(6).reshape(3, 2)
    harness.assert_equal(j1 @ j2, product)
    harness.assert_equal(jnp.matmul(j1, j2), product)
    harness.assert_equal(jnp.dot(j1, j2), np.dot(m1, m2))
