"""``torch.index_select`` and its twin ``jaxnn.functional.index_select`` (inventory §1.3).

Notebook line: S1 8706 (named next to gather, never called). The selection is ``jnp.take``'s;
the twin adds torch's checks (a 1-D integer index, positions in range, no negative ones) and
its 0-d cases. Each value test runs its JAX side as one ``jax.jit`` program fed the same NumPy
arrays as torch, with the gradient for a random cotangent.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn.functional as F
from twincore import harness

from .components import INDEX_SELECT

pytestmark = INDEX_SELECT


def test_index_select_every_dim_value_and_gradient(mode, rng):
    # Repeated and unsorted indices along each dim, negative dims too: the value and the
    # gradient for a random cotangent (repeated positions accumulate theirs, as index_add).
    x = mode.array(rng.normal(size=(3, 4, 5)))
    cases = [(0, [2, 0, 2]), (1, [3, 1]), (2, [4, 4, 0, 1]), (-1, [1]), (-3, [1, 2, 0])]
    cots = [mode.array(rng.normal(size=_selected_shape(x.shape, d, i))) for d, i in cases]

    def jax_side(a, *cotangents):
        results = []
        for (d, i), c in zip(cases, cotangents, strict=True):
            out, vjp = jax.vjp(lambda v, d=d, i=i: F.index_select(v, d, jnp.asarray(i)), a)
            results.append((out, vjp(c)[0]))
        return results

    results = jax.jit(jax_side)(x, *cots)
    for (d, i), c, (out_j, grad_j) in zip(cases, cots, results, strict=True):
        xt = torch.tensor(x, requires_grad=True)
        out_t = torch.index_select(xt, d, torch.tensor(i))
        (out_t * torch.tensor(c)).sum().backward()
        mode.assert_close(out_j, out_t, name=f"index_select(dim={d}, {i})")
        mode.assert_close(grad_j, xt.grad, name=f"index_select(dim={d}, {i}) grad")


def _selected_shape(shape, dim, index):
    out = list(shape)
    out[dim] = len(index)
    return tuple(out)


def test_index_select_integer_input_int32_index_and_method_form():
    m = np.arange(12).reshape(3, 4)
    i32 = np.array([2, 0], dtype=np.int32)
    t = torch.tensor(m)
    j = jax.jit(lambda a, b: (F.index_select(a, 1, b), F.index_select(a, 0, b)))(m, i32)
    harness.assert_twins_equal(
        j[0], t.index_select(1, torch.tensor(i32)), [[2, 0], [6, 4], [10, 8]]
    )
    harness.assert_twins_equal(j[1], torch.index_select(t, 0, torch.tensor(i32)))
    empty = np.array([], dtype=np.int64)
    out_e = F.index_select(m, 0, empty)
    assert out_e.shape == tuple(torch.index_select(t, 0, torch.tensor(empty)).shape) == (0, 4)


def test_index_select_0d_index_and_0d_input_follow_torch(mode):
    m = mode.array(np.arange(12.0).reshape(3, 4))
    t = torch.tensor(m)
    # A 0-d index is one position: the dim keeps size 1.
    harness.assert_twins_equal(
        F.index_select(m, 1, np.array(2)), torch.index_select(t, 1, torch.tensor(2))
    )
    # A 0-d input takes dim 0/-1 and the one index 0, and stays 0-d.
    s = mode.array(5.0)
    out_t = torch.index_select(torch.tensor(s), -1, torch.tensor([0]))
    out_j = F.index_select(s, -1, np.array([0]))
    assert out_j.shape == tuple(out_t.shape) == ()
    harness.assert_twins_equal(out_j, out_t, 5.0)


def test_index_select_rejects_bad_index_like_torch():
    m = np.arange(12.0).reshape(3, 4)
    t = torch.tensor(m)
    bad = [
        (np.array([[0, 1]]), ValueError, r"index must be 1-D .* got shape \(1, 2\)"),
        (np.array([0.0, 1.0]), TypeError, "index must be an integer array; got dtype float"),
        (np.array([True, False]), TypeError, "index must be an integer array; got dtype bool"),
        (np.array([0, 3]), IndexError, r"index 3 is out of range for dimension 0 with size 3"),
        (np.array([-1, 0]), IndexError, r"index -1 is out of range .* expected 0 <= index < 3"),
    ]
    for index, error, match in bad:
        with pytest.raises(error, match=match):
            F.index_select(m, 0, index)
        with pytest.raises((IndexError, RuntimeError)):
            torch.index_select(t, 0, torch.tensor(index))
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range"):
        F.index_select(m, 2, np.array([0]))
    with pytest.raises(ValueError, match="a 0-d input takes exactly one index; got 2"):
        F.index_select(np.array(5.0), 0, np.array([0, 0]))
    with pytest.raises(RuntimeError, match="Index to scalar can have only 1 value"):
        torch.index_select(torch.tensor(5.0), 0, torch.tensor([0, 0]))


def test_index_select_traced_out_of_range_index_reads_nan():
    # Under jit the index is not known when the function runs: no IndexError is possible,
    # so an out-of-range or negative position reads NaN (jnp.take alone would wrap -1).
    m = np.arange(12.0).reshape(3, 4)
    out = jax.jit(lambda i: F.index_select(m, 0, i))(np.array([1, 3, -1]))
    harness.assert_equal(out, np.stack([m[1], np.full(4, np.nan), np.full(4, np.nan)]))
