"""Autograd twins in training code: freezing, manual gradient descent, ``.data`` assignment.

Inventory §1.10 (toggling requires_grad, manual gradient descent, ``.data``), §1.11
(freezing) and §3.2 (parameter counts 4642/4653, the gradient-descent table). Notebook lines:
S1 4612-4653, 4875-4878, 5263-5264, 9688-9765, 10068-10074.

torch changes parameters in place (``param -= lr * grad`` under ``no_grad``, ``.data = ...``,
``requires_grad = False`` on a tensor). In JAX the parameters are a pytree: an update or an
assignment builds a new tree, and "frozen" is a property of the update, not of the array.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch
from flax import nnx

import jaxnn.functional as JF
import jaxnn.nn as jnn
import jaxnn.optim
from jaxnn.interop import load_state_dict, state_dict
from twincore import harness

from .components import TRAINING_CODE

pytestmark = TRAINING_CODE

LR = 0.1


def _mlp_pair(mode):
    """The notebook's ``Sequential(Linear(10, 20), ReLU(), Linear(20, 5))`` in both frameworks."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(10, 20), torch.nn.ReLU(), torch.nn.Linear(20, 5)
    ).to(mode.torch)
    rngs = nnx.Rngs(0)
    j_model = jnn.Sequential(
        jnn.Linear(10, 20, dtype=mode.jnp, rngs=rngs),
        jnn.ReLU(),
        jnn.Linear(20, 5, dtype=mode.jnp, rngs=rngs),
    )
    load_state_dict(j_model, model.state_dict())
    return model, j_model


def _is_frozen(path, _) -> bool:
    return path[0].key == "0"  # the first Linear, model[0]


def test_requires_grad_false_freezes_like_masked_sgd_update(mode, rng):
    # S1 4612-4653: freeze model[0]; then one SGD step (the freezing's purpose).
    x_np, y_np = mode.array(rng.normal(size=(4, 10))), mode.array(rng.normal(size=(4, 5)))
    model, j_model = _mlp_pair(mode)
    for param in model[0].parameters():
        param.requires_grad = False
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(torch.tensor(x_np)), torch.tensor(y_np)).backward()
    assert all(p.grad is None for p in model[0].parameters())  # frozen: no .grad at all
    optimizer.step()  # SGD skips parameters whose .grad is None
    expected = {k: v.clone() for k, v in model.state_dict().items()}

    graphdef, params = nnx.split(j_model)
    params = nnx.to_pure_dict(params)
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)

    def loss_fn(p):
        return JF.mse_loss(nnx.merge(graphdef, p)(x), y)

    grads = jax.jit(jax.grad(loss_fn))(params)
    frozen = jax.tree_util.tree_map_with_path(_is_frozen, params)
    leaves = zip(jax.tree.leaves(params), jax.tree.leaves(frozen), strict=True)
    j_trainable = sum(v.size for v, f in leaves if not f)
    assert (trainable, total) == (j_trainable, sum(v.size for v in jax.tree.leaves(params)))
    assert (trainable, total) == (105, 325)  # §3.2, S1 4642

    def after(tx, g=grads):
        # One compiled update per transformation (op-by-op dispatch compiles far more).
        @jax.jit
        def apply(p, g):
            updates, _ = tx.update(g, tx.init(p), p)
            return optax.apply_updates(p, updates)

        return state_dict(nnx.merge(graphdef, apply(params, g)))

    sgd = jaxnn.optim.sgd(lr=LR)
    labels = jax.tree.map(lambda f: "frozen" if f else "train", frozen)
    # (a) optax's freezing recipe: set_to_zero on the frozen labels.
    multi = optax.multi_transform({"train": sgd, "frozen": optax.set_to_zero()}, labels)
    multi_after = after(multi)
    mode.assert_state_dict_close(multi_after, expected, name="multi_transform")
    # (b) the same with masked(set_to_zero) after the optimizer.
    chained = optax.chain(sgd, optax.masked(optax.set_to_zero(), frozen))
    mode.assert_state_dict_close(after(chained), expected, name="chain+masked")
    # (c) zeroing the frozen gradients (equal for plain SGD only, see the decay check below).
    zeroed = jax.tree.map(lambda g, f: jnp.zeros_like(g) if f else g, grads, frozen)
    mode.assert_state_dict_close(after(sgd, zeroed), expected, name="zeroed grads")
    initial = state_dict(j_model)
    for key in ("0.weight", "0.bias"):
        harness.assert_equal(multi_after[key], initial[key], name=f"frozen {key}")

    # With weight decay, zeroed gradients stop being a freeze: the decay still moves those
    # leaves, while torch skips a parameter whose .grad is None and set_to_zero keeps it.
    decay = 0.1
    torch.optim.SGD(model[0].parameters(), lr=LR, weight_decay=decay).step()
    harness.assert_equal(model[0].weight, expected["0.weight"], name="torch frozen, decay")
    decayed = jaxnn.optim.sgd(lr=LR, weight_decay=decay)
    moved = after(decayed, zeroed)["0.weight"]
    mode.assert_close(moved, initial["0.weight"] * (1 - LR * decay), name="zeroed + decay")
    kept = after(optax.multi_transform({"train": decayed, "frozen": optax.set_to_zero()}, labels))
    harness.assert_equal(kept["0.weight"], initial["0.weight"], name="set_to_zero + decay")

    # optax.masked(sgd, trainable) alone is NOT a freeze: masked-out leaves get the raw
    # gradient back as their update, so apply_updates moves them by +grad.
    not_frozen = after(optax.masked(sgd, jax.tree.map(lambda f: not f, frozen)))
    g_torch = state_dict(nnx.merge(graphdef, grads))
    mode.assert_close(not_frozen["0.weight"], initial["0.weight"] + g_torch["0.weight"])

    # (d) requires_grad=False most literally: differentiate only the trainable part.
    graphdef2, frozen_state, train_state = nnx.split(j_model, nnx.PathContains("0"), ...)

    def partial_loss(train, fixed):
        return JF.mse_loss(nnx.merge(graphdef2, fixed, train)(x), y)

    train_grads = jax.grad(partial_loss)(train_state, frozen_state)  # argnums=0 only
    assert set(nnx.to_pure_dict(train_grads)) == {"2"}
    new_train = jax.tree.map(lambda p, g: p - LR * g, train_state, train_grads)
    mode.assert_state_dict_close(
        state_dict(nnx.merge(graphdef2, frozen_state, new_train)), expected, name="split"
    )

    for param in model.parameters():  # S1 4647-4653: unfreezing
        param.requires_grad = True
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 325


