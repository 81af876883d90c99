"""``torch.optim.SGD`` twin: whole trajectories over a grid of hyper-parameters (inventory §1.16).

Float64: 200 steps within the curve tolerance; float32: the first 20 steps.
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from flax import nnx

import jaxnn

pytestmark = pytest.mark.component(
    "SGD",
    torch="torch.optim.SGD",
    jaxnn="jaxnn.optim.sgd",
    lesson="15_optimizers_and_learning_rate",
)

GRID = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.05, momentum=0.9),
    "dampening": dict(lr=0.05, momentum=0.9, dampening=0.3),
    "nesterov": dict(lr=0.05, momentum=0.9, nesterov=True),
    "weight_decay": dict(lr=0.05, momentum=0.5, weight_decay=0.01),
}


def _steps(mode):
    return 200 if mode.name == "float64" else 20


def _quadratic(rng, dtype):
    m = rng.normal(size=(5, 5))
    a = (m @ m.T / 5 + np.eye(5)).astype(dtype)  # SPD, condition number ~10
    b = rng.normal(size=5).astype(dtype)
    p0 = rng.normal(size=5).astype(dtype)
    return a, b, p0


def _torch_trajectory(params, loss_fn, make_opt, steps):
    opt = make_opt(params)
    losses = []
    for _ in range(steps):
        loss = loss_fn()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _jax_trajectory(params, loss_fn, tx, steps):
    def step(carry, _):
        p, s = carry
        loss, g = jax.value_and_grad(loss_fn)(p)
        updates, s = tx.update(g, s, p)
        return (optax.apply_updates(p, updates), s), loss

    (params, _), losses = jax.lax.scan(step, (params, tx.init(params)), length=steps)
    return params, losses


@pytest.mark.parametrize("name", list(GRID))
def test_sgd_quadratic_trajectory(mode, rng, name):
    kwargs = GRID[name]
    a, b, p0 = _quadratic(rng, mode.np)
    pt = torch.tensor(p0, requires_grad=True)
    at, bt = torch.tensor(a), torch.tensor(b)
    losses_t = _torch_trajectory(
        [pt],
        lambda: 0.5 * pt @ at @ pt - bt @ pt,
        lambda ps: torch.optim.SGD(ps, **kwargs),
        _steps(mode),
    )
    aj, bj = jnp.asarray(a), jnp.asarray(b)
    p_j, losses_j = _jax_trajectory(
        jnp.asarray(p0),
        lambda p: 0.5 * p @ aj @ p - bj @ p,
        jaxnn.optim.sgd(**kwargs),
        _steps(mode),
    )
    mode.assert_close(losses_j, losses_t, kind="curve", name="loss curve")
    mode.assert_close(p_j, pt, kind="curve", name="final parameters")


def test_sgd_maximize(mode, rng):
    a, b, p0 = _quadratic(rng, mode.np)
    pt = torch.tensor(p0, requires_grad=True)
    at, bt = torch.tensor(a), torch.tensor(b)
    kwargs = dict(lr=0.05, momentum=0.9, maximize=True)
    losses_t = _torch_trajectory(
        [pt],
        lambda: -(0.5 * pt @ at @ pt - bt @ pt),
        lambda ps: torch.optim.SGD(ps, **kwargs),
        _steps(mode),
    )
    aj, bj = jnp.asarray(a), jnp.asarray(b)
    _, losses_j = _jax_trajectory(
        jnp.asarray(p0),
        lambda p: -(0.5 * p @ aj @ p - bj @ p),
        jaxnn.optim.sgd(**kwargs),
        _steps(mode),
    )
    mode.assert_close(losses_j, losses_t, kind="curve")
    assert losses_t[-1] > losses_t[0]  # maximize climbs the negated bowl


@pytest.mark.parametrize("name", ["momentum", "dampening", "weight_decay"])
def test_sgd_mlp_trajectory(mode, rng, name):
    kwargs = GRID[name]
    x = mode.array(rng.normal(size=(16, 4)))
    y = rng.integers(0, 3, size=16)
    torch.manual_seed(0)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(
        mode.torch
    )
    rngs = nnx.Rngs(0)
    jmodel = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(4, 8, dtype=mode.jnp, rngs=rngs),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Linear(8, 3, dtype=mode.jnp, rngs=rngs),
    )
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    xt, yt = torch.tensor(x), torch.tensor(y)
    losses_t = _torch_trajectory(
        list(tmodel.parameters()),
        lambda: torch.nn.functional.cross_entropy(tmodel(xt), yt),
        lambda ps: torch.optim.SGD(ps, **kwargs),
        _steps(mode),
    )
    graphdef, params = nnx.split(jmodel, nnx.Param)
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def loss_fn(p):
        return jaxnn.functional.cross_entropy(nnx.merge(graphdef, p)(xj), yj)

    params, losses_j = _jax_trajectory(params, loss_fn, jaxnn.optim.sgd(**kwargs), _steps(mode))
    mode.assert_close(losses_j, losses_t, kind="curve", name="loss curve")
    nnx.update(jmodel, params)
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(jmodel), tmodel.state_dict(), kind="curve"
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), "Invalid learning rate"),
        (dict(momentum=-0.5), "Invalid momentum value"),
        (dict(weight_decay=-1.0), "Invalid weight_decay value"),
        (dict(momentum=0.0, nesterov=True), "Nesterov momentum requires"),
        (dict(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    ],
)
def test_sgd_rejects_what_torch_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        jaxnn.optim.sgd(**kwargs)
    with pytest.raises(ValueError, match=message):
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], **kwargs)


def test_sgd_defaults_match_torch():
    defaults = torch.optim.SGD([torch.zeros(1, requires_grad=True)]).defaults
    sig = inspect.signature(jaxnn.optim.sgd).parameters
    for name in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"):
        assert sig[name].default == defaults[name], name
