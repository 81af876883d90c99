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
from twincore import harness

from .components import FIT

pytestmark = FIT


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
    # The notebook's version divides float32 tensors (0.4 -> 0.4000000059604645); jaxnn divides
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
    assert jaxnn.train.notebook_log_line(seen[0]).startswith("Epoch: 001/002 | Batch 000/003 | ")


def test_fit_rejects_bad_epochs():
    _, jmodel, _, jl = _setup()
    with pytest.raises(ValueError, match="epochs must be a non-negative int"):
        jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, -1)


def test_float64_request_without_x64_is_refused():
    with jax.enable_x64(False), pytest.raises(RuntimeError, match="float64 needs 64-bit types"):
        jaxnn.config.require_dtype("float64")


def _loaders(x, y, batch_size=4):
    """Unshuffled twins over the same arrays: batch k is rows k*4 .. k*4+3 every epoch."""
    jl = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), batch_size)
    tl = torch_ref.data.DataLoader(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size
    )
    return jl, tl


def _nan_at_batch(k, dtype="float32", n=12, batch_size=4):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)).astype(dtype)
    x[k * batch_size] = np.nan  # poisons the k-th batch of an unshuffled loader
    y = rng.integers(0, 2, size=n)
    return _loaders(x, y, batch_size)


def _sqrt_criterion(sqrt):
    """``mean(sqrt(y * out**2))``: finite loss, but a NaN gradient wherever ``y == 0``.

    d/d out = y * out / sqrt(y * out**2) is 0/0 there, in both frameworks (sqrt's
    derivative at 0 is inf, times the 0 from ``y``).
    """
    return lambda out, y: (sqrt(y[:, None] * out**2)).mean()


J_SQRT, T_SQRT = _sqrt_criterion(jnp.sqrt), _sqrt_criterion(torch.sqrt)


def _zero_target_at_batches(ks, dtype, nan_input_at=(), n=12, batch_size=4):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, 2)).astype(dtype)
    y = rng.uniform(0.5, 2.0, size=n).astype(dtype)
    for k in ks:
        y[k * batch_size + 1] = 0  # a finite loss with a NaN gradient at batch k
    for k in nan_input_at:
        x[k * batch_size] = np.nan  # a NaN loss at batch k
    return _loaders(x, y, batch_size)


def test_fit_stops_at_the_first_non_finite_loss_naming_step_and_last_loss(mode):
    tmodel, jmodel, _, _ = _setup(mode.name)
    jl, tl = _nan_at_batch(2, mode.name)
    before = jaxnn.interop.state_dict(jmodel)
    with pytest.raises(jaxnn.train.NonFiniteLossError) as j_err:
        jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), jaxnn.functional.cross_entropy, jl, 2)
    with pytest.raises(torch_ref.train.NonFiniteLossError) as t_err:
        torch_ref.train.fit(
            tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1), F.cross_entropy, tl, 2
        )
    for err in (j_err.value, t_err.value):
        assert type(err).__name__ == "NonFiniteLossError"
        assert (err.step, err.epoch, err.batch) == (2, 0, 2)
        assert "non-finite loss nan at step 2 (epoch 1, batch 2); last finite loss:" in str(err)
        assert "from before this step's update (after 2 good updates)" in str(err)
    mode.assert_close(j_err.value.last_finite, t_err.value.last_finite)
    # Both models hold the parameters of the last good step (two updates), not the
    # pre-fit ones and not NaN: the bad update was never applied.
    mode.assert_state_dict_close(jaxnn.interop.state_dict(jmodel), tmodel.state_dict())
    assert not np.allclose(
        jaxnn.interop.state_dict(jmodel)["layers.0.weight"], before["layers.0.weight"]
    )


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
    for fit, model, opt in (
        (jaxnn.train.fit, jmodel, jaxnn.optim.sgd(0.1)),
        (torch_ref.train.fit, tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1)),
    ):
        with pytest.raises(ValueError, match="on_nonfinite must be 'raise', 'skip' or 'contin"):
            fit(model, opt, jaxnn.functional.cross_entropy, jl, 1, on_nonfinite="ignore")


