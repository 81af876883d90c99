"""Autograd twins, gradients of scalar functions: ``backward`` / ``autograd.grad`` vs ``jax.grad``.

Inventory §1.10 (backward on a scalar, functional grad, chain-rule examples) with the
golden values of §3.1 and §3.2 (each §3.2 value re-run with torch 2.13 before use):
S0 49-64; S2 31-41; S4 348-351, 709-786, 1991-2004; S1 2799-2993, 3053-3078, 3321-3395,
3456-3499.

torch stores a gradient as a side effect in ``leaf.grad``; ``jax.grad`` returns it. Where a
notebook's expression uses only operators (``**``, ``*``, ``+``, ``@``, ``.sum()``, ``.mean()``),
the same Python function runs on torch tensors and on JAX arrays: the formula is the twin,
only the way of getting its gradient differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import optax
import pytest
import torch
import torch.nn.functional as F
from torch.autograd import grad

from twincore import harness

from .components import SCALAR_GRADIENTS

pytestmark = SCALAR_GRADIENTS


def _scalar(value):
    """torch's ``backward()`` accepts any one-element output; ``jax.grad`` wants shape ()."""
    return value.reshape(())


@dataclass(frozen=True)
class Case:
    """One notebook example: ``fn(*inputs)``, differentiated w.r.t. the arguments in ``wrt``."""

    where: str
    fn: Callable[..., Any]
    inputs: tuple[Any, ...]
    wrt: tuple[int, ...]  # torch: requires_grad=True; JAX: argnums
    value: float | None  # golden output (None: the notebook never showed it)
    grads: tuple[Any, ...]  # golden gradient per entry of ``wrt``
    decimals: int | None = None  # the notebook printed the values rounded to this many places


CASES = [
    Case("S0 49-64 mean(x**2+3)", lambda x: (x**2 + 3).mean(), ([[1.0, 2.0], [3.0, 4.0]],),
         (0,), None, ([[0.5, 1.0], [1.5, 2.0]],), decimals=4),
    Case("S2 31-41 sum(x**2)", lambda x: (x**2).sum(), ([1.0, 2.0, 3.0],), (0,), 14.0,
         ([2.0, 4.0, 6.0],)),
    Case("S4 348-351 x**2 0-d", lambda x: x**2, (2.0,), (0,), 4.0, (4.0,)),
    Case("S1 2803 x**2", lambda x: x**2, ([3.0],), (0,), 9.0, ([6.0],)),
    Case("S1 2827 3x**2+2x+1", lambda x: 3 * x**2 + 2 * x + 1, ([2.0],), (0,), 17.0,
         ([14.0],)),
    Case("S1 2851 (x**2+1)**3", lambda x: (x**2 + 1) ** 3, ([2.0],), (0,), 125.0, ([300.0],)),
    Case("S1 2894 x**2+3xy+y**2", lambda x, y: x**2 + 3 * x * y + y**2, ([2.0], [3.0]),
         (0, 1), 31.0, ([13.0], [12.0])),
    Case("S1 2933 sum(x**2)", lambda x: (x**2).sum(), ([1.0, 2.0, 3.0],), (0,), 14.0,
         ([2.0, 4.0, 6.0],)),
    Case("S1 2960 sum(w*x)+b", lambda x, w, b: (w * x).sum() + b,
         ([2.0, 3.0, 4.0], [0.5, 0.3, 0.2], [1.0]), (1, 2), 3.7, ([2.0, 3.0, 4.0], [1.0])),
    Case("S1 3053 sum(x**2)", lambda x: (x**2).sum(), ([2.0, 3.0, 4.0],), (0,), 29.0,
         ([4.0, 6.0, 8.0],)),
    Case("S1 3325 sum(x*w)", lambda x, w: (x * w).sum(), ([2.0, 3.0], [0.5, 0.3]), (0, 1), 1.9,
         ([0.5, 0.3], [2.0, 3.0])),
    Case("S1 3364 mean(3x**2+10)", lambda x: (x**2 * 3 + 10).mean(), ([1.0, 2.0, 3.0],), (0,),
         24.0, ([2.0, 4.0, 6.0],)),
    Case("S1 3460 w2*(w1*x)", lambda x, w1, w2: w2 * (w1 * x), ([2.0], [3.0], [4.0]),
         (0, 1, 2), 24.0, ([12.0], [8.0], [6.0])),
    Case("S4 1994 0.5*(x@w-5)**2", lambda x, w: 0.5 * (x @ w - 5) ** 2,
         ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), (1,), 0.5, ([1.0, 2.0, 3.0],)),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.where)
