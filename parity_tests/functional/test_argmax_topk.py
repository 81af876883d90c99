"""argmax / argmin / topk (inventory §1.7).

Notebook lines: S1 1944-2281 (argmax flattened and per dim, 2-D and 3-D, ties, logits vs
softmax, top-k), S1 8609-8634 (top-k per row); S4 1885-1890. Golden values are the §3.2
derived ones, each checked against real torch 2.13 first.

The twins: ``jnp.argmax``/``jnp.argmin`` directly (``dim`` -> ``axis``, ``keepdim`` ->
``keepdims``), and ``jaxnn.functional.topk`` (``jax.lax.top_k`` only works on the last axis
and has no ``largest=False``).

Each test runs its JAX side as one ``jax.jit`` program fed the same NumPy arrays as torch:
one XLA compile per test instead of one per operation keeps the suite fast.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn.functional as F
from twincore import harness

from .components import ARGMAX_TOPK

pytestmark = ARGMAX_TOPK

# S1 2001-2006: 4 samples x 3 class scores.
CLASS_SCORES = [[0.2, 0.7, 0.1], [0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.3, 0.5, 0.2]]
# S1 2067-2079: (batch=2, tokens=4, classes=3).
SEQUENCE_SCORES = [
    [[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]],
    [[0.3, 0.5, 0.2], [0.1, 0.1, 0.8], [0.7, 0.2, 0.1], [0.2, 0.6, 0.2]],
]
# S1 8611-8612: the top-k + gather example.
TOPK_VALUES = [[3.2, 1.5, 4.8, 2.1, 5.3], [2.7, 4.2, 1.9, 5.1, 3.5]]


def _jax(fn, *arrays):
    """The JAX side of a test, jitted as one program over the NumPy inputs."""
    return jax.jit(fn)(*arrays)


# --- argmax / argmin -------------------------------------------------------------------------


def test_argmax_1d_seed_scores_float32_max_value():
    # S1 1948-1968 builds a float32 tensor: the max prints as 0.8999999761581421, argmax 4.
    x = np.array([0.2, 0.8, 0.5, 0.3, 0.9, 0.1], dtype=np.float32)
    t = torch.tensor(x)
    max_j, arg_j, at_j = _jax(lambda a: (jnp.max(a), jnp.argmax(a), a[jnp.argmax(a)]), x)
    assert t.max().item() == float(max_j) == 0.8999999761581421
    harness.assert_twins_equal(arg_j, torch.argmax(t), 4)
    harness.assert_equal(at_j, t[torch.argmax(t)])


def test_argmax_1d_positive_negative_and_ties_seed(mode):
    # S1 1970-1996: argmax 2 (value 20), argmax 3 (value -1), duplicates -> first index 1.
    cases = [
        ([10.0, 5.0, 20.0, 15.0, 3.0], 2, 20.0),
        ([-5.0, -2.0, -8.0, -1.0, -10.0], 3, -1.0),
        ([3.0, 7.0, 7.0, 2.0, 7.0, 1.0], 1, 7.0),
    ]
    arrays = [mode.array(values) for values, _, _ in cases]
    j = _jax(lambda *xs: [(jnp.argmax(a), a[jnp.argmax(a)]) for a in xs], *arrays)
    for (values, index, value), x, (arg_j, at_j) in zip(cases, arrays, j, strict=True):
        t = torch.tensor(x)
        harness.assert_twins_equal(arg_j, torch.argmax(t), index, name=f"argmax {values}")
        harness.assert_twins_equal(at_j, t[torch.argmax(t)], value)


def test_argmax_2d_flattened_and_per_dim_seed(mode):
    x = mode.array(CLASS_SCORES)
    t = torch.tensor(x)

    def jax_side(a):
        flat = jnp.argmax(a)
        return (
            flat,
            a.reshape(-1)[flat],
            jnp.argmax(a, axis=1),
            jnp.argmax(a, axis=0),
            jnp.argmax(a, axis=-1),
            jnp.argmax(a, axis=1, keepdims=True),
        )

    j = _jax(jax_side, x)
    # S1 2017-2026: without dim the index is into the flattened tensor: 3 -> scores[1, 0] = 0.8.
    harness.assert_twins_equal(j[0], torch.argmax(t), 3, name="flat")
    harness.assert_twins_equal(j[1], t.flatten()[torch.argmax(t)], mode.array(0.8))
    harness.assert_twins_equal(j[2], torch.argmax(t, dim=1), [1, 0, 2, 1], name="dim 1")
    harness.assert_twins_equal(j[3], torch.argmax(t, dim=0), [1, 0, 2], name="dim 0")
    harness.assert_twins_equal(j[4], t.argmax(dim=-1), [1, 0, 2, 1], name="dim -1")
    harness.assert_twins_equal(j[5], t.argmax(dim=1, keepdim=True))


def test_argmax_3d_last_and_middle_dim_seed(mode):
    x = mode.array(SEQUENCE_SCORES)
    t = torch.tensor(x)
    j = _jax(lambda a: [jnp.argmax(a, axis=d) for d in (-1, 2, 1, 0, None)], x)
    # S1 2085-2099 (dim=-1) and 2101-2113 (dim=1).
    harness.assert_twins_equal(
        j[0], torch.argmax(t, dim=-1), [[1, 0, 2, 0], [1, 2, 0, 1]], name="dim -1"
    )
    harness.assert_twins_equal(
        j[1], torch.argmax(t, dim=2), [[1, 0, 2, 0], [1, 2, 0, 1]], name="dim 2"
    )
    harness.assert_twins_equal(j[2], torch.argmax(t, dim=1), [[1, 0, 2], [2, 3, 1]], name="dim 1")
    harness.assert_twins_equal(j[3], torch.argmax(t, dim=0))
    harness.assert_twins_equal(j[4], torch.argmax(t))


def test_argmin_flattened_per_dim_ties_first_index(mode):
    # argmin is only mentioned (S1 1940); its tie rule is argmax's: first occurrence.
    x, x3 = mode.array(CLASS_SCORES), mode.array(SEQUENCE_SCORES)
    t, t3 = torch.tensor(x), torch.tensor(x3)

    def jax_side(a, a3):
        return (
            jnp.argmin(a),
            jnp.argmin(a, axis=1),
            jnp.argmin(a, axis=0),
            jnp.argmin(a, axis=-2, keepdims=True),
            jnp.argmin(a3, axis=-1),
            jnp.argmin(a3, axis=1),
        )

    j = _jax(jax_side, x, x3)
    harness.assert_twins_equal(j[0], torch.argmin(t))
    harness.assert_twins_equal(j[1], torch.argmin(t, dim=1), [2, 1, 0, 2])
    harness.assert_twins_equal(j[2], torch.argmin(t, dim=0), [2, 1, 0])
    harness.assert_twins_equal(j[3], torch.argmin(t, dim=-2, keepdim=True))
    harness.assert_twins_equal(j[4], torch.argmin(t3, dim=-1))
    harness.assert_twins_equal(j[5], torch.argmin(t3, dim=1))


def test_argmax_edge_cases_nan_zero_d_size_one_empty(mode):
    xn, x0, x1 = mode.array([1.0, np.nan, 3.0, np.nan]), mode.array(5.0), mode.array([[4.0], [2.0]])
    tn, t0, t1 = torch.tensor(xn), torch.tensor(x0), torch.tensor(x1)
    j = _jax(
        lambda an, a0, a1: (jnp.argmax(an), jnp.argmin(an), jnp.argmax(a0), jnp.argmax(a1, 1)),
        xn,
        x0,
        x1,
    )
    harness.assert_twins_equal(j[0], torch.argmax(tn), 1)  # NaN is the maximum; the first NaN wins
    harness.assert_twins_equal(j[1], torch.argmin(tn), 1)
    harness.assert_twins_equal(j[2], torch.argmax(t0), 0)
    harness.assert_twins_equal(j[3], torch.argmax(t1, dim=1), [0, 0])
    xe = mode.array(np.zeros(0))
    with pytest.raises(IndexError, match="numel"):
        torch.argmax(torch.tensor(xe))
    with pytest.raises(ValueError, match="empty"):
        jnp.argmax(xe)


def test_argmax_index_dtype_is_int64_in_torch_default_int_in_jax(mode):
    # S1 2301: argmax returns int64. JAX returns its default int: int32 unless 64-bit types
    # are on (the float64 mode); values are compared, not dtypes.
    x = mode.array(CLASS_SCORES)
    arg_j, max_j = _jax(lambda a: (jnp.argmax(a, axis=1), F.max(a, dim=1)), x)
    assert torch.argmax(torch.tensor(x), dim=1).dtype == torch.int64
    expected = jnp.int64 if mode.name == "float64" else jnp.int32
    assert arg_j.dtype == expected and max_j.indices.dtype == expected


def test_argmax_of_logits_equals_argmax_of_softmax(mode, rng):
    # S1 2163-2175 (and §3.5): softmax is monotonic, so the predicted classes agree.
    x = mode.array(rng.standard_normal((8, 5)))
    t = torch.tensor(x)
    probs_t = torch.nn.functional.softmax(t, dim=1)

    def jax_side(a):
        probs = F.softmax(a, dim=1)
        return probs, jnp.argmax(a, axis=1), jnp.argmax(probs, axis=1)

    probs_j, from_logits_j, from_probs_j = _jax(jax_side, x)
    mode.assert_close(probs_j, probs_t)
    harness.assert_twins_equal(from_logits_j, torch.argmax(t, dim=1))
    harness.assert_twins_equal(from_probs_j, torch.argmax(probs_t, dim=1))
    harness.assert_equal(from_probs_j, from_logits_j)
    assert torch.equal(torch.argmax(t, dim=1), torch.argmax(probs_t, dim=1))


def test_argmax_accuracy_against_labels(mode, rng):
    # S1 2177-2243: predictions = argmax(outputs, 1); accuracy = (pred == labels).float().mean().
    outputs = mode.array(rng.standard_normal((10, 4)))
    labels = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    correct_t = torch.argmax(torch.tensor(outputs), dim=1) == torch.tensor(labels)

    def jax_side(a, y):
        correct = jnp.argmax(a, axis=1) == y
        return correct, jnp.mean(correct.astype(mode.jnp))

    correct_j, acc_j = _jax(jax_side, outputs, labels)
    harness.assert_twins_equal(correct_j, correct_t)
    mode.assert_close(acc_j, correct_t.to(mode.torch).mean(), name="accuracy")


# --- topk ------------------------------------------------------------------------------------


def test_topk_1d_k3_and_top1_equals_argmax(mode, rng):
    # S1 2245-2281: probabilities over 10 classes, top-3 sorted descending.
    x = mode.array(rng.standard_normal(10))
    probs_t = torch.softmax(torch.tensor(x), dim=0)
    top_t = torch.topk(probs_t, 3)

    def jax_side(a):
        probs = F.softmax(a, dim=0)
        return probs, F.topk(probs, 3), jnp.argmax(probs), F.topk(probs, 1).indices[0]

    probs_j, top_j, arg_j, top1_j = _jax(jax_side, x)
    mode.assert_close(probs_j, probs_t)
    mode.assert_close(top_j.values, top_t.values, name="values")
    harness.assert_twins_equal(top_j.indices, top_t.indices, name="indices")
    values_j, _ = top_j  # unpacks like `top_probs, top_indices = torch.topk(...)`
    assert np.all(np.diff(np.asarray(values_j)) <= 0)
    harness.assert_twins_equal(arg_j, torch.argmax(probs_t))
    # §3.5: topk(p, 1).indices[0] == argmax(p).
    harness.assert_equal(top1_j, arg_j)
    assert (torch.topk(probs_t, 1).indices[0] == torch.argmax(probs_t)).item()


def test_topk_dim1_seed_values(mode):
    # S1 8609-8634: indices [[4,2,0],[3,1,4]], values [[5.3,4.8,3.2],[5.1,4.2,3.5]].
    x = mode.array(TOPK_VALUES)
    values_t, indices_t = torch.topk(torch.tensor(x), 3, dim=1)
    values_j, indices_j = _jax(lambda a: F.topk(a, 3, dim=1), x)
    mode.assert_close(values_j, values_t)
    mode.assert_close(values_t, mode.array([[5.3, 4.8, 3.2], [5.1, 4.2, 3.5]]))
    mode.assert_close(values_j, mode.array([[5.3, 4.8, 3.2], [5.1, 4.2, 3.5]]))
    harness.assert_twins_equal(indices_j, indices_t, [[4, 2, 0], [3, 1, 4]])


TOPK_KWARGS = [
    {"k": 2, "largest": False},
    {"k": 3, "dim": 0},
    {"k": 2, "dim": -2, "largest": False},
    {"k": 6},
    {"k": 0},
]


def test_topk_smallest_other_dims_and_k_edges(mode, rng):
    x, x0 = mode.array(rng.standard_normal((4, 6))), mode.array(5.0)
    t = torch.tensor(x)
    j, j0 = _jax(lambda a, a0: ([F.topk(a, **kw) for kw in TOPK_KWARGS], F.topk(a0, 1)), x, x0)
    for kw, res_j in zip(TOPK_KWARGS, j, strict=True):
        res_t = torch.topk(t, **kw)
        mode.assert_close(res_j.values, res_t.values, name=f"values {kw}")
        harness.assert_twins_equal(res_j.indices, res_t.indices, name=f"indices {kw}")
    res_t = torch.topk(torch.tensor(x0), 1)
    mode.assert_close(j0.values, res_t.values)
    harness.assert_twins_equal(j0.indices, res_t.indices, 0)
    with pytest.raises(RuntimeError, match="k out of range"):
        torch.topk(t, 7)
    with pytest.raises(ValueError, match="out of range"):
        F.topk(x, 7)


def test_topk_nan_counts_as_largest(mode):
    x = mode.array([1.0, np.nan, 3.0, 2.0])
    t = torch.tensor(x)
    j = _jax(lambda a: [F.topk(a, 2, largest=b) for b in (True, False)], x)
    for largest, res_j in zip((True, False), j, strict=True):
        res_t = torch.topk(t, 2, largest=largest)
        mode.assert_close(res_j.values, res_t.values)
        harness.assert_twins_equal(res_j.indices, res_t.indices)


def test_topk_ties_values_agree_indices_valid(mode):
    # torch leaves the order of tied indices unspecified; the twin takes the lower index
    # first. Values must agree, and each framework's indices must point at its values.
    x = mode.array([[1.0, 3.0, 3.0, 2.0, 3.0], [0.0, 0.0, 0.0, 1.0, 1.0]])
    t = torch.tensor(x)
    j = _jax(lambda a: [F.topk(a, 3, largest=b) for b in (True, False)], x)
    for largest, res_j in zip((True, False), j, strict=True):
        res_t = torch.topk(t, 3, dim=1, largest=largest)
        mode.assert_close(res_j.values, res_t.values)
        harness.assert_equal(torch.gather(t, 1, res_t.indices), res_t.values)
        harness.assert_equal(np.take_along_axis(x, np.asarray(res_j.indices), 1), res_j.values)
    harness.assert_equal(j[0].indices, [[1, 2, 4], [3, 4, 0]])
    harness.assert_equal(j[1].indices, [[0, 3, 1], [0, 1, 2]])


def test_topk_gradient_flows_to_selected_entries(mode, rng):
    x = mode.array(rng.standard_normal((3, 5)))
    w = mode.array(rng.standard_normal((3, 2)))
    t = torch.tensor(x, requires_grad=True)
    (torch.topk(t, 2, dim=1).values * torch.tensor(w)).sum().backward()
    g = _jax(jax.grad(lambda a: jnp.sum(F.topk(a, 2, dim=1).values * w)), x)
    mode.assert_close(g, t.grad, name="d topk")
