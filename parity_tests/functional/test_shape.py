"""Parity tests for inventory §1.2: shape operations, ``-1`` inference, views vs copies.

Notebook lines: S0 15-23 (printed .T); S1 297-367 (printed reshapes and the reshape error),
371-406 (view write, reshape(-1)), 394, 5835, 8543, 8652, 8659; S4 214-315 (printed
squeeze/unsqueeze/view shapes), 363-384, 518-556.

JAX arrays are immutable and never alias: ``view`` is ``reshape``, and a write through a
torch view becomes an explicit ``.at[...].set(...)`` that returns a new array.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jaxnn import functional as jf
from twincore import harness

from .components import SHAPE

pytestmark = SHAPE

ONE_TO_TWELVE = np.arange(1, 13)  # S1 302: torch.tensor([1, 2, ..., 12])


def _exact_data(x: np.ndarray) -> np.ndarray:
    """float32 data for pure data movement (reshape, squeeze, indexing).

    Moving elements is exact and blind to the dtype, so one dtype is enough and results
    are compared exactly; the mode-parametrised tests cover arithmetic.
    """
    return np.asarray(x, dtype=np.float32)


# ---------------------------------------------------------------------------- reshape / view


@pytest.mark.parametrize(
    "shape,printed",
    [
        ((3, 4), [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]),  # S1 317-321
        ((4, 3), [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]),  # S1 323-328
        ((2, 3, 2), [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]),  # S1 353-361
        ((3, -1), [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]),  # S1 363-367
    ],
)
def test_reshape_seed_values(shape, printed):
    t = torch.tensor(ONE_TO_TWELVE).reshape(*shape)
    j = jnp.asarray(ONE_TO_TWELVE).reshape(*shape)
    harness.assert_equal(t, printed)
    harness.assert_equal(j, printed)


def test_reshape_to_wrong_size_raises_in_both():
    t, j = torch.tensor(ONE_TO_TWELVE), jnp.asarray(ONE_TO_TWELVE)
    # S1 335, printed verbatim by the notebook.
    with pytest.raises(
        RuntimeError, match=r"^shape '\[2, 3, 4\]' is invalid for input of size 12$"
    ):
        t.reshape(2, 3, 4)
    with pytest.raises(TypeError, match="cannot reshape array of shape"):
        j.reshape(2, 3, 4)
    # S4 521 (notebook bug, inventory §5.10): tensor2d.reshape(1, 2) of a 2x2 tensor.
    square = np.array([[1, 2], [3, 4]])
    with pytest.raises(RuntimeError, match=r"shape '\[1, 2\]' is invalid for input of size 4"):
        torch.tensor(square).reshape(1, 2)
    with pytest.raises(TypeError, match="cannot reshape"):
        jnp.asarray(square).reshape(1, 2)


def test_reshape_minus_one_infers_one_dimension():
    matrix = np.array([[1, 2, 3], [4, 5, 6]])  # S1 393
    single = np.array([1, 2, 3, 4])  # S1 401
    t_flat, j_flat = torch.tensor(matrix).reshape(-1), jnp.asarray(matrix).reshape(-1)
    t_batch, j_batch = torch.tensor(single).reshape(1, -1), jnp.asarray(single).reshape(1, -1)
    assert tuple(t_flat.shape) == (6,) == j_flat.shape  # §3.2 S1 389-397
    assert tuple(t_batch.shape) == (1, 4) == j_batch.shape  # §3.2 S1 399-406
    harness.assert_equal(j_flat, t_flat)
    harness.assert_equal(j_batch, t_batch)
    x = _exact_data(np.arange(24.0).reshape(2, 3, 4))
    for shape in [(-1, 4), (2, -1), (4, -1, 3), (-1,)]:
        harness.assert_equal(jnp.asarray(x).reshape(shape), torch.tensor(x).reshape(shape))


def test_reshape_minus_one_errors_in_both():
    t, j = torch.arange(12), jnp.arange(12)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        t.reshape(-1, -1)
    with pytest.raises(TypeError, match="one unknown axis"):
        j.reshape(-1, -1)
    with pytest.raises(RuntimeError, match=r"shape '\[5, -1\]' is invalid for input of size 12"):
        t.reshape(5, -1)
    with pytest.raises(TypeError, match="does not evenly divide 12"):
        j.reshape(5, -1)


def test_view_write_aliases_in_torch_and_is_at_set_in_jax():
    # S1 371-387: viewed = original.view(2, 6); viewed[0, 0] = 999; then original[0] = 1.
    original_t = torch.tensor(ONE_TO_TWELVE)
    viewed_t = original_t.view(2, 6)
    viewed_t[0, 0] = 999
    after_write = [999, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # §3.2 S1 371-387
    harness.assert_equal(original_t, after_write)

    original_j = jnp.asarray(ONE_TO_TWELVE)
    viewed_j = original_j.reshape(2, 6).at[0, 0].set(999)  # a new array, not a view
    harness.assert_equal(original_j, ONE_TO_TWELVE)  # no aliasing: the original is unchanged
    harness.assert_equal(viewed_j, viewed_t)
    # The functional re-expression of "write through the view" updates the original itself.
    original_j = original_j.at[0].set(999)
    harness.assert_equal(original_j, original_t)

    original_t[0] = 1  # S1 387: the reset, also visible through the view
    original_j = original_j.at[0].set(1)
    harness.assert_equal(original_j, original_t)
    harness.assert_equal(viewed_t, ONE_TO_TWELVE.reshape(2, 6))


def test_view_needs_contiguous_memory_in_torch_only():
    # S1 372, 413: .view() needs contiguous memory; JAX has no strides, reshape always works.
    x = np.arange(6).reshape(2, 3)
    t = torch.tensor(x).T
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.view(-1)
    harness.assert_equal(jnp.asarray(x).T.reshape(-1), t.reshape(-1))


def test_view_minus_one_seed_shapes():
    t, j = torch.arange(12).view(2, -1), jnp.arange(12).reshape(2, -1)  # S4 226-233
    assert tuple(t.shape) == (2, 6) == j.shape
    harness.assert_equal(j, t)
    vector = np.array([0, 1, 2, 3, 4])  # S4 303
    tv, jv = torch.tensor(vector), jnp.asarray(vector)
    assert tuple(tv.shape) == (5,) == jv.shape  # printed S4 304
    assert tuple(tv.view(5, 1).shape) == (5, 1) == jv.reshape(5, 1).shape  # printed S4 309
    assert tuple(tv.view(-1, 1).shape) == (5, 1) == jv.reshape(-1, 1).shape  # printed S4 314
    matrix1 = np.array([[1, 2, 3], [4, 5, 6]])  # S4 524
    printed = [[1, 2], [3, 4], [5, 6]]  # S4 530-537
    harness.assert_equal(torch.tensor(matrix1).reshape(3, 2), printed)
    harness.assert_equal(torch.tensor(matrix1).view(3, 2), printed)  # S4 543
    harness.assert_equal(jnp.asarray(matrix1).reshape(3, 2), printed)
    tensor2d = np.array([[1, 2], [3, 4]])  # S4 515
    assert tuple(torch.tensor(tensor2d).shape) == (2, 2) == jnp.asarray(tensor2d).shape  # S4 519


def test_view_flattens_nchw_in_channel_height_width_order(rng):
    x = _exact_data(rng.standard_normal((2, 3, 4, 5)))  # (B, C, H, W)
    t = torch.tensor(x)
    j = jnp.asarray(x)
    # S4 1292 x.view(-1, 28 * 28); S3 316 x.view(x.size(0), -1)
    harness.assert_equal(j.reshape(j.shape[0], -1), t.view(t.size(0), -1))
    harness.assert_equal(j.reshape(-1, 3 * 4 * 5), t.view(-1, 3 * 4 * 5))


# ---------------------------------------------------------------------------- squeeze / unsqueeze


def test_unsqueeze_squeeze_seed_shapes():
    t0, j0 = torch.tensor(2), jnp.asarray(2)  # S4 290-299
    assert tuple(t0.shape) == () == j0.shape
    tb, jb = t0.unsqueeze(0), jnp.expand_dims(j0, 0)
    assert tuple(tb.shape) == (1,) == jb.shape
    assert tuple(tb.squeeze(0).shape) == () == jf.squeeze(jb, 0).shape
    vector = np.array([1, 2, 3, 4, 5])  # S4 267-285, 549-556
    tw, jw = torch.tensor(vector).unsqueeze(0), jnp.expand_dims(jnp.asarray(vector), 0)
    assert tuple(tw.shape) == (1, 5) == jw.shape  # printed S4 552
    harness.assert_equal(jw, tw)
    harness.assert_equal(jf.squeeze(jw, 0), tw.squeeze(0))
    assert jf.squeeze(jw, 0).shape == (5,)


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_unsqueeze_any_valid_dim(dim):
    x = np.arange(6).reshape(2, 3)
    t = torch.tensor(x).unsqueeze(dim)
    j = jnp.expand_dims(jnp.asarray(x), dim)
    harness.assert_equal(j, t)


def test_unsqueeze_out_of_range_raises_in_both():
    x = np.zeros((2, 3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.tensor(x).unsqueeze(3)
    with pytest.raises(ValueError, match="out of bounds"):
        jnp.expand_dims(jnp.asarray(x), 3)


@pytest.mark.parametrize(
    "shape,dim",
    [
        ((1, 3), 1),  # not size 1: torch leaves it alone, jnp.squeeze(axis=1) raises
        ((1, 3), 0),
        ((1, 3), -1),
        ((1, 3), -2),
        ((3, 1), -1),
        ((1, 3, 1), (0, 2)),
        ((2, 3, 1), (0, 2)),
        ((1, 3), ()),
        ((2, 0, 1), 1),
        ((), 0),
        ((), -1),
        ((1,), 0),
    ],
)
def test_squeeze_dim_is_a_no_op_on_non_one_dims(rng, shape, dim):
    x = _exact_data(rng.standard_normal(shape))
    t = torch.tensor(x).squeeze(dim)
    j = jf.squeeze(jnp.asarray(x), dim)
    harness.assert_equal(j, t)


def test_squeeze_named_non_one_dim_differs_from_jnp():
    x = np.zeros((1, 3))
    assert tuple(torch.tensor(x).squeeze(1).shape) == (1, 3)
    with pytest.raises(ValueError):
        jnp.squeeze(jnp.asarray(x), axis=1)  # why jaxnn.functional.squeeze exists
    assert jf.squeeze(jnp.asarray(x), 1).shape == (1, 3)


@pytest.mark.parametrize("shape", [(), (1,), (1, 3, 1), (2, 3), (2, 0, 1), (1, 1, 1)])
def test_squeeze_all_drops_every_size_one_dim(rng, shape):
    x = _exact_data(rng.standard_normal(shape))
    harness.assert_equal(jf.squeeze(jnp.asarray(x)), torch.tensor(x).squeeze())


def test_squeeze_bad_dims_raise_in_both():
    x = np.zeros((1, 3))
    for dim in (2, -3):
        with pytest.raises(IndexError, match="Dimension out of range"):
            torch.tensor(x).squeeze(dim)
        with pytest.raises(IndexError, match="Dimension out of range"):
            jf.squeeze(jnp.asarray(x), dim)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.tensor(2.0).squeeze(1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        jf.squeeze(jnp.asarray(2.0), 1)
    # torch raises RuntimeError for a repeated dim; the twin raises ValueError.
    with pytest.raises(RuntimeError, match="appears multiple times"):
        torch.zeros(1, 3, 1).squeeze((0, 0))
    with pytest.raises(ValueError, match="appears multiple times"):
        jf.squeeze(jnp.zeros((1, 3, 1)), (0, 0))


# ---------------------------------------------------------------------------- flatten


@pytest.mark.parametrize(
    "shape,start_dim,end_dim",
    [
        ((2, 3, 4), 0, -1),
        ((2, 3, 4), 1, -1),  # nn.Flatten's default
        ((2, 3, 4, 5), 1, -2),
        ((2, 3, 4, 5), -3, 2),
        ((2, 3), 0, 0),
        ((2, 3), 1, 1),
        ((0, 3), 0, -1),
        ((2, 0, 3), 1, 2),
        ((), 0, -1),  # 0-d becomes shape (1,)
        ((), 0, 0),
    ],
)
def test_flatten_start_end_dims(rng, shape, start_dim, end_dim):
    x = _exact_data(rng.standard_normal(shape))
    t = torch.flatten(torch.tensor(x), start_dim, end_dim)
    j = jf.flatten(jnp.asarray(x), start_dim, end_dim)
    harness.assert_equal(j, t)


def test_flatten_nchw_like_nn_flatten(rng):
    x = _exact_data(rng.standard_normal((2, 1, 28, 28)))  # S4 957, 990: Flatten(1, -1)
    t = torch.nn.Flatten()(torch.tensor(x))
    j = jf.flatten(jnp.asarray(x), start_dim=1)
    assert tuple(t.shape) == (2, 784) == j.shape
    harness.assert_equal(j, t)


def test_flatten_bad_dims_raise_in_both():
    x = np.zeros((2, 3))
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        torch.tensor(x).flatten(-1, 0)
    with pytest.raises(ValueError, match="cannot come after end_dim"):
        jf.flatten(jnp.asarray(x), -1, 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.tensor(x).flatten(3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        jf.flatten(jnp.asarray(x), 3)


def test_flatten_returns_a_view_in_torch_unlike_numpy():
    # S1 394 says reshape(-1) "or matrix.flatten()"; S4 371 says NumPy's flatten always
    # copies. torch's flatten returns a view of contiguous input; JAX has no views.
    matrix = np.array([[1, 2, 3], [4, 5, 6]])
    t = torch.tensor(matrix)
    t.flatten()[0] = 100
    assert t[0, 0].item() == 100  # torch: the write reached the matrix
    a = matrix.copy()
    a.flatten()[0] = 100
    assert a[0, 0] == 1  # NumPy flatten: a copy
    a.ravel()[0] = 100
    assert a[0, 0] == 100  # NumPy ravel: a view when possible
    j = jnp.asarray(matrix)
    flat = jf.flatten(j).at[0].set(100)
    harness.assert_equal(j, matrix)  # JAX: never aliased
    harness.assert_equal(flat, t.flatten())


# ---------------------------------------------------------------------------- transpose / cat


def test_transpose_T_seed_value():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])  # S0 9
    printed = [[1.0, 3.0], [2.0, 4.0]]  # S0 22-23
    harness.assert_equal(torch.tensor(x).T, printed)
    harness.assert_equal(jnp.asarray(x).T, printed)


@pytest.mark.parametrize("dims", [(-2, -1), (0, 1), (0, 2), (1, -1)])
def test_transpose_swaps_two_dims(rng, dims):
    x = _exact_data(rng.standard_normal((2, 3, 4)))  # S1 1434: K.transpose(-2, -1)
    t = torch.tensor(x).transpose(*dims)
    j = jnp.swapaxes(jnp.asarray(x), *dims)
    harness.assert_equal(j, t)
    harness.assert_equal(jnp.asarray(x).mT, torch.tensor(x).mT)


def test_cat_along_dim1_seed_shapes(rng):
    columns = [_exact_data(rng.standard_normal((6, 1))) for _ in range(5)]  # S1 5835
    t = torch.cat([torch.tensor(c) for c in columns], dim=1)
    j = jnp.concatenate([jnp.asarray(c) for c in columns], axis=1)
    assert tuple(t.shape) == (6, 5) == j.shape
    harness.assert_equal(j, t)
    harness.assert_equal(
        jnp.concatenate([jnp.asarray(c) for c in columns], axis=-2),
        torch.cat([torch.tensor(c) for c in columns], dim=-2),
    )


def test_cat_mismatched_shapes_raise_in_both():
    a, b = np.zeros((2, 1)), np.zeros((3, 1))
    with pytest.raises(RuntimeError, match="Sizes of tensors must match"):
        torch.cat([torch.tensor(a), torch.tensor(b)], dim=1)
    with pytest.raises(TypeError, match="Cannot concatenate"):
        jnp.concatenate([jnp.asarray(a), jnp.asarray(b)], axis=1)


# ---------------------------------------------------------------------------- expand


@pytest.mark.parametrize(
    "shape,sizes",
    [
        ((2, 2, 1), (-1, -1, 3)),  # S1 8543: indices.unsqueeze(-1).expand(-1, -1, 3)
        ((2, 3, 1), (-1, -1, 4)),  # S1 8652
        ((10, 4), (2, -1, -1)),  # S1 8659: embeddings.unsqueeze(0).expand(2, -1, -1)
        ((3,), (2, 3)),
        ((1, 3), (0, 3)),  # size 1 may expand to 0
        ((2, 3), (2, 3)),
        ((), (4,)),
    ],
)
def test_expand_with_minus_one(shape, sizes):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    t = torch.tensor(x).expand(*sizes)
    j = jf.expand(jnp.asarray(x), *sizes)
    harness.assert_equal(j, t)
    harness.assert_equal(jf.expand(jnp.asarray(x), sizes), torch.tensor(x).expand(sizes))
    # -1 keeps a size, so the twin of a -1-free expand is jnp.broadcast_to.
    harness.assert_equal(jnp.broadcast_to(jnp.asarray(x), tuple(t.shape)), t)


def test_expand_accepts_numpy_integer_sizes():
    x = np.zeros((1, 3))
    t = torch.tensor(x).expand(np.int64(4), 3)
    harness.assert_equal(jf.expand(jnp.asarray(x), np.int64(4), 3), t)
    harness.assert_equal(jf.expand(jnp.asarray(x), (np.int64(4), 3)), t)


@pytest.mark.parametrize(
    "shape,sizes,torch_match,jax_match",
    [
        ((2, 2, 2), (-1, -1, 3), "must match the existing size", "must match the existing size"),
        ((3,), (-1, 3), "leading, non-existing dimension", "leading, non-existing dimension"),
        ((2, 3), (3,), "number of sizes provided", "number of sizes provided"),
        ((1, 3), (-2, 3), None, "invalid size -2"),  # torch: an overflow message
    ],
)
def test_expand_errors_raise_in_both(shape, sizes, torch_match, jax_match):
    x = np.zeros(shape)
    with pytest.raises(RuntimeError, match=torch_match):
        torch.tensor(x).expand(*sizes)
    with pytest.raises(ValueError, match=jax_match):  # torch raises RuntimeError
        jf.expand(jnp.asarray(x), *sizes)


def test_expand_float_sizes_raise_in_both():
    x = np.zeros((1, 3))
    with pytest.raises(TypeError):
        torch.tensor(x).expand(2.0, 3.0)
    with pytest.raises(TypeError, match="sizes must be ints"):
        jf.expand(jnp.asarray(x), 2.0, 3.0)


# ---------------------------------------------------------------------------- views vs copies


def test_basic_slice_is_a_view_in_numpy_and_torch_and_at_add_in_jax():
    # S4 237-256: first_row_view = ary[0]; first_row_view += 100; then a .copy() -= 50.
    ary = np.array([[1, 2, 3], [4, 5, 6]])
    after = [[101, 102, 103], [4, 5, 6]]  # §3.2 S4 237-256
    a = ary.copy()
    first_row_view = a[0]
    first_row_view += 100
    harness.assert_equal(a, after)
    t = torch.tensor(ary)
    t_row = t[0]
    t_row += 100  # torch basic indexing is a view too
    harness.assert_equal(t, after)
    j = jnp.asarray(ary)
    j_row = j[0] + 100  # a new array; j is unchanged
    harness.assert_equal(j, ary)
    j = j.at[0].add(100)  # the functional twin of writing through the view
    harness.assert_equal(j, after)
    harness.assert_equal(j_row, [101, 102, 103])

    copied_first_row = a[0].copy()
    copied_first_row -= 50
    t_copy = t[0].clone()
    t_copy -= 50
    harness.assert_equal(copied_first_row, [51, 52, 53])
    harness.assert_equal(t_copy, [51, 52, 53])
    harness.assert_equal(j[0] - 50, [51, 52, 53])
    harness.assert_equal(a, after)
    harness.assert_equal(t, after)  # the copies left the originals alone