def test_backward_on_scalar_matches_jax_grad_and_seed_values(case, mode):
    arrays = [mode.array(v) for v in case.inputs]

    leaves = [torch.tensor(a, requires_grad=i in case.wrt) for i, a in enumerate(arrays)]
    out = case.fn(*leaves)
    out.backward()
    torch_grads = [leaves[i].grad for i in case.wrt]
    for i, leaf in enumerate(leaves):
        if i not in case.wrt:  # requires_grad=False: backward leaves .grad alone
            assert leaf.grad is None

    value, jax_grads = jax.value_and_grad(lambda *a: _scalar(case.fn(*a)), argnums=case.wrt)(
        *map(jnp.asarray, arrays)
    )
    assert isinstance(jax_grads, tuple) and len(jax_grads) == len(case.wrt)

    mode.assert_close(value, out.detach().reshape(()), name="value")
    for k, (g_jax, g_torch) in enumerate(zip(jax_grads, torch_grads, strict=True)):
        mode.assert_close(g_jax, g_torch, name=f"grad[{case.wrt[k]}]")

    golden_tol = mode.tol() if case.decimals is None else harness.printed(case.decimals)
    for side, v, gs in (
        ("torch", out.detach().reshape(()), torch_grads),
        ("jax", value, jax_grads),
    ):
        if case.value is not None:
            harness.assert_close(v, mode.array(case.value), golden_tol, name=f"{side} value")
        for k, g in enumerate(gs):
            golden = mode.array(case.grads[k])
            harness.assert_close(g, golden, golden_tol, name=f"{side} grad[{case.wrt[k]}]")


def test_backward_on_one_element_output_needs_0d_in_jax(mode):
    # S1 2803: x = tensor([3.]) makes y shape (1,); torch differentiates any one-element output.
    x_np = mode.array([3.0])
    x = torch.tensor(x_np, requires_grad=True)
    (x**2).backward()

    with pytest.raises(TypeError, match="scalar-output"):
        jax.grad(lambda v: v**2)(jnp.asarray(x_np))
    g = jax.grad(lambda v: _scalar(v**2))(jnp.asarray(x_np))
    mode.assert_close(g, x.grad)

    # Neither side invents an output gradient for a many-element output (see test_autograd_graph
    # for vjp).
    y = torch.tensor(mode.array([1.0, 2.0]), requires_grad=True) ** 2
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()


def test_autograd_grad_several_inputs_returns_tuple_like_argnums(mode):
    # S1 2894-2927: z = x**2 + 3xy + y**2; dz/dx = 2x + 3y = 13, dz/dy = 3x + 2y = 12.
    def f(x, y):
        return x**2 + 3 * x * y + y**2

    x_np, y_np = mode.array(2.0), mode.array(3.0)
    x, y = (torch.tensor(a, requires_grad=True) for a in (x_np, y_np))
    t_both = grad(f(x, y), (x, y))
    t_y = grad(f(x, y), y)  # a 1-tuple even for one input

    j_both = jax.grad(f, argnums=(0, 1))(jnp.asarray(x_np), jnp.asarray(y_np))
    j_y = jax.grad(f, argnums=1)(jnp.asarray(x_np), jnp.asarray(y_np))  # a bare array

    assert isinstance(t_both, tuple) and isinstance(j_both, tuple) and len(j_both) == 2
    assert isinstance(t_y, tuple) and len(t_y) == 1 and isinstance(j_y, jax.Array)
    for name, a, b in (("dz/dx", j_both[0], t_both[0]), ("dz/dy", j_both[1], t_both[1])):
        mode.assert_close(a, b, name=name)
    mode.assert_close(j_y, t_y[0], name="argnums=1")
    for side, gx, gy in (("torch", *t_both), ("jax", *j_both)):
        mode.assert_close(gx, mode.array(13.0), name=f"{side} dz/dx")
        mode.assert_close(gy, mode.array(12.0), name=f"{side} dz/dy")


def test_backward_intermediate_values_via_has_aux(mode):
    # S1 3364-3395: a = x**2, b = 3a, c = b + 10, d = mean(c); JAX returns the
    # intermediates beside the loss with has_aux=True instead of keeping them on a graph.
    def forward(x):
        a = x**2
        b = a * 3
        c = b + 10
        return c.mean(), (a, b, c)

    x_np = mode.array([1.0, 2.0, 3.0])
    x = torch.tensor(x_np, requires_grad=True)
    d, t_inter = forward(x)
    d.backward()

    (j_d, j_inter), j_grad = jax.value_and_grad(forward, has_aux=True)(jnp.asarray(x_np))

    mode.assert_close(j_d, d, name="d")
    mode.assert_close(j_grad, x.grad, name="x.grad")
    golden = ([1.0, 4.0, 9.0], [3.0, 12.0, 27.0], [13.0, 22.0, 37.0])
    for name, j, t, g in zip("abc", j_inter, t_inter, golden, strict=True):
        mode.assert_close(j, t, name=name)
        mode.assert_close(j, mode.array(g), name=f"jax {name}")
        mode.assert_close(t, mode.array(g), name=f"torch {name}")


