"""``torch.optim.RMSprop`` twin: trajectories over a grid of hyper-parameters (inventory §1.16).

RMSprop is only named by the seeds (S3 95); inventory §1.16 and parity-rules list its defaults
(alpha 0.99, eps outside the square root, lr 1e-2). Float64: 200 steps within the curve
tolerance; float32: the first 20.
"""

import optax
import pytest
import torch

import jaxnn

from ..trajectories import (
    assert_defaults_match,
    assert_mlp_parity,
    assert_quadratic_parity,
    jax_trajectory,
    quadratic_pair,
    torch_trajectory,
)

pytestmark = pytest.mark.component(
    "RMSprop",
    torch="torch.optim.RMSprop",
    jaxnn="jaxnn.optim.rmsprop",
    lesson="15_optimizers_and_learning_rate",
)

# With a short memory (alpha 0.9) and a tiny eps, RMSprop near the minimum takes steps of
# about lr * sign(g) and hops around it chaotically: torch against itself, from a start point
# moved by one ulp, differs by 6e-6 after 100 steps (measured with alpha=0.9, eps=1e-3).
# eps=0.1 keeps that run contracting and makes eps (outside the root) matter.
GRID = {
    "default": dict(lr=0.01),
    "alpha_eps": dict(lr=0.01, alpha=0.9, eps=0.1),
    "weight_decay": dict(lr=0.01, weight_decay=0.1),
    "momentum": dict(lr=0.01, momentum=0.9),
    "centered": dict(lr=0.01, centered=True),
    "centered_momentum_decay": dict(
        lr=0.005, alpha=0.95, eps=1e-2, weight_decay=0.05, momentum=0.8, centered=True
    ),
}


@pytest.mark.parametrize("name", list(GRID))
def test_rmsprop_quadratic_trajectory(mode, rng, name):
    kwargs = GRID[name]
    assert_quadratic_parity(
        mode, rng, lambda ps: torch.optim.RMSprop(ps, **kwargs), jaxnn.optim.rmsprop(**kwargs)
    )


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_maximize(mode, rng, centered):
    kwargs = dict(lr=0.01, momentum=0.5, weight_decay=0.01, centered=centered, maximize=True)
    losses_t = assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.RMSprop(ps, **kwargs),
        jaxnn.optim.rmsprop(**kwargs),
        negate=True,
    )
    assert losses_t[-1] > losses_t[0]


@pytest.mark.parametrize("name", ["momentum", "centered_momentum_decay"])
def test_rmsprop_mlp_trajectory(mode, rng, name):
    kwargs = GRID[name]
    assert_mlp_parity(
        mode, rng, lambda ps: torch.optim.RMSprop(ps, **kwargs), jaxnn.optim.rmsprop(**kwargs)
    )


def _step_lr_torch(opt):
    return torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)


def test_rmsprop_momentum_with_schedule(mode, rng):
    # torch: buf = m*buf + g/avg; p -= lr_t*buf. The trace precedes the learning rate here, so
    # a changing lr scales the whole buffer, as in torch.
    sched = jaxnn.optim.step_lr(0.01, step_size=2, gamma=0.5, steps_per_epoch=3)
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.9),
        jaxnn.optim.rmsprop(lr=sched, momentum=0.9),
        make_scheduler=_step_lr_torch,
        steps_per_epoch=3,
    )


def test_optax_rmsprop_momentum_with_schedule_differs(mode, rng):
    # optax.rmsprop applies the learning rate before its momentum trace: the buffer keeps the
    # old rates after a decay, so the curve leaves torch's once the lr first changes (step 7).
    # With a constant lr the two agree; that is why jaxnn.optim.rmsprop reorders the chain.
    sched = jaxnn.optim.step_lr(0.01, step_size=2, gamma=0.5, steps_per_epoch=3)
    pt, loss_t, p0, loss_j = quadratic_pair(mode, rng)
    opt = torch.optim.RMSprop([pt], lr=0.01, momentum=0.9)
    losses_t = torch_trajectory(loss_t, opt, 20, scheduler=_step_lr_torch(opt), steps_per_epoch=3)
    tx = optax.rmsprop(sched, decay=0.99, eps=1e-8, eps_in_sqrt=False, momentum=0.9)
    _, losses_optax = jax_trajectory(p0, loss_j, tx, 20)
    mode.assert_close(losses_optax[:7], losses_t[:7], kind="curve")
    with pytest.raises(AssertionError, match="outside tolerance"):
        mode.assert_close(losses_optax, losses_t, kind="curve")


def test_optax_rmsprop_defaults_differ_from_torch(mode, rng):
    # optax.rmsprop defaults: decay 0.9 and eps inside the square root (torch: 0.99, outside).
    pt, loss_t, p0, loss_j = quadratic_pair(mode, rng)
    losses_t = torch_trajectory(loss_t, torch.optim.RMSprop([pt], lr=0.01), 20)
    _, losses_optax = jax_trajectory(p0, loss_j, optax.rmsprop(0.01), 20)
    with pytest.raises(AssertionError, match="outside tolerance"):
        mode.assert_close(losses_optax, losses_t, kind="curve")
    _, losses_j = jax_trajectory(p0, loss_j, jaxnn.optim.rmsprop(), 20)
    mode.assert_close(losses_j, losses_t, kind="curve")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), "Invalid learning rate"),
        (dict(eps=-1e-8), "Invalid epsilon value"),
        (dict(momentum=-0.5), "Invalid momentum value"),
        (dict(weight_decay=-1.0), "Invalid weight_decay value"),
        (dict(alpha=-0.1), "Invalid alpha value"),
    ],
)
def test_rmsprop_rejects_what_torch_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        jaxnn.optim.rmsprop(**kwargs)
    with pytest.raises(ValueError, match=message):
        torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], **kwargs)


def test_rmsprop_defaults_match_torch():
    names = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")
    assert_defaults_match(jaxnn.optim.rmsprop, torch.optim.RMSprop, names)
