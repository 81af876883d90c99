"""The matrix-multiplication family: mm, matmul / @, dot, batched and broadcast (inventory §1.8).

Notebook lines: S1 1069-1450 (mm, matmul, vector cases, batches, linear layer, manual MLP,
simplified attention); S4 337-344 (int64 dot), 556-568 (matrix1 @ matrix2), 1955-1973
(CS336 shapes). Golden values are the notebooks' printed ones (§3.1) and the §3.2 derived ones,
each checked against real torch 2.13 first.

The twins are ``jnp.matmul`` / ``@`` and ``jnp.dot``: they compute the same products, but
``jnp`` is more permissive (no 2-D-only ``mm``, ``dot`` accepts any rank, mixed dtypes are
promoted); the tests document each case.

The notebook's MLP and attention draw unscaled ``randn`` weights. With them the MLP's outputs
reach ~100, so float32 summation-order differences exceed the harness's O(1)-scale float32
tolerance, and the attention softmax saturates to nearly one-hot (§5 item 34). Those
notebook-scale runs are checked in float64 only; both modes run with weights scaled by
1/sqrt(fan_in), which keeps every value O(1).

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

from .components import MATMUL

pytestmark = MATMUL

float64_only = pytest.mark.parametrize("mode", ["float64"], indirect=True)


def _jax(fn, *arrays):
    """The JAX side of a test, jitted as one program over the NumPy inputs."""
    return jax.jit(fn)(*arrays)


# --- mm / matmul / @ -------------------------------------------------------------------------


def test_mm_seed_values_and_manual_entries(mode):
    # S1 1073-1126: (3,4) @ (4,2); C[0,0] = 50 and C[1,1] = 140 checked by hand in the notebook.
    a = mode.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    b = mode.array([[1, 2], [3, 4], [5, 6], [7, 8]])
    c_t = torch.mm(torch.tensor(a), torch.tensor(b))
    c_j, c00_j = _jax(lambda p, q: (jnp.matmul(p, q), jnp.dot(p[0, :], q[:, 0])), a, b)
    mode.assert_twins_close(c_j, c_t, [[50, 60], [114, 140], [178, 220]], name="mm")
    assert c_t[0, 0].item() == float(c_j[0, 0]) == 50.0
    assert c_t[1, 1].item() == float(c_j[1, 1]) == 140.0
    mode.assert_close(c00_j, c_t[0, 0])


def test_mm_random_shapes_and_shape_errors(mode, rng):
    # S1 1128-1147: (3,5) @ (5,2) -> (3,2); mismatched inner dims raise in both.
    x, y = mode.array(rng.standard_normal((3, 5))), mode.array(rng.standard_normal((5, 2)))
    x_t = torch.tensor(x)
    mode.assert_twins_close(_jax(jnp.matmul, x, y), torch.mm(x_t, torch.tensor(y)))
    z = mode.array(rng.standard_normal((3, 7)))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        torch.mm(x_t, torch.tensor(z))
    with pytest.raises(TypeError, match="contracting dimensions"):
        jnp.matmul(x, z)


def test_mm_is_2d_only_but_jnp_matmul_is_not(mode):
    # S1 1214: torch.mm(vector, matrix) errors; jnp has no 2-D-only twin, jnp.matmul accepts it.
    v, m = mode.array([1, 2, 3]), mode.array(np.ones((3, 2)))
    v_t, m_t = torch.tensor(v), torch.tensor(m)
    with pytest.raises(RuntimeError, match="must be a matrix"):
        torch.mm(v_t, m_t)
    mode.assert_twins_close(_jax(jnp.matmul, v, m), torch.matmul(v_t, m_t))


def test_matmul_operator_and_mm_agree_exactly(mode):
    # S1 1158-1183: matmul, @ and mm give [[58,64],[139,154]]; "All equal? True".
    a, b = mode.array([[1, 2, 3], [4, 5, 6]]), mode.array([[7, 8], [9, 10], [11, 12]])
    a_t, b_t = torch.tensor(a), torch.tensor(b)
    r1, r2, r3 = torch.matmul(a_t, b_t), a_t @ b_t, torch.mm(a_t, b_t)
    assert torch.equal(r1, r2) and torch.equal(r2, r3)
    j1, j2, j3 = _jax(lambda p, q: (jnp.matmul(p, q), p @ q, jnp.dot(p, q)), a, b)
    harness.assert_equal(j1, j2)
    harness.assert_equal(j2, j3)
    mode.assert_twins_close(j1, r1, [[58, 64], [139, 154]])


def test_vector_matrix_and_matrix_vector(mode):
    # S1 1185-1227: (3,) @ (3,2) -> (2,) = [22, 28]; (2,3) @ (3,) -> (2,) = [14, 32].
    v, m, m2 = (
        mode.array([1, 2, 3]),
        mode.array([[1, 2], [3, 4], [5, 6]]),
        mode.array([[1, 2, 3], [4, 5, 6]]),
    )
    v_t, m_t, m2_t = torch.tensor(v), torch.tensor(m), torch.tensor(m2)
    vm_j, mv_j = _jax(lambda p, q, r: (p @ q, r @ p), v, m, m2)
    mode.assert_twins_close(vm_j, v_t @ m_t, [22, 28], name="vector @ matrix")
    mode.assert_twins_close(mv_j, m2_t @ v_t, [14, 32], name="matrix @ vector")


def test_vector_vector_is_a_0d_dot_product(mode):
    # S1 1229-1247: v1 @ v2 = 32.0, shape (); torch.dot gives the same; "Same result? True".
    v1, v2 = mode.array([1, 2, 3]), mode.array([4, 5, 6])
    v1_t, v2_t = torch.tensor(v1), torch.tensor(v2)
    d_t = v1_t @ v2_t
    d_j, dot_j = _jax(lambda p, q: (p @ q, jnp.dot(p, q)), v1, v2)
    mode.assert_twins_close(d_j, d_t, 32.0)
    assert tuple(d_t.shape) == d_j.shape == ()
    mode.assert_twins_close(dot_j, torch.dot(v1_t, v2_t), 32.0)
    assert (d_t == torch.dot(v1_t, v2_t)).item()
    harness.assert_equal(d_j, dot_j)


def test_dot_int64_seed_s4():
    # S4 337-344: torch.dot([1,2,3], [4,5,6]) printed tensor(32), an int64 result.
    t1, t2 = np.array([1, 2, 3]), np.array([4, 5, 6])
    d_t, d_j = torch.dot(torch.tensor(t1), torch.tensor(t2)), _jax(jnp.dot, t1, t2)
    harness.assert_equal(d_j, d_t)
    harness.assert_equal(d_t, 32)
    harness.assert_equal(d_j, 32)
    assert d_t.dtype == torch.int64 and jnp.issubdtype(d_j.dtype, jnp.integer)


def test_dot_strictness_differs_mixed_dtypes_and_2d(mode):
    # torch.dot and @ refuse int @ float and torch.dot refuses 2-D; jnp promotes int to float
    # and jnp.dot on 2-D is a matrix product.
    i, f, m = np.array([1, 2, 3]), mode.array([4, 5, 6]), mode.array([[1, 2], [3, 4]])
    i_t, f_t, m_t = torch.tensor(i), torch.tensor(f), torch.tensor(m)
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.dot(i_t, f_t)
    with pytest.raises(RuntimeError, match="same dtype"):
        i_t @ f_t
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        torch.dot(m_t, m_t)
    mixed_j, square_j = _jax(lambda p, q, r: (jnp.dot(p, q), jnp.dot(r, r)), i, f, m)
    mode.assert_twins_close(mixed_j, torch.dot(i_t.to(mode.torch), f_t), 32.0)
    mode.assert_twins_close(square_j, torch.mm(m_t, m_t))


def test_integer_matmul_seed_s4():
    # S4 556-568: matrix1 @ matrix2 printed [[14, 32], [32, 77]], torch.Size([2, 2]).
    # matrix2 is undefined in the notebook; its prose (S4 578-582) makes it matrix1.T (§5 item 12).
    m1 = np.array([[1, 2, 3], [4, 5, 6]])
    m1_t = torch.tensor(m1)
    r_t, r_j = m1_t @ m1_t.T, _jax(lambda p: p @ p.T, m1)
    harness.assert_equal(r_j, r_t)
    harness.assert_equal(r_t, [[14, 32], [32, 77]])
    harness.assert_equal(r_j, [[14, 32], [32, 77]])
    assert tuple(r_t.shape) == r_j.shape == (2, 2)
    assert r_t.dtype == torch.int64 and jnp.issubdtype(r_j.dtype, jnp.integer)


# --- batched and broadcast -------------------------------------------------------------------


def test_batched_matmul_seed_values(mode):
    # S1 1249-1293: (3,2,3) @ (3,3,2) -> (3,2,2); batch[0] equals the single product.
    a = mode.array(np.arange(1, 19).reshape(3, 2, 3))
    b = mode.array(np.arange(1, 19).reshape(3, 3, 2))
    a_t, b_t = torch.tensor(a), torch.tensor(b)
    r_t = a_t @ b_t
    r_j, first_j = _jax(lambda p, q: (p @ q, p[0] @ q[0]), a, b)
    golden = [[[22, 28], [49, 64]], [[220, 244], [301, 334]], [[634, 676], [769, 820]]]
    mode.assert_twins_close(r_j, r_t, golden, name="batch")
    assert torch.equal(a_t[0] @ b_t[0], r_t[0])
    harness.assert_equal(first_j, r_j[0])
    mode.assert_twins_close(r_j, torch.bmm(a_t, b_t))


def test_batch_times_single_matrix_broadcasts(mode, rng):
    # S1 1295-1317: (4,3,2) @ (2,5) -> (4,3,5), i.e. result[i] = batch[i] @ single.
    batch, single = (
        mode.array(rng.standard_normal((4, 3, 2))),
        mode.array(rng.standard_normal((2, 5))),
    )
    # Leading dims broadcast on both sides too: (4,1,3,2) @ (5,2,6) -> (4,5,3,6).
    c, d = mode.array(rng.standard_normal((4, 1, 3, 2))), mode.array(rng.standard_normal((5, 2, 6)))
    r_t = torch.tensor(batch) @ torch.tensor(single)

    def jax_side(b, s, c, d):
        return b @ s, jax.vmap(lambda m: m @ s)(b), c @ d

    r_j, looped_j, cd_j = _jax(jax_side, batch, single, c, d)
    mode.assert_twins_close(r_j, r_t)
    assert tuple(r_t.shape) == r_j.shape == (4, 3, 5)
    mode.assert_close(looped_j, r_j)
    mode.assert_twins_close(cd_j, torch.tensor(c) @ torch.tensor(d))


def test_cs336_shapes_2d_and_4d_at_2d_seed_s4(mode, rng):
    # S4 1955-1973: ones(16,32) @ ones(32,2) has size [16, 2]; ones(4,8,16,32) @ ones(32,2)
    # has size [4, 8, 16, 2]; every value is 32.
    w = mode.array(np.ones((32, 2)))
    x2, x4 = mode.array(np.ones((16, 32))), mode.array(np.ones((4, 8, 16, 32)))
    xr, wr = (
        mode.array(rng.standard_normal((4, 8, 16, 32)) / 8),
        mode.array(rng.standard_normal((32, 2))),
    )
    j = _jax(lambda a, b, c, p, q: (a @ p, b @ p, c @ q), x2, x4, xr, w, wr)
    w_t = torch.tensor(w)
    for x, y_j, size in [(x2, j[0], (16, 2)), (x4, j[1], (4, 8, 16, 2))]:
        y_t = torch.tensor(x) @ w_t
        assert tuple(y_t.size()) == y_j.shape == size
        mode.assert_twins_close(y_j, y_t, np.full(size, 32.0))
    mode.assert_twins_close(j[2], torch.tensor(xr) @ torch.tensor(wr))


def test_matmul_empty_batch(mode):
    x, w = mode.array(np.ones((0, 3))), mode.array(np.ones((3, 2)))
    mode.assert_twins_close(_jax(jnp.matmul, x, w), torch.tensor(x) @ torch.tensor(w))


# --- neural-network uses ---------------------------------------------------------------------


def test_manual_linear_x_at_w_plus_b_and_nn_linear_layout(mode, rng):
    # S1 1319-1368: y = x @ W + b with W (in, out); nn.Linear keeps weight (out, in) and
    # computes y = x @ W.T + b (S0 262-265). The same numbers in both layouts agree.
    x = mode.array(rng.standard_normal((32, 10)))
    w_in_out = mode.array(rng.standard_normal((10, 5)))
    b = mode.array(rng.standard_normal(5))
    x_t, b_t = torch.tensor(x), torch.tensor(b)
    y_t = x_t @ torch.tensor(w_in_out) + b_t

    layer = torch.nn.Linear(10, 5, dtype=mode.torch)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(w_in_out.T))
        layer.bias.copy_(b_t)
    weight_out_in = layer.weight.detach().numpy()
    assert weight_out_in.shape == (5, 10)
    y_layer = layer(x_t)

    y_j, y_linear_j = _jax(
        lambda p, w, w_oi, c: (p @ w + c, p @ w_oi.T + c), x, w_in_out, weight_out_in, b
    )
    mode.assert_twins_close(y_j, y_t, name="x @ W + b")
    assert tuple(y_t.shape) == y_j.shape == (32, 5)
    mode.assert_twins_close(y_linear_j, y_layer, name="nn.Linear")
    mode.assert_close(y_layer, y_t)


def _mlp_params(mode, rng, scaled):
    sizes = [(20, 15), (15, 10), (10, 3)]
    params = []
    for fan_in, fan_out in sizes:
        scale = 1 / np.sqrt(fan_in) if scaled else 1.0
        params += [
            mode.array(rng.standard_normal((fan_in, fan_out)) * scale),
            mode.array(rng.standard_normal(fan_out)),
        ]
    return mode.array(rng.standard_normal((16, 20))), params


def _mlp(x, params, relu):
    w1, b1, w2, b2, w3, b3 = params
    h1 = relu(x @ w1 + b1)  # (16, 15)
    h2 = relu(h1 @ w2 + b2)  # (16, 10)
    return h2 @ w3 + b3  # (16, 3)


def _check_mlp(mode, x, params):
    params_t = [torch.tensor(p, requires_grad=True) for p in params]
    out_t = _mlp(torch.tensor(x), params_t, torch.relu)
    (out_t**2).sum().backward()

    def loss(ps, x):
        out = _mlp(x, ps, F.relu)
        return jnp.sum(out**2), out

    (_, out_j), grads_j = _jax(jax.value_and_grad(loss, has_aux=True), params, x)
    mode.assert_twins_close(out_j, out_t, name="mlp output")
    assert tuple(out_t.shape) == out_j.shape == (16, 3)
    for k, (g_j, p_t) in enumerate(zip(grads_j, params_t, strict=True)):
        mode.assert_close(g_j, p_t.grad, name=f"d param {k}")


def test_manual_mlp_by_matmuls_forward_and_grad(mode, rng):
    # S1 1370-1401: 20 -> 15 -> 10 -> 3 by matmuls and ReLU, with O(1)-scaled weights.
    _check_mlp(mode, *_mlp_params(mode, rng, scaled=True))


@float64_only
def test_manual_mlp_by_matmuls_seed_scale_float64(mode, rng):
    # The notebook's unscaled randn weights (outputs ~100): the algorithm check in float64.
    _check_mlp(mode, *_mlp_params(mode, rng, scaled=False))


def _attention(x, w_q, w_k, w_v, softmax, transpose):
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (B, T, D) each
    scores = q @ transpose(k)  # (B, T, T)
    weights = softmax(scores / (x.shape[-1] ** 0.5))  # (B, T, T), rows sum to 1
    return weights @ v, weights  # (B, T, D)


def _check_attention(mode, rng, weight_scale):
    # S1 1403-1450: B=2, T=8, D=64; K.transpose(-2, -1); softmax over the last dim.
    x = mode.array(rng.standard_normal((2, 8, 64)))
    ws = [mode.array(rng.standard_normal((64, 64)) * weight_scale) for _ in range(3)]
    ws_t = [torch.tensor(w, requires_grad=True) for w in ws]
    out_t, weights_t = _attention(
        torch.tensor(x), *ws_t, lambda s: torch.softmax(s, dim=-1), lambda k: k.transpose(-2, -1)
    )
    (out_t**2).mean().backward()

    def loss(ws, x):
        out, weights = _attention(
            x, *ws, lambda s: F.softmax(s, dim=-1), lambda k: jnp.swapaxes(k, -2, -1)
        )
        return jnp.mean(out**2), (out, weights)

    (_, (out_j, weights_j)), grads_j = _jax(jax.value_and_grad(loss, has_aux=True), ws, x)
    assert tuple(out_t.shape) == out_j.shape == (2, 8, 64)
    assert tuple(weights_t.shape) == weights_j.shape == (2, 8, 8)
    mode.assert_twins_close(weights_j, weights_t, name="attention weights")
    mode.assert_twins_close(out_j, out_t, name="attention output")
    for name, g_j, w_t in zip(("W_q", "W_k", "W_v"), grads_j, ws_t, strict=True):
        mode.assert_close(g_j, w_t.grad, name=f"d {name}")


def test_simplified_attention_forward_and_grad(mode, rng):
    # Weights scaled by 1/sqrt(D): scores/sqrt(D) are O(1), the softmax is not saturated.
    _check_attention(mode, rng, weight_scale=1 / 8)


@float64_only
def test_simplified_attention_seed_scale_float64(mode, rng):
    # The notebook's unscaled randn(64, 64): scores/sqrt(D) have std ~64 and the softmax is
    # nearly one-hot (§5 item 34), so tiny score differences move the weights; float64 only.
    _check_attention(mode, rng, weight_scale=1.0)
