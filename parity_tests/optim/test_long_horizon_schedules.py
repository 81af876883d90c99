"""Learning-rate schedule twins over long runs: 10,000 epochs of rates, and 10,000-step float64
optimizer runs whose rate follows a schedule (parameters and state against torch).

torch's rates are Python doubles, computed from the previous one (the chainable form); a
float32 run rounds each once. Each twin's rate must stay within the op tolerance of torch's
at every epoch, however many have passed. Measured before the fix in
``jaxnn.optim.lr_scheduler`` (float32, 10,000 epochs): ExponentialLR(0.999) 1.3e-4 relative
off torch (gamma rounded to float32, raised to the 10,000th power), CosineAnnealingLR 1.2e-3
near the minimum (T_max=100) and 2.4e-3 at lr 5.9e-5 (T_max=7: pi * epoch / T_max grows with
the epoch and loses float32 digits). After: <= 1.1e-6 and <= 3.5e-7. Float64: torch's own
chain drifts from the closed form by <= 5e-12 relative over 10,000 cosine epochs, inside the
op tolerance.
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn

from ..modes import Mode
from .components import ADAM, LR_SCHEDULES, RMSPROP, SGD
from .long_runs import assert_run_matches, gradients, jax_run, torch_runs

EPOCHS = 10_000
STEPS = 10_000
STEPS_PER_EPOCH = 10
SIZE = 4

# name: (jaxnn schedule, torch scheduler, initial lr, the scheduler's arguments). The rates
# compared below are scaled by RATE_SCALE (a schedule is linear in its initial rate, eta_min
# included): at 1e-3 the op tolerance's atol would pass any rate below 0.1, and the rtol,
# the schedule's relative accuracy, would never be what is checked. Decays stay above
# float32's smallest normal number: below it XLA flushes to zero where torch's double rounds
# to a float32 subnormal.
SCHEDULES = {
    "step": (jaxnn.optim.step_lr, torch.optim.lr_scheduler.StepLR, 1e-3, dict(step_size=1000)),
    "exponential": (
        jaxnn.optim.exponential_lr,
        torch.optim.lr_scheduler.ExponentialLR,
        1e-3,
        dict(gamma=0.999),
    ),
    "cosine": (
        jaxnn.optim.cosine_annealing_lr,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        1e-3,
        dict(T_max=100),
    ),
    "cosine_eta_min": (
        jaxnn.optim.cosine_annealing_lr,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        1e-3,
        dict(T_max=7, eta_min=1e-5),
    ),
}
RATE_SCALE = 1e7


def torch_rates(torch_cls, lr: float, kwargs: dict, epochs: int) -> np.ndarray:
    """The rate of each epoch as torch's loop reads it, from ``scheduler.step()`` alone."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = torch_cls(opt, **kwargs)
    rates = []
    with warnings.catch_warnings():
        # "lr_scheduler.step() before optimizer.step()": no parameter needs to move here.
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(epochs):
            rates.append(opt.param_groups[0]["lr"])
            scheduler.step()
    return np.array(rates)


@LR_SCHEDULES
@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_over_10000_epochs_matches_torch(mode, name):
    factory, torch_cls, lr, kwargs = SCHEDULES[name]
    lr, kwargs = (
        lr * RATE_SCALE,
        {k: v * RATE_SCALE if k == "eta_min" else v for k, v in kwargs.items()},
    )
    expected = torch_rates(torch_cls, lr, kwargs, EPOCHS)
    rates = jax.jit(factory(lr, **kwargs))(jnp.arange(EPOCHS))
    assert rates.dtype == mode.jnp
    mode.assert_close(rates, expected.astype(mode.np), name=f"{name} rates")


# (component, torch class, jaxnn factory, optimizer arguments, schedule name).
RUNS = [
    pytest.param(
        torch.optim.SGD,
        jaxnn.optim.sgd,
        dict(momentum=0.999, nesterov=True, weight_decay=1e-2),
        "step",
        id="sgd-step",
        marks=[SGD, LR_SCHEDULES],
    ),
    pytest.param(
        torch.optim.RMSprop,
        jaxnn.optim.rmsprop,
        dict(alpha=0.9999, eps=1e-16, momentum=0.9, centered=True),
        "exponential",
        id="rmsprop-exponential",
        marks=[RMSPROP, LR_SCHEDULES],
    ),
    pytest.param(
        torch.optim.Adam,
        jaxnn.optim.adam,
        dict(betas=(0.999, 0.99999), eps=1e-16, weight_decay=1e-2, amsgrad=True),
        "cosine_eta_min",
        id="adam-cosine",
        marks=[ADAM, LR_SCHEDULES],
    ),
]


@pytest.mark.parametrize("torch_cls, factory, kwargs, schedule", RUNS)
def test_long_run_with_schedule_matches_torch(rng, torch_cls, factory, kwargs, schedule):
    schedule_factory, scheduler_cls, lr, schedule_kwargs = SCHEDULES[schedule]
    with jax.enable_x64(True):
        p0 = rng.normal(size=SIZE)
        grads = gradients(rng, STEPS, SIZE, np.float64)
        (out,) = torch_runs(
            torch_cls,
            [dict(lr=lr, **kwargs)],
            [p0],
            [grads],
            make_scheduler=lambda opt: scheduler_cls(opt, **schedule_kwargs),
            steps_per_epoch=STEPS_PER_EPOCH,
        )
        rate = schedule_factory(lr, **schedule_kwargs, steps_per_epoch=STEPS_PER_EPOCH)
        history = jax_run(factory(lr=rate, **kwargs), p0, grads)
        assert_run_matches(Mode("float64"), out, history)
