"""The ``jaxnn`` command: ``list``, ``run`` and its one-line errors (exit code 2, no traceback)."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from twincore import harness
from twinlab import cli
from twinlab.cli import entry

from .. import preloaded


def _run_subprocess(*args, prelude=""):
    """The command in a fresh interpreter, which then says whether it imported torch or JAX."""
    code = f"{prelude}\nimport sys\nfrom twinlab.cli import main\nrc = main({list(args)!r})\n"
    code += "print('TORCH_IMPORTED', 'torch' in sys.modules)\n"
    code += "print('JAX_IMPORTED', any(m in sys.modules for m in ('jax', 'jaxnn')))\n"
    code += "sys.exit(rc)\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def _run_child(*args):
    """The command in a process of its own, forked with its imports done."""
    return preloaded.run(["-m", "twinlab.cli", *args])


def test_a_torch_only_run_never_imports_jax(tmp_path):
    proc = _run_subprocess("run", "toy_classifier", "--framework", "torch", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "JAX_IMPORTED False" in proc.stdout
    assert (tmp_path / "params-torch.safetensors").is_file()


def test_run_both_float64_writes_metrics_within_tolerance(tmp_path):
    # In a subprocess: float64 turns on 64-bit JAX types for the whole process.
    out = tmp_path / "demo"
    proc = _run_child(
        "run", "toy_classifier", "--framework", "both", "--dtype", "float64", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert "torch loss" in proc.stdout and "jax loss" in proc.stdout
    assert "max |Δ|" in proc.stdout and "relative" in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["example"] == "toy_classifier" and metrics["dtype"] == "float64"
    assert metrics["config"] == {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123}
    for side in ("torch", "jax"):
        assert len(metrics[side]["loss"]) == 6
        assert metrics[side]["final"] == {"train_accuracy": 1.0, "test_accuracy": 1.0}
        assert metrics[side]["wall_time_s"] > 0
    curve = harness.tolerance("float64", "curve")
    assert metrics["max_rel_loss_diff"] <= curve.rtol
    assert metrics["max_rel_param_diff"] <= curve.rtol
    harness.assert_close(metrics["jax"]["loss"], metrics["torch"]["loss"], curve)
    # No temporary files left behind; the plot is a whole PNG.
    written = ["curves.png", "metrics.json", "params-jax.safetensors", "params-torch.safetensors"]
    assert sorted(p.name for p in out.iterdir()) == written
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_forward_only_example_writes_no_curve(tmp_path):
    assert cli.main(["run", "linear_forward", "--framework", "jax", "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


def test_interrupted_run_exits_130_without_traceback_or_partial_files(tmp_path):
    out = tmp_path / "out"
    argv = ["run", "mnist_two_hidden", "--framework", "jax", "--epochs", "100000"]
    proc = preloaded.Child(["-m", "twinlab.cli", *argv, "--out", str(out)])
    try:
        # Interrupt once training is under way (the output directory is made before training).
        deadline = time.monotonic() + 120
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        # A KeyboardInterrupt swallowed by a finalizer still ends the run after the grace.
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()  # never leave a 100000-epoch run behind
        proc.communicate()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "jaxnn: interrupted" and "Traceback" not in err
    assert list(out.iterdir()) == []  # nothing written, not even a temporary file


def test_ctrl_c_swallowed_by_a_finalizer_prints_no_traceback(capsys, monkeypatch):
    # SIGINT can land in a finalizer (XLA's GC callback): Python then reports the
    # KeyboardInterrupt as "Exception ignored ... Traceback" and _interrupt's timer ends the
    # run. The console command's hook keeps that report off the terminal, and only that one.
    class RaisesWhenCollected:
        def __init__(self, error):
            self.error = error

        def __del__(self):
            raise self.error

    monkeypatch.setattr(sys, "unraisablehook", entry._quiet_interrupts)
    RaisesWhenCollected(KeyboardInterrupt())
    assert capsys.readouterr().err == ""
    RaisesWhenCollected(ValueError("a real finalizer bug"))
    err = capsys.readouterr().err
    assert "Traceback" in err and "a real finalizer bug" in err


def test_run_jax_works_without_torch(tmp_path):
    blocker = (
        "import importlib.abc, sys\n"
        "class NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'torch'\")\n"
        "sys.meta_path.insert(0, NoTorch())\n"
    )
    proc = _run_subprocess(
        "run", "toy_classifier", "--framework", "jax", "--epochs", "1", prelude=blocker
    )
    assert proc.returncode == 0, proc.stderr
    assert "TORCH_IMPORTED False" in proc.stdout
    assert "initialised by jaxnn (torch not installed)" in proc.stdout
    assert "jax loss" in proc.stdout and "torch loss" not in proc.stdout
    proc = _run_subprocess("run", "toy_classifier", "--framework", "both", prelude=blocker)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "jaxnn: error: --framework both needs PyTorch, which is not installed "
        "(pip install 'jaxnn[torch]'), or use --framework jax"
    ]


def test_list_names_every_example(capsys):
    assert cli.main(["list", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "toy_classifier" in out and "S4 1806-1927" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["run", "no_such_example"],
            "jaxnn: error: unknown example 'no_such_example'; available: ",
        ),
        (["run", "toy_classifier", "--epochs", "-1"], "expected a non-negative integer, got -1"),
        (["run", "toy_classifier", "--batch-size", "0"], "expected a positive integer, got 0"),
        (["run", "toy_classifier", "--lr", "nan"], "expected a finite, non-negative number"),
        (["run", "toy_classifier", "--framework", "tf"], "invalid choice: 'tf'"),
        (["run", "toy_classifier", "--bogus"], "unrecognized arguments: --bogus"),
        (["run"], "the following arguments are required: name"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("jaxnn: error: ") and message in err
    assert "Traceback" not in err


def test_unknown_example_lists_every_example(capsys):
    from jaxnn_examples import EXAMPLES

    assert cli.main(["run", "no_such_example"]) == 2
    listed = capsys.readouterr().err.strip().split("available: ", 1)[1].split(", ")
    assert listed == sorted(EXAMPLES)


def test_out_must_be_a_writable_directory(tmp_path, capsys):
    a_file = tmp_path / "metrics.json"
    a_file.write_text("{}")
    assert cli.main(["run", "toy_classifier", "--out", str(a_file)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    # A directory below a regular file cannot be created, even by root.
    assert cli.main(["run", "toy_classifier", "--out", str(a_file / "sub")]) == 2
    err = capsys.readouterr().err
    assert "cannot create directory (Not a directory)" in err and len(err.splitlines()) == 1


# --- --data-dir: MNIST's IDX files for the MNIST examples -----------------------------------


def _write_idx(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def _tiny_mnist(root, n_train=40, n_test=8, seed=0):
    """Tiny but valid MNIST IDX files (random pixels and labels) in ``root``."""
    gen = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        _write_idx(root / f"{prefix}-images-idx3-ubyte", gen.integers(0, 256, (n, 28, 28)), 2051)
        _write_idx(root / f"{prefix}-labels-idx1-ubyte", gen.integers(0, 10, n), 2049)
    return root


def test_run_mnist_example_reads_data_dir(tmp_path):
    data_dir = _tiny_mnist(tmp_path / "mnist")
    out = tmp_path / "out"
    argv = ["run", "mlp2hidden", "--epochs", "2", "--batch-size", "16", "--data-dir"]
    assert cli.main([*argv, str(data_dir), "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["data_dir"] == str(data_dir)
    assert "train_subset" not in metrics["config"]
    for side in ("torch", "jax"):
        # 40 training images in batches of 16: 3 steps per epoch (the bundled digits: 97).
        assert len(metrics[side]["loss"]) == 2 * 3
    harness.assert_close(
        metrics["jax"]["loss"], metrics["torch"]["loss"], harness.tolerance("float32", "curve")
    )


def test_run_train_subset_shortens_the_epoch(tmp_path):
    out = tmp_path / "out"
    argv = ["run", "manual_batches", "--epochs", "1", "--train-subset", "70", "--out", str(out)]
    assert cli.main(argv) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["train_subset"] == 70
    assert "data_dir" not in metrics["config"]
    assert len(metrics["torch"]["loss"]) == len(metrics["jax"]["loss"]) == 3  # 32 + 32 + 6


def _data_dir_error(capsys, argv):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("jaxnn: error: --data-dir") and "Traceback" not in err
    return err


def test_data_dir_must_be_a_directory(tmp_path, capsys):
    a_file = tmp_path / "train-images-idx3-ubyte"
    a_file.write_bytes(b"")
    err = _data_dir_error(capsys, ["run", "mnist_two_hidden", "--data-dir", str(a_file)])
    assert "not a directory" in err
    err = _data_dir_error(capsys, ["run", "mnist_two_hidden", "--data-dir", str(tmp_path / "no")])
    assert "not a directory" in err


def test_data_dir_missing_files(tmp_path, capsys):
    err = _data_dir_error(capsys, ["run", "mnist_mlp_adam", "--data-dir", str(tmp_path)])
    assert "MNIST training files not found" in err and "train-images-idx3-ubyte" in err
    _tiny_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    err = _data_dir_error(capsys, ["run", "mnist_mlp_adam", "--data-dir", str(tmp_path)])
    assert "MNIST test files not found" in err and "missing t10k-labels-idx1-ubyte" in err


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-5]), "truncated payload"),
        (lambda p: p.write_bytes(b"\x00\x00\x08\x01" + p.read_bytes()[4:]), "wrong magic number"),
        (lambda p: p.write_bytes(b"\x1f\x8b\x08\x00garbage"), "corrupt or truncated gzip data"),
    ],
    ids=["truncated", "wrong_magic", "bad_gzip"],
)
def test_data_dir_corrupt_files(tmp_path, capsys, corrupt, message):
    _tiny_mnist(tmp_path)
    corrupt(tmp_path / "train-images-idx3-ubyte")
    err = _data_dir_error(capsys, ["run", "cnn_template", "--data-dir", str(tmp_path)])
    assert message in err and "train-images-idx3-ubyte" in err


def test_data_dir_only_for_mnist_examples(tmp_path, capsys):
    _tiny_mnist(tmp_path)
    err = _data_dir_error(capsys, ["run", "toy_classifier", "--data-dir", str(tmp_path)])
    assert "does not read MNIST" in err and "mnist_mlp_adam" in err


RESUMABLE_RUN = ["run", "mnist_two_hidden", "--framework", "jax", "--dtype", "float64"]
RESUMABLE_RUN += ["--epochs", "4", "--train-subset", "256", "--checkpoint-every", "2"]


def _jaxnn(*args):
    return preloaded.Child(["-m", "twinlab.cli", *args])


def test_example_built_by_hand_around_the_engine_checkpoints_and_resumes(x64, tmp_path, capsys):
    # toy_classifier is an engine recipe wrapped in a hand-made Example (with a shuffling
    # loader): it used to be refused as "its own loop". Its checkpointed run, cut back to
    # the step-2 checkpoint and resumed, ends where it ended.
    out = tmp_path / "run"
    argv = ["run", "toy_classifier", "--framework", "jax", "--dtype", "float64"]
    assert cli.main([*argv, "--checkpoint-every", "2", "--out", str(out)]) == 0
    params = (out / "params-jax.safetensors").read_bytes()
    losses = json.loads((out / "metrics.json").read_text())["jax"]["loss"]
    steps = sorted(int(p.name) for p in (out / "checkpoints").iterdir())
    assert steps == [2, 4, 6]
    for step in steps[1:]:
        shutil.rmtree(out / "checkpoints" / str(step))
        (out / "progress" / f"{step}.json").unlink()
    (out / "params-jax.safetensors").unlink()
    (out / "metrics.json").unlink()
    assert cli.main(["run", "toy_classifier", "--resume", str(out)]) == 0
    capsys.readouterr()
    assert (out / "params-jax.safetensors").read_bytes() == params
    assert json.loads((out / "metrics.json").read_text())["jax"]["loss"] == losses


def test_run_killed_at_a_random_step_then_resumed_ends_bit_identical(tmp_path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    proc = _jaxnn(*RESUMABLE_RUN, "--out", str(whole))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err

    seed = random.randrange(2**32)  # a different step each run; the seed is in any failure
    delay = random.Random(seed).uniform(0.0, 2.0)
    proc = _jaxnn(*RESUMABLE_RUN, "--out", str(killed))
    deadline = time.monotonic() + 120
    while not list((killed / "progress").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    saved = sorted(int(p.stem) for p in (killed / "progress").glob("*.json"))
    assert saved, f"seed {seed}: killed before the first checkpoint"

    proc = _jaxnn("run", "mnist_two_hidden", "--resume", str(killed))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"seed {seed}, killed after step {saved[-1]}: {err}"
    a = (whole / "params-jax.safetensors").read_bytes()
    b = (killed / "params-jax.safetensors").read_bytes()
    assert a == b, f"seed {seed}: parameters differ after resuming from step {saved[-1]}"
    la = json.loads((whole / "metrics.json").read_text())["jax"]["loss"]
    lb = json.loads((killed / "metrics.json").read_text())["jax"]["loss"]
    assert la == lb, f"seed {seed}: loss curves differ after resuming from step {saved[-1]}"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--checkpoint-every", "2"], "--checkpoint-every needs --out DIR"),
        (["--checkpoint-every", "2", "--out", "{tmp}/o"], "add --framework jax"),
        (["--checkpoint-every", "0"], "expected a positive integer, got 0"),
        (["--resume", "{tmp}"], "no run.json; start the run with --checkpoint-every K"),
        (["--resume", "{tmp}", "--epochs", "3"], "drop --epochs"),
        (["--resume", "{tmp}", "--framework", "both"], "drop --framework"),
    ],
)
def test_checkpoint_and_resume_flags_give_one_line_errors(capsys, tmp_path, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert cli.main(["run", "mnist_two_hidden", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jaxnn: error: ") and message in err and "Traceback" not in err


def test_checkpointing_refuses_a_hand_written_loop_and_an_occupied_out(capsys, tmp_path):
    argv = ["run", "one_sgd_step", "--framework", "jax", "--checkpoint-every", "2"]
    assert cli.main([*argv, "--out", str(tmp_path)]) == 2
    assert "trains with its own loop and cannot resume" in capsys.readouterr().err
    argv[1] = "learning_rates"
    assert cli.main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "trains 3 models one after another (too_low, good, too_high)" in err
    assert "toy_classifier" in err  # among the examples that can
    (tmp_path / "run.json").write_text("{}")
    argv = ["run", "mnist_two_hidden", "--framework", "jax", "--checkpoint-every", "2"]
    assert cli.main([*argv, "--out", str(tmp_path)]) == 2
    assert f"continue it with --resume {tmp_path}" in capsys.readouterr().err
    assert cli.main(["run", "toy_classifier", "--resume", str(tmp_path)]) == 2
    assert "unreadable run.json" in capsys.readouterr().err


def test_diverging_run_skips_its_nonfinite_steps_with_on_nonfinite_skip(tmp_path, capsys):
    # --lr 1e6 makes the loss NaN at step 5 (cli-lr-diverges stops there with exit code 3);
    # skipping drops those updates on both sides, in step, and the run ends normally.
    argv = ["run", "toy_classifier", "--lr", "1e6", "--on-nonfinite", "skip"]
    assert cli.main([*argv, "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["config"]["on_nonfinite"] == "skip"
    losses = np.asarray(metrics["torch"]["loss"])
    assert not np.isfinite(losses).all()
    harness.assert_equal(np.isfinite(metrics["jax"]["loss"]), np.isfinite(losses))


def test_a_console_without_delta_prints_ascii(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "twinlab.cli", "run", "toy_classifier", "--dtype", "float64"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode("cp1252")[-2000:]
    out = proc.stdout.decode("cp1252")
    assert "max |D|" in out and "Δ" not in out


def test_a_full_disk_is_one_line_naming_the_file_and_leaves_nothing_half_written(
    tmp_path, capsys, monkeypatch
):
    import errno

    from twincore import atomic

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    assert cli.main(["run", "linear_forward", "--framework", "torch", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"jaxnn: error: {tmp_path / 'metrics.json'}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []
