"""Gradient accumulation (S1 3852-3869; inventory §1.16) as ``jaxnn.optim.accumulate``.

torch: ``(loss / k).backward()`` on each mini-batch, ``optimizer.step(); zero_grad()`` every
``k``. JAX: ``jaxnn.optim.accumulate`` sums the gradients divided by ``k`` and steps every ``k``
calls, in ``optax.MultiSteps``'s state. Losses compared per mini-batch (unscaled), parameters
at the end. Float64: 200 mini-steps; float32: the first 20. A nan or inf micro-batch gradient:
parameters compared after every call, against torch running the same loop.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jaxnn
from twincore import harness

from ..trajectories import assert_mlp_parity, mlp_pair
from .components import ACCUMULATION

pytestmark = ACCUMULATION

OPTIMIZERS = {
    "sgd_momentum_decay": (
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
        lambda: jaxnn.optim.sgd(lr=0.1, momentum=0.9, weight_decay=0.01),
    ),
    "adam": (
        lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.01),
        lambda: jaxnn.optim.adam(lr=0.01, weight_decay=0.01),
    ),
}


# every_k=3: 200 mini-steps leave a partial group at the end (torch keeps its .grad, accumulate
# its accumulator; neither steps).
@pytest.mark.parametrize("name, every_k", [("sgd_momentum_decay", 4), ("adam", 3)])
def test_accumulate_mlp_trajectory(mode, rng, name, every_k):
    make_torch_opt, make_tx = OPTIMIZERS[name]
    assert_mlp_parity(
        mode,
        rng,
        make_torch_opt,
        jaxnn.optim.accumulate(make_tx(), every_k),
        batches=4,
        every_k=every_k,
    )


def test_accumulate_every_1_is_the_plain_optimizer(mode, rng):
    make_torch_opt, make_tx = OPTIMIZERS["adam"]
    assert_mlp_parity(mode, rng, make_torch_opt, jaxnn.optim.accumulate(make_tx(), 1), batches=4)


def test_accumulate_holds_parameters_between_steps(mode, rng):
    # torch's parameters change only on the k-th backward; accumulate returns zero updates on
    # the calls in between. Parameters compared after every mini-step.
    every_k, n = 4, 10
    model, loss_t, params, loss_j = mlp_pair(mode, rng, batches=4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    tx = jaxnn.optim.accumulate(jaxnn.optim.sgd(lr=0.1, momentum=0.9), every_k)
    state = tx.init(params)
    update, grad = jax.jit(tx.update), jax.jit(jax.grad(loss_j))
    start = model.state_dict()["0.weight"].clone()
    for i in range(n):
        (loss_t(i) / every_k).backward()
        if (i + 1) % every_k == 0:
            opt.step()
            opt.zero_grad()
        updates, state = update(grad(params, i), state, params)
        params = optax.apply_updates(params, updates)
        mode.assert_state_dict_close(params, model.state_dict(), kind="curve", name=f"call {i}")
        if i < every_k - 1:
            harness.assert_equal(model.state_dict()["0.weight"], start)


@pytest.mark.parametrize("every_k", [0, -2, 2.0])
def test_accumulate_rejects_bad_every_k(every_k):
    with pytest.raises(ValueError, match="every_k must be a positive integer"):
        jaxnn.optim.accumulate(jaxnn.optim.sgd(), every_k)


# Micro-batch gradients of a linear loss sum(g_i * w), so that they stay what they are whatever
# the parameters become: an inf and a nan in the second micro-batch of the first group, finite
# ones after it.
NONFINITE_GRADIENTS = [
    [0.5, -1.0, 2.0, 0.25],
    [np.inf, np.nan, 1.0, -0.5],
    [1.5, 0.5, -1.0, 2.0],
    [-0.5, 1.0, 0.5, 1.0],
    [2.0, -2.0, 1.0, 0.5],
    [0.25, 0.75, -0.5, 1.5],
]
NONFINITE_OPTIMIZERS = {
    "sgd_momentum": (
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda: jaxnn.optim.sgd(lr=0.1, momentum=0.9),
    ),
    "adam": (lambda ps: torch.optim.Adam(ps, lr=0.01), lambda: jaxnn.optim.adam(lr=0.01)),
}


def accumulate_nonfinite(mode, name, tx, every_k=2):
    """Parameters after every call, from torch's loop and from ``tx``, on the gradients above;
    and ``tx``'s last state (the last call completes a group)."""
    make_torch_opt, _ = NONFINITE_OPTIMIZERS[name]
    gradients = mode.array(NONFINITE_GRADIENTS)
    w_torch = torch.tensor(mode.array(np.linspace(-1, 1, 4)), requires_grad=True)
    opt = make_torch_opt([w_torch])
    params = {"w": jnp.asarray(mode.array(np.linspace(-1, 1, 4)))}
    state = tx.init(params)
    update = jax.jit(tx.update)
    torch_ws, jax_ws = [], []
    for i, g in enumerate(gradients):
        (torch.sum(torch.tensor(g) * w_torch) / every_k).backward()
        if (i + 1) % every_k == 0:
            opt.step()
            opt.zero_grad()
        updates, state = update({"w": jnp.asarray(g)}, state, params)
        params = optax.apply_updates(params, updates)
        torch_ws.append(w_torch.detach().numpy().copy())
        jax_ws.append(np.asarray(params["w"]))
    return np.array(torch_ws), np.array(jax_ws), state