def test_backward_cs336_recap_only_the_leaf_w_gets_grad(mode):
    # S4 1991-2004, the notebook's code as written.
    x_np, w_np = mode.array([1.0, 2, 3]), mode.array([1.0, 1, 1])
    x = torch.tensor(x_np)
    w = torch.tensor(w_np, requires_grad=True)
    pred_y = x @ w
    loss = 0.5 * (pred_y - 5).pow(2)
    loss.backward()
    # Reading .grad of a non-leaf warns (§5 S4); it is None either way.
    with pytest.warns(UserWarning, match="not a leaf"):
        assert loss.grad is None
    with pytest.warns(UserWarning, match="not a leaf"):
        assert pred_y.grad is None
    assert x.grad is None
    # float vs int64: torch >= 1.13 compares values (§5 S4 L2003), as jnp.array_equal does.
    assert torch.equal(w.grad, torch.tensor([1, 2, 3]))

    def loss_fn(x, w):
        return 0.5 * (x @ w - 5) ** 2

    j_loss, j_w = jax.value_and_grad(loss_fn, argnums=1)(jnp.asarray(x_np), jnp.asarray(w_np))
    assert bool(jnp.array_equal(j_w, jnp.array([1, 2, 3])))
    mode.assert_close(j_w, w.grad, name="w.grad")
    mode.assert_close(j_loss, loss, name="loss")
    mode.assert_close(j_loss, mode.array(0.5), name="jax loss")


def _bce(p, target):
    """``F.binary_cross_entropy`` on probabilities, mean-reduced, logs clamped at -100 as torch."""
    log_p = jnp.maximum(jnp.log(p), -100.0)
    log_1mp = jnp.maximum(jnp.log1p(-p), -100.0)
    return jnp.mean(-(target * log_p + (1 - target) * log_1mp))


def _neuron_loss(w, b, x, target):
    return _bce(jax.nn.sigmoid(x * w + b), target)


def _neuron_loss_from_logits(w, b, x, target):
    # The idiomatic JAX loss: BCE from the logit (log-sigmoid), never forming sigmoid(z).
    return jnp.mean(optax.sigmoid_binary_cross_entropy(x * w + b, target))


@pytest.mark.parametrize(
    ("w", "loss_golden", "dw_golden", "db_golden"),
    [
        (2.2, 0.0852, -0.0898, -0.0817),  # S4 709-727 (derived §3.2, re-run with torch)
        (1.2, 0.2368, -0.2319, -0.2108),  # S4 735-786 (printed §3.1)
    ],
)
def test_autograd_grad_retain_graph_then_backward_single_neuron_bce(
    w, loss_golden, dw_golden, db_golden, mode
):
    y_np, x_np = mode.array([1.0]), mode.array([1.1])
    w_np, b_np = mode.array([w]), mode.array([0.0])

    # torch, the notebook's code: grad(..., retain_graph=True) twice, then backward().
    w1 = torch.tensor(w_np, requires_grad=True)
    b = torch.tensor(b_np, requires_grad=True)
    loss = F.binary_cross_entropy(torch.sigmoid(torch.tensor(x_np) * w1 + b), torch.tensor(y_np))
    grad_w = grad(loss, w1, retain_graph=True)
    grad_b = grad(loss, b, retain_graph=True)
    assert w1.grad is None and b.grad is None  # autograd.grad returns, it does not store
    loss.backward()
    harness.assert_equal(w1.grad, grad_w[0], name="w1.grad vs grad()")
    harness.assert_equal(b.grad, grad_b[0], name="b.grad vs grad()")

    # JAX: one call returns the loss and both gradients; nothing is retained or stored.
    args = tuple(jnp.asarray(a) for a in (w_np, b_np, x_np, y_np))
    j_loss, (j_dw, j_db) = jax.value_and_grad(_neuron_loss, argnums=(0, 1))(*args)
    mode.assert_close(j_loss, loss, name="loss")
    mode.assert_close(j_dw, grad_w[0], name="dL/dw")
    mode.assert_close(j_db, grad_b[0], name="dL/db")

    # The logit form is the same function; it differs from torch only by rounding.
    l_loss, (l_dw, l_db) = jax.value_and_grad(_neuron_loss_from_logits, argnums=(0, 1))(*args)
    for name, a, e in (
        ("loss", l_loss, loss),
        ("dL/dw", l_dw, grad_w[0]),
        ("dL/db", l_db, grad_b[0]),
    ):
        mode.assert_close(a, e, name=f"optax {name}")

    printed = harness.printed(4)
    for side, lv, gw, gb in (("torch", loss, w1.grad, b.grad), ("jax", j_loss, j_dw, j_db)):
        harness.assert_close(lv, mode.array(loss_golden), printed, name=f"{side} loss")
        harness.assert_close(gw, mode.array([dw_golden]), printed, name=f"{side} dL/dw")
        harness.assert_close(gb, mode.array([db_golden]), printed, name=f"{side} dL/db")