def _f(x):
    return ((x - 3) ** 2).reshape(())


def test_manual_gradient_descent_under_no_grad_is_a_pure_jax_loop(mode):
    # S1 9688-9723: f(x) = (x - 3)**2 from x = 0, lr 0.1, 20 steps.
    x0 = mode.array([0.0])
    x = torch.tensor(x0, requires_grad=True)
    t_x, t_f = [], []
    for _ in range(20):
        f = (x - 3) ** 2
        f.backward()
        with torch.no_grad():
            x -= LR * x.grad
        x.grad.zero_()
        t_x.append(x.detach().clone())
        t_f.append(f.detach().clone())
    t_x, t_f = torch.cat(t_x), torch.cat(t_f)

    def step(x, _):
        f, g = jax.value_and_grad(_f)(x)
        x = x - LR * g  # a new array; nothing to zero afterwards
        return x, (x[0], f)

    j_final, (j_x, j_f) = jax.jit(lambda x: jax.lax.scan(step, x, length=20))(jnp.asarray(x0))
    fori_final = jax.jit(
        lambda x: jax.lax.fori_loop(0, 20, lambda _, v: v - LR * jax.grad(_f)(v), x)
    )(jnp.asarray(x0))

    mode.assert_close(j_x, t_x, kind="curve", name="x after each step")
    mode.assert_close(j_f, t_f, kind="curve", name="f before each step")
    mode.assert_close(fori_final, j_final, kind="curve", name="fori_loop vs scan")

    # The printed table (§3.2): steps 0, 5, 10, 15 and the final x.
    steps = np.array([0, 5, 10, 15])
    printed = harness.printed(4)
    for side, xs, fs in (("torch", t_x, t_f), ("jax", j_x, j_f)):
        harness.assert_close(
            xs[steps], mode.array([0.6, 2.2136, 2.7423, 2.9156]), printed, name=f"{side} x"
        )
        harness.assert_close(
            fs[steps], mode.array([9.0, 0.9664, 0.1038, 0.0111]), printed, name=f"{side} f"
        )
        harness.assert_close(xs[-1], mode.array(2.9654), printed, name=f"{side} final x")
        # Closed form of the recursion x <- x - 0.2 (x - 3): x_s = 3 - 3 * 0.8**(s+1).
        closed = 3 - 3 * 0.8 ** mode.array(range(1, 21))
        mode.assert_close(xs, closed, kind="curve", name=f"{side} closed form")


