"""``jaxnn run NAME --devices N`` (issue 6): the JAX side's batches split over N devices.

The suite's own process has one CPU device, and host devices can only be made before JAX
starts, so the 8-device runs happen in a subprocess, where the command makes the devices
itself. Their curves are compared with the same runs on one device, made here: the mean
over the global batch is the same loss, summed in another order (float64 curve tolerance).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from twincore import harness
from twinlab import cli

CURVE = harness.tolerance("float64", "curve")
# The subprocess imports torch and JAX and compiles a few small programs for 8 devices;
# measured ~25 s on two shared cores.
CHILD_TIMEOUT_S = 300
RUNS = {
    # one full batch, split once (96 of the 100 samples: a multiple of 8)
    "full": ["forward_in_loop", "--framework", "jax", "--train-subset", "96"],
    # a shuffling DataLoader (ShardedLoader) feeding vmapped members that start from torch's
    # initial parameters
    "seeds": ["template_linear_model", "--framework", "both", "--epochs", "1", "--seeds", "2"],
}


def _child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("XLA_FLAGS", "JAX_NUM_CPU_DEVICES", "JAX_PLATFORMS")
    }
    env["JAX_PLATFORMS"] = "cpu"  # the CPU even where an accelerator is installed
    return {**env, **extra}


def _jaxnn_in_subprocess(argvs: list[list[str]], env: dict[str, str]):
    """Runs ``twinlab.cli.main`` on each argv in order in one fresh process."""
    code = "import sys\nfrom twinlab.cli import main\n"
    code += f"sys.exit(max(main(argv) for argv in {argvs!r}))\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )


def _argv(run: str, devices: int, out: Path) -> list[str]:
    return ["run", *RUNS[run], "--dtype", "float64", "--devices", str(devices), "--out", str(out)]


def _metrics(out: Path) -> dict:
    return json.loads((out / "metrics.json").read_text())


def test_devices_eight_host_devices_give_the_one_device_curves(x64, tmp_path):
    eight = {run: tmp_path / f"{run}-8" for run in RUNS}
    proc = _jaxnn_in_subprocess([_argv(r, 8, out) for r, out in eight.items()], _child_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = "JAX side: each batch split over 8 cpu device(s), parameters replicated"
    assert proc.stdout.count(said) == len(RUNS), proc.stdout[-3000:]
    for run, out in eight.items():
        assert cli.main(_argv(run, 1, tmp_path / f"{run}-1")) == 0
        many, one = _metrics(out), _metrics(tmp_path / f"{run}-1")
        assert many["config"]["devices"] == 8 and one["config"]["devices"] == 1
        if run == "seeds":
            members = list(zip(many["members"], one["members"], strict=True))
            assert len(members) == 2
            for m, _ in members:  # the split JAX members against torch's one-device runs
                harness.assert_close(m["jax"]["loss"], m["torch"]["loss"], CURVE)
                assert m["max_rel_param_diff"] <= CURVE.rtol
            pairs = [(m["jax"], o["jax"]) for m, o in members]
        else:
            pairs = [(many["jax"], one["jax"])]
        for got, want in pairs:
            assert len(got["loss"]) > 0
            harness.assert_close(got["loss"], want["loss"], CURVE, name=f"{run} loss curve")
            for key, value in want["final"].items():
                harness.assert_close(got["final"][key], value, CURVE, name=f"{run} {key}")


def test_devices_one_device_equals_the_run_without_a_mesh(x64, tmp_path):
    plain = ["run", *RUNS["full"], "--dtype", "float64"]
    assert cli.main([*plain, "--out", str(tmp_path / "plain")]) == 0
    assert cli.main([*plain, "--devices", "1", "--out", str(tmp_path / "one")]) == 0
    harness.assert_close(
        _metrics(tmp_path / "one")["jax"]["loss"],
        _metrics(tmp_path / "plain")["jax"]["loss"],
        CURVE,
    )
    assert "devices" not in _metrics(tmp_path / "plain")["config"]


def test_devices_respects_a_host_device_count_the_user_set():
    env = _child_env(XLA_FLAGS="--xla_force_host_platform_device_count=4")
    proc = _jaxnn_in_subprocess(
        [["run", "template_ann", "--framework", "jax", "--devices", "8"]], env
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "jaxnn: error: --devices 8: asked for 8 devices but only 4 cpu device(s) are available "
        "(the host device count set by XLA_FLAGS or JAX_NUM_CPU_DEVICES); use at most 4"
    ]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["template_ann", "--devices", "0"], "argument --devices: expected a device count >= 1"),
        (
            ["template_ann", "--devices", "3"],
            "--devices 3: batch size 32 is not divisible by 3 devices; use a multiple of 3, "
            "e.g. 30 or 33",
        ),
        (
            ["template_ann", "--devices", "8", "--batch-size", "4"],
            "batch size 4 is not divisible by 8 devices; use a multiple of 8, e.g. 8",
        ),
        (
            ["mnist_two_hidden", "--devices", "8"],
            "the last batch of each epoch has 4 samples (1540 training samples in batches of "
            "64), not divisible by 8 devices; use a multiple of 8 for it, e.g. --train-subset 1536",
        ),
        (
            ["forward_in_loop", "--devices", "8"],
            "full-batch training puts all 100 training samples in every batch, not divisible "
            "by 8 devices; use a multiple of 8, e.g. --train-subset 96",
        ),
        (["template_ann", "--devices", "100000"], "asked for 100000 devices but only "),
        (["template_ann", "--framework", "torch", "--devices", "2"], "the torch side runs on one"),
        (["gradient_descent_scalar", "--devices", "2"], "so its batches cannot be split"),
        (
            ["mnist_two_hidden", "--devices", "2", "--checkpoint-every", "2"],
            "--devices cannot be combined with --checkpoint-every/--resume",
        ),
    ],
)
def test_devices_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    assert cli.main(["run", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("jaxnn: error: "), err
    assert message in err and "Traceback" not in err
