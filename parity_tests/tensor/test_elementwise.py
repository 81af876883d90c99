"""Parity tests for inventory §1.5: element-wise math, comparisons, casts, torch-level
activations, and in-place ops re-expressed functionally.

Notebook lines: S0 52; S1 1379-1381, 1857-1876, 2563-2565, 2832, 2858-2860, 2903, 3136,
6621-6652, 6768-6770, 7056-7109, 7086, 9688-9723 (in-place update loop); S2 240;
S4 717, 1893-1897, 1997, 2147.

JAX has no in-place ops: ``x -= v`` is ``x = x - v`` (a new array; other names for the old
one keep the old values), ``t.fill_(v)`` is ``jnp.full_like``, ``t.zero_()`` is
``jnp.zeros_like``. dtypes are compared only where a test is about dtypes.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jaxnn import functional as jf
from twincore import harness

from .components import ELEMENTWISE

pytestmark = ELEMENTWISE

# (name, torch expression, JAX expression) on two inputs x, y; y is kept away from 0.
BINARY_OPS = [
    ("add_scalar", lambda x, y: x + 2, lambda x, y: x + 2),
    ("sub", lambda x, y: x - y, lambda x, y: x - y),
    ("mul", lambda x, y: x * y, lambda x, y: x * y),
    ("div", lambda x, y: x / y, lambda x, y: x / y),
    ("rdiv_scalar", lambda x, y: 1 / y, lambda x, y: 1 / y),
    ("neg", lambda x, y: -x, lambda x, y: -x),
    ("square", lambda x, y: x**2, lambda x, y: x**2),
    ("cube", lambda x, y: x**3, lambda x, y: x**3),
    ("shifted_square", lambda x, y: (x - 3) ** 2, lambda x, y: (x - 3) ** 2),  # S1 9707
    ("pow_method", lambda x, y: x.pow(2), lambda x, y: jnp.power(x, 2)),  # S4 1997
    ("sqrt_pow", lambda x, y: y.abs() ** 0.5, lambda x, y: jnp.abs(y) ** 0.5),
    ("abs", lambda x, y: x.abs(), lambda x, y: jnp.abs(x)),
    ("exp", lambda x, y: torch.exp(x), lambda x, y: jnp.exp(x)),  # S1 7086
    ("poly", lambda x, y: 3 * x**2 + 2 * x + 1, lambda x, y: 3 * x**2 + 2 * x + 1),  # S1 2832
    (
        "two_vars",  # S1 2903
        lambda x, y: x**2 + 3 * x * y + y**2,
        lambda x, y: x**2 + 3 * x * y + y**2,
    ),
    (
        "chain",  # S1 2858-2860
        lambda x, y: (x**2 + 1) ** 3,
        lambda x, y: (x**2 + 1) ** 3,
    ),
]


def _inputs(mode, rng):
    x = mode.array(rng.standard_normal((3, 4)))
    y = mode.array(rng.uniform(0.5, 2.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4)))
    return x, y


def _value_and_grads(jax_fn, argnums):
    """One compiled program for an expression and the gradients of its sum (fast to run)."""

    def both(*args):
        return jax_fn(*args), jax.grad(lambda *a: jax_fn(*a).sum(), argnums=argnums)(*args)

    return jax.jit(both)


@pytest.mark.parametrize("name,torch_fn,jax_fn", BINARY_OPS, ids=[op[0] for op in BINARY_OPS])
def test_arithmetic_value_and_gradient(mode, rng, name, torch_fn, jax_fn):
    x, y = _inputs(mode, rng)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.tensor(y, requires_grad=True)
    t_out = torch_fn(tx, ty)
    j_out, (j_gx, j_gy) = _value_and_grads(jax_fn, (0, 1))(jnp.asarray(x), jnp.asarray(y))
    mode.assert_close(j_out, t_out.detach(), name=name)
    t_out.sum().backward()
    # torch leaves .grad as None for an input the expression does not use; JAX gives zeros.
    t_gx = tx.grad if tx.grad is not None else torch.zeros_like(tx)
    t_gy = ty.grad if ty.grad is not None else torch.zeros_like(ty)
    mode.assert_close(j_gx, t_gx, name=f"{name} d/dx")
    mode.assert_close(j_gy, t_gy, name=f"{name} d/dy")


def test_abs_gradient_at_zero_differs(mode):
    x = mode.array([0.0, -1.0, 2.0])
    t = torch.tensor(x, requires_grad=True)
    t.abs().sum().backward()
    j_grad = jax.grad(lambda v: jnp.abs(v).sum())(jnp.asarray(x))
    # torch uses sign(x), so 0 at 0; JAX's abs takes the +1 branch at 0.
    harness.assert_equal(t.grad, [0.0, -1.0, 1.0])
    harness.assert_equal(j_grad, [1.0, -1.0, 1.0])
    # Away from 0 they agree; the twin of torch's subgradient is sign(x).
    harness.assert_equal(jnp.sign(jnp.asarray(x)), t.grad)


def test_special_values_match(mode):
    x = mode.array([-1.0, 0.0, 1.0, np.inf, np.nan])
    t, j = torch.tensor(x), jnp.asarray(x)
    mode.assert_close(j**0.5, t**0.5)  # nan for -1 in both
    mode.assert_close(1 / j, 1 / t)  # inf for 0
    mode.assert_close(jnp.exp(j), torch.exp(t))
    mode.assert_close(j / 0.0, t / 0.0)
    mode.assert_close(-j, -t)


def test_pow_half_of_minus_inf_differs(mode):
    x = mode.array([-np.inf, 4.0])
    t, j = torch.tensor(x), jnp.asarray(x)
    # torch computes x ** 0.5 as sqrt(x): nan at -inf. JAX's ** is C pow, and
    # pow(-inf, 0.5) is +inf by IEEE 754 / C99. jnp.sqrt is the twin that matches.
    mode.assert_close(t**0.5, [np.nan, 2.0])
    mode.assert_close(j**0.5, [np.inf, 2.0])
    mode.assert_close(jnp.sqrt(j), t**0.5)


def test_integer_arithmetic_matches():
    a = np.array([-7, -1, 0, 5, 7])
    t, j = torch.tensor(a), jnp.asarray(a)
    harness.assert_equal(j // 2, t // 2)  # floor division in both
    harness.assert_equal(j % 3, t % 3)  # Python-style remainder in both
    harness.assert_equal(j**2, t**2)
    harness.assert_equal(j * 3 - 1, t * 3 - 1)
    harness.assert_equal(jnp.abs(j), t.abs())
    # True division of ints gives floats on both sides (torch: float32; jnp: float32 or
    # float64 under x64); values agree.
    harness.assert_close(j / 2, t / 2, harness.tolerance("float32"))


def test_integer_error_cases_differ():
    t, j = torch.tensor([2, 3]), jnp.asarray([2, 3])
    with pytest.raises(RuntimeError, match="negative integer powers"):
        t**-1
    with pytest.raises(TypeError, match="negative powers"):
        j**-1
    # Integer division by zero raises in torch; XLA returns an unspecified value instead.
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        t // 0
    assert (j // 0).shape == (2,)


# ---------------------------------------------------------------------------- comparisons, casts


def test_comparisons_return_bool_seed_values():
    predictions = np.array([0, 1, 2, 1, 0, 2, 1, 0])  # S1 1857-1858
    targets = np.array([0, 1, 2, 2, 0, 2, 1, 1])
    tp, tt = torch.tensor(predictions), torch.tensor(targets)
    jp, jt = jnp.asarray(predictions), jnp.asarray(targets)
    t_correct, j_correct = tp == tt, jp == jt
    derived = [True, True, True, False, True, True, True, False]  # §3.2 S1 1854-1879
    harness.assert_equal(t_correct, derived)
    harness.assert_equal(j_correct, derived)
    assert t_correct.dtype == torch.bool and j_correct.dtype == jnp.bool_  # S1 1867
    harness.assert_equal(t_correct.sum(), 6)
    harness.assert_equal(j_correct.sum(), 6)
    # S1 1876: .float() before .mean(); the twin casts with astype.
    t_acc, j_acc = t_correct.float().mean(), j_correct.astype(jnp.float32).mean()
    assert t_correct.float().dtype == torch.float32
    assert j_correct.astype(jnp.float32).dtype == jnp.float32
    harness.assert_equal(t_acc, 0.75)
    harness.assert_equal(j_acc, 0.75)


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a == b,
        lambda a, b: a != b,
        lambda a, b: a > b,
        lambda a, b: a < b,
        lambda a, b: a >= b,
        lambda a, b: a <= b,
    ],
    ids=["eq", "ne", "gt", "lt", "ge", "le"],
)
def test_comparison_operators_match(mode, op):
    a = mode.array([[1.0, 2.0, 3.0], [np.nan, -0.0, 5.0]])
    b = mode.array([2.0, 2.0, 0.0])  # broadcasts; includes ties, NaN and -0.0 == 0.0
    t, j = op(torch.tensor(a), torch.tensor(b)), op(jnp.asarray(a), jnp.asarray(b))
    assert t.dtype == torch.bool and j.dtype == jnp.bool_
    harness.assert_equal(j, t)


def test_all_any_on_bool_tensors():
    mask = np.array([True, True, True, True, True])  # S4 1893-1897
    t, j = torch.tensor(mask), jnp.asarray(mask)
    harness.assert_equal(t, mask)
    harness.assert_equal(torch.sum(t), 5)
    harness.assert_equal(jnp.sum(j), 5)
    harness.assert_equal(j.all(), t.all())
    mixed = np.array([True, False])
    harness.assert_equal(jnp.asarray(mixed).all(), torch.tensor(mixed).all())
    harness.assert_equal(jnp.asarray(mixed).any(), torch.tensor(mixed).any())


def test_float_cast_of_ints_and_bools(mode):
    ints = np.array([2, 3, 5])
    t, j = torch.tensor(ints).float(), jnp.asarray(ints).astype(jnp.float32)
    assert t.dtype == torch.float32 and j.dtype == jnp.float32
    harness.assert_equal(j, t)
    preds = mode.array([0.2, 0.7, 0.5, 0.9])  # S1 6228: (predictions > 0.5).float()
    t_hard = (torch.tensor(preds) > 0.5).float()
    j_hard = (jnp.asarray(preds) > 0.5).astype(jnp.float32)
    harness.assert_equal(t_hard, [0.0, 1.0, 0.0, 1.0])
    harness.assert_equal(j_hard, t_hard)
    # .double() <-> astype(float64), which needs x64 on the JAX side.
    if mode.name == "float64":
        assert jnp.asarray(ints).astype(jnp.float64).dtype == jnp.float64
    assert torch.tensor(ints).double().dtype == torch.float64


def test_bool_negation_raises_in_both():
    with pytest.raises(RuntimeError, match="Negation"):
        -torch.tensor([True, False])
    with pytest.raises(TypeError, match="bool"):
        -jnp.asarray([True, False])
    harness.assert_equal(~jnp.asarray([True, False]), ~torch.tensor([True, False]))


def test_mixed_precision_promotion_differs_for_0d_tensors():
    with jax.enable_x64(True):
        t = torch.ones(3) + torch.tensor(1.0, dtype=torch.float64)
        j = jnp.ones(3, dtype=jnp.float32) + jnp.asarray(1.0, dtype=jnp.float64)
        # torch lets a 0-d tensor of the same category not widen the result; JAX promotes
        # float32 with a float64 array to float64. Values agree.
        assert t.dtype == torch.float32
        assert j.dtype == jnp.float64
        harness.assert_equal(j, t)
        # Integer true division: torch's default float32; jnp float64 under x64.
        ti, ji = torch.tensor([1, 2, 3]) / 2, jnp.asarray([1, 2, 3]) / 2
        assert ti.dtype == torch.float32 and ji.dtype == jnp.float64
        harness.assert_equal(ji, ti)


# ---------------------------------------------------------------------------- activations


def test_torch_relu_seed_values(mode):
    x = mode.array([-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0])  # S1 6627
    t, j = torch.relu(torch.tensor(x)), jf.relu(jnp.asarray(x))
    derived = [0.0, 0.0, 0.0, 0.0, 0.5, 1.5, 3.0]  # §3.2 S1 6621-6638
    harness.assert_equal(t, derived)
    harness.assert_equal(j, derived)
    t_line = torch.relu(torch.linspace(-5, 5, 100, dtype=mode.torch))  # S1 6642
    j_line = jf.relu(jnp.linspace(-5, 5, 100, dtype=mode.jnp))
    mode.assert_close(j_line, t_line)
    harness.assert_equal((t_line == 0).sum(), 50)  # §3.2 S1 6640-6652
    harness.assert_equal((j_line == 0).sum(), 50)
    harness.assert_equal((t_line > 0).sum(), 50)
    harness.assert_equal((j_line > 0).sum(), 50)


@pytest.mark.parametrize(
    "name,torch_fn,jax_fn",
    [
        ("relu", torch.relu, jf.relu),  # S2 240, S1 1381
        ("sigmoid", torch.sigmoid, jax.nn.sigmoid),  # S4 717
        ("softmax_dim1", lambda x: torch.softmax(x, dim=1), lambda x: jf.softmax(x, dim=1)),
        ("softmax_dim0", lambda x: torch.softmax(x, dim=0), lambda x: jf.softmax(x, dim=0)),
        ("softmax_dim-1", lambda x: torch.softmax(x, dim=-1), lambda x: jf.softmax(x, dim=-1)),
    ],
)
def test_torch_level_activations_value_and_gradient(mode, rng, name, torch_fn, jax_fn):
    x = mode.array(rng.standard_normal((4, 5)) * 3.0)
    x[0, 0] = 0.0  # relu's kink: both define the gradient there as 0
    w = mode.array(rng.standard_normal((4, 5)))  # a weighted sum, so softmax grads are not 0
    t = torch.tensor(x, requires_grad=True)
    t_out = torch_fn(t)
    (t_out * torch.tensor(w)).sum().backward()
    j_out, j_grad = _value_and_grads(lambda v, u: jax_fn(v) * u, 0)(jnp.asarray(x), jnp.asarray(w))
    mode.assert_close(j_out, (t_out * torch.tensor(w)).detach(), name=name)
    mode.assert_close(j_grad, t.grad, name=f"{name} grad")


def test_torch_softmax_seed_values(mode):
    logits = mode.array([2.0, 1.0, 0.1])  # S1 7075
    t = torch.softmax(torch.tensor(logits), dim=0)
    j = jf.softmax(jnp.asarray(logits), dim=0)
    derived = [0.6590, 0.2424, 0.0986]  # §3.2 S1 7056-7109
    harness.assert_close(t, derived, harness.printed(4))
    harness.assert_close(j, derived, harness.printed(4))
    mode.assert_close(j, t)
    exps = [7.3891, 2.7183, 1.1052]  # §3.2 S1 7086: torch.exp(logits)
    harness.assert_close(torch.exp(torch.tensor(logits)), exps, harness.printed(4))
    harness.assert_close(jnp.exp(jnp.asarray(logits)), exps, harness.printed(4))
    mode.assert_close(t.sum(), 1.0)
    mode.assert_close(j.sum(), 1.0)


# ---------------------------------------------------------------------------- in-place ops


def test_in_place_subtract_is_a_rebinding_in_jax(mode):
    x = mode.array([1.0, 2.0, 3.0])
    grad = mode.array([0.5, -1.0, 2.0])
    t = torch.tensor(x)
    t_alias = t
    t -= 0.1 * torch.tensor(grad)  # in place: every name for t sees the update
    j = jnp.asarray(x)
    j_alias = j
    j = j - 0.1 * jnp.asarray(grad)  # a new array bound to j; j_alias keeps the old one
    mode.assert_close(j, t)
    mode.assert_close(t_alias, t)
    harness.assert_equal(j_alias, x)


def test_in_place_int_update_cannot_change_dtype_in_torch():
    t, j = torch.tensor([1, 2, 3]), jnp.asarray([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 1.5  # in place keeps int64, and float cannot be stored in it
    j = j + 1.5  # rebinding may change the dtype
    harness.assert_equal(j, [2.5, 3.5, 4.5])
    harness.assert_equal(j, torch.tensor([1, 2, 3]) + 1.5)


def test_fill_and_zero_are_full_like_and_zeros_like(mode, rng):
    weight = mode.array(rng.standard_normal((1, 5)))  # S1 6768-6770
    bias = mode.array(rng.standard_normal(1))
    tw, tb = torch.tensor(weight), torch.tensor(bias)
    with torch.no_grad():
        tw.fill_(-1.0)
        tb.fill_(-10.0)
    jw, jb = jnp.full_like(jnp.asarray(weight), -1.0), jnp.full_like(jnp.asarray(bias), -10.0)
    harness.assert_equal(jw, tw)
    harness.assert_equal(jb, tb)
    assert jw.dtype == mode.jnp  # full_like keeps the dtype, as fill_ does
    grad = torch.tensor(mode.array([2.0, 4.0]))  # S1 3136: x.grad.zero_()
    grad.zero_()
    harness.assert_equal(jnp.zeros_like(jnp.asarray(mode.array([2.0, 4.0]))), grad)


def test_gradient_descent_loop_with_in_place_update(mode):
    # S1 9688-9723: x -= lr * x.grad under no_grad, then x.grad.zero_(); the JAX twin
    # rebinds x = x - lr * grad(f)(x) and has no .grad to zero.
    lr = 0.1
    x = torch.tensor(mode.array([0.0]), requires_grad=True)
    xj = jnp.asarray(mode.array([0.0]))

    def f(v):
        return ((v - 3) ** 2).sum()

    grad_f = jax.jit(jax.grad(f))
    printed = {}
    for step in range(20):
        fx = (x - 3) ** 2
        fx.sum().backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
        fj = f(xj)
        xj = xj - lr * grad_f(xj)
        mode.assert_close(fj, fx.detach().sum(), name=f"f at step {step}")
        mode.assert_close(xj, x.detach(), name=f"x after step {step}")
        if step % 5 == 0:
            printed[step] = (x.item(), fx.item(), float(xj[0]), float(fj))
    derived = {  # §3.2 S1 9688-9723: x_after = 3 - 3 * 0.8**(s + 1), f_before = 9 * 0.64**s
        0: (0.6000, 9.0000),
        5: (2.2136, 0.9664),
        10: (2.7423, 0.1038),
        15: (2.9156, 0.0111),
    }
    for step, (x_after, f_before) in derived.items():
        t_x, t_f, j_x, j_f = printed[step]
        for value, expected in [(t_x, x_after), (j_x, x_after), (t_f, f_before), (j_f, f_before)]:
            harness.assert_close(value, expected, harness.printed(4), name=f"step {step}")
    harness.assert_close(x.item(), 2.9654, harness.printed(4), name="final x")
    harness.assert_close(float(xj[0]), 2.9654, harness.printed(4), name="final x")
