"""Embedding on hard inputs, against torch: property tests (hypothesis) over tables and output
gradients with magnitudes across the dtype's range, far from zero, or holding ``nan`` and
``+-inf``; int32 and int64 indices (the two torch accepts), repeated, empty and size-1 index
arrays; ``padding_idx``; out-of-range indices, which both refuse; both dtypes.

A lookup copies rows, so the output must equal torch's. The table's gradient sums the output
gradient over every position holding the same index, in an order of each framework's choosing:
it is compared relative to the sum of those magnitudes (``assert_close_to_terms``).
``max_norm`` is not supported by jaxnn (it raises NotImplementedError: torch renormalises the
table in place, test_embedding.py).
"""

import jax
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from ..hard_inputs import assert_close_to_terms, hard_arrays, integer_arrays
from .components import EMBEDDING

pytestmark = EMBEDDING

NUM, DIM = 4, 3
# Index shapes: repeated indices (6 lookups in a 4-row table), size 1, empty.
INDEX_SHAPES = [(2, 3), (1,), (0,)]
INDEX_DTYPES = ("int32", "int64")

KINDS = ("wide", "offset", "nonfinite")

_programs = {}


def _jax_program(padding_idx):
    """One jitted program per padding_idx (retraced per index shape and dtype): the lookup
    and the table's gradient of ``sum(out * g)``."""
    if padding_idx not in _programs:

        @jax.jit
        def program(idx, w, g):
            out, vjp = jax.vjp(lambda w: jaxnn.functional.embedding(idx, w, padding_idx), w)
            return out, vjp(g)[0]

        _programs[padding_idx] = program
    return _programs[padding_idx]


@pytest.mark.parametrize("padding_idx", [None, -1])
@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_embedding_matches_torch_on_hard_inputs(mode, kind, padding_idx, data):
    shape = data.draw(st.sampled_from(INDEX_SHAPES), label="index shape")
    index_dtype = data.draw(st.sampled_from(INDEX_DTYPES), label="index dtype")
    idx = data.draw(integer_arrays(index_dtype, shape, 0, NUM - 1), label="indices")
    w = data.draw(hard_arrays(mode.np, kind, (NUM, DIM)), label="table")
    g = data.draw(hard_arrays(mode.np, kind, (*shape, DIM)), label="output grad")
    wt = torch.tensor(w, requires_grad=True)
    out_t = F.embedding(torch.tensor(idx), wt, padding_idx)
    out_t.backward(torch.tensor(g))
    out, grad = _jax_program(padding_idx)(idx, w, g)
    assert out.shape == tuple(out_t.shape)
    harness.assert_equal(out, out_t.detach(), name="rows")
    # The magnitudes each row's gradient sums (padding positions excluded, as both skip them).
    terms = np.zeros((NUM, DIM))
    keep = idx.ravel() != (None if padding_idx is None else padding_idx % NUM)
    finite_g = np.abs(np.where(np.isfinite(g), g, 0.0)).reshape(-1, DIM)
    np.add.at(terms, idx.ravel()[keep], finite_g[keep])
    assert_close_to_terms(grad, wt.grad, terms, mode.tol(), "table grad")
    if padding_idx is not None:
        harness.assert_equal(np.asarray(grad)[padding_idx], np.zeros(DIM))


@given(data=st.data())
def test_embedding_out_of_range_indices_raise_in_both(data):
    # Concrete indices are checked, as torch checks them: one index past either end is enough.
    index_dtype = data.draw(st.sampled_from(INDEX_DTYPES), label="index dtype")
    idx = data.draw(integer_arrays(index_dtype, (3,), 0, NUM - 1), label="indices")
    bad = data.draw(st.sampled_from([NUM, NUM + 7, -1, -NUM - 1]), label="bad index")
    idx[data.draw(st.integers(0, 2), label="position")] = bad
    w = np.zeros((NUM, DIM), np.float32)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(torch.tensor(idx), torch.tensor(w))
    with pytest.raises(IndexError, match=f"index {bad} is out of range for num_embeddings={NUM}"):
        jaxnn.functional.embedding(idx, w)
    with pytest.raises(IndexError, match="out of range"):
        jaxnn.nn.Embedding.from_pretrained(w)(idx)


def test_embedding_module_takes_an_empty_index_array():
    # The property test above runs the functional lookup; the module is that lookup on its
    # table (0-d and int32 indices: test_embedding.py). An empty index array gives torch's
    # (*, 0, dim) shape, with either index dtype.
    w = np.arange(NUM * DIM, dtype=np.float32).reshape(NUM, DIM)
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w), padding_idx=0)
    j = jaxnn.nn.Embedding.from_pretrained(w, padding_idx=0)
    for index_dtype in INDEX_DTYPES:
        idx = np.zeros((2, 0), index_dtype)
        got, expected = j(idx), t(torch.tensor(idx))
        assert got.shape == tuple(expected.shape) == (2, 0, DIM)
