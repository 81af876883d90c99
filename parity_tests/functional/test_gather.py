"""``torch.gather`` and its twin ``jaxnn.functional.gather`` (inventory §1.9).

Notebook lines: S1 8379-8675 (1-D, 2-D along dim 1 and dim 0, class-logit extraction, expanded
index, gather vs advanced indexing, top-k + gather, embedding via gather, the shape rule).
Golden values are the §3.2 derived ones, each checked against real torch 2.13 first.

``jnp.take_along_axis`` is the nearest ``jnp`` function but needs broadcast-compatible
shapes; torch only needs ``index.size(d) <= input.size(d)`` for ``d != dim`` (the notebook's
"must match", S1 8675, is inaccurate: §5 item 47). The twin crops the input first.

Each test runs its JAX side as one ``jax.jit`` program fed the same NumPy arrays as torch:
one XLA compile per test instead of one per operation keeps the suite fast. Index checks
that need concrete values (out of range) are exercised eagerly.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn.functional as F
from twincore import harness

from .components import GATHER

pytestmark = GATHER

# S1 8411-8415: 3 rows x 5 columns.
MATRIX = [[10, 11, 12, 13, 14], [20, 21, 22, 23, 24], [30, 31, 32, 33, 34]]
# S1 8467-8472: 4 samples x 5 class logits, true labels [0, 1, 3, 2].
LOGITS = [
    [2.1, 0.5, 1.3, 0.8, 1.9],
    [0.3, 3.2, 1.1, 0.9, 1.5],
    [1.8, 1.2, 0.7, 2.5, 1.0],
    [0.9, 1.4, 2.8, 1.1, 0.6],
]


def _jax(fn, *arrays):
    """The JAX side of a test, jitted as one program over the NumPy inputs."""
    return jax.jit(fn)(*arrays)


def test_gather_1d_seed():
    # S1 8379-8400: values [10..50] at [0, 2, 4, 1] -> [10, 30, 50, 20].
    v, i = np.array([10, 20, 30, 40, 50]), np.array([0, 2, 4, 1])
    v_t, i_t = torch.tensor(v), torch.tensor(i)
    j = _jax(lambda a, b: (F.gather(a, 0, b), F.gather(a, dim=-1, index=b)), v, i)
    harness.assert_twins_equal(j[0], torch.gather(v_t, dim=0, index=i_t), [10, 30, 50, 20])
    harness.assert_twins_equal(j[1], torch.gather(v_t, dim=-1, index=i_t))


def test_gather_2d_along_dim1_repeated_indices_seed():
    # S1 8406-8439: a (3,3) index into (3,5); row 2 picks column 2 three times.
    m, i = np.array(MATRIX), np.array([[0, 2, 4], [1, 3, 4], [2, 2, 2]])
    m_t, i_t = torch.tensor(m), torch.tensor(i)
    j = _jax(lambda a, b: (F.gather(a, 1, b), F.gather(a, -1, b)), m, i)
    golden = [[10, 12, 14], [21, 23, 24], [32, 32, 32]]
    harness.assert_twins_equal(j[0], torch.gather(m_t, dim=1, index=i_t), golden)
    harness.assert_twins_equal(j[1], torch.gather(m_t, dim=-1, index=i_t), golden)


def test_gather_2d_along_dim0_output_has_index_shape_seed():
    # S1 8441-8461: a (1,5) index into (3,5) -> (1,5) = [[10, 21, 32, 13, 24]].
    m, i = np.array(MATRIX), np.array([[0, 1, 2, 0, 1]])
    m_t, i_t = torch.tensor(m), torch.tensor(i)
    out_j, neg_j = _jax(lambda a, b: (F.gather(a, 0, b), F.gather(a, -2, b)), m, i)
    out_t = torch.gather(m_t, dim=0, index=i_t)
    harness.assert_twins_equal(out_j, out_t, [[10, 21, 32, 13, 24]])
    assert tuple(out_t.shape) == out_j.shape == (1, 5)
    harness.assert_twins_equal(neg_j, torch.gather(m_t, dim=-2, index=i_t))


def test_gather_class_logits_for_true_labels_seed(mode):
    # S1 8463-8506: gather(logits, 1, labels.unsqueeze(1)) -> [2.1, 3.2, 2.5, 2.8].
    logits, labels = mode.array(LOGITS), np.array([0, 1, 3, 2])
    l_t, y_t = torch.tensor(logits), torch.tensor(labels)
    idx_t = y_t.unsqueeze(1)
    out_t = torch.gather(l_t, dim=1, index=idx_t)
    # The loss pattern from S1 8692: -log_softmax gathered at the label is cross-entropy.
    nll_t = -torch.gather(torch.log_softmax(l_t, dim=1), 1, idx_t).mean()

    def jax_side(a, y):
        idx = jnp.expand_dims(y, 1)
        return idx, F.gather(a, 1, idx), -jnp.mean(F.gather(F.log_softmax(a, dim=1), 1, idx))

    idx_j, out_j, nll_j = _jax(jax_side, logits, labels)
    assert tuple(idx_t.shape) == idx_j.shape == (4, 1)
    harness.assert_twins_equal(out_j, out_t)
    harness.assert_twins_equal(out_j.squeeze(), out_t.squeeze(), mode.array([2.1, 3.2, 2.5, 2.8]))
    mode.assert_close(nll_j, nll_t)
    mode.assert_close(nll_t, torch.nn.functional.cross_entropy(l_t, y_t))


def test_gather_with_expanded_index_selects_whole_feature_rows_seed(mode):
    # S1 8508-8561: sequence (2,5,3); positions [[1,3],[0,4]] expanded to (2,2,3).
    seq, pos = mode.array(np.arange(1, 31).reshape(2, 5, 3)), np.array([[1, 3], [0, 4]])
    s_t = torch.tensor(seq)
    exp_t = torch.tensor(pos).unsqueeze(-1).expand(-1, -1, 3)
    out_t = torch.gather(s_t, dim=1, index=exp_t)

    def jax_side(s, p):
        idx = F.expand(jnp.expand_dims(p, -1), -1, -1, 3)
        return idx, F.gather(s, 1, idx)

    exp_j, out_j = _jax(jax_side, seq, pos)
    harness.assert_twins_equal(exp_j, exp_t)
    assert tuple(exp_t.shape) == exp_j.shape == (2, 2, 3)
    golden = [[[4, 5, 6], [10, 11, 12]], [[16, 17, 18], [28, 29, 30]]]
    harness.assert_twins_equal(out_j, out_t, mode.array(golden))
    harness.assert_twins_equal(out_j[0, 1], seq[0, 3])


def test_gather_equals_advanced_indexing_seed():
    # S1 8563-8603: one column per row, [20, 40, 90]; "Same result? True".
    m, i = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]]), np.array([1, 0, 2])
    m_t, i_t = torch.tensor(m), torch.tensor(i)
    g_t = torch.gather(m_t, dim=1, index=i_t.unsqueeze(1)).squeeze()
    a_t = m_t[torch.arange(len(m_t)), i_t]
    g_j, a_j = _jax(
        lambda a, b: (
            F.gather(a, 1, jnp.expand_dims(b, 1)).squeeze(),
            a[jnp.arange(a.shape[0]), b],
        ),
        m,
        i,
    )
    harness.assert_twins_equal(g_j, g_t, [20, 40, 90])
    harness.assert_twins_equal(a_j, a_t, [20, 40, 90])
    assert torch.equal(g_t, a_t)
    harness.assert_equal(g_j, a_j)


def test_topk_then_gather_reproduces_topk_values_seed(mode):
    # S1 8609-8634: "Match? True" between topk's values and gather at topk's indices.
    v = mode.array([[3.2, 1.5, 4.8, 2.1, 5.3], [2.7, 4.2, 1.9, 5.1, 3.5]])
    v_t = torch.tensor(v)
    top_t = torch.topk(v_t, 3, dim=1)
    g_t = torch.gather(v_t, dim=1, index=top_t.indices)

    def jax_side(a):
        top = F.topk(a, 3, dim=1)
        return top, F.gather(a, 1, top.indices)

    top_j, g_j = _jax(jax_side, v)
    assert torch.equal(top_t.values, g_t)
    harness.assert_twins_equal(g_j, top_j.values)
    harness.assert_twins_equal(g_j, g_t, mode.array([[5.3, 4.8, 3.2], [5.1, 4.2, 3.5]]))


def test_embedding_lookup_by_gather_seed(mode, rng):
    # S1 8636-8667: embeddings (10,4) expanded to (2,10,4); token ids (2,3) expanded to
    # (2,3,4); gather along dim 1 -> (2,3,4), the same as embeddings[token_ids].
    emb, ids = mode.array(rng.standard_normal((10, 4))), np.array([[2, 5, 7], [1, 3, 9]])
    e_t, ids_t = torch.tensor(emb), torch.tensor(ids)
    out_t = torch.gather(
        e_t.unsqueeze(0).expand(2, -1, -1), dim=1, index=ids_t.unsqueeze(-1).expand(-1, -1, 4)
    )

    def jax_side(e, i):
        table = F.expand(jnp.expand_dims(e, 0), 2, -1, -1)
        return F.gather(table, 1, F.expand(jnp.expand_dims(i, -1), -1, -1, 4)), e[i]

    out_j, lookup_j = _jax(jax_side, emb, ids)
    assert tuple(out_t.shape) == out_j.shape == (2, 3, 4)
    harness.assert_twins_equal(out_j, out_t)
    harness.assert_twins_equal(out_j, lookup_j)
    assert torch.equal(out_t, e_t[ids_t])
    assert torch.equal(out_t, torch.nn.functional.embedding(ids_t, e_t))


def test_gather_index_may_be_smaller_than_input_outside_dim(mode, rng):
    # torch needs index.size(d) <= input.size(d) for d != dim, not equality (§5 item 47).
    # jnp.take_along_axis broadcasts instead and rejects these shapes; the twin crops.
    x = mode.array(rng.standard_normal((2, 10, 4)))
    ids = np.array([[[2, 5], [7, 0], [9, 9]], [[1, 1], [3, 8], [0, 4]]])  # (2, 3, 2)
    m, zeros = np.array(MATRIX), np.zeros((2, 7), dtype=np.int64)
    m_t = torch.tensor(m)
    out_t = torch.gather(torch.tensor(x), 1, torch.tensor(ids))
    out_j, long_j = _jax(
        lambda a, i, b, z: (F.gather(a, 1, i), F.gather(b, 1, z)), x, ids, m, zeros
    )
    assert tuple(out_t.shape) == out_j.shape == (2, 3, 2)
    harness.assert_twins_equal(out_j, out_t)
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        jnp.take_along_axis(x, ids, axis=1)
    # Along dim itself the index may also be longer than the input (values in range).
    harness.assert_twins_equal(
        long_j, torch.gather(m_t, 1, torch.tensor(zeros)), [[10] * 7, [20] * 7]
    )
    # Larger than the input outside dim is an error in both.
    big = np.zeros((4, 2), dtype=np.int64)
    with pytest.raises(RuntimeError, match="no larger than"):
        torch.gather(m_t, 1, torch.tensor(big))
    with pytest.raises(ValueError, match="larger than input"):
        F.gather(m, 1, big)


def test_gather_out_of_range_index_raises(mode):
    v = np.array([10, 20, 30, 40, 50])
    for bad in (5, -1):
        i = np.array([0, bad])
        with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds"):
            torch.gather(torch.tensor(v), 0, torch.tensor(i))
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds"):
            F.gather(v, 0, i)
    # Under jit a traced index cannot raise (XLA has no exceptions): the twin reads NaN.
    x = mode.array([1.0, 2.0])
    out = _jax(lambda a, i: F.gather(a, 0, i), x, np.array([0, 5]))
    harness.assert_equal(out, mode.array([1.0, np.nan]))


def test_gather_rank_dtype_and_dim_errors():
    m = np.array(MATRIX)
    m_t = torch.tensor(m)
    for idx in (np.array(2), np.array([[[1]]])):
        with pytest.raises(RuntimeError, match="same number of dimensions"):
            torch.gather(m_t, 1, torch.tensor(idx))
        with pytest.raises(ValueError, match="must match"):
            F.gather(m, 1, idx)
    with pytest.raises(RuntimeError, match="int32/int64"):
        torch.gather(m_t, 1, torch.tensor([[1.0]]))
    with pytest.raises(TypeError, match="integer"):
        F.gather(m, 1, np.array([[1.0]]))
    z = np.zeros((1, 1), dtype=np.int64)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.gather(m_t, 2, torch.tensor(z))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.gather(m, 2, z)


def test_gather_zero_d_and_empty_index():
    # torch pairs 0-d with 1-D tensors here; an empty index gives an empty result.
    cases = [
        (np.array([10, 20, 30]), 0, np.array(1)),
        (np.array(7), 0, np.array([0, 0, 0])),
        (np.array(7), 0, np.array(0)),
        (np.array(MATRIX), 1, np.zeros((3, 0), dtype=np.int64)),
    ]
    dims = [dim for _, dim, _ in cases]
    j = _jax(
        lambda pairs: [F.gather(x, d, i) for (x, i), d in zip(pairs, dims, strict=True)],
        [(x, idx) for x, _, idx in cases],
    )
    for (x, dim, idx), out_j in zip(cases, j, strict=True):
        harness.assert_twins_equal(out_j, torch.gather(torch.tensor(x), dim, torch.tensor(idx)))


def test_gather_gradient_accumulates_on_repeated_indices(mode, rng):
    # The backward of gather is a scatter-add: a column picked three times gets 3x.
    x = mode.array(rng.standard_normal((3, 5)))
    w = mode.array(rng.standard_normal((3, 3)))
    idx = np.array([[0, 2, 4], [1, 3, 4], [2, 2, 2]])
    t = torch.tensor(x, requires_grad=True)
    (torch.gather(t, 1, torch.tensor(idx)) * torch.tensor(w)).sum().backward()
    g_j = _jax(jax.grad(lambda a: jnp.sum(F.gather(a, 1, idx) * w)), x)
    mode.assert_close(g_j, t.grad, name="d gather")
    mode.assert_close(g_j[2, 2], w[2].sum())


def test_gather_validates_a_closed_over_index_inside_jit():
    # A concrete index captured by a jitted function is still checked (with NumPy: a jnp
    # reduction there would be staged and fail to concretize).
    good, bad = jnp.array([[0, 2]]), jnp.array([[0, 5]])
    x = jnp.arange(6.0).reshape(2, 3)
    harness.assert_equal(jax.jit(lambda v: F.gather(v, 1, good))(x), [[0.0, 2.0]])
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 3"):
        jax.jit(lambda v: F.gather(v, 1, bad))(x)