def test_fit_stops_at_a_non_finite_gradient_with_a_finite_loss(mode):
    tmodel, jmodel, _, _ = _setup(mode.name)
    jl, tl = _zero_target_at_batches([1], mode.name)
    with pytest.raises(jaxnn.train.NonFiniteGradientError) as j_err:
        jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), J_SQRT, jl, 2)
    with pytest.raises(torch_ref.train.NonFiniteGradientError) as t_err:
        torch_ref.train.fit(tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1), T_SQRT, tl, 2)
    for err in (j_err.value, t_err.value):
        assert isinstance(err, (jaxnn.train.NonFiniteLossError, torch_ref.train.NonFiniteLossError))
        assert (err.step, err.epoch, err.batch) == (1, 0, 1)
        assert np.isfinite(err.loss)
        assert str(err).startswith("non-finite gradient at step 1 (epoch 1, batch 1) with a finite")
    mode.assert_close(j_err.value.loss, t_err.value.loss)
    mode.assert_state_dict_close(jaxnn.interop.state_dict(jmodel), tmodel.state_dict())


def test_fit_skip_drops_the_same_non_finite_updates_as_torch_and_keeps_training(mode):
    # Batch 1: NaN gradient with a finite loss; batch 2: NaN input, so a NaN loss. Unshuffled,
    # 2 epochs of 3 batches: steps 1, 2, 4 and 5 are skipped, 0 and 3 applied.
    tmodel, jmodel, _, _ = _setup(mode.name)
    jl, tl = _zero_target_at_batches([1], mode.name, nan_input_at=[2])
    result = jaxnn.train.fit(jmodel, jaxnn.optim.sgd(0.1), J_SQRT, jl, 2, on_nonfinite="skip")
    t = torch_ref.train.fit(
        tmodel, torch.optim.SGD(tmodel.parameters(), lr=0.1), T_SQRT, tl, 2, on_nonfinite="skip"
    )
    assert result.skipped == t.skipped == [1, 2, 4, 5]
    assert int(result.state.step) == 2  # optimizer steps taken
    j_losses, t_losses = np.array(result.losses), np.array(t.losses)
    assert len(j_losses) == len(t_losses) == 6  # the history keeps the skipped steps' losses
    harness.assert_equal(np.isnan(j_losses), np.isnan(t_losses))
    harness.assert_equal(np.isnan(j_losses), [False, False, True, False, False, True])
    finite = ~np.isnan(t_losses)
    mode.assert_close(j_losses[finite], t_losses[finite], kind="curve", name="loss curve")
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(jmodel), tmodel.state_dict(), kind="curve"
    )
    for value in jaxnn.interop.state_dict(jmodel).values():
        assert np.isfinite(harness.to_numpy(value)).all()


