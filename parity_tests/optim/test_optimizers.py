"""``torch.optim.{SGD,Adam,AdamW,RMSprop}`` twins: whole trajectories over one table of
hyper-parameter cases (inventory §1.16), then what is particular to each optimizer.

Every row of ``TABLE`` is one optimizer with one grid case, marked with that optimizer's
component. Each row trains the 5-d quadratic bowl (negated when the case maximizes), and rows
marked ``mlp`` also train the 4-8-3 MLP (helpers: ``parity_tests/trajectories.py``). Float64:
200 steps within the curve tolerance; float32: the first 20 steps.

The notebooks use Adam (golden check: the Adam defaults printed by S4 1224-1238) and only name
RMSprop (S3 95; inventory §1.16 and parity-rules list its defaults: alpha 0.99, eps outside the
square root, lr 1e-2). SGD and AdamW (the notebooks have only ``decoupled_weight_decay: False``,
S4 1230) are extras built to the same contract.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

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
from .components import ADAM, ADAMW, RMSPROP, SGD

LESSON = "15_optimizers_and_learning_rate"


@dataclass(frozen=True)
class Optimizer:
    """One torch optimizer and its jaxnn factory, with the parity-table row they measure."""

    name: str
    component: pytest.MarkDecorator
    torch_cls: type[torch.optim.Optimizer]
    factory: Callable[..., optax.GradientTransformation]
    defaults: tuple[str, ...]
    """The arguments whose defaults ``factory`` shares with ``torch_cls``."""
    torch_only_defaults: dict[str, Any] = field(default_factory=dict)
    """torch defaults with no jaxnn argument: the choice the factory makes by being itself."""
    mlp_lr: float | None = None
    """The MLP rows' learning rate, where it differs from the bowl's."""


SGD = Optimizer(
    "sgd",
    SGD,
    torch.optim.SGD,
    jaxnn.optim.sgd,
    defaults=("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"),
)
ADAM = Optimizer(
    "adam",
    ADAM,
    torch.optim.Adam,
    jaxnn.optim.adam,
    defaults=("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"),
    torch_only_defaults={"decoupled_weight_decay": False},  # L2 decay: adam, not adamw
    mlp_lr=0.01,
)
ADAMW = Optimizer(
    "adamw",
    ADAMW,
    torch.optim.AdamW,
    jaxnn.optim.adamw,
    defaults=("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"),
    torch_only_defaults={"decoupled_weight_decay": True},
    mlp_lr=0.01,
)
RMSPROP = Optimizer(
    "rmsprop",
    RMSPROP,
    torch.optim.RMSprop,
    jaxnn.optim.rmsprop,
    defaults=("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"),
)
OPTIMIZERS = (SGD, ADAM, ADAMW, RMSPROP)


@dataclass(frozen=True)
class Row:
    """One grid case of one optimizer: the same keyword arguments on both sides."""

    optimizer: Optimizer
    case: str
    kwargs: dict[str, Any]
    mlp: bool

    def torch_opt(self, params, **overrides) -> torch.optim.Optimizer:
        return self.optimizer.torch_cls(params, **(self.kwargs | overrides))

    def tx(self, **overrides) -> optax.GradientTransformation:
        return self.optimizer.factory(**(self.kwargs | overrides))


def row(optimizer: Optimizer, case: str, *, mlp: bool = False, **kwargs) -> Row:
    """A table row; ``mlp=True``: the MLP trains with it too, not only the bowl."""
    return Row(optimizer, case, kwargs, mlp)


TABLE = [
    row(SGD, "plain", lr=0.1),
    row(SGD, "momentum", lr=0.05, momentum=0.9, mlp=True),
    row(SGD, "dampening", lr=0.05, momentum=0.9, dampening=0.3, mlp=True),
    row(SGD, "nesterov", lr=0.05, momentum=0.9, nesterov=True),
    row(SGD, "weight_decay", lr=0.05, momentum=0.5, weight_decay=0.01, mlp=True),
    row(SGD, "maximize", lr=0.05, momentum=0.9, maximize=True),
    row(ADAM, "default", lr=0.05, mlp=True),
    row(ADAM, "betas_eps", lr=0.05, betas=(0.8, 0.99), eps=1e-3),
    row(ADAM, "weight_decay", lr=0.05, weight_decay=0.1),
    row(ADAM, "amsgrad", lr=0.05, amsgrad=True),
    row(
        ADAM,
        "amsgrad_all",
        lr=0.05,
        betas=(0.5, 0.9),
        eps=1e-4,
        weight_decay=0.05,
        amsgrad=True,
        mlp=True,
    ),
    # maximize negates the gradient only, not the weight decay (all three maximizing optimizers).
    row(ADAM, "maximize", lr=0.05, weight_decay=0.01, amsgrad=False, maximize=True),
    row(ADAM, "maximize_amsgrad", lr=0.05, weight_decay=0.01, amsgrad=True, maximize=True),
    row(ADAMW, "default", lr=0.05, mlp=True),
    row(ADAMW, "strong_decay", lr=0.05, weight_decay=0.5),
    row(ADAMW, "betas_eps", lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1),
    row(ADAMW, "amsgrad", lr=0.05, weight_decay=0.1, amsgrad=True, mlp=True),
    row(ADAMW, "no_decay", lr=0.05, weight_decay=0.0),
    row(ADAMW, "maximize", lr=0.05, weight_decay=0.1, amsgrad=False, maximize=True),
    row(ADAMW, "maximize_amsgrad", lr=0.05, weight_decay=0.1, amsgrad=True, maximize=True),
    row(RMSPROP, "default", lr=0.01),
    # With a short memory (alpha 0.9) and a tiny eps, RMSprop near the minimum takes steps of
    # about lr * sign(g) and hops around it chaotically: torch against itself, from a start
    # point moved by one ulp, differs by 6e-6 after 100 steps (measured with alpha=0.9,
    # eps=1e-3). eps=0.1 keeps that run contracting and makes eps (outside the root) matter.
    row(RMSPROP, "alpha_eps", lr=0.01, alpha=0.9, eps=0.1),
    row(RMSPROP, "weight_decay", lr=0.01, weight_decay=0.1),
    row(RMSPROP, "momentum", lr=0.01, momentum=0.9, mlp=True),
    row(RMSPROP, "centered", lr=0.01, centered=True),
    row(
        RMSPROP,
        "centered_momentum_decay",
        lr=0.005,
        alpha=0.95,
        eps=1e-2,
        weight_decay=0.05,
        momentum=0.8,
        centered=True,
        mlp=True,
    ),
    row(
        RMSPROP,
        "maximize",
        lr=0.01,
        momentum=0.5,
        weight_decay=0.01,
        centered=False,
        maximize=True,
    ),
    row(
        RMSPROP,
        "maximize_centered",
        lr=0.01,
        momentum=0.5,
        weight_decay=0.01,
        centered=True,
        maximize=True,
    ),
]


def _params(rows: Iterable[Row]) -> list:
    return [
        pytest.param(r, id=f"{r.optimizer.name}-{r.case}", marks=r.optimizer.component)
        for r in rows
    ]


# ---- the table: every optimizer, every case ----------------------------------------------


@pytest.mark.parametrize("row", _params(TABLE))
def test_quadratic_trajectory(mode, rng, row):
    maximize = row.kwargs.get("maximize", False)
    losses_t = assert_quadratic_parity(mode, rng, row.torch_opt, row.tx(), negate=maximize)
    if maximize:
        assert losses_t[-1] > losses_t[0]  # maximize climbs the negated bowl


@pytest.mark.parametrize("row", _params(r for r in TABLE if r.mlp))
def test_mlp_trajectory(mode, rng, row):
    lr = {} if row.optimizer.mlp_lr is None else dict(lr=row.optimizer.mlp_lr)
    assert_mlp_parity(mode, rng, lambda ps: row.torch_opt(ps, **lr), row.tx(**lr))


REJECTED = [
    (SGD, dict(lr=-0.1), "Invalid learning rate"),
    (SGD, dict(momentum=-0.5), "Invalid momentum value"),
    (SGD, dict(weight_decay=-1.0), "Invalid weight_decay value"),
    (SGD, dict(momentum=0.0, nesterov=True), "Nesterov momentum requires"),
    (SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    (ADAM, dict(lr=-0.1), "Invalid learning rate"),
    (ADAM, dict(eps=-1e-8), "Invalid epsilon value"),
    (ADAM, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
    (ADAM, dict(betas=(-0.1, 0.999)), "Invalid beta parameter at index 0"),
    (ADAM, dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1"),
    (ADAM, dict(weight_decay=-1.0), "Invalid weight_decay value"),
    (ADAMW, dict(lr=-0.1), "Invalid learning rate"),
    (ADAMW, dict(eps=-1e-8), "Invalid epsilon value"),
    (ADAMW, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
    (ADAMW, dict(betas=(0.9, -0.5)), "Invalid beta parameter at index 1"),
    (ADAMW, dict(weight_decay=-1.0), "Invalid weight_decay value"),
    (RMSPROP, dict(lr=-0.1), "Invalid learning rate"),
    (RMSPROP, dict(eps=-1e-8), "Invalid epsilon value"),
    (RMSPROP, dict(momentum=-0.5), "Invalid momentum value"),
    (RMSPROP, dict(weight_decay=-1.0), "Invalid weight_decay value"),
    (RMSPROP, dict(alpha=-0.1), "Invalid alpha value"),
]


@pytest.mark.parametrize(
    "optimizer, kwargs, message",
    [
        pytest.param(
            opt,
            kwargs,
            message,
            id="-".join([opt.name, *(f"{k}={v}" for k, v in kwargs.items())]).replace(" ", ""),
            marks=opt.component,
        )
        for opt, kwargs, message in REJECTED
    ],
)
def test_rejects_what_torch_rejects(optimizer, kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizer.factory(**kwargs)
    with pytest.raises(ValueError, match=message):
        optimizer.torch_cls([torch.zeros(1, requires_grad=True)], **kwargs)


@pytest.mark.parametrize(
    "optimizer", [pytest.param(o, id=o.name, marks=o.component) for o in OPTIMIZERS]
)
def test_defaults_match_torch(optimizer):
    assert_defaults_match(optimizer.factory, optimizer.torch_cls, optimizer.defaults)
    torch_defaults = optimizer.torch_cls([torch.zeros(1, requires_grad=True)]).defaults
    for name, value in optimizer.torch_only_defaults.items():
        assert torch_defaults[name] == value, name


# ---- Adam ----------------------------------------------------------------------------------


@ADAM.component
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


@ADAM.component
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


@ADAM.component
def test_adam_defaults_seed_print_s4():
    printed = dict(line.strip().split(": ", 1) for line in S4_ADAM_REPR.splitlines())
    opt = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=1e-3)
    torch_lines = {k: str(v) for k, v in opt.param_groups[0].items() if k != "params"}
    assert torch_lines == printed
    sig = inspect.signature(jaxnn.optim.adam).parameters
    jax_lines = {k: str(sig[k].default) for k in printed if k not in KERNEL_ONLY}
    assert jax_lines == {k: v for k, v in printed.items() if k not in KERNEL_ONLY}


@ADAM.component
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


# ---- AdamW ---------------------------------------------------------------------------------


@ADAMW.component
def test_adamw_decay_uses_scheduled_lr(mode, rng):
    # torch multiplies p by (1 - lr_t * wd) with the *current* lr: optax's decay sits before
    # scale_by_learning_rate, so the schedule scales it too.
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.3),
        jaxnn.optim.adamw(
            lr=jaxnn.optim.exponential_lr(0.05, gamma=0.9, steps_per_epoch=5), weight_decay=0.3
        ),
        make_scheduler=lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
        steps_per_epoch=5,
    )


@ADAMW.component
def test_adamw_single_step_order(mode, rng):
    # torch: p *= 1 - lr*wd, then p -= lr*m̂/(√v̂+eps); the Adam step does not read p, so this
    # is p - lr*(m̂/(√v̂+eps) + wd*p_old). Not bit-identical in float64 (optax adds an update,
    # torch scales in place; measured <= 2 ulp per step), hence the "op" tolerance.
    p0, g = mode.array(rng.normal(size=(3, 4))), mode.array(rng.normal(size=(3, 4)))
    pt = torch.tensor(p0, requires_grad=True)
    opt = torch.optim.AdamW([pt], lr=0.1, weight_decay=0.3)
    pt.grad = torch.tensor(g)
    opt.step()
    tx = jaxnn.optim.adamw(lr=0.1, weight_decay=0.3)
    pj = jnp.asarray(p0)
    updates, _ = tx.update(jnp.asarray(g), tx.init(pj), pj)
    mode.assert_close(optax.apply_updates(pj, updates), pt)


@ADAMW.component
def test_adamw_zero_gradient_only_decays(mode, rng):
    # m = v = 0, so the Adam step is 0/(0 + eps) = 0 and only the decay moves p.
    p0 = mode.array(rng.normal(size=5))
    pt = torch.tensor(p0, requires_grad=True)
    opt = torch.optim.AdamW([pt], lr=0.1, weight_decay=0.3)
    pt.grad = torch.zeros_like(pt)
    opt.step()
    tx = jaxnn.optim.adamw(lr=0.1, weight_decay=0.3)
    pj = jnp.asarray(p0)
    updates, _ = tx.update(jnp.zeros_like(pj), tx.init(pj), pj)
    mode.assert_close(optax.apply_updates(pj, updates), pt)
    mode.assert_close(pt, p0 * (1 - 0.1 * 0.3))


@ADAMW.component
def test_adamw_parameter_without_grad_is_skipped_only_in_torch(mode, rng):
    # torch skips a parameter whose .grad is None (no decay either) but decays one whose grad
    # is zero. optax updates every leaf it is given, so a leaf torch would skip is labelled
    # "frozen" (set_to_zero) or left out of the tree; optax.masked alone would pass its raw
    # gradient through as the update.
    p0, g = mode.array(rng.normal(size=5)), mode.array(rng.normal(size=5))
    no_grad = torch.tensor(p0, requires_grad=True)
    zero_grad = torch.tensor(p0, requires_grad=True)
    zero_grad.grad = torch.zeros_like(zero_grad)
    torch.optim.AdamW([no_grad, zero_grad], lr=0.1, weight_decay=0.3).step()
    tx = optax.multi_transform(
        {"train": jaxnn.optim.adamw(lr=0.1, weight_decay=0.3), "frozen": optax.set_to_zero()},
        {"a": "frozen", "b": "train"},
    )
    params = {"a": jnp.asarray(p0), "b": jnp.asarray(p0)}
    grads = {"a": jnp.asarray(g), "b": jnp.zeros_like(params["b"])}
    updates, _ = tx.update(grads, tx.init(params), params)
    new = optax.apply_updates(params, updates)
    mode.assert_close(new["a"], no_grad, name="frozen leaf (torch: grad None)")
    mode.assert_close(new["b"], zero_grad, name="zero-gradient leaf")
    mode.assert_close(no_grad, p0, name="torch leaves a grad-less parameter alone")


# ---- RMSprop -------------------------------------------------------------------------------


def _step_lr_torch(opt):
    return torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)


@RMSPROP.component
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


@RMSPROP.component
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


@RMSPROP.component
def test_optax_rmsprop_defaults_differ_from_torch(mode, rng):
    # optax.rmsprop defaults: decay 0.9 and eps inside the square root (torch: 0.99, outside).
    pt, loss_t, p0, loss_j = quadratic_pair(mode, rng)
    losses_t = torch_trajectory(loss_t, torch.optim.RMSprop([pt], lr=0.01), 20)
    _, losses_optax = jax_trajectory(p0, loss_j, optax.rmsprop(0.01), 20)
    with pytest.raises(AssertionError, match="outside tolerance"):
        mode.assert_close(losses_optax, losses_t, kind="curve")
    _, losses_j = jax_trajectory(p0, loss_j, jaxnn.optim.rmsprop(), 20)
    mode.assert_close(losses_j, losses_t, kind="curve")