def test_manual_gradient_descent_over_model_parameters(mode):
    # S1 9727-9765: Linear(2, 1), MSE, lr 0.01, param -= lr * param.grad; model.zero_grad().
    # The notebook runs 100 epochs; 20 keep float32 inside the harness's curve contract.
    lr, epochs = 0.01, 20
    x_np = mode.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y_np = mode.array([[5.0], [11.0], [17.0]])
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1).to(mode.torch)
    j_model = jnn.Linear(2, 1, dtype=mode.jnp, rngs=nnx.Rngs(0))
    load_state_dict(j_model, model.state_dict())

    criterion = torch.nn.MSELoss()
    x, y = torch.tensor(x_np), torch.tensor(y_np)
    t_losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= lr * param.grad
        model.zero_grad()
        t_losses.append(loss.detach())

    graphdef, params = nnx.split(j_model)
    xj, yj = jnp.asarray(x_np), jnp.asarray(y_np)

    def epoch(p, _):
        loss, g = jax.value_and_grad(lambda q: JF.mse_loss(nnx.merge(graphdef, q)(xj), yj))(p)
        return jax.tree.map(lambda a, b: a - lr * b, p, g), loss

    final, j_losses = jax.jit(lambda p: jax.lax.scan(epoch, p, length=epochs))(params)
    mode.assert_close(j_losses, torch.stack(t_losses), kind="curve", name="losses")
    mode.assert_state_dict_close(
        state_dict(nnx.merge(graphdef, final)), model.state_dict(), kind="curve"
    )


def test_data_assignment_is_parameter_tree_surgery(mode):
    # S1 5263-5264: layer.weight.data = [[2., 3.]]; layer.bias.data = [5.].
    x_np = mode.array([[1.0, 2.0], [-1.0, 0.5]])
    new_w, new_b = mode.array([[2.0, 3.0]]), mode.array([5.0])
    torch.manual_seed(0)
    layer = torch.nn.Linear(2, 1).to(mode.torch)
    j_layer = jnn.Linear(2, 1, dtype=mode.jnp, rngs=nnx.Rngs(0))
    load_state_dict(j_layer, layer.state_dict())

    weight_before = layer.weight
    layer.weight.data = torch.tensor(new_w)
    layer.bias.data = torch.tensor(new_b)
    assert layer.weight is weight_before and layer.weight.requires_grad  # same Parameter
    layer.weight.data[0, 1] = 7.0  # element surgery, unrecorded by autograd
    out = layer(torch.tensor(x_np))
    out.sum().backward()

    graphdef, params = nnx.split(j_layer)
    params = nnx.to_pure_dict(params)
    old_params = params
    # A new tree: dict replace for whole leaves (kernel is weight transposed) ...
    params = {**params, "kernel": jnp.asarray(new_w.T), "bias": jnp.asarray(new_b)}
    # ... and .at[].set for one element (weight[0, 1] is kernel[1, 0]).
    params = {**params, "kernel": params["kernel"].at[1, 0].set(7.0)}
    xj = jnp.asarray(x_np)
    j_out, grads = jax.value_and_grad(lambda p: nnx.merge(graphdef, p)(xj).sum())(params)

    mode.assert_close(j_out, out.sum(), name="forward after surgery")
    mode.assert_state_dict_close(state_dict(nnx.merge(graphdef, params)), layer.state_dict())
    mode.assert_state_dict_close(
        state_dict(nnx.merge(graphdef, grads)),
        {"weight": layer.weight.grad, "bias": layer.bias.grad},
        name="grads",
    )
    # The old tree is untouched: JAX arrays are immutable, so no .clone() is ever needed.
    mode.assert_state_dict_close(state_dict(nnx.merge(graphdef, old_params)), state_dict(j_layer))


def test_data_clone_snapshot_versus_immutable_params(mode):
    # S1 10068-10074: initial_weight = model.weight.data.clone() before optimizer.step().
    x_np, y_np = mode.array([[1.0, 2.0]]), mode.array([[5.0]])
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1).to(mode.torch)
    j_model = jnn.Linear(2, 1, dtype=mode.jnp, rngs=nnx.Rngs(0))
    load_state_dict(j_model, model.state_dict())
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    initial_weight = model.weight.data.clone()
    alias = model.weight.data  # shares storage: step() changes it too
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(torch.tensor(x_np)), torch.tensor(y_np)).backward()
    optimizer.step()
    assert torch.equal(alias, model.weight) and not torch.equal(initial_weight, model.weight)

    graphdef, params = nnx.split(j_model)
    params = nnx.to_pure_dict(params)
    initial = params  # a reference is already a snapshot: nothing updates it in place
    tx = jaxnn.optim.sgd(lr=LR)
    grads = jax.grad(
        lambda p: JF.mse_loss(nnx.merge(graphdef, p)(jnp.asarray(x_np)), jnp.asarray(y_np))
    )(params)
    updates, _ = tx.update(grads, tx.init(params), params)
    params = optax.apply_updates(params, updates)

    harness.assert_equal(initial["kernel"].T, initial_weight, name="snapshot")
    mode.assert_close(params["kernel"].T, model.weight, name="weight after step")
    mode.assert_close(params["bias"], model.bias, name="bias after step")
