"""``torch.nn.utils.clip_grad_norm_`` twins: the functional form, the optax transform, training.

The notebooks name gradient clipping in prose only (S1 3043; inventory §1.16); this is a planned
extra. torch scales by ``min(max_norm / (total_norm + 1e-6), 1)``, which
``optax.clip_by_global_norm`` does not (no 1e-6); ``jaxnn.optim.clip_grad_norm`` does.
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jaxnn

from ..trajectories import assert_mlp_parity, assert_quadratic_parity
from .components import CLIPPING

pytestmark = CLIPPING

SHAPES = [(3, 4), (5,), (), (1, 1)]  # includes a 0-d and a size-1 gradient


def _grads(mode, rng, scale=1.0):
    return [mode.array(rng.normal(size=s) * scale) for s in SHAPES]


def _torch_clip(grads, *args, **kwargs):
    params = [torch.zeros_like(torch.tensor(g), requires_grad=True) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(params, *args, **kwargs)
    return [p.grad for p in params], total


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, "inf", float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])  # clipping on, clipping off
def test_clip_grad_norm_functional(mode, rng, norm_type, max_norm):
    grads = _grads(mode, rng)
    clipped_t, total_t = _torch_clip(grads, max_norm, norm_type)
    tree = {f"g{i}": jnp.asarray(g) for i, g in enumerate(grads)}
    clipped_j, total_j = jaxnn.optim.clip_grad_norm_(tree, max_norm, norm_type)
    mode.assert_close(total_j, total_t, name="total norm")
    for i, g in enumerate(clipped_t):
        mode.assert_close(clipped_j[f"g{i}"], g, name=f"clipped g{i}")


def test_clip_grad_norm_transform(mode, rng):
    grads = _grads(mode, rng)
    clipped_t, _ = _torch_clip(grads, 0.5)
    tx = jaxnn.optim.clip_grad_norm(0.5)
    tree = [jnp.asarray(g) for g in grads]
    clipped_j, _ = jax.jit(tx.update)(tree, tx.init(tree))
    for a, e in zip(clipped_j, clipped_t, strict=True):
        mode.assert_close(a, e)


def test_clip_grad_norm_epsilon_differs_from_optax_clip_by_global_norm(mode, rng):
    # A total norm of ~5e-6 against max_norm 1e-7: torch scales by 1e-7 / (total + 1e-6),
    # optax.clip_by_global_norm by 1e-7 / total, 20% more. The clipped values are ~1e-8, below
    # float32's atol, so the scale factors (clipped / g, ~0.02) are compared.
    grads = _grads(mode, rng, scale=1e-6)
    clipped_t, total_t = _torch_clip(grads, 1e-7)
    tree = [jnp.asarray(g) for g in grads]
    ours, _ = jaxnn.optim.clip_grad_norm_(tree, 1e-7)
    theirs, _ = optax.clip_by_global_norm(1e-7).update(tree, optax.EmptyState())
    for a, b, e, g in zip(ours, theirs, clipped_t, grads, strict=True):
        mode.assert_close(a / g, e.numpy() / g, name="jaxnn scale factor")
        with pytest.raises(AssertionError, match="outside tolerance"):
            mode.assert_close(b / g, e.numpy() / g)
    # At total_norm == max_norm torch still scales, by total / (total + 1e-6) < 1 (0.8 here).
    at_max, _ = _torch_clip(grads, float(total_t))
    ours_at_max, _ = jaxnn.optim.clip_grad_norm_(tree, float(total_t))
    factor_t = at_max[0].numpy() / grads[0]
    mode.assert_close(ours_at_max[0] / grads[0], factor_t, name="jaxnn scale factor at max")
    assert np.all(factor_t < 1)


def test_clip_grad_norm_sgd_quadratic_trajectory(mode, rng):
    # max_norm below the early gradient norms, so the first steps are clipped, later ones not.
    kwargs = dict(lr=0.1, momentum=0.9)
    assert_quadratic_parity(
        mode,
        rng,
        lambda ps: torch.optim.SGD(ps, **kwargs),
        optax.chain(jaxnn.optim.clip_grad_norm(0.5), jaxnn.optim.sgd(**kwargs)),
        before_step=lambda ps: torch.nn.utils.clip_grad_norm_(ps, 0.5),
    )


def test_clip_grad_norm_adam_mlp_trajectory(mode, rng):
    assert_mlp_parity(
        mode,
        rng,
        lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
        optax.chain(
            jaxnn.optim.clip_grad_norm(0.3, norm_type=1.0),
            jaxnn.optim.adam(lr=0.01, weight_decay=0.1),
        ),
        before_step=lambda ps: torch.nn.utils.clip_grad_norm_(ps, 0.3, norm_type=1.0),
    )


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_clip_grad_norm_error_if_nonfinite(mode, rng, bad):
    grads = _grads(mode, rng)
    grads[0][1, 2] = bad
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        _torch_clip(grads, 1.0, error_if_nonfinite=True)
    tree = [jnp.asarray(g) for g in grads]
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        jaxnn.optim.clip_grad_norm_(tree, 1.0, error_if_nonfinite=True)
    tx = jaxnn.optim.clip_grad_norm(1.0, error_if_nonfinite=True)
    # Under jit the error comes back through a callback as JaxRuntimeError, a RuntimeError.
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        jax.block_until_ready(jax.jit(tx.update)(tree, tx.init(tree)))


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_clip_grad_norm_nonfinite_without_error(mode, rng, bad):
    # error_if_nonfinite=False (the default): torch scales by the non-finite norm anyway.
    grads = _grads(mode, rng)
    grads[0][1, 2] = bad
    clipped_t, total_t = _torch_clip(grads, 1.0)
    clipped_j, total_j = jaxnn.optim.clip_grad_norm_([jnp.asarray(g) for g in grads], 1.0)
    mode.assert_close(total_j, total_t)
    for a, e in zip(clipped_j, clipped_t, strict=True):
        mode.assert_close(a, e)


def test_get_total_norm_empty():
    total_t = torch.nn.utils.get_total_norm([])
    total_j = jaxnn.optim.get_total_norm({})
    assert float(total_j) == float(total_t) == 0.0
    clipped, total = jaxnn.optim.clip_grad_norm_({}, 1.0)
    assert clipped == {} and float(total) == 0.0


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (jaxnn.optim.clip_grad_norm_, torch.nn.utils.clip_grad_norm_),
        (jaxnn.optim.clip_grad_norm, torch.nn.utils.clip_grad_norm_),
        (jaxnn.optim.get_total_norm, torch.nn.utils.get_total_norm),
    ],
)
def test_clip_grad_norm_arguments_match_torch(ours, theirs):
    # Same argument names and defaults after torch's parameters/tensors (jaxnn: the gradient
    # tree, or nothing for the transform, which receives gradients in update()).
    def tail(fn, skip):
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()][skip:]

    skip = 0 if ours is jaxnn.optim.clip_grad_norm else 1
    assert tail(ours, skip) == tail(theirs, 1)
