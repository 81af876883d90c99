"""The ``jaxnn`` command: ``list``, ``run`` and its one-line errors (exit code 2, no traceback)."""

import json
import subprocess
import sys

import pytest

from jaxnn import cli
from parity_tests import harness


def _run_subprocess(*args, prelude=""):
    code = f"{prelude}\nimport sys\nfrom jaxnn.cli import main\nrc = main({list(args)!r})\n"
    code += "print('TORCH_IMPORTED', 'torch' in sys.modules)\nsys.exit(rc)\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_run_both_float64_writes_metrics_within_tolerance(tmp_path):
    # In a subprocess: float64 turns on 64-bit JAX types for the whole process.
    out = tmp_path / "demo"
    proc = _run_subprocess(
        "run", "toy_classifier", "--framework", "both", "--dtype", "float64", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert "torch loss" in proc.stdout and "jax loss" in proc.stdout
    assert "max |Δ| loss:" in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["example"] == "toy_classifier" and metrics["dtype"] == "float64"
    assert metrics["config"] == {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123}
    for side in ("torch", "jax"):
        assert len(metrics[side]["loss"]) == 6
        assert metrics[side]["final"] == {"train_accuracy": 1.0, "test_accuracy": 1.0}
        assert metrics[side]["wall_time_s"] > 0
    assert metrics["max_abs_loss_diff"] <= harness.tolerance("float64", "curve").rtol
    harness.assert_close(
        metrics["jax"]["loss"], metrics["torch"]["loss"], harness.tolerance("float64", "curve")
    )
    assert list(out.iterdir()) == [out / "metrics.json"]  # no temporary files left behind


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
    assert "jax loss" in proc.stdout and "torch loss" not in proc.stdout
    proc = _run_subprocess("run", "toy_classifier", "--framework", "both", prelude=blocker)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "jaxnn: error: --framework both needs PyTorch, which is not installed "
        "(pip install 'jaxnn[torch]'), or use --framework jax"
    ]


def test_list_names_every_example(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "toy_classifier" in out and "S4 1806-1927" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["run", "no_such_example"],
            "jaxnn: error: unknown example 'no_such_example'; available: toy_classifier",
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


def test_out_must_be_a_writable_directory(tmp_path, capsys):
    a_file = tmp_path / "metrics.json"
    a_file.write_text("{}")
    assert cli.main(["run", "toy_classifier", "--out", str(a_file)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    # A directory below a regular file cannot be created, even by root.
    assert cli.main(["run", "toy_classifier", "--out", str(a_file / "sub")]) == 2
    err = capsys.readouterr().err
    assert "cannot create directory (Not a directory)" in err and len(err.splitlines()) == 1
