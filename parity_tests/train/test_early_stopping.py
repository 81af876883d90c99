"""Validation after every epoch and early stopping in both twins' ``fit`` (inventory §1.24,
the validation-set prose of S4 702-707).

The setting overfits on purpose: 60 of the bundled 8x8 digits to train on, 140 to validate
on, SGD with momentum, so the validation loss falls for 25 epochs, then climbs slowly, and
early stopping must end the run long before the 60 epochs allowed.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from twincore.early_stopping import EarlyStopping

from .components import EARLY_STOPPING

pytestmark = EARLY_STOPPING

EPOCHS = 60
LR = 0.05


def _twins(dtype: str):
    """Both twins' model, training and validation loaders over the same seeded split."""
    images, labels = jaxnn.data.load_digits(8)
    x = (images[:200].reshape(200, -1) / 16.0).astype(dtype)
    y = labels[:200].astype(np.int64)
    jtrain, jval = jaxnn.data.random_split(jaxnn.data.TensorDataset(x, y), [60, 140], seed=3)
    ttrain, tval = torch_ref.data.random_split(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), [60, 140], seed=3
    )
    torch.manual_seed(0)
    tmodel = torch_ref.models.NeuralNetwork(64, 10).to(getattr(torch, dtype))
    jmodel = jaxnn.models.NeuralNetwork(64, 10, dtype=dtype, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    jaxnn_loaders = (
        jaxnn.data.DataLoader(jtrain, 20, shuffle=True, seed=1),
        jaxnn.data.DataLoader(jval, 64),
    )
    torch_loaders = (
        torch_ref.data.DataLoader(ttrain, 20, shuffle=True, seed=1),
        torch_ref.data.DataLoader(tval, 64),
    )
    return (jmodel, *jaxnn_loaders), (tmodel, *torch_loaders)


def _fit_both(dtype: str, epochs: int = EPOCHS, validate: bool = True, **kwargs):
    (jmodel, jtrain, jval), (tmodel, ttrain, tval) = _twins(dtype)
    jkw = dict(val_loader=jval, **kwargs) if validate else kwargs
    tkw = dict(val_loader=tval, **kwargs) if validate else kwargs
    tresult = torch_ref.train.fit(
        tmodel,
        torch.optim.SGD(tmodel.parameters(), lr=LR, momentum=0.9),
        F.cross_entropy,
        ttrain,
        epochs,
        **tkw,
    )
    jresult = jaxnn.train.fit(
        jmodel,
        jaxnn.optim.sgd(lr=LR, momentum=0.9),
        jaxnn.functional.cross_entropy,
        jtrain,
        epochs,
        **jkw,
    )
    return (jmodel, jresult), (tmodel, tresult)


def _expected_stop(val_losses, patience, min_delta):
    """The documented rule, written out again: (best epoch, epoch the run stops after)."""
    best, best_epoch, waited = math.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if patience is not None and waited >= max(patience, 1):
                return best_epoch, epoch
    return best_epoch, None


def test_both_twins_stop_at_the_same_epoch_and_restore_the_best_one(mode):
    (jmodel, j), (tmodel, t) = _fit_both(mode.name, patience=4)
    assert t.stopped_epoch is not None and t.stopped_epoch < EPOCHS - 1  # it did stop early
    assert (j.stopped_epoch, j.best_epoch) == (t.stopped_epoch, t.best_epoch)
    assert len(j.val_losses) == len(t.val_losses) == t.stopped_epoch + 1
    assert len(j.losses) == len(t.losses) == 3 * (t.stopped_epoch + 1)
    assert (t.best_epoch, t.stopped_epoch) == _expected_stop(t.val_losses, 4, 0.0)
    assert t.best_epoch < t.stopped_epoch - 3  # the loss climbed for the last 4 epochs
    mode.assert_close(j.val_losses, t.val_losses, kind="curve", name="validation losses")
    mode.assert_close(j.losses, t.losses, kind="curve", name="training losses")
    restored = jaxnn.interop.state_dict(jmodel)
    mode.assert_state_dict_close(restored, tmodel.state_dict(), kind="curve")
    # The restored state is the best epoch's: a run of best_epoch + 1 epochs without
    # validation ends in it, bit for bit, in each twin.
    (jshort, _), (tshort, _) = _fit_both(mode.name, t.best_epoch + 1, validate=False)
    for key, value in jaxnn.interop.state_dict(jshort).items():
        np.testing.assert_array_equal(np.asarray(restored[key]), np.asarray(value), key)
    for key, value in tshort.state_dict().items():
        torch.testing.assert_close(tmodel.state_dict()[key], value, rtol=0, atol=0)
    # FitResult.state is the restored state too.
    for key, value in jaxnn.interop.state_dict(j.state.merge(j.graphdef)).items():
        np.testing.assert_array_equal(np.asarray(restored[key]), np.asarray(value), key)


def test_restore_best_false_keeps_the_last_epoch(mode):
    (jmodel, j), (tmodel, t) = _fit_both(mode.name, patience=4, restore_best=False)
    assert t.stopped_epoch is not None and j.stopped_epoch == t.stopped_epoch
    assert j.best_epoch == t.best_epoch < t.stopped_epoch
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(jmodel), tmodel.state_dict(), kind="curve"
    )
    (jlast, _), (tlast, _) = _fit_both(mode.name, t.stopped_epoch + 1, validate=False)
    for key, value in jaxnn.interop.state_dict(jlast).items():
        np.testing.assert_array_equal(
            np.asarray(jaxnn.interop.state_dict(jmodel)[key]), np.asarray(value), key
        )
    for key, value in tlast.state_dict().items():
        torch.testing.assert_close(tmodel.state_dict()[key], value, rtol=0, atol=0)


