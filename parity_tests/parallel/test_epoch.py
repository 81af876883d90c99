"""Scan-fused epochs (issue 6): ``fit_fused`` and ``make_epoch_step`` against ``fit``.

The fused epoch compiles the same train step into one ``lax.scan`` over on-device data, so
its curve must be ``fit``'s: the same batches (the loader's sampler), the same updates, the
same dropout streams. torch has no fused form; its ``fit`` is compared with ``fit`` in
test_fit, so these tests close the chain torch -> fit -> fit_fused.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import jaxnn
from jaxnn.parallel.epoch import fit_fused, make_epoch_step

from .components import FUSED_EPOCHS

pytestmark = FUSED_EPOCHS

N, BATCH = 22, 4  # 5 full batches and a short one of 2 each epoch


def _data(mode, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, 2)).astype(mode.np), rng.integers(0, 3, size=N)


def _loader(x, y, **kwargs):
    return jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), BATCH, seed=7, **kwargs)


def _network(mode):
    return jaxnn.models.NeuralNetwork(2, 3, dtype=mode.name, rngs=nnx.Rngs(1))


def _dropout_network(mode):
    return jaxnn.nn.Sequential(
        jaxnn.nn.Linear(2, 16, dtype=mode.name, rngs=nnx.Rngs(2)),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Dropout(0.5, rngs=nnx.Rngs(3)),
        jaxnn.nn.Linear(16, 3, dtype=mode.name, rngs=nnx.Rngs(4)),
    )


def _params(model):
    return jaxnn.interop.state_dict(model)


@pytest.mark.parametrize("build", [_network, _dropout_network], ids=["mlp", "dropout"])
@pytest.mark.parametrize("drop_last", [False, True])
def test_fit_fused_equals_fit(mode, build, drop_last):
    x, y = _data(mode)
    tx = jaxnn.optim.sgd(0.1, momentum=0.9)
    criterion = jaxnn.functional.cross_entropy
    stepped, fused = build(mode), build(mode)
    loader = dict(shuffle=True, drop_last=drop_last)
    want = jaxnn.train.fit(stepped, tx, criterion, _loader(x, y, **loader), 3)
    got = fit_fused(fused, tx, criterion, _loader(x, y, **loader), 3)
    assert len(got.losses) == len(want.losses) == 3 * (5 if drop_last else 6)
    mode.assert_close(got.losses, want.losses, kind="member", name="loss curve")
    mode.assert_state_dict_close(_params(fused), _params(stepped), kind="member")


@pytest.mark.parametrize("unroll", [1, True], ids=["loop", "unrolled"])
def test_epoch_step_equals_a_loop_of_train_steps(mode, unroll):
    x, y = _data(mode, seed=1)
    tx, criterion = jaxnn.optim.adam(0.01), jaxnn.functional.cross_entropy
    graphdef, state = jaxnn.train.TrainState.create(_network(mode), tx)
    _, looped = jaxnn.train.TrainState.create(_network(mode), tx)
    index = np.random.default_rng(2).permutation(N)[:20].reshape(5, BATCH)
    state, metrics = make_epoch_step(graphdef, tx, criterion, unroll=unroll)(
        state, jnp.asarray(x), jnp.asarray(y), jnp.asarray(index), jnp.zeros([], bool)
    )
    assert metrics["loss"].shape == (5,) and bool(np.all(metrics["finite"]))
    step = jaxnn.train.make_train_step(graphdef, tx, criterion)
    for s, rows in enumerate(index):
        looped, m = step(looped, (jnp.asarray(x[rows]), jnp.asarray(y[rows])))
        mode.assert_close(metrics["loss"][s], m["loss"], kind="member")
    assert int(state.step) == int(looped.step) == 5
    mode.assert_state_dict_close(
        _params(state.merge(graphdef)), _params(looped.merge(graphdef)), kind="member"
    )


def test_fit_fused_non_finite_raises_like_fit(mode):
    x, y = _data(mode)
    x[9] = np.nan  # sample 9 poisons whichever step draws it
    tx, criterion = jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy
    stepped, fused = _network(mode), _network(mode)
    with pytest.raises(jaxnn.train.NonFiniteLossError) as want:
        jaxnn.train.fit(stepped, tx, criterion, _loader(x, y, shuffle=True), 2)
    with pytest.raises(jaxnn.train.NonFiniteLossError) as got:
        fit_fused(fused, tx, criterion, _loader(x, y, shuffle=True), 2)
    assert str(got.value) == str(want.value)
    # Both keep the state from before the first non-finite update.
    mode.assert_state_dict_close(_params(fused), _params(stepped), kind="member")


def test_fit_fused_skip_drops_the_same_steps_as_fit(mode):
    x, y = _data(mode)
    x[9] = np.nan
    tx, criterion = jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy
    stepped, fused = _network(mode), _network(mode)
    want = jaxnn.train.fit(
        stepped, tx, criterion, _loader(x, y, shuffle=True), 2, on_nonfinite="skip"
    )
    got = fit_fused(fused, tx, criterion, _loader(x, y, shuffle=True), 2, on_nonfinite="skip")
    assert got.skipped == want.skipped and len(want.skipped) == 2
    mode.assert_state_dict_close(_params(fused), _params(stepped), kind="member")


def test_fit_fused_rejects_loaders_it_cannot_put_on_the_device():
    x = np.zeros((4, 2), np.float32)
    batches = [(x, np.zeros(4, int))]
    with pytest.raises(TypeError, match="fit_fused needs a jaxnn.data.DataLoader over a Tensor"):
        fit_fused(
            jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(0)),
            jaxnn.optim.sgd(0.1),
            jaxnn.functional.cross_entropy,
            batches,
            1,
        )
    with pytest.raises(ValueError, match="on_nonfinite must be"):
        make_epoch_step(
            None, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, on_nonfinite="ignore"
        )