@pytest.mark.parametrize("name", list(NONFINITE_OPTIMIZERS))
def test_accumulate_keeps_a_nonfinite_micro_batch_where_torch_does(mode, name):
    # torch: the inf and the nan reach .grad and, at the step, their own parameter elements
    # (the inf's stays +-inf under SGD); the other elements train on, and zero_grad() starts
    # the next group from 0. Compared after every call: nan at the same places, equal infs.
    torch_ws, jax_ws, state = accumulate_nonfinite(
        mode, name, jaxnn.optim.accumulate(NONFINITE_OPTIMIZERS[name][1](), 2)
    )
    assert np.isfinite(torch_ws[:, 2:]).all()
    mode.assert_close(jax_ws, torch_ws, kind="curve", name=f"{name} parameters per call")
    harness.assert_equal(state.acc_grads["w"], np.zeros(4), name="accumulator after the step")


def test_multisteps_multiplying_masks_poisons_the_calls_that_change_nothing(mode):
    # Why accumulate is not optax.MultiSteps: its running mean turns the inf into nan
    # (inf - inf), its 0 * update sends nan to the parameters on the call that should change
    # nothing, and its (1 - emit) * accumulator keeps the nan through the reset.
    torch_ws, jax_ws, state = accumulate_nonfinite(
        mode,
        "sgd_momentum",
        optax.MultiSteps(
            NONFINITE_OPTIMIZERS["sgd_momentum"][1](), 2, use_grad_mean=True, accumulator_dtype=None
        ).gradient_transformation(),
    )
    # torch: the inf's element is -inf after the step and stays -inf; MultiSteps: nan from the
    # next call on, a call that should change nothing.
    harness.assert_equal(torch_ws[1:, 0], np.full(5, -np.inf), name="torch")
    harness.assert_equal(jax_ws[1, 0], -np.inf, name="MultiSteps at the step")
    assert np.isnan(jax_ws[2:, 0]).all()
    # The accumulator after the last step: nan where a nan or inf ever was (torch: 0).
    assert np.isnan(state.acc_grads["w"][:2]).all()
    harness.assert_equal(state.acc_grads["w"][2:], np.zeros(2), name="the finite elements")
    mode.assert_close(jax_ws[:, 2:], torch_ws[:, 2:], kind="curve", name="the finite elements")