def test_without_patience_every_epoch_runs_and_validation_leaves_training_alone(mode):
    epochs = 40
    (jmodel, j), (tmodel, t) = _fit_both(mode.name, epochs, restore_best=False)
    assert j.stopped_epoch is t.stopped_epoch is None
    assert len(j.val_losses) == len(t.val_losses) == epochs
    mode.assert_close(j.val_losses, t.val_losses, kind="curve", name="validation losses")
    # The best epoch is the first of the lowest losses, and the losses did climb after it.
    assert t.best_epoch == int(np.argmin(t.val_losses)) == j.best_epoch < epochs - 1
    (_, jplain), (_, tplain) = _fit_both(mode.name, epochs, validate=False)
    assert j.losses == jplain.losses and t.losses == tplain.losses
    assert jplain.val_losses == tplain.val_losses == [] and jplain.best_epoch is None


def test_min_delta_demands_a_larger_improvement(mode):
    (_, j), (_, t) = _fit_both(mode.name, patience=2, min_delta=0.25)
    assert (t.best_epoch, t.stopped_epoch) == _expected_stop(t.val_losses, 2, 0.25)
    assert (j.best_epoch, j.stopped_epoch) == (t.best_epoch, t.stopped_epoch)
    # Without the margin the same losses would have kept the run going longer.
    plain_best, plain_stop = _expected_stop(t.val_losses, 2, 0.0)
    assert plain_stop is None or plain_stop > t.stopped_epoch or plain_best != t.best_epoch
    mode.assert_close(j.val_losses, t.val_losses, kind="curve", name="validation losses")


def test_the_improvement_rule_ties_and_nan():
    tracker = EarlyStopping(patience=2, min_delta=0.5)
    assert tracker.update(0, 3.0)  # the first finite loss always improves
    assert not tracker.update(1, 2.5)  # a tie with best - min_delta is no improvement
    assert not tracker.should_stop
    assert not tracker.update(2, math.nan)  # NaN never improves
    assert tracker.should_stop and tracker.best_epoch == 0
    zero = EarlyStopping(patience=0)
    assert zero.update(0, 1.0) and not zero.should_stop  # improving never stops the run
    assert not zero.update(1, 1.0) and zero.should_stop  # a tie with min_delta=0 is none
    never = EarlyStopping.replay(None, 0.0, [3.0, 4.0, 5.0, 6.0])
    assert never.best_epoch == 0 and not never.should_stop


@pytest.mark.parametrize("which", [1, -1], ids=["before-the-best-epoch", "near-the-end"])
def test_a_resumed_run_validates_and_stops_as_the_uninterrupted_one(which):
    (jmodel, jtrain, jval), _ = _twins("float32")
    tx = jaxnn.optim.sgd(lr=LR, momentum=0.9)
    saved = []
    whole = jaxnn.train.fit(
        jmodel,
        tx,
        jaxnn.functional.cross_entropy,
        jtrain,
        EPOCHS,
        val_loader=jval,
        patience=4,
        checkpoint_every=7,  # 3 batches an epoch: checkpoints fall mid-epoch too
        on_checkpoint=saved.append,
    )
    at = saved[which]
    # The epochs validated before it: a checkpoint at an epoch's last batch comes before that
    # epoch's validation (the last one here is at step 84, the end of epoch 27).
    assert len(at.val_losses) == (at.step - 1) // 3
    assert (at.best_state is None) == (not at.val_losses)
    (jfresh, jtrain2, jval2), _ = _twins("float32")
    resumed = jaxnn.train.fit(
        jfresh,
        tx,
        jaxnn.functional.cross_entropy,
        jtrain2,
        EPOCHS,
        val_loader=jval2,
        patience=4,
        resume=at,
    )
    assert resumed.losses == whole.losses and resumed.val_losses == whole.val_losses
    assert (resumed.best_epoch, resumed.stopped_epoch) == (whole.best_epoch, whole.stopped_epoch)
    assert whole.stopped_epoch is not None
    restored = jaxnn.interop.state_dict(jmodel)
    for key, value in jaxnn.interop.state_dict(jfresh).items():
        np.testing.assert_array_equal(np.asarray(value), np.asarray(restored[key]), key)


def test_resuming_with_validation_from_a_checkpoint_without_it_is_refused():
    (jmodel, jtrain, jval), _ = _twins("float32")
    tx, saved = jaxnn.optim.sgd(lr=LR), []
    loss = jaxnn.functional.cross_entropy
    jaxnn.train.fit(jmodel, tx, loss, jtrain, 2, checkpoint_every=4, on_checkpoint=saved.append)
    with pytest.raises(ValueError, match=r"losses of 1 epoch\(s\); it holds 0"):
        jaxnn.train.fit(jmodel, tx, loss, jtrain, 2, val_loader=jval, resume=saved[0])
