"""Gradient accumulation (S1 3852-3869; inventory §1.16) as ``jaxnn.optim.accumulate``.

torch: ``(loss / k).backward()`` on each mini-batch, ``optimizer.step(); zero_grad()`` every
``k``. JAX: ``optax.MultiSteps`` averages the unscaled gradients and steps every ``k`` calls.
Losses compared per mini-batch (unscaled), parameters at the end. Float64: 200 mini-steps;
float32: the first 20.
"""

import jax
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


# every_k=3: 200 mini-steps leave a partial group at the end (torch keeps its .grad, MultiSteps
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
    # torch's parameters change only on the k-th backward; MultiSteps returns zero updates on
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
