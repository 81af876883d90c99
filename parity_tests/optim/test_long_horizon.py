"""``torch.optim.{SGD,Adam,AdamW,RMSprop}`` twins over 10,000 float64 steps at the hard ends
of their hyper-parameters: betas, alpha and momentum close to 1, eps 1e-16, lr 1e-8, weight
decay, AMSGrad, dampening, Nesterov, centered RMSprop.

Every run is driven by the same gradient sequence on both sides (``long_runs.py``), and the
parameters and the whole optimizer state are compared at steps 1, 10, 100, 1,000 and 10,000
within the float64 curve tolerance. A slow drift (a bias correction or a moment update that
rounds differently every step) shows up here where the 200-step trajectories of
``test_optimizers.py`` are too short to see it. Runs with lr 1e-8 start from parameters of
size 1e-4, so the 1e-4 they travel is most of their value and the comparison sees the updates,
not the start point.

Measured (this file's runs): parameters agree to <= 7e-13 relative after 10,000 steps, the
state to the same; the bit-level differences are AdamW's in-place decay (see
``jaxnn.optim.adamw``).
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
import torch

import jaxnn

from ..modes import Mode
from .components import ADAM, ADAMW, RMSPROP, SGD
from .long_runs import assert_run_matches, gradients, jax_run, torch_runs

STEPS = 10_000
SIZE = 4


@pytest.fixture
def float64():
    with jax.enable_x64(True):
        yield Mode("float64")


# name: (component, torch class, jaxnn factory, [keyword arguments of each run, the same on
# both sides]). Two runs per optimizer: each torch run costs ~2 s of CPU (10,000 eager steps
# of ~10 small ops), the budget of the whole file.
CASES = {
    "adam": (
        ADAM,
        torch.optim.Adam,
        jaxnn.optim.adam,
        [
            dict(lr=1e-8, betas=(0.9999, 0.99999), eps=1e-16, weight_decay=0.1),
            dict(lr=1e-3, betas=(0.99999, 0.9999), eps=1e-16, weight_decay=1e-2, amsgrad=True),
        ],
    ),
    "adamw": (
        ADAMW,
        torch.optim.AdamW,
        jaxnn.optim.adamw,
        [
            dict(lr=1e-8, betas=(0.9999, 0.99999), eps=1e-16, weight_decay=0.1),
            dict(lr=1e-3, betas=(0.99, 0.9999), eps=1e-16, weight_decay=0.1, amsgrad=True),
        ],
    ),
    "sgd": (
        SGD,
        torch.optim.SGD,
        jaxnn.optim.sgd,
        [
            dict(lr=1e-8, momentum=0.9999, dampening=0.1, weight_decay=0.1),
            dict(lr=1e-3, momentum=0.999, nesterov=True, weight_decay=1e-2),
        ],
    ),
    "rmsprop": (
        RMSPROP,
        torch.optim.RMSprop,
        jaxnn.optim.rmsprop,
        [
            dict(
                lr=1e-8, alpha=0.99999, eps=1e-16, weight_decay=0.1, momentum=0.9999, centered=True
            ),
            dict(lr=1e-3, alpha=0.9999, eps=1e-16, momentum=0.9),
        ],
    ),
}


def start_point(rng: np.random.Generator, lr: float) -> np.ndarray:
    """Unit-size parameters, or 1e-4-size ones for a tiny ``lr`` (see the module docstring)."""
    return rng.normal(size=SIZE) * (1e-4 if lr < 1e-6 else 1.0)


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=case[0]) for name, case in CASES.items()]
)
def test_long_run_matches_torch(float64, rng, name):
    _, torch_cls, factory, runs = CASES[name]
    p0s = [start_point(rng, kwargs["lr"]) for kwargs in runs]
    grads = [gradients(rng, STEPS, SIZE, np.float64) for _ in runs]
    outs = torch_runs(torch_cls, runs, p0s, grads)
    for kwargs, p0, g, out in zip(runs, p0s, grads, outs, strict=True):
        history = jax_run(factory(**kwargs), p0, g)
        assert_run_matches(float64, out, history)
