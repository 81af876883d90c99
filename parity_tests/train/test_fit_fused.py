"""``fit``'s two paths: the fused blocks it takes by default and the per-step loop.

``fit`` fuses whenever its loader allows it (``fused=None``), so the torch comparisons in
test_fit run the fused path; these tests hold it to the per-step loop, ``fused=False``:
the same curve and final state (float64 to 1e-12, the ``member`` tolerance), the same
log records, checkpoints on the same steps, resumes from any of them, validation and
early stopping, the non-finite rules and mixed precision, across blocks cut short by
the epoch's end and by checkpoints.
"""

from __future__ import annotations

import importlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import jaxnn
import jaxnn.train.epoch
from twincore import harness

from ..modes import Mode
from .components import FIT

pytestmark = FIT

N, BATCH = 46, 4  # 11 full batches and a short one of 2 each epoch


@pytest.fixture(autouse=True)
def _short_blocks(monkeypatch):
    # Blocks of 4 steps, so an epoch's 11 full batches take 3 blocks, the last one cut short.
    monkeypatch.setattr(jaxnn.train.epoch, "BLOCK_STEPS", 4)


def _data(mode, seed=0, n=N):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype(mode.np), rng.integers(0, 3, size=n)


def _loader(x, y, seed=7, **kwargs):
    return jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(x, y), BATCH, shuffle=True, seed=seed, **kwargs
    )


def _dropout_network(mode):
    return jaxnn.nn.Sequential(
        jaxnn.nn.Linear(2, 16, dtype=mode.name, rngs=nnx.Rngs(2)),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Dropout(0.25, rngs=nnx.Rngs(3)),
        jaxnn.nn.Linear(16, 3, dtype=mode.name, rngs=nnx.Rngs(4)),
    )


def _both(mode, x, y, epochs=3, build=_dropout_network, tx=None, **kwargs):
    """``(fused, per-step)``: the two paths' FitResults and final state dicts."""
    runs = []
    for fused in (True, False):
        model = build(mode)
        result = jaxnn.train.fit(
            model,
            tx or jaxnn.optim.adam(0.01),
            jaxnn.functional.cross_entropy,
            _loader(x, y),
            epochs,
            fused=fused,
            **kwargs,
        )
        runs.append((result, jaxnn.interop.state_dict(model)))
    return runs


@pytest.mark.parametrize("drop_last", [False, True])
def test_fused_fit_is_the_per_step_curve(mode, drop_last):
    x, y = _data(mode)
    model, stepped = _dropout_network(mode), _dropout_network(mode)
    loader = _loader(x, y, drop_last=drop_last)
    fused_loader = _loader(x, y, drop_last=drop_last)
    fused = jaxnn.train.fit(
        model, jaxnn.optim.adam(0.01), jaxnn.functional.cross_entropy, fused_loader, 3
    )
    want = jaxnn.train.fit(
        stepped,
        jaxnn.optim.adam(0.01),
        jaxnn.functional.cross_entropy,
        loader,
        3,
        fused=False,
    )
    assert len(fused.losses) == len(want.losses) == 3 * (11 if drop_last else 12)
    mode.assert_close(fused.losses, want.losses, kind="member", name="loss curve")
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(model), jaxnn.interop.state_dict(stepped), kind="member"
    )


