"""Data parallelism (issue 6): ``jaxnn.parallel.sharding`` against the single-device step.

torch's twin is ``DistributedDataParallel`` (one process per device, gradients all-reduced
in ``backward``); here one jitted program spans a ``Mesh``. The suite runs on one CPU
device, so the multi-device runs happen in subprocesses: one process with
``XLA_FLAGS=--xla_force_host_platform_device_count=8``, and two processes joined by
``jax.distributed.initialize`` over loopback. Their curves and parameters are compared
here with a single-device run of the same init and batches (inventory §1.17).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest
from flax import nnx
from jax.sharding import PartitionSpec as P

import jaxnn
from jaxnn.parallel import sharding
from twincore import harness

from .components import SHARDING

pytestmark = SHARDING

STEPS, BATCH, N = 20, 8, 64
# One subprocess must finish well inside the suite's budget; measured ~5 s each.
CHILD_TIMEOUT_S = 120


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(N, 2)), rng.integers(0, 2, size=N)


def _batches():
    x, y = _data()
    for i in range(STEPS):
        lo = (i * BATCH) % N
        yield x[lo : lo + BATCH], y[lo : lo + BATCH]


def _model():
    return jaxnn.models.NeuralNetwork(2, 2, dtype="float64", rngs=nnx.Rngs(0))


def _tx():
    return jaxnn.optim.sgd(0.1, momentum=0.9)


def _loader():
    x, y = _data()
    return jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), BATCH, shuffle=True, seed=3)


def _train(make_step, criterion=jaxnn.functional.cross_entropy) -> tuple[list[float], list]:
    """``STEPS`` steps of ``make_step(graphdef, tx, criterion)`` from the shared init."""
    tx = _tx()
    graphdef, state = jaxnn.train.TrainState.create(_model(), tx)
    step = make_step(graphdef, tx, criterion)
    losses = []
    for x, y in _batches():
        state, metrics = step(state, (x, y))
        losses.append(metrics["loss"])  # fetched once at the end, as fit does
    losses = [float(v) for v in jax.device_get(losses)]
    return losses, [np.asarray(leaf).tolist() for leaf in jax.tree.leaves(state.params)]


def _single_device_reference() -> dict:
    with jax.enable_x64(True):
        losses, params = _train(jaxnn.train.make_train_step)
        fit = jaxnn.train.fit(_model(), _tx(), jaxnn.functional.cross_entropy, _loader(), 2)
    return {"losses": losses, "params": params, "fit_losses": fit.losses}


# --- the subprocesses ----------------------------------------------------------------------


def _child_many_devices(out: str) -> None:
    """Runs with 8 host devices: the sharded curve, where the batch lives, the bad inputs."""
    jax.config.update("jax_enable_x64", True)
    mesh = sharding.data_mesh(8)
    seen = []

    def criterion(logits, y):
        # Records how the model output is laid out inside the jitted step.
        jax.debug.inspect_array_sharding(logits, callback=seen.append)
        return jaxnn.functional.cross_entropy(logits, y)

    x, y = next(_batches())
    placed = sharding.shard_batch((x, y), mesh)
    losses, params = _train(
        lambda g, t, c: sharding.make_sharded_train_step(g, t, c, mesh), criterion
    )
    fit = jaxnn.train.fit(
        _model(),
        _tx(),
        jaxnn.functional.cross_entropy,
        sharding.ShardedLoader(_loader(), mesh),
        2,
    )

    errors = {}
    tx = _tx()
    graphdef, state = jaxnn.train.TrainState.create(_model(), tx)
    four = sharding.data_mesh(4)
    step4 = sharding.make_sharded_train_step(graphdef, tx, jaxnn.functional.cross_entropy, four)
    kept = jax.tree.map(np.asarray, state.params)
    x_all, y_all = _data()
    try:
        step4(state, (x_all[:10], y_all[:10]))
    except ValueError as e:
        errors["indivisible"] = str(e)
    # The step raised before running: its input state was not donated and is unchanged.
    errors["state_intact"] = all(
        np.array_equal(a, np.asarray(b))
        for a, b in zip(jax.tree.leaves(kept), jax.tree.leaves(state.params), strict=True)
    )
    try:
        sharding.data_mesh(9)
    except ValueError as e:
        errors["too_many"] = str(e)
    try:
        loader = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x_all[:63], y_all[:63]), 8)
        sharding.ShardedLoader(loader, mesh)
    except ValueError as e:
        errors["last_batch"] = str(e)

    Path(out).write_text(
        json.dumps(
            {
                "losses": losses,
                "params": params,
                "fit_losses": fit.losses,
                "fit_params_replicated": all(
                    leaf.sharding.is_fully_replicated and len(leaf.sharding.device_set) == 8
                    for leaf in jax.tree.leaves(fit.state.params)
                ),
                "batch_spec_is_data": placed[0].sharding.spec == P("data"),
                "batch_shards": [list(s.data.shape) for s in placed[0].addressable_shards],
                "batch_devices": len(placed[0].sharding.device_set),
                "inside_shard_shape": list(seen[0].shard_shape(tuple(x.shape[:1]) + (2,))),
                "inside_devices": len(seen[0].device_set),
                "errors": errors,
            }
        )
    )


def _child_process(out: str, port: str, process_id: str) -> None:
    """One of two processes, one CPU device each, joined over loopback."""
    jax.config.update("jax_enable_x64", True)
    jax.distributed.initialize(
        f"127.0.0.1:{port}", num_processes=2, process_id=int(process_id), local_device_ids=[0]
    )
    mesh = sharding.data_mesh(2)  # the global devices: one per process
    losses, params = _train(lambda g, t, c: sharding.make_sharded_train_step(g, t, c, mesh))
    if jax.process_index() == 0:
        result = {"losses": losses, "params": params, "process_count": jax.process_count()}
        result["local_devices"] = len(jax.local_devices())
        Path(out).write_text(json.dumps(result))
    jax.distributed.shutdown()


def _spawn(function: str, *args: str, devices: int = 1) -> subprocess.Popen:
    env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
    env["JAX_PLATFORMS"] = "cpu"
    module = "jaxnn_parity_tests.parallel.test_sharding"
    code = f"import sys; from {module} import {function}; {function}(*sys.argv[1:])"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(process: subprocess.Popen) -> None:
    try:
        output, _ = process.communicate(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    assert process.returncode == 0, f"subprocess failed ({process.returncode}):\n{output[-3000:]}"


@pytest.fixture(scope="module")
def reference() -> dict:
    return _single_device_reference()


@pytest.fixture(scope="module")
def eight_devices(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("sharding") / "eight.json"
    _wait(_spawn("_child_many_devices", str(out), devices=8))
    return json.loads(out.read_text())


# --- the tests ---------------------------------------------------------------------------


def _assert_run_matches(run: dict, reference: dict) -> None:
    curve = harness.tolerance("float64", "curve")
    harness.assert_close(run["losses"], reference["losses"], curve, name="loss curve")
    for i, (got, want) in enumerate(zip(run["params"], reference["params"], strict=True)):
        harness.assert_close(got, want, curve, name=f"parameter leaf {i}")


def test_ddp_eight_devices_curve_and_parameters_equal_one_device(eight_devices, reference):
    assert len(eight_devices["losses"]) == STEPS
    _assert_run_matches(eight_devices, reference)


def test_ddp_fit_with_a_sharded_loader_equals_fit_on_one_device(eight_devices, reference):
    harness.assert_close(
        eight_devices["fit_losses"],
        reference["fit_losses"],
        harness.tolerance("float64", "curve"),
        name="fit loss curve",
    )
    assert eight_devices["fit_params_replicated"] is True


def test_ddp_batch_is_split_along_the_batch_axis_over_eight_devices(eight_devices):
    assert eight_devices["batch_spec_is_data"] is True
    assert eight_devices["batch_devices"] == 8
    assert eight_devices["batch_shards"] == [[BATCH // 8, 2]] * 8
    # Inside the jitted step the activations stay split: one sample per device.
    assert eight_devices["inside_devices"] == 8
    assert eight_devices["inside_shard_shape"] == [BATCH // 8, 2]


def test_ddp_indivisible_batch_raises_before_any_computation(eight_devices):
    errors = eight_devices["errors"]
    assert errors["indivisible"] == (
        "batch size 10 is not divisible by 4 devices; use a multiple of 4, e.g. 8 or 12"
    )
    assert errors["state_intact"] is True
    assert "the last batch has 7 samples (63 % 8)" in errors["last_batch"]


def test_ddp_mesh_larger_than_the_available_devices_is_refused(eight_devices):
    assert (
        "asked for 9 devices but only 8 cpu device(s) are available"
        in (eight_devices["errors"]["too_many"])
    )
    n = jax.device_count()
    with pytest.raises(ValueError, match=f"asked for {n + 1} devices but only {n} "):
        sharding.data_mesh(n + 1)
    with pytest.raises(ValueError, match="positive int"):
        sharding.data_mesh(0)


def test_ddp_one_device_mesh_step_equals_the_plain_step(reference):
    mesh = sharding.data_mesh(1)
    with jax.enable_x64(True):
        losses, params = _train(lambda g, t, c: sharding.make_sharded_train_step(g, t, c, mesh))
    _assert_run_matches({"losses": losses, "params": params}, reference)


def test_ddp_two_processes_over_loopback_equal_one_device(tmp_path, reference):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    out = tmp_path / "two.json"
    processes = [_spawn("_child_process", str(out), port, str(i)) for i in range(2)]
    for process in processes:
        _wait(process)
    run = json.loads(out.read_text())
    assert run["process_count"] == 2 and run["local_devices"] == 1
    _assert_run_matches(run, reference)
