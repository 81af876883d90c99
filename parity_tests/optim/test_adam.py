"""``torch.optim.Adam`` twin: whole trajectories over a grid of hyper-parameters (inventory §1.16).

Float64: 200 steps within the curve tolerance; float32: the first 20 steps. Golden check: the
Adam defaults printed by S4 1224-1238. Trajectory helpers: ``parity_tests/trajectories.py``.
"""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jaxnn
from twincore import harness

from ..trajectories import (
    assert_defaults_match,
    assert_mlp_parity,
    assert_quadratic_parity,
    jax_trajectory,
    quadratic_pair,
    steps,
    torch_trajectory,
)

pytestmark = pytest.mark.component(
    "Adam",
    torch="torch.optim.Adam",
    jaxnn="jaxnn.optim.adam",
    lesson="15_optimizers_and_learning_rate",
)

GRID = {
    "default": dict(lr=0.05),
    "betas_eps": dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3),
    "weight_decay": dict(lr=0.05, weight_decay=0.1),
    "amsgrad": dict(lr=0.05, amsgrad=True),
    "amsgrad_all": dict(lr=0.05, betas=(0.5, 0.9), eps=1e-4, weight_decay=0.05, amsgrad=True),
}


@pytest.mark.parametrize("name", list(GRID))
def test_adam_quadratic_trajectory(mode, rng, name):
    kwargs = GRID[name]
    assert_quadratic_parity(
        mode, rng, lambda ps: torch.optim.Adam(ps, **kwargs), jaxnn.optim.adam(**kwargs)
    )


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_maximize(mode, rng, amsgrad):
    kwargs = dict(lr=0.05, weight_decay=0.01, amsgrad=amsgrad, maximize=True)
    losses_t = assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.Adam(ps, **kwargs),
        jaxnn.optim.adam(**kwargs),
        negate=True,
    )
    assert losses_t[-1] > losses_t[0]  # maximize climbs the negated bowl


@pytest.mark.parametrize("name", ["default", "amsgrad_all"])
def test_adam_mlp_trajectory(mode, rng, name):
    kwargs = GRID[name] | dict(lr=0.01)
    assert_mlp_parity(
        mode, rng, lambda ps: torch.optim.Adam(ps, **kwargs), jaxnn.optim.adam(**kwargs)
    )


def test_adam_amsgrad_differs_from_optax_amsgrad(mode, rng):
    # optax keeps the max of the bias-corrected v̂ (or of raw v with no correction); torch the
    # max of raw v, corrected afterwards. On this bowl both optax forms leave torch's curve
    # within three steps; jaxnn.optim.adam has its own AMSGrad transform and follows torch.
    kwargs = dict(lr=0.05, amsgrad=True)
    pt, loss_t, p0, loss_j = quadratic_pair(mode, rng)
    losses_t = torch_trajectory(loss_t, torch.optim.Adam([pt], **kwargs), steps(mode))
    for tx in (
        optax.amsgrad(0.05),
        optax.chain(
            optax.scale_by_amsgrad(bias_correction_nu=False), optax.scale_by_learning_rate(0.05)
        ),
    ):
        _, losses_optax = jax_trajectory(p0, loss_j, tx, steps(mode))
        mode.assert_close(losses_optax[0], losses_t[0], kind="curve", name="before any step")
        with pytest.raises(AssertionError, match="outside tolerance"):
            mode.assert_close(losses_optax[:3], losses_t[:3], kind="curve")
    _, losses_j = jax_trajectory(p0, loss_j, jaxnn.optim.adam(**kwargs), steps(mode))
    mode.assert_close(losses_j, losses_t, kind="curve")


def test_adam_lr_schedule(mode, rng):
    sched = jaxnn.optim.cosine_annealing_lr(0.05, T_max=7, eta_min=0.005, steps_per_epoch=3)
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.Adam(ps, lr=0.05, amsgrad=True),
        jaxnn.optim.adam(lr=sched, amsgrad=True),
        make_scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, 7, 0.005),
        steps_per_epoch=3,
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), "Invalid learning rate"),
        (dict(eps=-1e-8), "Invalid epsilon value"),
        (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
        (dict(betas=(-0.1, 0.999)), "Invalid beta parameter at index 0"),
        (dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1"),
        (dict(weight_decay=-1.0), "Invalid weight_decay value"),
    ],
)
def test_adam_rejects_what_torch_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        jaxnn.optim.adam(**kwargs)
    with pytest.raises(ValueError, match=message):
        torch.optim.Adam([torch.zeros(1, requires_grad=True)], **kwargs)


def test_adam_defaults_match_torch():
    names = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    assert_defaults_match(jaxnn.optim.adam, torch.optim.Adam, names)


# S4 1224-1238: print(optimiser) for torch.optim.Adam(model.parameters(), lr=1e-3), one line per
# default. capturable, differentiable, foreach and fused pick torch kernels (no JAX
# counterpart); decoupled_weight_decay False means L2 decay, i.e. jaxnn.optim.adam, not adamw.
S4_ADAM_REPR = """\
    amsgrad: False
    betas: (0.9, 0.999)
    capturable: False
    decoupled_weight_decay: False
    differentiable: False
    eps: 1e-08
    foreach: None
    fused: None
    lr: 0.001
    maximize: False
    weight_decay: 0"""
KERNEL_ONLY = ("capturable", "decoupled_weight_decay", "differentiable", "foreach", "fused")


def test_adam_defaults_seed_print_s4():
    printed = dict(line.strip().split(": ", 1) for line in S4_ADAM_REPR.splitlines())
    opt = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=1e-3)
    torch_lines = {k: str(v) for k, v in opt.param_groups[0].items() if k != "params"}
    assert torch_lines == printed
    sig = inspect.signature(jaxnn.optim.adam).parameters
    jax_lines = {k: str(sig[k].default) for k in printed if k not in KERNEL_ONLY}
    assert jax_lines == {k: v for k, v in printed.items() if k not in KERNEL_ONLY}


def test_adam_float32_stays_on_torch_over_a_long_run(rng):
    # 500 float32 steps, not just the first 20: with a constant gradient every step is
    # lr·g/(|g| + eps) after bias correction, so the run stays within the curve tolerance
    # unless the per-step rounding is biased (as float32 bias corrections would make it).
    g = rng.uniform(0.5, 2.0, size=8).astype(np.float32)
    p0 = rng.normal(size=8).astype(np.float32)
    pt = torch.tensor(p0, requires_grad=True)
    opt = torch.optim.Adam([pt], lr=0.01)
    gt = torch.tensor(g)
    for _ in range(500):
        opt.zero_grad()
        (gt @ pt).backward()
        opt.step()
    tx = jaxnn.optim.adam(lr=0.01)
    params, state = jnp.asarray(p0), tx.init(jnp.asarray(p0))
    grads = jnp.asarray(g)

    def step(carry, _):
        p, s = carry
        updates, s = tx.update(grads, s, p)
        return (optax.apply_updates(p, updates), s), None

    (params, _), _ = jax.lax.scan(step, (params, state), length=500)
    harness.assert_close(params, pt, harness.tolerance("float32", "curve"), name="p after 500")
