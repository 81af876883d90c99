"""``jaxnn.functional.tensor``'s dtype rules on mixed and extreme data, property-based.

Lists that mix bools, ints (to the int32 limits) and floats (``nan``, ``+-inf``, ``1e38``),
inferred as torch infers them; and explicit ``bool``/integer/float dtypes, cast as torch casts
(a float fill to ``bool`` is ``x != 0``, ``nan`` included; to an integer, truncated towards
zero). Values bit for bit; dtypes by name, int64 being int32 where 64-bit types are off.
"""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import jaxnn.functional as F
from twincore import harness

from .components import CREATION

pytestmark = CREATION

INT32 = np.iinfo(np.int32)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(INT32.min, INT32.max),
    st.floats(width=32),
    st.sampled_from((0.0, -0.0, 1e38, -1e38, float("nan"), float("inf"), float("-inf"))),
)


def expected_dtype(mode, torch_dtype):
    name = str(torch_dtype).removeprefix("torch.")
    return "int32" if name == "int64" and mode.name == "float32" else name


@given(data=st.lists(SCALARS, max_size=5))
def test_tensor_infers_torchs_dtype_from_mixed_scalars(mode, data):
    expected = torch.tensor(data)
    got = F.tensor(data)
    assert str(got.dtype) == expected_dtype(mode, expected.dtype), data
    harness.assert_equal(got, expected)


@pytest.mark.parametrize("dtype", ["bool", "int32", "uint8", "float32"])
@given(data=st.lists(st.one_of(st.booleans(), st.floats(-200.0, 200.0)), max_size=5))
def test_tensor_casts_to_an_explicit_dtype_as_torch(mode, dtype, data):
    # Floats within every integer target's range: out-of-range and nonfinite casts to an integer
    # type are undefined behaviour in C++, where torch's values depend on the CPU.
    if dtype == "uint8":
        data = [abs(v) for v in data]
    expected = torch.tensor(data, dtype=getattr(torch, dtype))
    got = F.tensor(data, dtype=dtype)
    assert str(got.dtype) == dtype
    harness.assert_equal(got, expected)


@given(data=st.lists(st.one_of(st.floats(), st.just(float("nan"))), max_size=5))
def test_tensor_bool_of_any_float_is_nonzero_as_torch(mode, data):
    harness.assert_equal(F.tensor(data, dtype="bool"), torch.tensor(data, dtype=torch.bool))
