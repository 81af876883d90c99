"""``torch.optim.lr_scheduler`` twins as optax schedules of the optimizer step count.

The notebooks only name learning-rate scheduling in prose (S1 10406; inventory §1.16); these are
planned extras. torch's per-epoch ``scheduler.step()`` maps onto optax's per-step count by
``epoch = count // steps_per_epoch``. Each schedule is compared with the learning rates torch
actually uses (its chainable form, ``lr = lr * gamma``, read from ``param_groups`` after each
``scheduler.step()``) and with torch's closed form (``scheduler.step(epoch)``), and in whole
training runs.
"""

import inspect
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jaxnn
from twincore import harness

from ..trajectories import assert_mlp_parity, assert_quadratic_parity
from .components import LR_SCHEDULES

pytestmark = LR_SCHEDULES

CASES = {
    "step": (jaxnn.optim.step_lr, torch.optim.lr_scheduler.StepLR, (0.1, 3), dict(gamma=0.5)),
    "step_default_gamma": (jaxnn.optim.step_lr, torch.optim.lr_scheduler.StepLR, (0.1, 2), {}),
    "step_zero_gamma": (
        jaxnn.optim.step_lr,
        torch.optim.lr_scheduler.StepLR,
        (0.1, 4),
        dict(gamma=0.0),
    ),
    "exponential": (
        jaxnn.optim.exponential_lr,
        torch.optim.lr_scheduler.ExponentialLR,
        (0.05, 0.9),
        {},
    ),
    "cosine": (
        jaxnn.optim.cosine_annealing_lr,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        (0.1, 10),
        {},
    ),
    "cosine_eta_min": (
        jaxnn.optim.cosine_annealing_lr,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        (0.1, 7),
        dict(eta_min=0.01),
    ),
}
EPOCHS = 35  # past T_max (and 2 * T_max) of the cosine cases


def torch_chainable_lrs(torch_cls, lr, args, kwargs, epochs):
    """The lr of each epoch as torch's training loop sees it (chainable form)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = torch_cls(opt, *args, **kwargs)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


def torch_closed_form_lrs(torch_cls, lr, args, kwargs, epochs):
    """The lr of each epoch from torch's closed form (``scheduler.step(epoch)``)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = torch_cls(opt, *args, **kwargs)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # step(epoch) is deprecated, still exact
        for epoch in range(epochs):
            opt.step()
            sched.step(epoch)
            lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs)


@pytest.mark.parametrize("steps_per_epoch", [1, 4])
@pytest.mark.parametrize("name", list(CASES))
def test_lr_scheduler_sequence_matches_torch(mode, name, steps_per_epoch):
    factory, torch_cls, (lr, *args), kwargs = CASES[name]
    chain = torch_chainable_lrs(torch_cls, lr, args, kwargs, EPOCHS)
    closed = torch_closed_form_lrs(torch_cls, lr, args, kwargs, EPOCHS)
    schedule = factory(lr, *args, **kwargs, steps_per_epoch=steps_per_epoch)
    counts = jnp.arange(EPOCHS * steps_per_epoch)
    lrs = jax.jit(schedule)(counts)
    assert lrs.dtype == mode.jnp
    mode.assert_close(lrs, np.repeat(chain, steps_per_epoch), name="vs torch's chainable form")
    mode.assert_close(lrs, np.repeat(closed, steps_per_epoch), name="vs torch's closed form")


def test_step_lr_sgd_trajectory(mode, rng):
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        jaxnn.optim.sgd(lr=jaxnn.optim.step_lr(0.1, 4, gamma=0.5, steps_per_epoch=5), momentum=0.9),
        make_scheduler=lambda opt: torch.optim.lr_scheduler.StepLR(opt, 4, gamma=0.5),
        steps_per_epoch=5,
    )


def test_cosine_annealing_lr_sgd_trajectory_past_t_max(mode, rng):
    # 200 steps = 40 epochs of 5: two full cosine periods (T_max=10 down, 10 back up, ...).
    sched = jaxnn.optim.cosine_annealing_lr(0.2, 10, eta_min=0.01, steps_per_epoch=5)
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.SGD(ps, lr=0.2),
        jaxnn.optim.sgd(lr=sched),
        make_scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10, 0.01),
        steps_per_epoch=5,
    )


def test_exponential_lr_adam_mlp_trajectory(mode, rng):
    assert_mlp_parity(
        mode,
        rng,
        lambda ps: torch.optim.Adam(ps, lr=0.02),
        jaxnn.optim.adam(lr=jaxnn.optim.exponential_lr(0.02, gamma=0.9, steps_per_epoch=8)),
        make_scheduler=lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
        steps_per_epoch=8,
    )


