"""Autograd twins, graph state: what torch keeps on tensors and JAX does not have.

Inventory §1.10 (backward on non-scalars, accumulation, zeroing, non-leaf grads /
``retain_grad``, graph freed / ``retain_graph``, ``no_grad``, ``detach``, propagation,
dynamic graphs) and §5 (S1 #35, #37, #50). Notebook lines: S1 2359-2491, 2656-2742, 3092-3195,
3456-3539, 9948-10041.

torch records a graph while it computes and writes gradients into ``.grad`` (adding to what
is there). In JAX a gradient is the return value of a function transformation: there is no
``.grad`` to accumulate, clear or retain, and no graph that can be freed. Each torch idiom is
therefore paired with the explicit JAX expression of the same numbers.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn.functional as JF
import jaxnn.nn as jnn
from jaxnn.interop import load_state_dict, state_dict
from twincore import harness

from .components import GRAPH

pytestmark = GRAPH


def _scalar(value):
    """torch's ``backward()`` accepts any one-element output; ``jax.grad`` wants shape ()."""
    return value.reshape(())


def _leaf(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(array, requires_grad=True)


def test_autograd_grad_with_grad_outputs_is_jax_vjp(mode, rng):
    # A (2, 3) output: backward needs the cotangent v, which jax.vjp takes explicitly.
    x_np, w_np = mode.array(rng.normal(size=(2, 3))), mode.array(rng.normal(size=3))
    v_np = mode.array(rng.normal(size=(2, 3)))

    def f(x, w):
        return x**2 * w + w

    x, w = _leaf(x_np), _leaf(w_np)
    y = f(x, w)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()
    t_dx, t_dw = torch.autograd.grad(y, (x, w), grad_outputs=torch.tensor(v_np), retain_graph=True)
    y.backward(gradient=torch.tensor(v_np))  # the same vector-Jacobian product, into .grad
    harness.assert_equal(x.grad, t_dx, name="backward(gradient=v) vs grad(grad_outputs=v)")
    harness.assert_equal(w.grad, t_dw, name="w")

    xj, wj, vj = (jnp.asarray(a) for a in (x_np, w_np, v_np))
    with pytest.raises(TypeError, match="scalar-output"):
        jax.grad(f)(xj, wj)
    j_y, vjp_fn = jax.vjp(f, xj, wj)
    j_dx, j_dw = vjp_fn(vj)
    mode.assert_close(j_y, y, name="y")
    mode.assert_close(j_dx, t_dx, name="dx")
    mode.assert_close(j_dw, t_dw, name="dw")  # w was broadcast: its cotangent is summed
    # Equivalently, grad of the scalar sum(f * v).
    s_dx, s_dw = jax.grad(lambda x, w: jnp.sum(f(x, w) * vj), argnums=(0, 1))(xj, wj)
    mode.assert_close(s_dx, j_dx, name="grad(sum(f*v)) dx")
    mode.assert_close(s_dw, j_dw, name="grad(sum(f*v)) dw")


def test_grad_fn_graph_is_what_jax_make_jaxpr_traces(mode):
    # S1 2549-2607: c = a + b, d = 2c, e = d**2; torch records one grad_fn per op.
    a_np, b_np = mode.array([2.0]), mode.array([3.0])
    a, b = _leaf(a_np), _leaf(b_np)
    c = a + b
    d = c * 2
    e = d**2
    assert a.grad_fn is None and b.grad_fn is None and a.is_leaf and b.is_leaf
    names = [type(t.grad_fn).__name__ for t in (c, d, e)]
    assert names == ["AddBackward0", "MulBackward0", "PowBackward0"]  # §5 #36: with the 0
    assert not any(t.is_leaf for t in (c, d, e))

    def f(a, b):
        c = a + b
        d = c * 2
        return d**2, (c, d)

    # JAX records nothing while computing; tracing the function shows the same three ops.
    jaxpr = jax.make_jaxpr(f)(jnp.asarray(a_np), jnp.asarray(b_np))
    assert [eqn.primitive.name for eqn in jaxpr.eqns] == ["add", "mul", "integer_pow"]
    j_e, (j_c, j_d) = f(jnp.asarray(a_np), jnp.asarray(b_np))
    for name, j, t, golden in (("c", j_c, c, 5.0), ("d", j_d, d, 10.0), ("e", j_e, e, 100.0)):
        mode.assert_close(j, t, name=name)
        mode.assert_close(j, mode.array([golden]), name=f"jax {name}")
        mode.assert_close(t, mode.array([golden]), name=f"torch {name}")


def test_backward_twice_accumulates_like_a_sum_of_returned_grads(mode):
    # S1 3092-3119: (x**2).sum() then (x**3).sum() backward into the same x.grad.
    x_np = mode.array([1.0, 2.0])
    x = _leaf(x_np)
    (x**2).sum().backward()
    first = x.grad.clone()
    (x**3).sum().backward()

    xj = jnp.asarray(x_np)
    g1 = jax.grad(lambda v: (v**2).sum())(xj)
    g2 = jax.grad(lambda v: (v**3).sum())(xj)
    accumulated = g1 + g2  # the accumulation, written out

    mode.assert_close(g1, first, name="after first backward")
    mode.assert_close(accumulated, x.grad, name="after second backward")
    for side, a, b in (("torch", first, x.grad), ("jax", g1, accumulated)):
        mode.assert_close(a, mode.array([2.0, 4.0]), name=f"{side} first")
        mode.assert_close(b, mode.array([5.0, 16.0]), name=f"{side} accumulated")


def test_grad_zero_and_set_to_none_have_nothing_to_clear_in_jax(mode):
    # S1 3121-3160: zero_() between backward calls, or x.grad = None.
    x_np = mode.array([1.0, 2.0])
    x = _leaf(x_np)
    (x**2).sum().backward()
    x.grad.zero_()
    mode.assert_close(x.grad, mode.array([0.0, 0.0]), name="torch after zero_()")
    (x**3).sum().backward()
    zeroed = x.grad.clone()
    x.grad = None
    (x**3).sum().backward()  # from None, backward writes a fresh tensor
    harness.assert_equal(x.grad, zeroed, name="zero_() vs None")

    # JAX: the second gradient is simply the second return value.
    g2 = jax.grad(lambda v: (v**3).sum())(jnp.asarray(x_np))
    mode.assert_close(g2, zeroed, name="fresh gradient")
    for side, g in (("torch", zeroed), ("jax", g2)):
        mode.assert_close(g, mode.array([3.0, 12.0]), name=side)


def _linear_pair(mode, in_features: int, out_features: int):
    torch.manual_seed(0)
    t_layer = torch.nn.Linear(in_features, out_features).to(mode.torch)
    j_layer = jnn.Linear(in_features, out_features, dtype=mode.jnp, rngs=nnx.Rngs(0))
    load_state_dict(j_layer, t_layer.state_dict())
    return t_layer, j_layer


def _mse_grads_torch_layout(j_layer, x, y):
    """Gradient of the MSE w.r.t. the layer's parameters, as a torch-named, torch-layout dict."""
    graphdef, params = nnx.split(j_layer)

    def loss_fn(p):
        return JF.mse_loss(nnx.merge(graphdef, p)(x), y)

    grads = jax.grad(loss_fn)(params)
    return state_dict(nnx.merge(graphdef, grads))


def test_optimizer_zero_grad_sets_none_and_two_backwards_are_exactly_2x(mode, rng):
    # S1 9948-10041 with §3.5's relation and §5 #50 (the notebook's zero_grad bug).
    x_np, y_np = mode.array(rng.normal(size=(5, 3))), mode.array(rng.normal(size=(5, 1)))
    model, j_model = _linear_pair(mode, 3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = torch.nn.MSELoss()
    x, y = torch.tensor(x_np), torch.tensor(y_np)

    def backward_pass():
        criterion(model(x), y).backward()
        return {name: p.grad.clone() for name, p in model.named_parameters()}

    first = backward_pass()
    second = backward_pass()
    j_grads = _mse_grads_torch_layout(j_model, jnp.asarray(x_np), jnp.asarray(y_np))
    j_twice = jax.tree.map(jnp.add, j_grads, j_grads)  # "accumulating" = adding the returns
    mode.assert_state_dict_close(j_grads, first, name="first backward")
    for name in first:
        # Exactly 2x (§3.5; the notebook says "roughly"): the same bits are added twice.
        harness.assert_equal(second[name], 2 * first[name], name=f"torch {name}")
        harness.assert_equal(j_twice[name], 2 * j_grads[name], name=f"jax {name}")

    # torch >= 2.0: set_to_none=True by default, so the notebook's param.grad.abs() fails.
    optimizer.zero_grad()
    for p in model.parameters():
        assert p.grad is None
        with pytest.raises(AttributeError):
            p.grad.abs()
    third = backward_pass()
    optimizer.zero_grad(set_to_none=False)  # the zeros the notebook expected
    for name, p in model.named_parameters():
        harness.assert_equal(p.grad, torch.zeros_like(p), name=f"zeros {name}")
        harness.assert_equal(third[name], first[name], name=f"fresh {name}")
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_detach_shares_data_and_is_stop_gradient(mode):
    # S1 2479-2491: c = b.detach() has b's values and storage, and no gradient path.
    a_np = mode.array([3.0, 4.0])
    a = _leaf(a_np)
    b = a * 2
    c = b.detach()
    assert b.requires_grad and not c.requires_grad and c.grad_fn is None
    assert torch.equal(b, c) and c.data_ptr() == b.data_ptr()
    (c * a).sum().backward()  # c is a constant here: d/da = c
    t_detached = a.grad
    a2 = _leaf(a_np)
    ((a2 * 2) * a2).sum().backward()  # without detach: d/da = 4a

    aj = jnp.asarray(a_np)
    j_detached = jax.grad(lambda v: (jax.lax.stop_gradient(v * 2) * v).sum())(aj)
    j_through = jax.grad(lambda v: ((v * 2) * v).sum())(aj)
    mode.assert_close(jax.lax.stop_gradient(aj * 2), c, name="stop_gradient value")
    mode.assert_close(j_detached, t_detached, name="detached")
    mode.assert_close(j_through, a2.grad, name="through")
    mode.assert_close(j_detached, aj * 2, name="d/da with b constant is b")


def test_no_grad_results_are_constants_like_undifferentiated_jax(mode):
    # S1 2463-2477: inside no_grad nothing is recorded; S4 859: no grad_fn either.
    x_np = mode.array([1.0, 2.0])
    x = _leaf(x_np)
    y = x * 2
    with torch.no_grad():
        z = x * 2
    assert y.requires_grad and not z.requires_grad and z.grad_fn is None
    (z * x).sum().backward()  # z entered as a constant

    xj = jnp.asarray(x_np)
    # Not differentiating is the whole twin of no_grad: evaluating records nothing.
    mode.assert_close(xj * 2, z, name="no_grad value")
    j_grad = jax.grad(lambda v: (jax.lax.stop_gradient(v * 2) * v).sum())(xj)
    mode.assert_close(j_grad, x.grad, name="grad with a no_grad constant")


def test_retain_grad_on_non_leaf_is_grad_wrt_intermediate(mode):
    # S1 3162-3195: x = [2.]; y = 2x; z = y**2. dz/dx = 16, dz/dy = 8.
    x_np = mode.array([2.0])
    x = _leaf(x_np)
    y = x * 2
    z = y**2
    z.backward()
    with pytest.warns(UserWarning, match="not a leaf"):  # §5 #37: reading it warns
        assert y.grad is None

    x = _leaf(x_np)
    y = x * 2
    y.retain_grad()
    z = y**2
    z.backward()
    with pytest.warns(UserWarning, match="not a leaf"):
        assert z.grad is None  # retain_grad was called on y only
    t_dx, t_dy = x.grad, y.grad

    xj = jnp.asarray(x_np)
    # (a) split the function at the intermediate and differentiate the tail.
    split_dy = jax.grad(lambda v: _scalar(v**2))(xj * 2)
    # (b) add a zero perturbation at the intermediate: its gradient is dz/dy.
    j_dx, j_dy = jax.grad(lambda v, e: _scalar((v * 2 + e) ** 2), argnums=(0, 1))(
        xj, jnp.zeros_like(xj)
    )
    mode.assert_close(j_dx, t_dx, name="dz/dx")
    mode.assert_close(j_dy, t_dy, name="dz/dy perturbation")
    mode.assert_close(split_dy, t_dy, name="dz/dy split")
    for side, gx, gy in (("torch", t_dx, t_dy), ("jax", j_dx, j_dy)):
        mode.assert_close(gx, mode.array([16.0]), name=f"{side} dz/dx")
        mode.assert_close(gy, mode.array([8.0]), name=f"{side} dz/dy")


def test_retain_grad_hidden_value_in_gradient_flow(mode):
    # S1 3456-3499: h = w1 * x, y = w2 * h; the notebook prints dy/dh = w2 = 4.
    x_np, w1_np, w2_np = mode.array([2.0]), mode.array([3.0]), mode.array([4.0])
    x, w1, w2 = _leaf(x_np), _leaf(w1_np), _leaf(w2_np)
    h = w1 * x
    h.retain_grad()
    (w2 * h).backward()

    def f(x, w1, w2, e):
        return _scalar(w2 * (w1 * x + e))

    xj, w1j, w2j = (jnp.asarray(a) for a in (x_np, w1_np, w2_np))
    j_dh = jax.grad(f, argnums=3)(xj, w1j, w2j, jnp.zeros_like(xj))
    mode.assert_close(j_dh, h.grad, name="dy/dh")
    for side, g in (("torch", h.grad), ("jax", j_dh)):
        mode.assert_close(g, mode.array([4.0]), name=f"{side} dy/dh")


def test_backward_second_time_raises_while_jax_grad_is_stateless(mode):
    # S1 2699-2742 and 3501-3539. The graph of y = x**2 is freed by the first backward.
    x_np = mode.array([3.0])
    x = _leaf(x_np)
    y = x**2
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()

    x1_np = mode.array([1.0])
    x1 = _leaf(x1_np)
    y1 = x1**2
    y1.backward(retain_graph=True)
    first = x1.grad.clone()
    x1.grad.zero_()
    y1.backward()  # allowed: the graph was retained
    harness.assert_equal(x1.grad, first, name="retained graph, second backward")

    # JAX keeps no graph: the same grad function can be called any number of times.
    df = jax.grad(lambda v: _scalar(v**2))
    for a_np, t_grad, golden in ((x_np, x.grad, [6.0]), (x1_np, first, [2.0])):
        g_a, g_b = df(jnp.asarray(a_np)), df(jnp.asarray(a_np))
        harness.assert_equal(g_a, g_b, name="repeat call")
        mode.assert_close(g_a, t_grad, name="grad")
        mode.assert_close(g_a, mode.array(golden), name="jax golden")
        mode.assert_close(t_grad, mode.array(golden), name="torch golden")

    # S1 2699-2718: z = sum(2x) = 6, x.grad = [2, 2].
    xs_np = mode.array([1.0, 2.0])
    xs = _leaf(xs_np)
    z = (xs * 2).sum()
    z.backward()
    j_z, j_g = jax.value_and_grad(lambda v: (v * 2).sum())(jnp.asarray(xs_np))
    mode.assert_close(j_z, z, name="z")
    mode.assert_close(j_g, xs.grad, name="x.grad")
    mode.assert_close(j_g, mode.array([2.0, 2.0]), name="jax x.grad golden")


def test_requires_grad_propagation_is_the_choice_of_argnums(mode):
    # S1 2359-2457: default False; requires_grad_ is in place (S1 2388's comment is wrong,
    # §5 #35); an output requires grad if any input does.
    assert not torch.tensor(mode.array([1.0, 2.0])).requires_grad
    w = torch.tensor(mode.array([7.0, 8.0]))
    assert w.requires_grad_(True) is w and w.requires_grad

    g_np, n_np = mode.array([1.0, 2.0]), mode.array([3.0, 4.0])
    x_grad = _leaf(g_np)
    x_no_grad = torch.tensor(n_np)
    result = x_grad + x_no_grad
    assert result.requires_grad
    (result * x_no_grad).sum().backward()
    assert x_no_grad.grad is None

    layer = torch.nn.Linear(3, 2).to(mode.torch)
    data = torch.tensor(mode.array(np.ones((5, 3))))
    assert layer.weight.requires_grad and layer.bias.requires_grad
    assert not data.requires_grad and layer(data).requires_grad

    # JAX: no flag on arrays; differentiability is chosen per call through argnums.
    def f(a, b):
        return ((a + b) * b).sum()

    gj, nj = jnp.asarray(g_np), jnp.asarray(n_np)
    only_first = jax.grad(f, argnums=0)(gj, nj)
    both = jax.grad(f, argnums=(0, 1))(gj, nj)
    mode.assert_close(only_first, x_grad.grad, name="d/d x_grad")
    mode.assert_close(both[0], only_first, name="argnums=(0, 1) first")
    # The input torch left without requires_grad still has a gradient in JAX, if asked:
    x_no_grad_tracked = _leaf(n_np)
    (((_leaf(g_np) + x_no_grad_tracked) * x_no_grad_tracked).sum()).backward()
    mode.assert_close(both[1], x_no_grad_tracked.grad, name="d/d x_no_grad")


def _dynamic_computation(x, use_square=True):
    """S1 2656-2693, unchanged: the graph depends on a Python ``if``."""
    y = x * 2
    if use_square:
        z = y**2
    else:
        z = y**3
    return z


@pytest.mark.parametrize(("use_square", "golden"), [(True, 16.0), (False, 64.0)])
def test_dynamic_graph_python_if_on_static_value(use_square, golden, mode):
    x_np = mode.array([2.0])
    x = _leaf(x_np)
    result = _dynamic_computation(x, use_square=use_square)
    result.backward()

    # A static argument is a Python value at trace time: jit compiles one graph per value.
    value_and_grad = jax.jit(
        jax.value_and_grad(lambda v, s: _scalar(_dynamic_computation(v, s))),
        static_argnums=1,
    )
    j_value, j_grad = value_and_grad(jnp.asarray(x_np), use_square)
    mode.assert_close(j_value, result.detach().reshape(()), name="value")
    mode.assert_close(j_grad, x.grad, name="grad")
    for side, v in (("torch", result.detach().reshape(())), ("jax", j_value)):
        mode.assert_close(v, mode.array(golden), name=f"{side} value")

    # A traced flag cannot drive a Python if; lax.cond is the traced twin.
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(_dynamic_computation)(jnp.asarray(x_np), jnp.asarray(use_square))

    def cond_version(v, flag):
        y = v * 2
        return _scalar(jax.lax.cond(flag, lambda t: t**2, lambda t: t**3, y))

    c_grad = jax.jit(jax.grad(cond_version))(jnp.asarray(x_np), jnp.asarray(use_square))
    mode.assert_close(c_grad, x.grad, name="lax.cond grad")