def test_train_step_flags_a_non_finite_gradient_and_skip_keeps_state_but_advances_rng():
    # WellRegularizedNetwork: BatchNorm statistics (kept on a skipped step, as torch_ref.fit
    # puts its buffers back) and dropout keys (advanced, as torch's generator is).
    from ..model_pairs import Spec, make_jax

    with jax.enable_x64(False):
        model = make_jax(Spec("WellRegularizedNetwork"), jnp.float32, nnx.Rngs(0))
        x = np.random.default_rng(0).normal(size=(4, 784)).astype(np.float32)
        y = np.array([1, 0, 3, 9])
        bad_x = x.copy()
        bad_x[0, 0] = np.inf
        tx = jaxnn.optim.sgd(0.1, momentum=0.9)
        for skip in (False, True):
            graphdef, state = jaxnn.train.TrainState.create(model, tx)
            step = jaxnn.train.make_train_step(
                graphdef, tx, jaxnn.functional.cross_entropy, skip_nonfinite=skip
            )
            state, metrics = step(state, (x, y))
            assert bool(metrics["finite"])
            before = jax.device_get(state)
            state, metrics = step(state, (bad_x, y))
            assert not bool(metrics["finite"])
            after = jax.device_get(state)
            counts = [
                jax.tree.leaves(nnx.split_state(s.rest, nnx.RngCount, ...)[0])
                for s in (before, after)
            ]
            assert all(a == b + 1 for a, b in zip(counts[1], counts[0], strict=True))
            _, stats_before = nnx.split_state(before.rest, nnx.RngState, ...)
            _, stats_after = nnx.split_state(after.rest, nnx.RngState, ...)
            if skip:
                assert int(after.step) == int(before.step) == 1
                for a, b in zip(
                    jax.tree.leaves((after.params, after.opt_state, stats_after)),
                    jax.tree.leaves((before.params, before.opt_state, stats_before)),
                    strict=True,
                ):
                    harness.assert_equal(a, b)
            else:
                assert int(after.step) == 2
                assert not np.isfinite(after.params["fc1"]["kernel"][...]).all()


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


def _resumable_run(init, x, y, *, resume=None, every=0, on_checkpoint=None):
    model = jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(model, init)
    loader = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), 4, shuffle=True, seed=9)
    result = jaxnn.train.fit(
        model,
        jaxnn.optim.adam(lr=0.05),  # a moment state that must come back too
        jaxnn.functional.cross_entropy,
        loader,
        5,
        checkpoint_every=every,
        on_checkpoint=on_checkpoint,
        resume=resume,
    )
    return result, jaxnn.interop.state_dict(model)


def test_fit_resumed_from_any_checkpoint_ends_bit_identical_to_an_uninterrupted_run(tmp_path):
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(14, 2)).astype("float32"), rng.integers(0, 2, size=14)
    init = jaxnn.interop.state_dict(jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(1)))
    full, full_params = _resumable_run(init, x, y)
    checkpoints = []
    again, _ = _resumable_run(init, x, y, every=3, on_checkpoint=checkpoints.append)
    harness.assert_equal(again.losses, full.losses, name="losses with checkpointing on")
    assert [c.step for c in checkpoints] == list(range(3, 20, 3))  # 4 batches x 5 epochs
    for checkpoint in checkpoints:
        if checkpoint.step == 9:  # one through the disk: orbax and back
            path = jaxnn.checkpoint.save_train_state(tmp_path, checkpoint.state)
            state = jaxnn.checkpoint.restore_train_state(tmp_path, checkpoint.state)
            assert path.name == str(int(checkpoint.state.step))
            checkpoint = checkpoint._replace(state=state)
        resumed, params = _resumable_run(init, x, y, resume=checkpoint)
        harness.assert_equal(
            resumed.losses, full.losses, name=f"losses from step {checkpoint.step}"
        )
        for key, value in full_params.items():
            harness.assert_equal(params[key], value, name=f"{key} from step {checkpoint.step}")


def test_fit_checkpoint_arguments_are_checked():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(8, 2)).astype("float32"), rng.integers(0, 2, size=8)
    init = jaxnn.interop.state_dict(jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(1)))
    with pytest.raises(ValueError, match="only with an on_checkpoint callback"):
        _resumable_run(init, x, y, every=2)
    with pytest.raises(ValueError, match="checkpoint_every must be >= 0"):
        _resumable_run(init, x, y, every=-1, on_checkpoint=print)
    checkpoints = []
    _resumable_run(init, x, y, every=2, on_checkpoint=checkpoints.append)
    with pytest.raises(ValueError, match="needs 2 losses; got 1"):
        _resumable_run(init, x, y, resume=checkpoints[0]._replace(losses=[1.0]))
    with pytest.raises(ValueError, match="past this run's 10"):
        _resumable_run(init, x, y, resume=checkpoints[0]._replace(step=12, losses=[1.0] * 12))