def test_cosine_annealing_lr_differs_from_optax_cosine_decay_after_t_max(mode):
    # optax.cosine_decay_schedule holds eta_min after decay_steps; torch's cosine rises again.
    lr, t_max, eta_min = 0.1, 10, 0.01
    torch_lrs = torch_chainable_lrs(
        torch.optim.lr_scheduler.CosineAnnealingLR, lr, (t_max,), dict(eta_min=eta_min), 25
    )
    optax_lrs = optax.cosine_decay_schedule(lr, t_max, alpha=eta_min / lr)(jnp.arange(25))
    mode.assert_close(optax_lrs[: t_max + 1], torch_lrs[: t_max + 1])
    mode.assert_close(optax_lrs[t_max:], np.full(25 - t_max, eta_min))
    assert np.all(torch_lrs[t_max + 1 :] > eta_min)
    jax_lrs = jaxnn.optim.cosine_annealing_lr(lr, t_max, eta_min)(jnp.arange(25))
    mode.assert_close(jax_lrs, torch_lrs)


def test_step_lr_zero_gamma_differs_from_optax_exponential_decay(mode):
    # optax.exponential_decay treats decay_rate=0 as "no decay" (a constant schedule);
    # torch's StepLR(gamma=0) drops the lr to 0, and so does jaxnn.optim.step_lr.
    torch_lrs = torch_chainable_lrs(torch.optim.lr_scheduler.StepLR, 0.1, (2,), {"gamma": 0}, 6)
    optax_schedule = optax.exponential_decay(0.1, 2, 0.0, staircase=True)
    optax_lrs = jnp.stack([optax_schedule(c) for c in range(6)])  # a constant: 0-d per count
    mode.assert_close(optax_lrs, np.full(6, 0.1))
    mode.assert_close(jaxnn.optim.step_lr(0.1, 2, gamma=0.0)(jnp.arange(6)), torch_lrs)
    harness.assert_equal(torch_lrs[2:], np.zeros(4))


def test_optax_exponential_decay_int32_count_is_float32_under_x64():
    # optax divides the int32 step count by transition_steps; JAX does int32 / int in float32
    # even with x64 on, so optax's float64 schedule carries float32 rounding (~1e-9 relative).
    # jaxnn.optim.step_lr/exponential_lr pass a float count and stay float64.
    with jax.enable_x64(True):
        torch_lrs = torch_chainable_lrs(
            torch.optim.lr_scheduler.ExponentialLR, 0.05, (0.9,), {}, 10
        )
        counts = jnp.arange(10, dtype=jnp.int32)
        optax_lrs = optax.exponential_decay(0.05, 1, 0.9, staircase=True)(counts)
        assert optax_lrs.dtype == jnp.float32
        with pytest.raises(AssertionError, match="outside tolerance"):
            harness.assert_close(optax_lrs, torch_lrs, harness.tolerance("float64"))
        lrs = jaxnn.optim.exponential_lr(0.05, 0.9)(counts)
        assert lrs.dtype == jnp.float64
        harness.assert_close(lrs, torch_lrs, harness.tolerance("float64"))


def test_step_lr_rejects_zero_step_size():
    # torch accepts step_size=0 and fails with ZeroDivisionError at its second step().
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=0)
    opt.step()
    with pytest.raises(ZeroDivisionError):
        sched.step()
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        jaxnn.optim.step_lr(0.1, 0)


def test_cosine_annealing_lr_rejects_zero_t_max():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    opt.step()
    with pytest.raises(ZeroDivisionError):
        sched.step()
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        jaxnn.optim.cosine_annealing_lr(0.1, 0)


@pytest.mark.parametrize(
    "factory, args",
    [
        (jaxnn.optim.step_lr, (0.1, 2)),
        (jaxnn.optim.exponential_lr, (0.1, 0.9)),
        (jaxnn.optim.cosine_annealing_lr, (0.1, 5)),
    ],
)
@pytest.mark.parametrize("steps_per_epoch", [0, -1, 2.5])
def test_lr_scheduler_rejects_bad_steps_per_epoch(factory, args, steps_per_epoch):
    with pytest.raises(ValueError, match="steps_per_epoch must be a positive integer"):
        factory(*args, steps_per_epoch=steps_per_epoch)


@pytest.mark.parametrize(
    "factory, torch_cls",
    [
        (jaxnn.optim.step_lr, torch.optim.lr_scheduler.StepLR),
        (jaxnn.optim.exponential_lr, torch.optim.lr_scheduler.ExponentialLR),
        (jaxnn.optim.cosine_annealing_lr, torch.optim.lr_scheduler.CosineAnnealingLR),
    ],
)
def test_lr_scheduler_arguments_match_torch(factory, torch_cls):
    # Same names, order and defaults after torch's optimizer (jaxnn: the initial lr);
    # torch's last_epoch (resume) is the optimizer's step count in optax's state.
    ours = list(inspect.signature(factory).parameters.values())
    theirs = list(inspect.signature(torch_cls).parameters.values())
    assert ours[0].name == "lr" and theirs[0].name == "optimizer"
    ours = [(p.name, p.default) for p in ours[1:] if p.name != "steps_per_epoch"]
    theirs = [(p.name, p.default) for p in theirs[1:] if p.name != "last_epoch"]
    assert ours == theirs
