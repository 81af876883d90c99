"""Twins of ``torch.optim.lr_scheduler`` as optax schedules of the optimizer step count.

torch changes ``optimizer.param_groups[i]["lr"]`` each time ``scheduler.step()`` is called,
usually once per epoch after that epoch's ``optimizer.step()`` calls::

    for epoch in range(E):
        for batch in loader:            # steps_per_epoch batches
            ...; optimizer.step()
        scheduler.step()

An optax schedule is a pure function of the optimizer's own step count ``c`` (0 on the
first update). With ``steps_per_epoch`` batches per epoch, the update ``c`` happens in epoch
``c // steps_per_epoch``, so each schedule here returns torch's learning rate for that epoch.
Pass the schedule as ``lr`` to any ``jaxnn.optim`` factory::

    tx = jaxnn.optim.sgd(lr=step_lr(0.1, step_size=30, steps_per_epoch=len(loader)))

torch computes each new lr from the previous one (the "chainable" form, e.g.
``lr = lr * gamma``) in Python double precision; these schedules evaluate the closed form
(``lr * gamma ** k``), written so that a float32 schedule stays within a few float32 ulps of
torch's double-precision rate however many epochs have passed (measured over 10,000 epochs:
<= 1.1e-6 relative). In float64 the two differ only by rounding (torch's chain drifts by
~5e-12 relative over 10,000 cosine epochs).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import optax


def _check_steps_per_epoch(steps_per_epoch: int) -> None:
    if not isinstance(steps_per_epoch, int) or steps_per_epoch < 1:
        raise ValueError(f"steps_per_epoch must be a positive integer, got {steps_per_epoch!r}")


def step_lr(
    lr: float, step_size: int, gamma: float = 0.1, *, steps_per_epoch: int = 1
) -> optax.Schedule:
    """Decays the learning rate by ``gamma`` every ``step_size`` epochs.

    ``lr_epoch = lr * gamma ** (epoch // step_size)``, ``epoch = count // steps_per_epoch``.

    Args:
      lr: the initial learning rate (torch: the optimizer's ``lr``).
      step_size: period of the decay, in epochs.
      gamma: multiplicative factor of the decay.
      steps_per_epoch: optimizer steps per ``scheduler.step()`` call.

    Returns:
      An optax schedule ``count -> lr``.

    PyTorch twin: ``torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)``. The
    rates of ``optax.exponential_decay(lr, step_size * steps_per_epoch, gamma,
    staircase=True)``, computed as ``lr * exp(k * log(gamma))`` with ``log(gamma)`` in double
    (optax's float32 ``gamma ** k`` drifts from torch by ``k`` times gamma's float32
    rounding); ``gamma == 0`` drops to 0 as in torch, where optax returns a constant.
    torch fails with ``ZeroDivisionError`` at its second ``step()`` when ``step_size`` is 0;
    this twin raises ``ValueError`` when built.
    """
    _check_steps_per_epoch(steps_per_epoch)
    if not isinstance(step_size, int) or step_size < 1:
        raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
    transition = step_size * steps_per_epoch
    if gamma == 0:
        return lambda count: jnp.where(count < transition, lr, 0.0)
    if gamma < 0:
        decay = optax.exponential_decay(
            init_value=lr, transition_steps=transition, decay_rate=gamma, staircase=True
        )
        # optax divides the count by transition_steps; for the int32 step count JAX does that
        # in float32 even with x64 on, so a float64 run would get float32-rounded rates.
        return lambda count: decay(jnp.asarray(count, jnp.result_type(float)))
    # torch's rates are double-precision numbers that a float32 run rounds once. gamma ** k
    # in float32 rounds gamma first and raises that error to the k-th power: gamma=0.999
    # after 10,000 epochs is 1.3e-4 off. log(gamma) taken in double keeps the error at
    # |k log(gamma)| * 6e-8 (6e-7 there); the decay count is integer division, exact.
    log_gamma = math.log(gamma)

    def schedule(count):
        dtype = jnp.result_type(float)
        decays = (jnp.asarray(count) // transition).astype(dtype)
        return lr * jnp.exp(decays * jnp.asarray(log_gamma, dtype))

    return schedule


def exponential_lr(lr: float, gamma: float, *, steps_per_epoch: int = 1) -> optax.Schedule:
    """Decays the learning rate by ``gamma`` every epoch.

    ``lr_epoch = lr * gamma ** epoch``, ``epoch = count // steps_per_epoch``.

    Args:
      lr: the initial learning rate (torch: the optimizer's ``lr``).
      gamma: multiplicative factor of the decay.
      steps_per_epoch: optimizer steps per ``scheduler.step()`` call.

    Returns:
      An optax schedule ``count -> lr``.

    PyTorch twin: ``torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)``. The rates
    of ``optax.exponential_decay(lr, steps_per_epoch, gamma, staircase=True)``, computed as
    :func:`step_lr` computes them; ``gamma == 0`` (optax: constant; torch: 0 from the second
    epoch on).
    """
    return step_lr(lr, 1, gamma, steps_per_epoch=steps_per_epoch)


def cosine_annealing_lr(
    lr: float, T_max: int, eta_min: float = 0.0, *, steps_per_epoch: int = 1
) -> optax.Schedule:
    """Cosine annealing from ``lr`` to ``eta_min`` over ``T_max`` epochs.

    ``lr_epoch = eta_min + (lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``, with
    ``epoch = count // steps_per_epoch``. After ``T_max`` epochs the cosine goes on: the
    learning rate rises back to ``lr`` at ``2 * T_max`` (torch does the same).

    Args:
      lr: the initial learning rate (torch: the optimizer's ``lr``).
      T_max: half period, in epochs.
      eta_min: the minimum learning rate.
      steps_per_epoch: optimizer steps per ``scheduler.step()`` call.

    Returns:
      An optax schedule ``count -> lr``.

    PyTorch twin: ``torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min)``.
    Written out rather than ``optax.cosine_decay_schedule(lr, T_max, alpha=eta_min / lr)``,
    which agrees up to ``T_max`` but then stays at ``eta_min`` where torch's cosine rises,
    and evaluated as ``sin(pi * (T_max - j) / (2 * T_max)) ** 2`` with ``j`` the epoch folded
    into ``[0, T_max]``, which keeps float32 within a few ulps of torch's double precision.
    torch fails with ``ZeroDivisionError`` at its first ``step()`` when ``T_max`` is 0;
    this twin raises ``ValueError`` when built.
    """
    _check_steps_per_epoch(steps_per_epoch)
    if not isinstance(T_max, int) or T_max < 1:
        raise ValueError(f"T_max must be a positive integer, got {T_max!r}")

    def schedule(count):
        # (1 + cos(pi e / T)) / 2 = sin(pi (T - j) / 2T) ** 2 with j = e folded into [0, T] by
        # the cosine's period 2T and symmetry (integer arithmetic, exact). In float32 the
        # direct form loses digits twice: pi e / T grows with e (2.4e-3 relative off torch
        # after 9,400 epochs at T_max=7) and 1 + cos cancels near the minimum (1.2e-3 at
        # lr 2.5e-7); here the sine's argument stays in [0, pi/2] and nothing cancels.
        dtype = jnp.result_type(float)
        k = (jnp.asarray(count) // steps_per_epoch) % (2 * T_max)
        j = jnp.minimum(k, 2 * T_max - k)
        half = jnp.sin((T_max - j).astype(dtype) * jnp.asarray(math.pi / (2 * T_max), dtype))
        return eta_min + (lr - eta_min) * half**2

    return schedule
