"""E18 notebook replay (inventory §3.3, S4 1770-1890) and the toy example's parity.

The notebook prints losses 0.75, 0.65, 0.44, 0.13, 0.03, 0.00 (two batches per
epoch) and the final logits. Its printed output needs a ``drop_last=True``
loader, which the notebook's code never shows (inventory §5 item 26). The order of
random draws that reproduces the print: ``torch.manual_seed(123)``, build the
``drop_last=True`` loader and iterate it once (the notebook prints its batches),
``torch.manual_seed(123)`` again, build the model, train 3 epochs with SGD lr 0.5.
"""

import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples import EXAMPLES
from twincore import harness
from twinlab.engine import run_example
from twinlab.records import summarize

from .components import TOY_CLASSIFIER

pytestmark = TOY_CLASSIFIER

SEED_LOSSES = [0.75, 0.65, 0.44, 0.13, 0.03, 0.00]  # S4 1838-1843, printed with :.2f
SEED_LOGITS = [  # S4 1868-1872
    [2.8569, -4.1618],
    [2.5382, -3.7548],
    [2.0944, -3.1820],
    [-1.4814, 1.4816],
    [-1.7176, 1.7342],
]
SEED_PROBAS = [  # S4 1878-1882
    [0.9991, 0.0009],
    [0.9982, 0.0018],
    [0.9949, 0.0051],
    [0.0491, 0.9509],
    [0.0307, 0.9693],
]


def _torch_seed_recipe():
    """The notebook's run in torch, recording the batch orders torch's RandomSampler drew."""
    data = torch_ref.data.toy_data()
    train_ds = torch_ref.data.ToyDataset(data.X_train, data.y_train)
    torch.manual_seed(123)
    sampler = torch_ref.data.RecordingSampler(torch.utils.data.RandomSampler(train_ds))
    train_loader = torch.utils.data.DataLoader(
        train_ds, batch_size=2, sampler=sampler, drop_last=True, num_workers=0
    )
    printed_batches = [(x.clone(), y.clone()) for x, y in train_loader]  # the notebook's print loop

    torch.manual_seed(123)
    model = torch_ref.models.NeuralNetwork(num_inputs=2, num_outputs=2)
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    log = []
    result = torch_ref.train.fit(
        model, optimizer, F.cross_entropy, train_loader, 3, log_every=1, log=log.append
    )
    model.eval()
    with torch.no_grad():
        outputs = model(data.X_train)
    return dict(
        data=data,
        printed_batches=printed_batches,
        orders=sampler.orders[1:],  # the first order fed the print loop
        initial=initial,
        losses=result.losses,
        log=log,
        outputs=outputs,
        model=model,
    )


@pytest.fixture(scope="module")
def seed_run():
    return _torch_seed_recipe()


def test_torch_replays_the_seed_batches(seed_run):
    # S4 1792-1795: the first two batches of the print loop (the third is dropped).
    (x1, y1), (x2, y2) = seed_run["printed_batches"]
    harness.assert_close(x1, [[2.3, -1.1], [-0.9, 2.9]], harness.printed(4))
    harness.assert_equal(y1, [1, 0])
    harness.assert_close(x2, [[-1.2, 3.1], [-0.5, 2.6]], harness.printed(4))
    harness.assert_equal(y2, [0, 0])


def test_torch_replays_the_seed_log(seed_run):
    harness.assert_close(seed_run["losses"], SEED_LOSSES, harness.printed(2))
    lines = [torch_ref.train.notebook_log_line(e) for e in seed_run["log"]]
    assert lines[0] == "Epoch: 001/003 | Batch 000/002 | Train/Val Loss: 0.75"
    assert lines[-1] == "Epoch: 003/003 | Batch 001/002 | Train/Val Loss: 0.00"


def test_torch_replays_the_seed_outputs(seed_run):
    harness.assert_close(seed_run["outputs"], SEED_LOGITS, harness.printed(4))
    probas = torch.softmax(seed_run["outputs"], dim=1)
    harness.assert_close(probas, SEED_PROBAS, harness.printed(4))
    harness.assert_equal(torch.argmax(probas, dim=1), [0, 0, 0, 1, 1])
    data = seed_run["data"]
    test_loader = torch.utils.data.DataLoader(
        torch_ref.data.ToyDataset(data.X_test, data.y_test), batch_size=2
    )
    assert torch_ref.train.compute_accuracy(seed_run["model"], test_loader) == 1.0


def test_jax_reproduces_the_seed_from_torch_init_and_order(seed_run):
    data = jaxnn.data.toy_data()
    model = jaxnn.models.NeuralNetwork(num_inputs=2, num_outputs=2, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(model, seed_run["initial"])
    loader = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(data.X_train, data.y_train),
        batch_size=2,
        drop_last=True,
        sampler=jaxnn.data.ReplaySampler(seed_run["orders"]),
    )
    log = []
    result = jaxnn.train.fit(
        model,
        jaxnn.optim.sgd(lr=0.5),
        jaxnn.functional.cross_entropy,
        loader,
        3,
        log_every=1,
        log=log.append,
    )
    harness.assert_close(result.losses, SEED_LOSSES, harness.printed(2))
    assert [jaxnn.train.notebook_log_line(e) for e in log] == [
        torch_ref.train.notebook_log_line(e) for e in seed_run["log"]
    ]
    model.eval()
    outputs = model(data.X_train)
    harness.assert_close(outputs, SEED_LOGITS, harness.printed(4))
    harness.assert_close(jaxnn.functional.softmax(outputs, dim=1), SEED_PROBAS, harness.printed(4))
    # And against torch itself, not just the 4 printed decimals.
    harness.assert_close(result.losses, seed_run["losses"], harness.tolerance("float32", "curve"))
    harness.assert_close(outputs, seed_run["outputs"], harness.tolerance("float32", "curve"))
    test_loader = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(data.X_test, data.y_test), batch_size=2
    )
    assert jaxnn.train.compute_accuracy(model, test_loader) == 1.0


def test_toy_data_twins_hold_the_same_values(mode):
    a = jaxnn.data.toy_data(mode.np)
    b = torch_ref.data.toy_data(mode.torch)
    for name in a._fields:
        harness.assert_equal(getattr(a, name), getattr(b, name), name=name)


def test_toy_example_runs_both_frameworks_in_lockstep(mode):
    example = EXAMPLES["toy_classifier"]
    config = dataclasses.replace(example.defaults, dtype=mode.name)
    metrics = summarize(example, config, run_example(example, "both", config))
    mode.assert_close(metrics["jax"]["loss"], metrics["torch"]["loss"], kind="curve")
    assert metrics["jax"]["final"] == metrics["torch"]["final"]
    assert len(metrics["jax"]["loss"]) == config.epochs * 2  # drop_last: two batches per epoch
    if mode.name == "float64":
        assert metrics["max_abs_loss_diff"] <= harness.tolerance("float64", "curve").rtol
        assert np.isfinite(metrics["max_abs_param_diff"])
