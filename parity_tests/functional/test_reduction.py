"""Reductions: sum, mean, max/min with (values, indices), std/var, all (inventory §1.6).

Notebook lines: S0 12-23; S1 731-829, 855-900, 924-1013, 1548-1738, 1767-1879; S4 333-335,
594-630, 1893-1897. Golden values are the notebooks' printed ones (§3.1) and the §3.2 derived
ones, each checked against real torch 2.13 before being written here.

The twins: ``jnp.sum``/``jnp.all`` directly (``dim`` -> ``axis``, ``keepdim`` ->
``keepdims``); ``jaxnn.functional.{mean,max,min,std,var}`` where torch's semantics differ.

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

from .components import REDUCTIONS

pytestmark = REDUCTIONS

# S1 731-829 and 1548-1738: 3 samples x 4 features.
MATRIX = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]


def _jax(fn, *arrays):
    """The JAX side of a test, jitted as one program over the NumPy inputs."""
    return jax.jit(fn)(*arrays)


# --- sum -------------------------------------------------------------------------------------


def test_sum_all_and_per_dim_seed_matrix(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(lambda a: (jnp.sum(a), jnp.sum(a, axis=0), jnp.sum(a, axis=1), jnp.sum(a, axis=-1)), x)
    mode.assert_twins_close(j[0], t.sum(), 78.0, name="sum()")
    mode.assert_twins_close(j[1], t.sum(dim=0), [15, 18, 21, 24], name="sum(0)")
    mode.assert_twins_close(j[2], t.sum(dim=1), [10, 26, 42], name="sum(1)")
    mode.assert_twins_close(j[3], t.sum(dim=-1), [10, 26, 42], name="sum(-1)")
    # "Verification: 78.0 / 12 = 6.50" (S1 1631)
    assert t.sum().item() / t.numel() == float(j[0]) / x.size == 6.5


def test_sum_keepdim_keeps_a_size_one_axis(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(
        lambda a: (
            jnp.sum(a, axis=1, keepdims=True),
            jnp.sum(a, axis=-2, keepdims=True),
            jnp.sum(a, axis=(0, 1), keepdims=True),
        ),
        x,
    )
    mode.assert_twins_close(j[0], t.sum(dim=1, keepdim=True), [[10], [26], [42]])
    mode.assert_twins_close(j[1], t.sum(dim=-2, keepdim=True))
    mode.assert_twins_close(j[2], t.sum(dim=(0, 1), keepdim=True))


def test_sum_3d_every_dim_seed_tensor(mode):
    # S1 855-900: 1..24 as (batch=2, seq=3, features=4).
    x = mode.array(np.arange(1, 25).reshape(2, 3, 4))
    t = torch.tensor(x)
    j = _jax(lambda a: [jnp.sum(a, axis=d) for d in (0, 1, 2, -1)], x)
    golden0 = [[14, 16, 18, 20], [22, 24, 26, 28], [30, 32, 34, 36]]
    mode.assert_twins_close(j[0], t.sum(dim=0), golden0, name="sum(0)")
    mode.assert_twins_close(j[1], t.sum(dim=1), [[15, 18, 21, 24], [51, 54, 57, 60]], name="sum(1)")
    mode.assert_twins_close(j[2], t.sum(dim=2), [[10, 26, 42], [58, 74, 90]], name="sum(2)")
    mode.assert_twins_close(j[3], t.sum(dim=-1), [[10, 26, 42], [58, 74, 90]], name="sum(-1)")
    assert torch.equal(t.sum(dim=2), t.sum(dim=-1))
    harness.assert_equal(j[2], j[3])


def test_sum_integer_tensor_seed_s4():
    # S4 597-630: int64 sums; printed tensor(15) torch.Size([]), [5, 7, 9], [6, 15], [6, 15].
    x1, x2 = np.array([1, 2, 3, 4, 5]), np.array([[1, 2, 3], [4, 5, 6]])
    t1, t2 = torch.tensor(x1), torch.tensor(x2)
    j = _jax(
        lambda a, b: (jnp.sum(a, axis=0), jnp.sum(b, axis=0), jnp.sum(b, axis=1), jnp.sum(b, -1)),
        x1,
        x2,
    )
    harness.assert_twins_equal(j[0], torch.sum(t1, dim=0), 15)
    assert tuple(torch.sum(t1, dim=0).shape) == j[0].shape == ()
    harness.assert_twins_equal(j[1], torch.sum(t2, dim=0), [5, 7, 9])
    harness.assert_twins_equal(j[2], torch.sum(t2, dim=1), [6, 15])
    harness.assert_twins_equal(j[3], torch.sum(t2, dim=-1), [6, 15])


def test_sum_of_bool_counts_true_values_int64_vs_default_int(mode):
    # S1 1854-1879: predictions vs targets; S4 1893-1897: five matches sum to 5.
    pred, targ = np.array([0, 1, 2, 1, 0, 2, 1, 0]), np.array([0, 1, 2, 2, 0, 2, 1, 1])
    correct_t = torch.tensor(pred) == torch.tensor(targ)

    def jax_side(p, y):
        correct = p == y
        return correct, jnp.sum(correct), jnp.mean(correct.astype(mode.jnp))

    correct_j, count_j, acc_j = _jax(jax_side, pred, targ)
    assert correct_t.dtype == torch.bool and correct_j.dtype == jnp.bool_
    harness.assert_twins_equal(
        correct_j, correct_t, [True, True, True, False, True, True, True, False]
    )
    harness.assert_twins_equal(count_j, correct_t.sum(), 6)
    # torch counts in int64; JAX in its default int (int32 unless 64-bit types are on).
    assert correct_t.sum().dtype == torch.int64
    assert count_j.dtype == (jnp.int64 if mode.name == "float64" else jnp.int32)
    # `correct.float().mean()` printed as "Accuracy: 75.00%".
    acc_t = correct_t.to(mode.torch).mean()
    mode.assert_twins_close(acc_j, acc_t, 0.75, harness.printed(4), name="accuracy")
    all_true = np.ones(5, dtype=bool)
    harness.assert_twins_equal(_jax(jnp.sum, all_true), torch.sum(torch.tensor(all_true)), 5)


def test_sum_empty_dim_tuple_reduces_all_in_torch_but_nothing_in_jnp(mode):
    # torch: "if dim is an empty list, reduce all dimensions"; jnp: axis=() is the identity.
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j_all, j_none = _jax(lambda a: (jnp.sum(a), jnp.sum(a, axis=())), x)
    mode.assert_close(t.sum(dim=()), j_all)
    mode.assert_close(j_none, x)


# --- mean ------------------------------------------------------------------------------------


def test_mean_all_and_per_dim_seed_matrix(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(
        lambda a: (F.mean(a), F.mean(a, dim=0), F.mean(a, dim=1), F.mean(a, -1, keepdim=True)), x
    )
    mode.assert_twins_close(j[0], t.mean(), 6.50, harness.printed(2), name="mean()")
    mode.assert_twins_close(j[1], t.mean(dim=0), [5, 6, 7, 8], name="mean(0)")
    mode.assert_twins_close(j[2], t.mean(dim=1), [2.5, 6.5, 10.5], name="mean(1)")
    mode.assert_twins_close(j[3], t.mean(dim=-1, keepdim=True))


def test_mean_printed_s0_and_s4(mode):
    # S0 14: x.mean() printed tensor(2.5000); S4 334: data.mean() printed tensor(30.).
    x, data = mode.array([[1.0, 2.0], [3.0, 4.0]]), mode.array([10.0, 20.0, 30.0, 40.0, 50.0])
    j = _jax(lambda a, b: (F.mean(a), F.mean(b)), x, data)
    mode.assert_twins_close(j[0], torch.tensor(x).mean(), 2.5, harness.printed(4))
    mode.assert_twins_close(j[1], torch.tensor(data).mean(), 30.0, harness.printed(4))


def test_mean_tuple_dims_global_average_pooling(mode, rng):
    # S1 1830-1852: feature_maps.mean(dim=(2, 3)) on (2, 64, 8, 8).
    x = mode.array(rng.standard_normal((2, 64, 8, 8)))
    t = torch.tensor(x)
    j = _jax(
        lambda a: (
            F.mean(a, dim=(2, 3)),
            F.mean(a, dim=(-1, -2), keepdim=True),
            F.mean(a, dim=(0, 1, 2, 3)),
        ),
        x,
    )
    mode.assert_twins_close(j[0], t.mean(dim=(2, 3)))
    mode.assert_twins_close(j[1], t.mean(dim=(-1, -2), keepdim=True))
    mode.assert_twins_close(j[2], t.mean(dim=(0, 1, 2, 3)))


def test_mean_edge_dims_empty_tuple_and_zero_d(mode):
    x, x0 = mode.array(MATRIX), mode.array(5.0)
    t, t0 = torch.tensor(x), torch.tensor(x0)
    j = _jax(
        lambda a, a0: (F.mean(a, dim=()), F.mean(a0, dim=0), F.mean(a0, dim=-1, keepdim=True)),
        x,
        x0,
    )
    mode.assert_twins_close(j[0], t.mean(dim=()))
    mode.assert_twins_close(j[1], t0.mean(dim=0))
    mode.assert_twins_close(j[2], t0.mean(dim=-1, keepdim=True))
    with pytest.raises(IndexError):
        t.mean(dim=2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.mean(x, dim=2)
    with pytest.raises(RuntimeError, match="multiple times"):
        t.mean(dim=(0, -2))
    with pytest.raises(ValueError, match="multiple times"):
        F.mean(x, dim=(0, -2))


def test_mean_on_integer_or_bool_tensor_raises_but_jnp_mean_does_not():
    # S1 1910: "mean() requires float tensors". torch raises RuntimeError, the twin TypeError
    # with torch's message; plain jnp.mean silently promotes to float.
    x = np.array([0, 1, 2, 1, 0, 2, 1, 0])
    t = torch.tensor(x)
    with pytest.raises(RuntimeError, match="could not infer output dtype"):
        t.mean()
    with pytest.raises(TypeError, match="could not infer output dtype"):
        F.mean(x)
    with pytest.raises(RuntimeError, match="could not infer output dtype"):
        (t == 1).mean()
    with pytest.raises(TypeError, match="could not infer output dtype"):
        F.mean(x == 1)
    j = _jax(
        lambda a: (jnp.mean(a), F.mean(a, dtype=jnp.float32), F.mean(a.astype(jnp.float32))), x
    )
    f32 = harness.tolerance("float32")
    harness.assert_close(j[0], t.float().mean(), f32)
    # The fixes both frameworks accept: pass dtype, or cast first.
    harness.assert_close(j[1], t.mean(dtype=torch.float32), f32)
    harness.assert_close(j[2], t.float().mean(), f32)


def test_mean_gradient_with_dims(mode, rng):
    x = mode.array(rng.standard_normal((3, 4, 5)))
    w = mode.array(rng.standard_normal((3, 1, 5)))
    t = torch.tensor(x, requires_grad=True)
    (t.mean(dim=1, keepdim=True) * torch.tensor(w)).sum().backward()
    g = _jax(jax.grad(lambda a: jnp.sum(F.mean(a, dim=1, keepdim=True) * w)), x)
    mode.assert_close(g, t.grad, name="d mean")


# --- max / min -------------------------------------------------------------------------------


def test_max_min_all_elements_seed_matrix(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(lambda a: (F.max(a), F.min(a)), x)
    mode.assert_twins_close(j[0], t.max(), 12.0)
    mode.assert_twins_close(j[1], t.min(), 1.0)


def test_max_dim_returns_values_and_indices_seed_matrix(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(lambda a: (F.max(a, dim=0), F.max(a, dim=1)), x)
    for dim, values, indices in [(0, [9, 10, 11, 12], [2, 2, 2, 2]), (1, [4, 8, 12], [3, 3, 3])]:
        res_t, res_j = t.max(dim=dim), j[dim]
        assert isinstance(res_j, F.ValuesIndices)
        mode.assert_twins_close(res_j.values, res_t.values, values, name=f"max({dim}).values")
        harness.assert_twins_equal(
            res_j.indices, res_t.indices, indices, name=f"max({dim}).indices"
        )
        # Unpacking works the same: `values, indices = x.max(dim=1)`.
        (v_j, i_j), (v_t, i_t) = res_j, res_t
        mode.assert_close(v_j, v_t)
        harness.assert_equal(i_j, i_t)


def test_min_dim_returns_values_and_indices_seed_matrix(mode):
    x = mode.array(MATRIX)
    t = torch.tensor(x)
    j = _jax(lambda a: (F.min(a, dim=0), F.min(a, dim=1)), x)
    for dim, values, indices in [(0, [1, 2, 3, 4], [0, 0, 0, 0]), (1, [1, 5, 9], [0, 0, 0])]:
        res_t, res_j = t.min(dim=dim), j[dim]
        mode.assert_twins_close(res_j.values, res_t.values, values, name=f"min({dim}).values")
        harness.assert_twins_equal(
            res_j.indices, res_t.indices, indices, name=f"min({dim}).indices"
        )


def test_max_dim_on_logits_gives_predicted_classes(mode):
    # S1 1801-1828: max logits and predicted classes per sample.
    logits = mode.array(
        [[2.1, 0.5, -1.0], [-0.5, 3.2, 1.0], [0.1, -1.0, 2.8], [1.5, 1.6, 1.4], [-2.0, -1.5, 0.5]]
    )
    values_t, classes_t = torch.max(torch.tensor(logits), 1)
    values_j, classes_j = _jax(lambda a: F.max(a, 1), logits)
    mode.assert_twins_close(values_j, values_t, [2.1, 3.2, 2.8, 1.6, 0.5])
    harness.assert_twins_equal(classes_j, classes_t, [0, 1, 2, 1, 2])


def test_max_min_dim_ties_return_first_index_negative_dim_keepdim(mode):
    x = mode.array([[3.0, 7.0, 7.0, 2.0], [1.0, 1.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]])
    t = torch.tensor(x)
    dims = (1, -1, 0, -2)
    j = _jax(lambda a: [(F.max(a, d, keepdim=True), F.min(a, d, keepdim=True)) for d in dims], x)
    for dim, (max_j, min_j) in zip(dims, j, strict=True):
        for res_j, res_t in [(max_j, torch.max(t, dim, True)), (min_j, torch.min(t, dim, True))]:
            mode.assert_close(res_j.values, res_t.values)
            harness.assert_equal(res_j.indices, res_t.indices)
    harness.assert_equal(j[0][0].indices, [[1], [0], [0]])
    harness.assert_equal(j[0][1].indices, [[3], [2], [0]])


def test_max_dim_edge_cases_zero_d_size_one_empty_nan(mode):
    x0, x1 = mode.array(5.0), mode.array([[4.0], [2.0]])
    xe, xn = mode.array(np.zeros((0, 3))), mode.array([1.0, np.nan, 3.0])
    t0, t1, te, tn = (torch.tensor(a) for a in (x0, x1, xe, xn))
    cases0 = [(0, False), (0, True), (-1, False), (-1, True)]

    def jax_side(a0, a1, ae, an):
        return (
            [F.max(a0, dim=d, keepdim=k) for d, k in cases0],
            F.max(a1, dim=1),
            F.max(ae, dim=1),
            (F.max(an, 0), F.min(an, 0)),
        )

    j0, j1, je, jn = _jax(jax_side, x0, x1, xe, xn)
    for (dim, keepdim), res_j in zip(cases0, j0, strict=True):
        res_t = t0.max(dim=dim, keepdim=keepdim)
        mode.assert_close(res_j.values, res_t.values)
        harness.assert_equal(res_j.indices, res_t.indices)
    mode.assert_close(j1.values, t1.max(dim=1).values)
    harness.assert_equal(j1.indices, t1.max(dim=1).indices)
    # Reducing a non-empty dim of an empty tensor is fine; reducing the empty one is not.
    mode.assert_close(je.values, te.max(dim=1).values)
    with pytest.raises(IndexError, match="non-zero size"):
        te.max(dim=0)
    with pytest.raises(IndexError, match="non-zero size"):
        F.max(xe, dim=0)
    with pytest.raises(RuntimeError, match="numel"):
        te.max()
    with pytest.raises(ValueError, match="non-empty"):
        F.max(xe)
    # NaN counts as the maximum (and, for min, as the minimum) in both.
    for res_j, res_t in zip(jn, (torch.max(tn, 0), torch.min(tn, 0)), strict=True):
        mode.assert_close(res_j.values, res_t.values)
        harness.assert_equal(res_j.indices, res_t.indices)


def test_max_dim_gradient_goes_to_the_returned_index_on_ties(mode):
    # torch.max(x, dim) backpropagates through its index: the first tied element gets all of
    # it. The twin matches; jnp.max(x, axis) splits it evenly, like torch.amax.
    x = mode.array([[3.0, 7.0, 7.0], [1.0, 1.0, 0.0]])
    t = torch.tensor(x, requires_grad=True)

    def jax_side(a):
        return (
            jax.grad(lambda b: F.max(b, 1).values.sum())(a),
            jax.grad(lambda b: F.min(b, 1).values.sum())(a),
            jax.grad(lambda b: jnp.max(b, axis=1).sum())(a),
            jax.grad(lambda b: F.max(b))(a),
        )

    g_max, g_min, g_amax, g_full = _jax(jax_side, x)
    t.max(dim=1).values.sum().backward()
    harness.assert_equal(g_max, t.grad)
    harness.assert_equal(t.grad, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    t.grad = None
    t.min(dim=1).values.sum().backward()
    harness.assert_equal(g_min, t.grad)
    t.grad = None
    t.amax(dim=1).sum().backward()
    harness.assert_equal(g_amax, t.grad)
    harness.assert_equal(t.grad, [[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]])
    # Without dim both frameworks split evenly among the tied maxima.
    t.grad = None
    t.max().backward()
    harness.assert_equal(g_full, t.grad)


# --- std / var -------------------------------------------------------------------------------


def test_std_is_unbiased_by_default_seed_s4(mode):
    # S4 333-335: data.std() printed tensor(15.8114) = sqrt(250), the N-1 estimator.
    x = mode.array([10.0, 20.0, 30.0, 40.0, 50.0])
    t = torch.tensor(x)
    std_j, var_j, jnp_std = _jax(lambda a: (F.std(a), F.var(a), jnp.std(a)), x)
    mode.assert_twins_close(std_j, t.std(), 15.8114, harness.printed(4), name="std()")
    mode.assert_twins_close(var_j, t.var(), 250.0, name="var()")
    # jnp.std defaults to ddof=0: the biased 14.1421 = torch's unbiased=False.
    mode.assert_twins_close(jnp_std, t.std(unbiased=False), 14.1421, harness.printed(4))
    with pytest.raises(AssertionError):
        mode.assert_close(jnp_std, t.std())


STD_KWARGS = [{"unbiased": False}, {"unbiased": True}, {"correction": 0}, {"correction": 2}]


def test_std_var_unbiased_false_and_correction(mode, rng):
    x = mode.array(rng.standard_normal((4, 6)))
    t = torch.tensor(x)

    def jax_side(a):
        pairs = [(F.std(a, **kw), F.var(a, dim=1, **kw)) for kw in STD_KWARGS]
        return pairs, F.std(a, False)

    pairs, positional = _jax(jax_side, x)
    for kw, (std_j, var_j) in zip(STD_KWARGS, pairs, strict=True):
        mode.assert_twins_close(std_j, t.std(**kw), name=f"std {kw}")
        mode.assert_twins_close(var_j, t.var(dim=1, **kw), name=f"var {kw}")
    # The positional overload `std(input, unbiased)` of torch.
    mode.assert_twins_close(positional, torch.std(t, False))
    with pytest.raises(TypeError):
        torch.std(t, dim=1, unbiased=False, correction=0)
    with pytest.raises(TypeError, match="either unbiased or correction"):
        F.std(x, dim=1, unbiased=False, correction=0)


STD_DIMS = [(0, False), (-1, True), ((0, 2), False), ((-1, -3), True), ((), False)]


def test_std_var_dims_keepdim_tuple_and_negative(mode, rng):
    x = mode.array(rng.standard_normal((3, 4, 5)))
    t = torch.tensor(x)
    j = _jax(lambda a: [(F.std(a, d, keepdim=k), F.var(a, d, keepdim=k)) for d, k in STD_DIMS], x)
    for (dim, keepdim), (std_j, var_j) in zip(STD_DIMS, j, strict=True):
        mode.assert_twins_close(std_j, t.std(dim, keepdim=keepdim), name=f"std {dim}")
        mode.assert_twins_close(var_j, t.var(dim, keepdim=keepdim), name=f"var {dim}")


def test_std_var_with_too_few_samples_is_nan_or_inf(mode):
    # N <= correction: torch warns and divides by max(N - correction, 0), giving nan for no
    # spread (0/0) and inf otherwise; the twin matches (plain jnp.var gives nan for both).
    x, x0, pair = mode.array([5.0]), mode.array(5.0), mode.array([1.0, 2.0])
    t, t0, t_pair = torch.tensor(x), torch.tensor(x0), torch.tensor(pair)

    def jax_side(a, a0, p):
        return (
            F.std(a),
            F.std(a, correction=0),
            F.var(a0, dim=0),
            F.var(p, correction=2),
            F.std(p, correction=3),
            jnp.var(p, ddof=2),
        )

    j = _jax(jax_side, x, x0, pair)
    with pytest.warns(UserWarning, match="degrees of freedom"):
        ref = [t.std(), t0.var(dim=0), t_pair.var(correction=2), t_pair.std(correction=3)]
    mode.assert_twins_close(j[0], ref[0])
    harness.assert_equal(j[0], np.nan)
    mode.assert_twins_close(j[1], t.std(correction=0), 0.0)
    mode.assert_twins_close(j[2], ref[1])
    mode.assert_twins_close(j[3], ref[2])
    harness.assert_equal(j[3], np.inf)
    mode.assert_twins_close(j[4], ref[3])
    harness.assert_equal(j[5], np.nan)


def test_std_var_on_integer_tensor_raise():
    x = np.array([1, 2, 3])
    t = torch.tensor(x)
    with pytest.raises(RuntimeError, match="floating point and complex"):
        t.std()
    with pytest.raises(TypeError, match="floating point and complex"):
        F.std(x)
    with pytest.raises(RuntimeError, match="floating point and complex"):
        t.var()
    with pytest.raises(TypeError, match="floating point and complex"):
        F.var(x)


def test_std_var_gradients(mode, rng):
    x = mode.array(rng.standard_normal((4, 5)))
    t = torch.tensor(x, requires_grad=True)
    (t.std(dim=1, keepdim=True).sum() + t.var(dim=0, unbiased=False).sum()).backward()

    def loss(a):
        return jnp.sum(F.std(a, dim=1, keepdim=True)) + jnp.sum(F.var(a, dim=0, unbiased=False))

    mode.assert_close(_jax(jax.grad(loss), x), t.grad, name="d(std + var)")


# --- keepdim and normalisation ---------------------------------------------------------------


def test_row_normalisation_with_keepdim_seed(mode):
    # S1 924-964: x / x.sum(dim=1, keepdim=True); every row then sums to 1.
    x = mode.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    t = torch.tensor(x)

    def jax_side(a):
        rows = jnp.sum(a, axis=1, keepdims=True)
        return rows, a / rows, jnp.sum(a / rows, axis=1)

    rows_j, norm_j, sums_j = _jax(jax_side, x)
    rows_t = t.sum(dim=1, keepdim=True)
    norm_t = t / rows_t
    assert tuple(rows_t.shape) == rows_j.shape == (3, 1)
    golden = [[0.1667, 0.3333, 0.5000], [0.2667, 0.3333, 0.4000], [0.2917, 0.3333, 0.3750]]
    mode.assert_twins_close(norm_j, norm_t, golden, harness.printed(4), name="normalized")
    mode.assert_twins_close(sums_j, norm_t.sum(dim=1), [1, 1, 1], name="row sums")


def test_sum_without_keepdim_broadcasts_over_columns_not_rows(mode):
    # S1 949-952 claims (3,3) / (3,) "can't directly divide". It can, in both frameworks:
    # (3,) broadcasts as a row, so each *column* is divided by a row's sum (§5 item 33).
    x = mode.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    t = torch.tensor(x)
    wrong_t = t / t.sum(dim=1)
    mode.assert_twins_close(_jax(lambda a: a / jnp.sum(a, axis=1), x), wrong_t)
    mode.assert_close(wrong_t, t / t.sum(dim=1).reshape(1, 3))
    with pytest.raises(AssertionError):
        mode.assert_close(wrong_t, t / t.sum(dim=1, keepdim=True))


def test_row_standardisation_with_keepdim_seed(mode):
    # S1 966-995: centred rows are [-10, 0, 10], the unbiased row std is 10, normalised rows
    # are [-1, 0, 1] with means 0 and stds exactly 1.
    x = mode.array([[10.0, 20.0, 30.0], [15.0, 25.0, 35.0], [12.0, 22.0, 32.0]])
    t = torch.tensor(x)

    def standardise(a, mean, std):
        mu, sigma = mean(a, dim=1, keepdim=True), std(a, dim=1, keepdim=True)
        norm = (a - mu) / sigma
        return a - mu, mean(a - mu, dim=1), sigma, norm, mean(norm, dim=1), std(norm, dim=1)

    j = _jax(lambda a: standardise(a, F.mean, F.std), x)
    ref = standardise(t, torch.mean, torch.std)
    goldens = [
        [[-10, 0, 10]] * 3,
        [0, 0, 0],
        [[10], [10], [10]],
        [[-1, 0, 1]] * 3,
        [0] * 3,
        [1] * 3,
    ]
    names = ["centered", "centered means", "row std", "normalized", "means", "stds"]
    for value_j, value_t, golden, name in zip(j, ref, goldens, names, strict=True):
        mode.assert_twins_close(value_j, value_t, golden, name=name)


def test_feature_standardisation_dim0_keepdim_seed(mode):
    # S1 1767-1799: per-feature mean/std across 4 samples of 3 differently scaled features.
    x = mode.array(
        [[10.0, 100.0, 1000.0], [15.0, 150.0, 1500.0], [12.0, 120.0, 1200.0], [18.0, 180.0, 1800.0]]
    )
    t = torch.tensor(x)

    def standardise(a, mean, std):
        mu, sigma = mean(a, dim=0, keepdim=True), std(a, dim=0, keepdim=True)
        norm = (a - mu) / sigma
        return mu, sigma, norm, mean(norm, dim=0), std(norm, dim=0)

    mu_j, sigma_j, norm_j, means_j, stds_j = _jax(lambda a: standardise(a, F.mean, F.std), x)
    mu_t, sigma_t, norm_t, means_t, stds_t = standardise(t, torch.mean, torch.std)
    mode.assert_twins_close(mu_j, mu_t, [[13.75, 137.5, 1375.0]], name="feature_mean")
    mode.assert_twins_close(sigma_j, sigma_t, [[3.5, 35.0, 350.0]], name="feature_std")
    golden = np.repeat([[-1.0714], [0.3571], [-0.5000], [1.2143]], 3, axis=1)
    mode.assert_twins_close(norm_j, norm_t, golden, harness.printed(4), name="normalized")
    mode.assert_twins_close(means_j, means_t, [0, 0, 0], name="new means")
    mode.assert_twins_close(stds_j, stds_t, [1, 1, 1], name="new stds")


# --- all -------------------------------------------------------------------------------------


def test_all_over_tensor_and_dim(mode, rng):
    # S1 7073 `(probs >= 0).all()` and S1 6781 `(pre_activation < 0).all().item()`.
    logits = mode.array(rng.standard_normal((4, 5)))
    # Dead ReLU (S1 6761-6792): weight -1, bias -10 on |randn| inputs.
    x = np.abs(mode.array(rng.standard_normal((10, 5))))
    w, b = -np.ones((1, 5), dtype=mode.np), mode.array([-10.0])
    t = torch.tensor(logits)
    probs_t = torch.softmax(t, dim=1)
    pre_t = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))

    def jax_side(a, x, w, b):
        pre = x @ w.T + b
        return (
            jnp.all(F.softmax(a, dim=1) >= 0),
            jnp.all(a < 0),
            jnp.all(a > -1, axis=1),
            jnp.all(a > -1, axis=-2, keepdims=True),
            jnp.all(pre < 0),
            jnp.all(F.relu(pre) == 0),
        )

    j = _jax(jax_side, logits, x, w, b)
    harness.assert_twins_equal(j[0], (probs_t >= 0).all(), True)
    assert (probs_t >= 0).all().item() is True and bool(j[0]) is True
    harness.assert_twins_equal(j[1], (t < 0).all())
    harness.assert_twins_equal(j[2], (t > -1).all(dim=1))
    harness.assert_twins_equal(j[3], (t > -1).all(dim=-2, keepdim=True))
    harness.assert_twins_equal(j[4], (pre_t < 0).all(), True)
    harness.assert_twins_equal(j[5], (torch.relu(pre_t) == 0).all(), True)


# --- prod (S1 1506-1507, 1889-1890) ------------------------------------------------------------


def test_prod_all_and_per_dim_value_and_gradient(mode, rng):
    # Every dim form (None, each dim, negative, keepdim) with a random cotangent each.
    x = mode.array(rng.uniform(0.5, 1.5, size=(3, 4, 2)) * rng.choice([-1, 1], size=(3, 4, 2)))
    forms = [dict(), dict(dim=0), dict(dim=1), dict(dim=-1), dict(dim=1, keepdim=True)]
    shapes = [tuple(torch.prod(torch.tensor(x), **f).shape) for f in forms]
    cots = [mode.array(rng.normal(size=s)) for s in shapes]

    def jax_side(a, *cotangents):
        results = []
        for form, c in zip(forms, cotangents, strict=True):
            out, vjp = jax.vjp(lambda v, form=form: F.prod(v, **form), a)
            results.append((out, vjp(c)[0]))
        return results

    results = jax.jit(jax_side)(x, *cots)
    for form, c, (out_j, grad_j) in zip(forms, cots, results, strict=True):
        xt = torch.tensor(x, requires_grad=True)
        out_t = torch.prod(xt, **form)
        (out_t * torch.tensor(c)).sum().backward()
        mode.assert_close(out_j, out_t, name=f"prod({form})")
        mode.assert_close(grad_j, xt.grad, name=f"prod({form}) grad")
    mode.assert_close(F.prod(x, 1), torch.tensor(x).prod(1), name="Tensor.prod(1), eager")


def test_prod_gradient_with_zeros_is_the_product_of_the_others(mode):
    # One zero: its gradient is the product of the other elements (not 0/0); two zeros:
    # every gradient is 0. Per row with dim, and over everything without.
    rows = mode.array([[1.0, 2.0, 0.0, 4.0], [0.0, 2.0, 0.0, 4.0], [1.0, 2.0, 3.0, 4.0]])
    for form in (dict(dim=1), dict(dim=-1, keepdim=True)):
        xt = torch.tensor(rows, requires_grad=True)
        torch.prod(xt, **form).sum().backward()
        grad_j = jax.jit(jax.grad(lambda v, form=form: jnp.sum(F.prod(v, **form))))(rows)
        mode.assert_twins_close(
            grad_j, xt.grad, [[0, 0, 8, 0], [0, 0, 0, 0], [24, 12, 8, 6]], name=f"{form}"
        )
    for row, golden in zip(rows, ([0, 0, 8, 0], [0, 0, 0, 0], [24, 12, 8, 6]), strict=True):
        xt = torch.tensor(row, requires_grad=True)
        torch.prod(xt).backward()
        mode.assert_twins_close(jax.grad(F.prod)(row), xt.grad, golden, name=f"prod({row})")


def test_prod_of_integers_counts_in_int64_like_torch(mode):
    # torch widens int32, int8 and bool products to int64; jaxnn to int64 when 64-bit types
    # are on (the float64 mode) and to JAX's default int32 otherwise.
    wide = jnp.int64 if mode.name == "float64" else jnp.int32
    for values in (np.array([3, -2, 5], np.int32), np.array([2, 3, 4], np.int8)):
        out_t, out_j = torch.prod(torch.tensor(values)), F.prod(values)
        assert out_t.dtype == torch.int64 and out_j.dtype == wide
        harness.assert_twins_equal(out_j, out_t, int(np.prod(values)))
    flags = np.array([[True, True], [True, False]])
    out_t, out_j = torch.prod(torch.tensor(flags), 1), F.prod(flags, 1)
    assert out_t.dtype == torch.int64 and out_j.dtype == wide
    harness.assert_twins_equal(out_j, out_t, [1, 0])
    # dtype= casts first: an int product as a float.
    out_t = torch.prod(torch.tensor([2, 3]), dtype=mode.torch)
    out_j = F.prod(np.array([2, 3]), dtype=mode.jnp)
    assert out_j.dtype == mode.jnp and out_t.dtype == mode.torch
    harness.assert_twins_equal(out_j, out_t, 6.0)


def test_prod_0d_and_empty_inputs(mode):
    s, empty = mode.array(3.0), mode.array(np.ones((0, 3)))
    harness.assert_twins_equal(F.prod(s, 0), torch.prod(torch.tensor(s), 0), 3.0)
    assert F.prod(s, -1, keepdim=True).shape == tuple(torch.prod(torch.tensor(s), -1, True).shape)
    harness.assert_twins_equal(F.prod(empty, 0), torch.prod(torch.tensor(empty), 0), [1, 1, 1])
    harness.assert_twins_equal(F.prod(empty), torch.prod(torch.tensor(empty)), 1.0)


def test_prod_refuses_what_torch_refuses():
    x = np.ones((2, 3))
    with pytest.raises(TypeError, match=r"dim must be a single int .* got \(0, 1\)"):
        F.prod(x, dim=(0, 1))
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        torch.prod(torch.tensor(x), dim=(0, 1))
    with pytest.raises(TypeError, match="keepdim needs a dim"):
        F.prod(x, keepdim=True)
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        torch.prod(torch.tensor(x), keepdim=True)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.prod(x, 2)
