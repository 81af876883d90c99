"""argmax, argmin, topk and sort on hard inputs: exact and one-ulp ties, ``nan`` and ``+-inf``,
integer inputs, property-based, against real torch on CPU.

torch's rules followed: argmax/argmin return the first of tied extremes and a NaN counts as
the extreme; a stable sort keeps tied elements in index order and puts NaN last (first when
descending). torch's topk leaves the order of tied elements unspecified (on CPU it comes from
an unstable selection), so its values are compared exactly and its indices only for what they
must satisfy; jaxnn's are the lowest indices, pinned below.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import jaxnn.functional as F
from twincore import harness

from ..hard_inputs import hard_arrays, integer_arrays
from .components import ARGMAX_TOPK

pytestmark = ARGMAX_TOPK

SHAPE = (3, 5)
K = 3


@jax.jit
def jax_orderings(x):
    return {
        "argmax(1)": jnp.argmax(x, axis=1),
        "argmin(0)": jnp.argmin(x, axis=0),
        "argmax()": jnp.argmax(x),
        "sort(1)": jnp.sort(x, axis=1, stable=True),
        "argsort(1)": jnp.argsort(x, axis=1, stable=True),
        "argsort(0, descending)": jnp.argsort(x, axis=0, stable=True, descending=True),
        "topk(1)": F.topk(x, K, dim=1),
        "topk(0, smallest)": F.topk(x, 2, dim=0, largest=False),
    }


def torch_orderings(t):
    return {
        "argmax(1)": t.argmax(1),
        "argmin(0)": t.argmin(0),
        "argmax()": t.argmax(),
        "sort(1)": torch.sort(t, dim=1, stable=True).values,
        "argsort(1)": torch.sort(t, dim=1, stable=True).indices,
        "argsort(0, descending)": torch.sort(t, dim=0, descending=True, stable=True).indices,
        "topk(1)": torch.topk(t, K, dim=1),
        "topk(0, smallest)": torch.topk(t, 2, dim=0, largest=False),
    }


def check_orderings(x, what):
    got, expected = jax_orderings(x), torch_orderings(torch.tensor(x))
    for name in got:
        if name.startswith("topk"):
            dim = 1 if "(1" in name else 0
            values, indices = got[name]
            harness.assert_equal(values, expected[name].values, name=f"{name} values ({what})")
            # The indices point at those values, each once, the lowest of tied ones first
            # (torch: some permutation of tied indices).
            picked = np.take_along_axis(x, np.asarray(indices), axis=dim)
            harness.assert_equal(picked, expected[name].values, name=f"x[{name} indices]")
            torch_picked = np.take_along_axis(x, expected[name].indices.numpy(), axis=dim)
            harness.assert_equal(torch_picked, expected[name].values, name=f"torch x[{name}]")
            continue
        harness.assert_equal(got[name], expected[name], name=f"{name} ({what})")


@pytest.mark.parametrize("kind", ["ties", "nonfinite", "wide"])
@given(data=st.data())
def test_orderings_on_hard_inputs(mode, kind, data):
    check_orderings(data.draw(hard_arrays(mode.np, kind, shape=SHAPE), label="x"), kind)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@given(data=st.data())
def test_orderings_on_integer_inputs(dtype, data):
    # Few distinct values: ties in every row.
    check_orderings(data.draw(integer_arrays(dtype, shape=SHAPE, low=-2, high=2), label="x"), dtype)


def test_topk_ties_take_the_lowest_indices_where_torch_order_is_unspecified():
    # A documented difference (topk's docstring), pinned: ties resolve to the lowest index,
    # in index order; torch 2.13 on CPU returned [3, 1, 4, 2] for the same call.
    x = np.array([1.0, 2.0, 2.0, np.nan, 2.0, 1.0], np.float32)
    values, indices = F.topk(x, 4)
    harness.assert_equal(values, torch.topk(torch.tensor(x), 4).values)
    harness.assert_equal(indices, [3, 1, 2, 4])
    _, smallest = F.topk(x, 4, largest=False)
    harness.assert_equal(smallest, [0, 5, 1, 2])
