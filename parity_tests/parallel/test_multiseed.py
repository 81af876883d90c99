"""Multi-seed training (issue 6): ``jaxnn.parallel.fit_seeds`` against K single ``fit`` runs.

torch has no vmapped multi-seed training; its twin is a Python loop of single runs, which
is what each member is compared with here: the same model class built from its own
``nnx.Rngs`` seed, trained alone by ``jaxnn.train.fit`` on the same batches (inventory
§1.17; the loop is S4 1817-1835).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import jaxnn
from jaxnn.parallel import fit_seeds, make_multi_train_step, stack_states, unstack_state
from twincore import harness

from .components import MULTISEED

pytestmark = MULTISEED

N, BATCH = 24, 8


def _data(mode, features: int, classes: int):
    rng = np.random.default_rng(5)
    return mode.array(rng.normal(size=(N, features))), rng.integers(0, classes, size=N)


def _loader(x, y):
    # A fresh loader per run: its shuffle order then starts from the same seed each time.
    return jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), BATCH, shuffle=True, seed=7)


def _network(seed: int, dtype: str):
    return jaxnn.models.NeuralNetwork(2, 3, dtype=dtype, rngs=nnx.Rngs(seed))


def _dropout_network(seed: int, dtype: str):
    # One initialisation for all members: only the dropout stream differs, so any
    # difference between the members' curves comes from their own RNG state.
    return jaxnn.models.ModelWithDropout(dtype=dtype, rngs=nnx.Rngs(params=0, dropout=seed))


def _params(model) -> dict:
    return jaxnn.interop.state_dict(model)


def _check_members_equal_single_runs(mode, build, features, classes, seeds, epochs):
    x, y = _data(mode, features, classes)
    tx = jaxnn.optim.sgd(0.1, momentum=0.9)
    criterion = jaxnn.functional.cross_entropy
    models = [build(s, mode.name) for s in seeds]
    result = fit_seeds(models, tx, criterion, _loader(x, y), epochs)
    steps = epochs * (N // BATCH)
    assert result.losses.shape == (len(seeds), steps)
    for k, seed in enumerate(seeds):
        alone = build(seed, mode.name)
        single = jaxnn.train.fit(alone, tx, criterion, _loader(x, y), epochs)
        mode.assert_close(result.losses[k], single.losses, kind="member", name=f"member {k} loss")
        mode.assert_state_dict_close(_params(models[k]), _params(alone), kind="member")
        mode.assert_close(result.member(k).losses, single.losses, kind="member")
    return result


def test_multiseed_single_member_equals_its_fit_run(mode):
    _check_members_equal_single_runs(mode, _network, 2, 3, (4,), epochs=2)


def test_multiseed_three_dropout_members_each_equal_their_own_fit_run(mode):
    result = _check_members_equal_single_runs(mode, _dropout_network, 10, 5, (0, 1, 2), 2)
    # Same initial parameters, different dropout streams: the curves differ from the
    # first step on, so no member reused another's masks.
    first = result.losses[:, 0]
    assert len(set(first.tolist())) == 3


def test_multiseed_step_equals_single_steps(mode):
    x, y = _data(mode, 2, 3)
    tx = jaxnn.optim.adam(0.01)
    criterion = jaxnn.functional.cross_entropy
    created = [jaxnn.train.TrainState.create(_network(s, mode.name), tx) for s in (0, 1, 2)]
    graphdef = created[0][0]
    stacked = stack_states([s for _, s in created])
    batch = (jnp.asarray(x[:BATCH]), jnp.asarray(y[:BATCH]))
    stacked, metrics = make_multi_train_step(graphdef, tx, criterion)(stacked, batch)
    assert metrics["loss"].shape == (3,)
    single = jaxnn.train.make_train_step(graphdef, tx, criterion)
    for k, (_, state) in enumerate(created):
        state, m = single(state, batch)
        mode.assert_close(metrics["loss"][k], m["loss"])
        harness.assert_tree_close(
            unstack_state(stacked, k).params,
            state.params,
            harness.tolerance(mode.name, "op"),
        )


def test_multiseed_rejects_no_members():
    with pytest.raises(ValueError, match="seeds must be >= 1"):
        fit_seeds([], jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, [], 1)
    with pytest.raises(ValueError, match="seeds must be >= 1"):
        stack_states([])


def test_multiseed_rejects_mismatched_members():
    tx, criterion = jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy
    wider = jaxnn.models.NeuralNetwork(2, 4, rngs=nnx.Rngs(1))
    for other in (wider, _dropout_network(0, "float32")):
        with pytest.raises(ValueError, match="member 1 is a different model from member 0"):
            fit_seeds([_network(0, "float32"), other], tx, criterion, [], 1)
    # States stacked by hand are checked leaf by leaf.
    states = [jaxnn.train.TrainState.create(m, tx)[1] for m in (_network(0, "float32"), wider)]
    with pytest.raises(ValueError, match=r"member 1 leaf \d+ has shape/dtype \(\(4,\), .*\(\(3,\)"):
        stack_states(states)
    with jax.enable_x64(True):
        states[1] = jaxnn.train.TrainState.create(_network(1, "float64"), tx)[1]
        with pytest.raises(ValueError, match=r"member 1 leaf \d+ has shape/dtype .*float64"):
            stack_states(states)


def test_multiseed_non_finite_member_raises_naming_it_and_keeps_its_last_good_state():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(N, 2)).astype(np.float32), rng.integers(0, 3, size=N)
    models = [_network(s, "float32") for s in (0, 1)]
    # Member 1 starts from a NaN bias: its first loss is NaN; member 0 trains normally.
    poisoned = {k: np.asarray(v) for k, v in _params(models[1]).items()}
    poisoned["layers.0.bias"] = np.full_like(poisoned["layers.0.bias"], np.nan)
    jaxnn.interop.load_state_dict(models[1], poisoned)
    start = {k: np.asarray(v) for k, v in _params(models[0]).items()}
    with pytest.raises(jaxnn.train.NonFiniteLossError, match="member 1: non-finite loss") as e:
        fit_seeds(models, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, _loader(x, y), 1)
    assert e.value.member == 1 and e.value.step == 0
    # No update reached the failing member; the healthy one was written back trained.
    harness.assert_equal(_params(models[1])["layers.0.weight"], poisoned["layers.0.weight"])
    assert not np.array_equal(
        np.asarray(_params(models[0])["layers.0.weight"]), start["layers.0.weight"]
    )