def test_fit_fuses_by_default_only_where_the_loader_allows(mode, monkeypatch):
    built = []
    real = jaxnn.train.epoch.FusedEpochs

    def counting(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(importlib.import_module("jaxnn.train.fit"), "FusedEpochs", counting)
    x, y = _data(mode)
    criterion = jaxnn.functional.cross_entropy
    jaxnn.train.fit(_dropout_network(mode), jaxnn.optim.sgd(0.1), criterion, _loader(x, y), 1)
    assert len(built) == 1  # a DataLoader over a TensorDataset: fused
    batches = [(jnp.asarray(x[:4]), jnp.asarray(y[:4]))]  # a list of batches: per step
    jaxnn.train.fit(_dropout_network(mode), jaxnn.optim.sgd(0.1), criterion, batches, 1)
    assert len(built) == 1
    with pytest.raises(TypeError, match=r"fit\(fused=True\) needs a jaxnn.data.DataLoader"):
        jaxnn.train.fit(
            _dropout_network(mode), jaxnn.optim.sgd(0.1), criterion, batches, 1, fused=True
        )
    with pytest.raises(ValueError, match="fused must be True, False or None; got 'yes'"):
        jaxnn.train.fit(
            _dropout_network(mode), jaxnn.optim.sgd(0.1), criterion, batches, 1, fused="yes"
        )


def test_fused_fit_logs_the_same_records(mode):
    x, y = _data(mode)
    logs = ([], [])
    runs = []
    for fused, seen in zip((True, False), logs, strict=True):
        runs.append(
            jaxnn.train.fit(
                _dropout_network(mode),
                jaxnn.optim.sgd(0.1),
                jaxnn.functional.cross_entropy,
                _loader(x, y),
                2,
                fused=fused,
                log_every=5,
                log=seen.append,
            )
        )
    assert [(e.epoch, e.batch, e.num_batches) for e in logs[0]] == [
        (e.epoch, e.batch, e.num_batches) for e in logs[1]
    ]
    assert len(logs[0]) == 24  # the log receives every step; log_every sets how often
    mode.assert_close([e.loss for e in logs[0]], [e.loss for e in logs[1]], kind="member")


def test_fused_checkpoints_land_on_the_same_steps_and_resume_bit_identical(mode):
    x, y = _data(mode)
    saved = ([], [])
    for fused, checkpoints in zip((True, False), saved, strict=True):
        jaxnn.train.fit(
            _dropout_network(mode),
            jaxnn.optim.adam(0.01),
            jaxnn.functional.cross_entropy,
            _loader(x, y),
            3,
            fused=fused,
            checkpoint_every=5,
            on_checkpoint=checkpoints.append,
        )
    assert [c.step for c in saved[0]] == [c.step for c in saved[1]] == list(range(5, 36, 5))
    for a, b in zip(*saved, strict=True):
        mode.assert_close(a.losses, b.losses, kind="member", name=f"losses to step {a.step}")
        mode.assert_tree_close(a.state.params, b.state.params, kind="member")
    full = jaxnn.train.fit(
        model := _dropout_network(mode),
        jaxnn.optim.adam(0.01),
        jaxnn.functional.cross_entropy,
        _loader(x, y),
        3,
    )
    for checkpoint in saved[0]:  # mid-block, mid-epoch and at an epoch's last full batch
        resumed_model = _dropout_network(mode)
        resumed = jaxnn.train.fit(
            resumed_model,
            jaxnn.optim.adam(0.01),
            jaxnn.functional.cross_entropy,
            _loader(x, y),
            3,
            resume=checkpoint,
        )
        harness.assert_equal(resumed.losses, full.losses, name=f"from step {checkpoint.step}")
        for key, value in jaxnn.interop.state_dict(model).items():
            harness.assert_equal(
                jaxnn.interop.state_dict(resumed_model)[key], value, name=f"{key} resumed"
            )


def test_fused_validation_and_early_stopping_match_the_per_step_loop(mode):
    x, y = _data(mode)
    vx, vy = _data(mode, seed=1, n=12)
    val = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(vx, vy), 5)
    (fused, fused_params), (want, want_params) = _both(
        mode, x, y, epochs=12, tx=jaxnn.optim.adam(0.2), val_loader=val, patience=2
    )
    assert fused.stopped_epoch == want.stopped_epoch is not None
    assert fused.best_epoch == want.best_epoch
    mode.assert_close(fused.val_losses, want.val_losses, kind="member", name="val losses")
    mode.assert_close(fused.losses, want.losses, kind="member", name="loss curve")
    mode.assert_state_dict_close(fused_params, want_params, kind="member")


@pytest.mark.parametrize("on_nonfinite", ["raise", "skip"])
def test_fused_non_finite_steps_are_the_per_step_loops(mode, on_nonfinite):
    x, y = _data(mode)
    x[9] = np.nan  # sample 9 poisons whichever step draws it
    if on_nonfinite == "skip":
        (fused, fused_params), (want, want_params) = _both(mode, x, y, on_nonfinite="skip")
        assert fused.skipped == want.skipped and len(want.skipped) == 3  # one per epoch
        mode.assert_state_dict_close(fused_params, want_params, kind="member")
        return
    errors, states = [], []
    for fused in (True, False):
        model = _dropout_network(mode)
        with pytest.raises(jaxnn.train.NonFiniteLossError) as error:
            jaxnn.train.fit(
                model,
                jaxnn.optim.sgd(0.1),
                jaxnn.functional.cross_entropy,
                _loader(x, y),
                2,
                fused=fused,
            )
        errors.append(error.value)
        states.append(jaxnn.interop.state_dict(model))
    assert (errors[0].step, errors[0].epoch, errors[0].batch) == (
        errors[1].step,
        errors[1].epoch,
        errors[1].batch,
    )
    mode.assert_state_dict_close(states[0], states[1], kind="member")


def test_fused_mixed_precision_is_the_per_step_curve():
    float32 = Mode("float32")  # mixed precision keeps float32 parameters
    x, y = _data(float32)
    (fused, fused_params), (want, want_params) = _both(
        float32, x, y, epochs=2, build=_linear_network, precision="bf16-mixed"
    )
    # The same bf16 kernels in both programs: the member tolerance, not the bf16 one.
    float32.assert_close(fused.losses, want.losses, kind="member", name="loss curve")
    float32.assert_state_dict_close(fused_params, want_params, kind="member")


def test_a_train_step_stays_on_jits_fast_path():
    # An effect in the step's program (a debug check, a callback) sends every call through
    # jit's Python dispatch; cross_entropy's out-of-range check is traced only under
    # checkify (parity_tests/functional/test_bad_inputs.py keeps that one firing).
    model = jaxnn.models.MNIST(32, 16, rngs=nnx.Rngs(0))
    tx = jaxnn.optim.sgd(0.1, momentum=0.9)
    graphdef, state = jaxnn.train.TrainState.create(model, tx)
    x, y = jnp.ones((4, 784)), jnp.zeros((4,), jnp.int32)
    for criterion in (jaxnn.functional.cross_entropy, jaxnn.functional.nll_loss):
        step = jaxnn.train.make_train_step(graphdef, tx, criterion)
        traced = jax.jit(lambda s, b, step=step: step(s, b)).trace(state, (x, y))
        assert traced.jaxpr.effects == set(), criterion.__name__


def _linear_network(mode):
    return jaxnn.nn.Sequential(
        jaxnn.nn.Linear(2, 16, dtype=mode.name, rngs=nnx.Rngs(2)),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Linear(16, 3, dtype=mode.name, rngs=nnx.Rngs(4)),
    )
