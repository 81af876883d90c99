"""``jaxnn run NAME --precision {float32,bf16-mixed,fp16-mixed}``: both sides train under the
policy, the report states the parity, and a checkpointed run resumes with its loss scale."""

import json
import shutil

import numpy as np

from twincore import harness
from twincore.safetensors import load_arrays
from twinlab import cli


def test_run_both_in_bf16_mixed_prints_and_writes_its_differences(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["run", "mnist_two_hidden", "--precision", "bf16-mixed", "--framework", "both"]
    assert cli.main([*argv, "--epochs", "1", "--train-subset", "320", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "float32 parameters, bf16-mixed" in printed
    assert "stated parity (bf16-mixed, first 25 steps): rtol=0.002" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["precision"] == "bf16-mixed" and metrics["dtype"] == "float32"
    assert len(metrics["torch"]["loss"]) == len(metrics["jax"]["loss"]) == 5
    curve = harness.tolerance("bf16-mixed", "curve")
    harness.assert_close(metrics["jax"]["loss"], metrics["torch"]["loss"], curve, name="loss")
    jax_params = load_arrays(out / "params-jax.safetensors")
    torch_params = load_arrays(out / "params-torch.safetensors")
    for key, expected in torch_params.items():
        tol = harness.scaled(curve, expected)
        harness.assert_close(jax_params[key], expected, tol, name=key)


def test_float32_runs_do_not_name_a_precision(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", "toy_classifier", "--framework", "jax", "--out", str(out)]) == 0
    assert "stated parity" not in capsys.readouterr().out
    assert "precision" not in json.loads((out / "metrics.json").read_text())["config"]


def test_fp16_mixed_checkpointed_run_resumes_bit_identical_with_its_loss_scale(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", "toy_classifier", "--framework", "jax", "--precision", "fp16-mixed"]
    assert cli.main([*argv, "--checkpoint-every", "2", "--out", str(out)]) == 0
    assert json.loads((out / "run.json").read_text())["config"]["precision"] == "fp16-mixed"
    params = (out / "params-jax.safetensors").read_bytes()
    losses = json.loads((out / "metrics.json").read_text())["jax"]["loss"]
    for step in (4, 6):
        shutil.rmtree(out / "checkpoints" / str(step))
        (out / "progress" / f"{step}.json").unlink()
    (out / "params-jax.safetensors").unlink()
    assert cli.main(["run", "toy_classifier", "--resume", str(out)]) == 0
    capsys.readouterr()
    assert (out / "params-jax.safetensors").read_bytes() == params
    resumed = json.loads((out / "metrics.json").read_text())
    assert resumed["jax"]["loss"] == losses and resumed["config"]["precision"] == "fp16-mixed"
    assert np.isfinite(losses).all()
