"""The ``jaxnn`` command: ``list``, ``run`` and its one-line errors (exit code 2, no traceback)."""

import json
import subprocess
import sys

import numpy as np
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
    from examples import EXAMPLES

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
