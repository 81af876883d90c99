"""``torch.optim.AdamW`` twin: decoupled weight decay, trajectories over a grid (inventory §1.16).

AdamW is not used by the seeds (only ``decoupled_weight_decay: False`` in S4 1230); it is
planned as an extra. Float64: 200 steps within the curve tolerance; float32: the first 20.
"""

import jax.numpy as jnp
import optax
import pytest
import torch

import jaxnn

from ..trajectories import (
    assert_defaults_match,
    assert_mlp_parity,
    assert_quadratic_parity,
)

pytestmark = pytest.mark.component(
    "AdamW",
    torch="torch.optim.AdamW",
    jaxnn="jaxnn.optim.adamw",
    lesson="15_optimizers_and_learning_rate",
)

GRID = {
    "default": dict(lr=0.05),
    "strong_decay": dict(lr=0.05, weight_decay=0.5),
    "betas_eps": dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1),
    "amsgrad": dict(lr=0.05, weight_decay=0.1, amsgrad=True),
    "no_decay": dict(lr=0.05, weight_decay=0.0),
}


@pytest.mark.parametrize("name", list(GRID))
def test_adamw_quadratic_trajectory(mode, rng, name):
    kwargs = GRID[name]
    assert_quadratic_parity(
        mode, rng, lambda ps: torch.optim.AdamW(ps, **kwargs), jaxnn.optim.adamw(**kwargs)
    )


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adamw_maximize(mode, rng, amsgrad):
    # maximize negates the gradient only; the decay still shrinks p.
    kwargs = dict(lr=0.05, weight_decay=0.1, amsgrad=amsgrad, maximize=True)
    losses_t = assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.AdamW(ps, **kwargs),
        jaxnn.optim.adamw(**kwargs),
        negate=True,
    )
    assert losses_t[-1] > losses_t[0]


@pytest.mark.parametrize("name", ["default", "amsgrad"])
def test_adamw_mlp_trajectory(mode, rng, name):
    kwargs = GRID[name] | dict(lr=0.01)
    assert_mlp_parity(
        mode, rng, lambda ps: torch.optim.AdamW(ps, **kwargs), jaxnn.optim.adamw(**kwargs)
    )


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


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), "Invalid learning rate"),
        (dict(eps=-1e-8), "Invalid epsilon value"),
        (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
        (dict(betas=(0.9, -0.5)), "Invalid beta parameter at index 1"),
        (dict(weight_decay=-1.0), "Invalid weight_decay value"),
    ],
)
def test_adamw_rejects_what_torch_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        jaxnn.optim.adamw(**kwargs)
    with pytest.raises(ValueError, match=message):
        torch.optim.AdamW([torch.zeros(1, requires_grad=True)], **kwargs)


def test_adamw_defaults_match_torch():
    names = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    assert_defaults_match(jaxnn.optim.adamw, torch.optim.AdamW, names)
    assert torch.optim.AdamW([torch.zeros(1, requires_grad=True)]).defaults[
        "decoupled_weight_decay"
    ]
