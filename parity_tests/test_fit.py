"""Training twins: pure train/eval steps, ``fit``, ``compute_accuracy`` (inventory §1.17, §1.19)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from parity_tests import harness


def _setup(dtype="float32", n=12, seed=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype(dtype)
    y = rng.integers(0, 2, size=n)
    torch.manual_seed(0)
    tmodel = torch_ref.models.NeuralNetwork(2, 2).to(getattr(torch, dtype))
    jmodel = jaxnn.models.NeuralNetwork(2, 2, dtype=dtype, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    jl = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), 4, shuffle=True, seed=9)
    tl = torch_ref.data.DataLoader(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        4,
        shuffle=True,
        seed=9,
    )
    return tmodel, jmodel, tl, jl


def test_fit_curves_and_parameters_match(mode):
    tmodel, jmodel, tl, jl = _setup(mode.name)
    epochs = 6 if mode.name == "float64" else 2  # float32: compare the first 6 steps tightly
    t_losses = torch_ref.train.fit(
        tmodel,
        torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9),
        F.cross_entropy,
        tl,
        epochs,
    ).losses
    result = jaxnn.train.fit(
        jmodel, jaxnn.optim.sgd(lr=0.1, momentum=0.9), jaxnn.functional.cross_entropy, jl, epochs
    )
    assert len(result.losses) == len(t_losses) == 3 * epochs
    mode.assert_close(result.losses, t_losses, kind="curve", name="loss curve")
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(jmodel), tmodel.state_dict(), kind="curve"
    )


def test_train_step_is_pure_and_matches_torch_step(mode):
    tmodel, jmodel, tl, jl = _setup(mode.name)
    tx = jaxnn.optim.sgd(lr=0.5)
    graphdef, state = jaxnn.train.TrainState.create(jmodel, tx)
    before = jaxnn.interop.state_dict(jmodel)
    step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
    batch, torch_batch = next(iter(jl)), next(iter(tl))  # the same first batch
    new_state, metrics = step(state, batch)
    # The module itself is untouched: the step returns a new state.
    harness.assert_state_dict_close(jaxnn.interop.state_dict(jmodel), before, harness.printed(15))
    assert int(new_state.step) == 1
    loss_t = torch_ref.train.train_step(
        tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.5), F.cross_entropy, torch_batch
    )
    mode.assert_close(metrics["loss"], loss_t)
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(new_state.merge(graphdef)), tmodel.state_dict()
    )


def test_eval_step_matches_torch(mode):
    tmodel, jmodel, _, _ = _setup(mode.name)
    graphdef, state = jaxnn.train.TrainState.create(jmodel, jaxnn.optim.sgd(0.1))
    eval_step = jaxnn.train.make_eval_step(graphdef, jaxnn.functional.cross_entropy)
    rng = np.random.default_rng(1)
    x, y = mode.array(rng.normal(size=(7, 2))), rng.integers(0, 2, size=7)
    mj = eval_step(state, (jnp.asarray(x), jnp.asarray(y)))
    mt = torch_ref.train.eval_step(tmodel, F.cross_entropy, (torch.tensor(x), torch.tensor(y)))
    mode.assert_close(mj["loss"], mt["loss"])
    assert int(mj["correct"]) == int(mt["correct"]) and int(mj["count"]) == mt["count"] == 7


def test_compute_accuracy_twins_agree(mode):
    tmodel, jmodel, tl, jl = _setup(mode.name, n=30)
    # The seed's version divides float32 tensors (0.4 -> 0.4000000059604645); jaxnn divides
    # Python numbers, so they agree to float32 rounding, not bit for bit.
    harness.assert_close(
        jaxnn.train.compute_accuracy(jmodel, jl),
        torch_ref.train.compute_accuracy(tmodel, tl),
        harness.tolerance("float32"),
    )


def test_fit_logs_in_the_seed_format_at_the_interval():
    tmodel, jmodel, tl, jl = _setup()
    seen = []
    result = jaxnn.train.fit(
        jmodel,
        jaxnn.optim.sgd(0.1),
        jaxnn.functional.cross_entropy,
        jl,
        2,
        log_every=2,
        log=seen.append,
    )
    assert [(e.epoch, e.batch) for e in seen] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert [e.loss for e in seen] == result.losses
    assert jaxnn.train.seed_log_line(seen[0]).startswith("Epoch: 001/002 | Batch 000/003 | ")


def test_fit_rejects_bad_epochs():
    _, jmodel, _, jl = _setup()
    with pytest.raises(ValueError, match="epochs must be a non-negative int"):
        jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, -1)


def test_float64_request_without_x64_is_refused():
    with jax.enable_x64(False), pytest.raises(RuntimeError, match="float64 needs 64-bit types"):
        jaxnn.config.require_dtype("float64")


def _nan_at_batch(k, n=12, batch_size=4):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    x[k * batch_size] = np.nan  # poisons the k-th batch of an unshuffled loader
    y = rng.integers(0, 2, size=n)
    jl = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), batch_size)
    tl = torch_ref.data.DataLoader(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size
    )
    return jl, tl


def test_fit_stops_at_the_first_non_finite_loss_naming_step_and_last_loss():
    tmodel, jmodel, _, _ = _setup()
    jl, tl = _nan_at_batch(2)
    before = jaxnn.interop.state_dict(jmodel)
    with pytest.raises(jaxnn.train.NonFiniteLossError) as j_err:
        jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, 2)
    with pytest.raises(torch_ref.train.NonFiniteLossError) as t_err:
        torch_ref.train.fit(
            tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1), F.cross_entropy, tl, 2
        )
    for err in (j_err.value, t_err.value):
        assert (err.step, err.epoch, err.batch) == (2, 0, 2)
        assert "non-finite loss nan at step 2 (epoch 1, batch 2); last finite loss:" in str(err)
    harness.assert_close(
        j_err.value.last_finite, t_err.value.last_finite, harness.tolerance("float32")
    )
    # The JAX module keeps the parameters it had before fit.
    harness.assert_state_dict_close(jaxnn.interop.state_dict(jmodel), before, harness.printed(15))


def test_fit_can_continue_past_a_non_finite_loss():
    tmodel, jmodel, _, _ = _setup()
    jl, tl = _nan_at_batch(1)
    j = jaxnn.train.fit(
        jmodel,
        jaxnn.optim.sgd(0.1),
        jaxnn.functional.cross_entropy,
        jl,
        1,
        on_nonfinite="continue",
    ).losses
    t = torch_ref.train.fit(
        tmodel,
        torch.optim.SGD(tmodel.parameters(), lr=0.1),
        F.cross_entropy,
        tl,
        1,
        on_nonfinite="continue",
    ).losses
    assert len(j) == len(t) == 3 and np.isnan(j[1]) and np.isnan(t[1])
    with pytest.raises(ValueError, match="on_nonfinite must be 'raise' or 'continue'"):
        jaxnn.train.fit(
            jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, 1, on_nonfinite="skip"
        )


def test_fit_progress_bar_on_request_and_hidden_for_short_runs(capsys):
    tmodel, jmodel, tl, jl = _setup()
    jaxnn.train.fit(
        jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, 2, progress=True
    )
    torch_ref.train.fit(
        tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1), F.cross_entropy, tl, 2, progress=True
    )
    err = capsys.readouterr().err
    assert err.count("6/6") >= 2 and "loss=" in err
    jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, 2)
    assert capsys.readouterr().err == ""  # 6 steps < PROGRESS_MIN_STEPS
