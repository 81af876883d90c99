"""``gather`` and ``index_select`` on hard inputs, property-based.

Payloads across the dtype's range, ``nan`` and ``+-inf``, exact ties and integer extremes pass
through untouched; repeated indices add their cotangents up in the input's gradient (torch's
scatter-add); size-1 and empty index arrays; the index dtypes and negative indices torch
refuses. Forward and gradient against real torch, both dtypes.

The property test runs both functions in one jitted program per dtype over fixed shapes, so
hypothesis only feeds it new values and indices.
"""

import jax
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jaxnn.functional as F
from twincore import harness

from ..hard_inputs import hard_arrays, torch_value_and_grad
from .components import GATHER, INDEX_SELECT

SHAPE = (3, 4)
GATHER_INDEX = (3, 5)  # along dim 1: wider than the input there, so indices repeat
SELECT_INDEX = (5,)  # along dim 0, of size 3: repeats too


def cotangent(shape, dtype):
    """Small integers, so every sum of repeated indices' cotangents is exact in both dtypes."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


@jax.jit
def jax_both(x, gather_index, select_index, gather_cot, select_cot):
    gathered, gather_vjp = jax.vjp(lambda v: F.gather(v, 1, gather_index), x)
    selected, select_vjp = jax.vjp(lambda v: F.index_select(v, 0, select_index), x)
    return gathered, gather_vjp(gather_cot)[0], selected, select_vjp(select_cot)[0]


@pytest.mark.parametrize("kind", ["wide", "nonfinite", "ties"])
@given(data=st.data())
@GATHER
@INDEX_SELECT
def test_gather_and_index_select_on_hard_inputs(mode, kind, data):
    x = data.draw(hard_arrays(mode.np, kind, shape=SHAPE), label="x")
    gather_index = data.draw(
        hnp.arrays(np.int64, GATHER_INDEX, elements=st.integers(0, SHAPE[1] - 1)), label="g"
    )
    select_index = data.draw(
        hnp.arrays(np.int64, SELECT_INDEX, elements=st.integers(0, SHAPE[0] - 1)), label="s"
    )
    gather_cot, select_cot = cotangent(GATHER_INDEX, mode.np), cotangent((5, 4), mode.np)
    got = jax_both(x, gather_index, select_index, gather_cot, select_cot)
    expected_g = torch_value_and_grad(
        lambda t: torch.gather(t, 1, torch.tensor(gather_index)), x, gather_cot
    )
    expected_s = torch_value_and_grad(
        lambda t: torch.index_select(t, 0, torch.tensor(select_index)), x, select_cot
    )
    # The values are copied, never computed on: bit for bit, NaN where torch's NaN is.
    harness.assert_equal(got[0], expected_g[0], name=f"gather ({kind})")
    harness.assert_equal(got[2], expected_s[0], name=f"index_select ({kind})")
    mode.assert_close(got[1], expected_g[1], name=f"gather grad ({kind})")
    mode.assert_close(got[3], expected_s[1], name=f"index_select grad ({kind})")


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
@GATHER
@INDEX_SELECT
def test_integer_payload_extremes_pass_through(dtype):
    info = np.iinfo(dtype)
    x = np.array([[info.min, info.max, 0, 1], [info.max, info.min, 7, 0]], dtype)
    gather_index = np.array([[3, 1, 1, 0], [0, 0, 2, 1]])
    select_index = np.array([1, 1, 0])
    with jax.enable_x64(dtype == "int64"):
        gathered = F.gather(x, 1, gather_index)
        selected = F.index_select(x, 0, select_index)
    xt = torch.tensor(x)
    harness.assert_equal(gathered, torch.gather(xt, 1, torch.tensor(gather_index)))
    harness.assert_equal(selected, torch.index_select(xt, 0, torch.tensor(select_index)))


# (gather index shape along dim 1, index_select index length along dim 0)
DEGENERATE = [((3, 0), 0), ((1, 1), 1), ((3, 1), 1), ((1, 6), 6)]


@pytest.mark.parametrize("gather_shape, select_length", DEGENERATE)
@GATHER
@INDEX_SELECT
def test_size_one_and_empty_indices_value_and_gradient(mode, gather_shape, select_length):
    x = mode.array(np.arange(12).reshape(SHAPE) - 5.5)
    gather_index = np.arange(int(np.prod(gather_shape))).reshape(gather_shape) % SHAPE[1]
    select_index = np.arange(select_length) % SHAPE[0]
    cot_g, cot_s = cotangent(gather_shape, mode.np), cotangent((select_length, 4), mode.np)
    got = jax_both(x, gather_index, select_index, cot_g, cot_s)
    for (value, grad), (fn, cot) in zip(
        (got[:2], got[2:]),
        (
            (lambda t: torch.gather(t, 1, torch.tensor(gather_index)), cot_g),
            (lambda t: torch.index_select(t, 0, torch.tensor(select_index)), cot_s),
        ),
        strict=True,
    ):
        expected, expected_grad = torch_value_and_grad(fn, x, cot)
        harness.assert_equal(value, expected)
        mode.assert_close(grad, expected_grad)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16"])
@GATHER
@INDEX_SELECT
def test_index_dtypes_torch_refuses_are_refused(dtype):
    # torch takes int32 and int64 indices only; jaxnn took any integer type before.
    x = np.zeros(SHAPE, np.float32)
    with pytest.raises(RuntimeError, match="Expected dtype int32/int64 for index"):
        torch.gather(torch.tensor(x), 1, torch.zeros((3, 2), dtype=getattr(torch, dtype)))
    with pytest.raises(TypeError, match="Expected dtype int32/int64 for index"):
        F.gather(x, 1, np.zeros((3, 2), dtype))
    with pytest.raises(RuntimeError, match="Expected dtype int32 or int64 for index"):
        torch.index_select(torch.tensor(x), 0, torch.zeros(2, dtype=getattr(torch, dtype)))
    with pytest.raises(TypeError, match="Expected dtype int32 or int64 for index"):
        F.index_select(x, 0, np.zeros(2, dtype))


@pytest.mark.parametrize("index_dtype", ["int32", "int64"])
@GATHER
@INDEX_SELECT
def test_negative_indices_are_refused_like_torch(index_dtype):
    x = np.zeros(SHAPE, np.float32)
    gather_index = np.array([[-1], [0], [0]], index_dtype)
    with pytest.raises(RuntimeError, match="index -1 is out of bounds"):
        torch.gather(torch.tensor(x), 1, torch.tensor(gather_index))
    with pytest.raises(IndexError, match="index -1 is out of bounds"):
        F.gather(x, 1, gather_index)
    with pytest.raises(RuntimeError, match="out of DATA bounds"):
        torch.index_select(torch.tensor(x), 1, torch.tensor(np.array([-1], index_dtype)))
    with pytest.raises(IndexError, match="index -1 is out of range"):
        F.index_select(x, 1, np.array([-1], index_dtype))
