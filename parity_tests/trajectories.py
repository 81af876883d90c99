"""Whole-trajectory helpers shared by the optimizer parity tests.

A trajectory is the same optimizer run for ``steps(mode)`` steps in torch (its
own loop) and in JAX (one ``jax.lax.scan``) from the same start: 200 steps in
float64, 20 in float32 (the curve tolerance's contract).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import jaxnn


def steps(mode) -> int:
    """Trajectory length: 200 steps in float64, the first 20 in float32 (harness "curve")."""
    return 200 if mode.name == "float64" else 20


def quadratic(rng: np.random.Generator, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A`` (SPD, condition number ~10), ``b`` and a start point ``p0`` of a 5-d bowl."""
    m = rng.normal(size=(5, 5))
    a = (m @ m.T / 5 + np.eye(5)).astype(dtype)
    b = rng.normal(size=5).astype(dtype)
    p0 = rng.normal(size=5).astype(dtype)
    return a, b, p0


def torch_trajectory(
    loss_fn: Callable[[int], torch.Tensor],
    opt: torch.optim.Optimizer,
    n: int,
    *,
    scheduler: Any = None,
    steps_per_epoch: int = 1,
    every_k: int = 1,
    before_step: Callable[[], Any] | None = None,
) -> list[float]:
    """torch's loop: ``n`` backward passes of ``loss_fn(i)``; the notebooks' accumulation pattern
    (loss / every_k, step and zero_grad every ``every_k``), an optional ``before_step`` hook
    (gradient clipping) and ``scheduler.step()`` every ``steps_per_epoch`` optimizer steps.
    Returns the unscaled losses."""
    losses, opt_steps = [], 0
    opt.zero_grad()
    for i in range(n):
        loss = loss_fn(i)
        (loss / every_k if every_k > 1 else loss).backward()
        losses.append(loss.item())
        if (i + 1) % every_k == 0:
            if before_step is not None:
                before_step()
            opt.step()
            opt.zero_grad()
            opt_steps += 1
            if scheduler is not None and opt_steps % steps_per_epoch == 0:
                scheduler.step()
    return losses


def jax_trajectory(params: Any, loss_fn: Callable, tx: optax.GradientTransformation, n: int):
    """The same loop as one ``lax.scan``: ``loss_fn(params, i)``, ``tx.update``, apply."""

    def step(carry, i):
        p, s = carry
        loss, g = jax.value_and_grad(loss_fn)(p, i)
        updates, s = tx.update(g, s, p)
        return (optax.apply_updates(p, updates), s), loss

    (params, _), losses = jax.lax.scan(step, (params, tx.init(params)), jnp.arange(n))
    return params, losses


def quadratic_pair(mode, rng, *, negate: bool = False):
    """The bowl ``0.5 pᵀAp - bᵀp`` (negated for maximize) in both frameworks, same inputs."""
    a, b, p0 = quadratic(rng, mode.np)
    sign = -1.0 if negate else 1.0
    pt = torch.tensor(p0, requires_grad=True)
    at, bt = torch.tensor(a), torch.tensor(b)
    aj, bj = jnp.asarray(a), jnp.asarray(b)
    return (
        pt,
        lambda i: sign * (0.5 * pt @ at @ pt - bt @ pt),
        jnp.asarray(p0),
        lambda p, i: sign * (0.5 * p @ aj @ p - bj @ p),
    )


def assert_quadratic_parity(
    mode,
    rng,
    make_torch_opt: Callable,
    tx: optax.GradientTransformation,
    *,
    negate: bool = False,
    make_scheduler: Callable | None = None,
    steps_per_epoch: int = 1,
    before_step: Callable | None = None,
) -> list[float]:
    """Trains the bowl with torch and with ``tx``; loss curves and final points agree."""
    pt, loss_t, p0, loss_j = quadratic_pair(mode, rng, negate=negate)
    opt = make_torch_opt([pt])
    losses_t = torch_trajectory(
        loss_t,
        opt,
        steps(mode),
        scheduler=make_scheduler(opt) if make_scheduler else None,
        steps_per_epoch=steps_per_epoch,
        before_step=(lambda: before_step([pt])) if before_step else None,
    )
    p_j, losses_j = jax_trajectory(p0, loss_j, tx, steps(mode))
    mode.assert_close(losses_j, losses_t, kind="curve", name="loss curve")
    mode.assert_close(p_j, pt, kind="curve", name="final parameters")
    return losses_t


def mlp_pair(mode, rng, *, batches: int = 1):
    """A 4-8-3 ReLU MLP with cross-entropy, in both frameworks, from torch's seed-0 init.

    The JAX side is the same network written on torch's state dict (``x @ W.T + b``), so
    parameters compare key by key. ``batches`` mini-batches of 4 rows; loss ``i`` uses
    mini-batch ``i % batches`` (all 16 rows when ``batches == 1``).
    """
    x = mode.array(rng.normal(size=(16, 4)))
    y = rng.integers(0, 3, size=16)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    model = model.to(mode.torch)
    size = 16 // batches
    xt, yt = torch.tensor(x), torch.tensor(y)
    xj, yj = jnp.asarray(x).reshape(batches, size, 4), jnp.asarray(y).reshape(batches, size)

    def loss_t(i):
        rows = slice((i % batches) * size, (i % batches + 1) * size)
        return torch.nn.functional.cross_entropy(model(xt[rows]), yt[rows])

    def loss_j(p, i):
        xb, yb = xj[i % batches], yj[i % batches]
        h = jax.nn.relu(xb @ p["0.weight"].T + p["0.bias"])
        return jaxnn.functional.cross_entropy(h @ p["2.weight"].T + p["2.bias"], yb)

    params = {k: jnp.asarray(v.detach().numpy()) for k, v in model.state_dict().items()}
    return model, loss_t, params, loss_j


def assert_mlp_parity(
    mode,
    rng,
    make_torch_opt: Callable,
    tx: optax.GradientTransformation,
    *,
    batches: int = 1,
    every_k: int = 1,
    before_step: Callable | None = None,
    make_scheduler: Callable | None = None,
    steps_per_epoch: int = 1,
) -> None:
    """Trains the MLP with torch and with ``tx``; loss curves and final state dicts agree."""
    model, loss_t, params, loss_j = mlp_pair(mode, rng, batches=batches)
    opt = make_torch_opt(model.parameters())
    losses_t = torch_trajectory(
        loss_t,
        opt,
        steps(mode),
        scheduler=make_scheduler(opt) if make_scheduler else None,
        steps_per_epoch=steps_per_epoch,
        every_k=every_k,
        before_step=(lambda: before_step(model.parameters())) if before_step else None,
    )
    params, losses_j = jax_trajectory(params, loss_j, tx, steps(mode))
    mode.assert_close(losses_j, losses_t, kind="curve", name="loss curve")
    mode.assert_state_dict_close(params, model.state_dict(), kind="curve")


def assert_defaults_match(factory: Callable, torch_cls: type, names: tuple[str, ...]) -> None:
    """``inspect.signature(factory)`` defaults equal ``torch_cls(...).defaults``."""
    defaults = torch_cls([torch.zeros(1, requires_grad=True)]).defaults
    sig = inspect.signature(factory).parameters
    for name in names:
        assert sig[name].default == defaults[name], name
