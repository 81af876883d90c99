"""Optimizer updates and gradient clipping on hard gradients.

Property-based (``parity_tests/hard_inputs.py``): gradients across the dtype's range
(``1e-30 … 1e30``), exact zeros and signed zeros, and ``nan``/``±inf`` among ordinary values.
Each example runs a few steps in torch and in the jitted jaxnn update from the same start,
with the same gradients, and compares the parameters and the whole optimizer state after each
step: values within the curve tolerance, ``nan`` and ``inf`` at the same places (torch lets a
``nan`` gradient poison the parameter and every moment it touches; so must the twin).

Shapes are fixed (the rules are element-wise; empty and size-1 parameters are in
``test_optimizers.py``'s neighbours): each optimizer compiles once per dtype, and the examples
vary only the values.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import jaxnn

from ..hard_inputs import hard_arrays
from .components import ADAM, ADAMW, CLIPPING, RMSPROP, SGD
from .long_runs import TORCH_TO_OPTAX, optax_field

SHAPE = (6,)
STEPS = 3
GRADIENT_KINDS = ("wide", "nonfinite", "ties", "zeros")


@st.composite
def gradient(draw, dtype, kind: str) -> np.ndarray:
    """One gradient of ``SHAPE``: a hard-input kind, or exact zeros."""
    if kind == "zeros":
        return np.zeros(SHAPE, dtype)
    return draw(hard_arrays(dtype, kind, SHAPE))


def gradient_steps(dtype) -> st.SearchStrategy[list[np.ndarray]]:
    """``STEPS`` gradients, each of a kind of its own (a nan may arrive after finite steps)."""
    one = st.sampled_from(GRADIENT_KINDS).flatmap(lambda kind: gradient(dtype, kind))
    return st.lists(one, min_size=STEPS, max_size=STEPS)


# name: (component, torch class, jaxnn factory, arguments shared by both sides).
OPTIMIZERS = {
    "sgd": (SGD, torch.optim.SGD, jaxnn.optim.sgd, dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    "sgd-dampening-nesterov": (
        SGD,
        torch.optim.SGD,
        jaxnn.optim.sgd,
        dict(lr=0.1, momentum=0.9, nesterov=True),
    ),
    "sgd-dampening": (
        SGD,
        torch.optim.SGD,
        jaxnn.optim.sgd,
        dict(lr=0.1, momentum=0.9, dampening=0.3),
    ),
    "adam": (ADAM, torch.optim.Adam, jaxnn.optim.adam, dict(lr=0.01, weight_decay=0.01)),
    "adam-amsgrad": (ADAM, torch.optim.Adam, jaxnn.optim.adam, dict(lr=0.01, amsgrad=True)),
    "adamw": (ADAMW, torch.optim.AdamW, jaxnn.optim.adamw, dict(lr=0.01, weight_decay=0.1)),
    "rmsprop": (RMSPROP, torch.optim.RMSprop, jaxnn.optim.rmsprop, dict(lr=0.01)),
    "rmsprop-centered-momentum": (
        RMSPROP,
        torch.optim.RMSprop,
        jaxnn.optim.rmsprop,
        dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01),
    ),
}

_JITTED: dict = {}


def jitted_update(name: str, dtype: str):
    """``tx.update`` + apply, jitted once per optimizer and dtype for the whole module."""
    if (name, dtype) not in _JITTED:
        tx = OPTIMIZERS[name][2](**OPTIMIZERS[name][3])

        @jax.jit
        def step(p, s, g):
            updates, s = tx.update(g, s, p)
            return optax.apply_updates(p, updates), s

        _JITTED[name, dtype] = (tx, step)
    return _JITTED[name, dtype]


@pytest.mark.parametrize("name", [pytest.param(n, marks=c[0]) for n, c in OPTIMIZERS.items()])
@given(data=st.data())
def test_update_on_hard_gradients_matches_torch(mode, name, data):
    _, torch_cls, _, kwargs = OPTIMIZERS[name]
    grads = data.draw(gradient_steps(mode.np), label="gradients")
    p0 = mode.array(np.linspace(-1.0, 1.0, SHAPE[0]))
    pt = torch.tensor(p0, requires_grad=True)
    opt = torch_cls([pt], **kwargs)
    tx, step = jitted_update(name, mode.name)
    pj = jnp.asarray(p0)
    sj = tx.init(pj)
    for i, g in enumerate(grads, start=1):
        pt.grad = torch.tensor(g)
        opt.step()
        pj, sj = step(pj, sj, jnp.asarray(g))
        mode.assert_close(pj, pt.detach(), kind="curve", name=f"parameters after {i}")
        for key, value in opt.state[pt].items():
            if key == "step":
                continue
            field = "trace" if key == "momentum_buffer" else TORCH_TO_OPTAX[key]
            mode.assert_close(optax_field(sj, field), value, kind="curve", name=f"{key} after {i}")


# ---- gradient clipping ---------------------------------------------------------------------

CLIP_SHAPES = ((4,), (2, 3))


@CLIPPING
@pytest.mark.parametrize("norm_type", [2.0, 1.0, "inf"])
@pytest.mark.parametrize("error_if_nonfinite", [False, True])
@given(data=st.data())
def test_clip_grad_norm_on_hard_gradients_matches_torch(mode, norm_type, error_if_nonfinite, data):
    kind = data.draw(st.sampled_from(("wide", "nonfinite", "ties")), label="kind")
    grads = [data.draw(hard_arrays(mode.np, kind, shape)) for shape in CLIP_SHAPES]
    params = [torch.zeros(g.shape, dtype=mode.torch, requires_grad=True) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.tensor(g)
    try:
        total_t = torch.nn.utils.clip_grad_norm_(params, 1.0, norm_type, error_if_nonfinite)
    except RuntimeError:
        # torch raises when the total norm is nan or inf; so must the twin, eager and jitted.
        assert error_if_nonfinite
        tree = [jnp.asarray(g) for g in grads]
        with pytest.raises(RuntimeError, match="non-finite"):
            jaxnn.optim.clip_grad_norm_(tree, 1.0, norm_type, error_if_nonfinite)
        return
    tree = [jnp.asarray(g) for g in grads]
    clipped, total_j = jaxnn.optim.clip_grad_norm_(tree, 1.0, norm_type, error_if_nonfinite)
    mode.assert_close(total_j, total_t, name="total norm")
    for i, (a, p) in enumerate(zip(clipped, params, strict=True)):
        mode.assert_close(a, p.grad, name=f"clipped gradient {i}")
