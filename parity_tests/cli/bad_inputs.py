"""The ``jaxnn`` command's bad inputs: every user error is one line on stderr and exit code 2.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``twinlab.cli.main``; each
trigger is an argv. ``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
from pathlib import Path
from unittest import mock

from twincore import atomic
from twincore.data.idx import LABELS_MAGIC
from twinlab import cli

from ..bad_input import EXIT_DIVERGED, EXIT_USAGE, EXIT_WRITE, BadInput
from ..data.bad_inputs import mnist_no_images, mnist_truncated_gz, tiny_mnist


def _mnist_wrong_magic(root: Path) -> None:
    tiny_mnist(root)
    path = root / "train-images-idx3-ubyte"
    path.write_bytes(LABELS_MAGIC.to_bytes(4, "big") + path.read_bytes()[4:])


def _cut_off_records(root: Path) -> None:
    line = '{"test": "parity_tests/nn/test_linear.py::test_x", "outcome": "passed"}'
    (root / "outcomes-main.jsonl").write_text(line + "\n" + line[:30])


def _full_disk():
    """Every file write fails as on a full disk (where the data meets the disk: fsync)."""

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    return mock.patch.object(atomic.os, "fsync", full)


def _nothing_written(root: Path) -> None:
    assert not (root / "out").exists() or list((root / "out").iterdir()) == []


def _checkpointed_run(root: Path, **edits) -> None:
    """A finished checkpointed toy_classifier run in ``root/run`` whose run.json got ``edits``."""
    argv = ["run", "toy_classifier", "--framework", "jax", "--checkpoint-every", "2"]
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main([*argv, "--out", str(root / "run")]) == 0
    path = root / "run" / "run.json"
    saved = json.loads(path.read_text())
    for key, value in edits.items():
        (saved if key == "example" else saved["config"])[key] = value
    saved["dtype"] = saved["config"]["dtype"]
    path.write_text(json.dumps(saved))


def _a_model_file(root: Path) -> None:
    (root / "models.py").write_text(
        "import torch\n"
        "class Needs(torch.nn.Module):\n"
        "    def __init__(self, width):\n"
        "        super().__init__()\n"
        "        self.fc = torch.nn.Linear(width, 2)\n"
        "class Cumulative(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = torch.nn.Linear(3, 3)\n"
        "    def forward(self, x):\n"
        "        return torch.cumsum(self.fc(x), dim=1)\n"
        "class Conv(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = torch.nn.Conv2d(1, 2, 3)\n"
        "    def forward(self, x):\n"
        "        return self.conv(x)\n"
    )


def _a_file(root: Path) -> None:
    (root / "metrics.json").write_text("{}")


BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "cli-no-command",
        "CLI",
        "gave no command",
        (),
        EXIT_USAGE,
        "the following arguments are required: COMMAND",
    ),
    BadInput(
        "cli-unknown-command",
        "CLI",
        "ran a command that does not exist",
        ("train",),
        EXIT_USAGE,
        "argument COMMAND: invalid choice: 'train'",
    ),
    BadInput(
        "cli-unknown-example",
        "CLI",
        "asked to run an example that does not exist",
        ("run", "no_such_example"),
        EXIT_USAGE,
        "unknown example 'no_such_example'; available: ",
    ),
    BadInput(
        "cli-missing-example",
        "CLI",
        "left out the example name",
        ("run",),
        EXIT_USAGE,
        "the following arguments are required: name",
    ),
    BadInput(
        "cli-unknown-flag",
        "CLI",
        "passed a flag jaxnn does not have",
        ("run", "toy_classifier", "--bogus"),
        EXIT_USAGE,
        "unrecognized arguments: --bogus",
    ),
    BadInput(
        "cli-bad-framework",
        "CLI",
        "asked for a framework other than jax, torch or both",
        ("run", "toy_classifier", "--framework", "tf"),
        EXIT_USAGE,
        "argument --framework: invalid choice: 'tf'",
    ),
    BadInput(
        "cli-bad-dtype",
        "CLI",
        "asked for a dtype other than float32 or float64",
        ("run", "toy_classifier", "--dtype", "float16"),
        EXIT_USAGE,
        "argument --dtype: invalid choice: 'float16'",
    ),
    BadInput(
        "cli-epochs-negative",
        "CLI",
        "asked for -1 epochs",
        ("run", "toy_classifier", "--epochs", "-1"),
        EXIT_USAGE,
        "argument --epochs: expected a non-negative integer, got -1",
    ),
    BadInput(
        "cli-epochs-not-a-number",
        "CLI",
        "wrote the epoch count in words",
        ("run", "toy_classifier", "--epochs", "three"),
        EXIT_USAGE,
        "argument --epochs: expected a non-negative integer, got 'three'",
    ),
    BadInput(
        "cli-batch-size-zero",
        "CLI",
        "asked for batches of 0 samples",
        ("run", "toy_classifier", "--batch-size", "0"),
        EXIT_USAGE,
        "argument --batch-size: expected a positive integer, got 0",
    ),
    BadInput(
        "cli-lr-nan",
        "CLI",
        "passed `--lr nan`",
        ("run", "toy_classifier", "--lr", "nan"),
        EXIT_USAGE,
        "argument --lr: expected a finite, non-negative number, got nan",
    ),
    BadInput(
        "cli-lr-negative",
        "CLI",
        "passed a negative learning rate",
        ("run", "toy_classifier", "--lr", "-0.5"),
        EXIT_USAGE,
        "argument --lr: expected a finite, non-negative number, got -0.5",
    ),
    BadInput(
        "cli-seed-negative",
        "CLI",
        "passed a negative random seed",
        ("run", "toy_classifier", "--seed", "-3"),
        EXIT_USAGE,
        "argument --seed: expected a non-negative integer, got -3",
    ),
    BadInput(
        "cli-train-subset-zero",
        "CLI",
        "asked to train on the first 0 samples",
        ("run", "mnist_two_hidden", "--train-subset", "0"),
        EXIT_USAGE,
        "argument --train-subset: expected a positive integer, got 0",
    ),
    BadInput(
        "cli-out-is-a-file",
        "CLI",
        "gave `--out` the path of an existing regular file",
        ("run", "toy_classifier", "--out", "{tmp}/metrics.json"),
        EXIT_USAGE,
        "metrics.json: exists and is not a directory",
        setup=_a_file,
    ),
    BadInput(
        "cli-out-not-creatable",
        "CLI",
        "gave `--out` a directory that cannot be created (below a regular file)",
        ("run", "toy_classifier", "--out", "{tmp}/metrics.json/run"),
        EXIT_USAGE,
        "cannot create directory (Not a directory)",
        setup=_a_file,
    ),
    BadInput(
        "cli-data-dir-missing",
        "CLI",
        "gave `--data-dir` a directory that does not exist",
        ("run", "mnist_two_hidden", "--data-dir", "{tmp}/mnist"),
        EXIT_USAGE,
        "mnist: not a directory",
    ),
    BadInput(
        "cli-data-dir-empty",
        "CLI",
        "gave `--data-dir` a directory without the MNIST files",
        ("run", "mnist_mlp_adam", "--data-dir", "{tmp}"),
        EXIT_USAGE,
        "MNIST training files not found: looked for train-images-idx3-ubyte[.gz]",
    ),
    BadInput(
        "cli-data-dir-no-images",
        "CLI",
        "gave `--data-dir` MNIST files holding 0 images",
        ("run", "mnist_two_hidden", "--data-dir", "{tmp}"),
        EXIT_USAGE,
        "holds 0 images; an MNIST split needs at least one",
        setup=mnist_no_images,
    ),
    BadInput(
        "cli-data-dir-wrong-magic",
        "CLI",
        "gave `--data-dir` an images file whose header says it holds labels",
        ("run", "cnn_template", "--data-dir", "{tmp}"),
        EXIT_USAGE,
        "train-images-idx3-ubyte: wrong magic number 2049",
        setup=_mnist_wrong_magic,
    ),
    BadInput(
        "cli-data-dir-truncated-gz",
        "CLI",
        "gave `--data-dir` a half-downloaded .gz file",
        ("run", "mlp2hidden", "--data-dir", "{tmp}"),
        EXIT_USAGE,
        "train-images-idx3-ubyte.gz: corrupt or truncated gzip data",
        setup=mnist_truncated_gz,
    ),
    BadInput(
        "cli-data-dir-not-mnist",
        "CLI",
        "passed `--data-dir` to an example that reads no MNIST",
        ("run", "toy_classifier", "--data-dir", "{tmp}"),
        EXIT_USAGE,
        "--data-dir: example 'toy_classifier' does not read MNIST",
    ),
    BadInput(
        "cli-checkpoint-without-out",
        "CLI",
        "asked for checkpoints without saying where",
        ("run", "mnist_two_hidden", "--framework", "jax", "--checkpoint-every", "2"),
        EXIT_USAGE,
        "--checkpoint-every needs --out DIR, where the checkpoints go",
    ),
    BadInput(
        "cli-checkpoint-both-sides",
        "CLI",
        "asked for checkpoints of a two-framework run",
        ("run", "mnist_two_hidden", "--checkpoint-every", "2", "--out", "{tmp}/run"),
        EXIT_USAGE,
        "--checkpoint-every checkpoints the JAX side; add --framework jax",
    ),
    BadInput(
        "cli-resume-without-run-json",
        "CLI",
        "resumed from a directory that holds no run",
        ("run", "mnist_two_hidden", "--resume", "{tmp}"),
        EXIT_USAGE,
        "no run.json; start the run with --checkpoint-every K --out DIR first",
    ),
    BadInput(
        "cli-resume-with-settings",
        "CLI",
        "resumed a run and changed its epochs",
        ("run", "mnist_two_hidden", "--resume", "{tmp}", "--epochs", "3"),
        EXIT_USAGE,
        "--resume continues a run with the settings it was started with; drop --epochs",
    ),
    BadInput(
        "cli-precision-with-float64",
        "CLI",
        "asked for bf16 mixed precision with float64 parameters",
        ("run", "toy_classifier", "--precision", "bf16-mixed", "--dtype", "float64"),
        EXIT_USAGE,
        "--precision bf16-mixed keeps the parameters in float32; drop --dtype float64",
    ),
    BadInput(
        "cli-precision-no-training",
        "CLI",
        "asked for mixed precision in an example that trains nothing (a forward demo)",
        ("run", "linear_forward", "--precision", "bf16-mixed"),
        EXIT_USAGE,
        "--precision bf16-mixed: example 'linear_forward' trains nothing",
    ),
    BadInput(
        "cli-precision-with-seeds",
        "CLI",
        "asked for mixed precision in a multi-seed run",
        ("run", "toy_classifier", "--precision", "fp16-mixed", "--seeds", "2"),
        EXIT_USAGE,
        "--precision fp16-mixed cannot be combined with --seeds",
    ),
    BadInput(
        "cli-precision-hand-made-parameters",
        "CLI",
        "asked for mixed precision in a model with hand-made parameters (x @ W1 + b1)",
        ("run", "mlp2hidden", "--precision", "bf16-mixed", "--framework", "jax"),
        EXIT_USAGE,
        "--precision bf16-mixed: example 'mlp2hidden': the model (MLP2Hidden: W1, b1, W2, b2) "
        "holds parameters outside Linear, Conv2d, Embedding layers",
    ),
    BadInput(
        "cli-resume-changed-precision",
        "CLI",
        "resumed a run with another --precision",
        ("run", "toy_classifier", "--resume", "{tmp}", "--precision", "bf16-mixed"),
        EXIT_USAGE,
        "--resume continues a run with the settings it was started with; drop --precision",
    ),
    BadInput(
        "cli-resume-run-json-precision-edited",
        "CLI",
        "edited a checkpointed float32 run's run.json to bf16-mixed and resumed it",
        ("run", "toy_classifier", "--resume", "{tmp}/run"),
        EXIT_USAGE,
        "run.json does not match the checkpoint for step 6: precision is 'bf16-mixed' in "
        "run.json, None in the checkpoint",
        setup=lambda root: _checkpointed_run(root, precision="bf16-mixed"),
    ),
    BadInput(
        "cli-seeds-zero",
        "CLI",
        "asked for a multi-seed run of 0 seeds",
        ("run", "toy_full_flow", "--seeds", "0"),
        EXIT_USAGE,
        "argument --seeds: expected a number of seeds >= 1, got 0",
    ),
    BadInput(
        "cli-seeds-no-fit",
        "CLI",
        "asked for many seeds of an example that trains nothing (a forward demo)",
        ("run", "linear_forward", "--seeds", "3"),
        EXIT_USAGE,
        "--seeds: example 'linear_forward' does not train with jaxnn.train.fit",
    ),
    BadInput(
        "cli-seeds-several-models",
        "CLI",
        "asked for many seeds of an example that trains several models in a row",
        ("run", "learning_rates", "--seeds", "3"),
        EXIT_USAGE,
        "--seeds: example 'learning_rates' trains 3 models one after another",
    ),
    BadInput(
        "cli-devices-zero",
        "CLI",
        "asked to split the batches over 0 devices",
        ("run", "template_ann", "--devices", "0"),
        EXIT_USAGE,
        "argument --devices: expected a device count >= 1, got 0",
    ),
    BadInput(
        "cli-devices-too-many",
        "CLI",
        "asked for more devices than there are",
        ("run", "template_ann", "--framework", "jax", "--devices", "100000"),
        EXIT_USAGE,
        "--devices 100000: asked for 100000 devices but only",
    ),
    BadInput(
        "cli-devices-indivisible-batch",
        "CLI",
        "asked for a device count that does not divide the batch size",
        ("run", "template_ann", "--framework", "jax", "--devices", "3"),
        EXIT_USAGE,
        "batch size 32 is not divisible by 3 devices; use a multiple of 3, e.g. 30 or 33",
    ),
    BadInput(
        "cli-out-empty",
        "CLI",
        "gave `--out` an empty string (which would mean the current directory)",
        ("run", "toy_classifier", "--out", ""),
        EXIT_USAGE,
        "argument --out: expected a path, got an empty string",
    ),
    BadInput(
        "cli-batch-larger-than-data",
        "CLI",
        "asked for batches larger than the data where the last partial batch is dropped",
        ("run", "toy_classifier", "--batch-size", "10"),
        EXIT_USAGE,
        "--batch-size 10: the 5 training samples make no full batch and this example drops "
        "the last partial one, so nothing would train; use a batch size of at most 5",
    ),
    BadInput(
        "cli-train-subset-too-large",
        "CLI",
        "asked to train on more samples than the data holds",
        ("run", "toy_classifier", "--train-subset", "6"),
        EXIT_USAGE,
        "--train-subset 6: train_subset 6 is more than the 5 training samples there are; "
        "use at most 5",
    ),
    BadInput(
        "cli-parity-html-directory",
        "CLI",
        "gave `jaxnn parity --html` a directory (checked before minutes of tests)",
        ("parity", "--html", "{tmp}"),
        EXIT_USAGE,
        ": is a directory; name a file",
    ),
    BadInput(
        "cli-parity-no-workers",
        "CLI",
        "asked `jaxnn parity` for 0 test processes",
        ("parity", "--workers", "0"),
        EXIT_USAGE,
        "argument --workers: expected a number of processes >= 1, got 0",
    ),
    BadInput(
        "cli-parity-corrupt-records",
        "CLI",
        "rendered `--from-records` whose outcomes file was cut off mid-line",
        ("parity", "--from-records", "{tmp}"),
        EXIT_USAGE,
        "outcomes-main.jsonl:2: not a record",
        setup=_cut_off_records,
    ),
    BadInput(
        "cli-lr-diverges",
        "CLI",
        "trained with a learning rate so high that the loss became NaN",
        ("run", "toy_classifier", "--lr", "1e6"),
        EXIT_DIVERGED,
        "the torch side diverged at step 5 (epoch 3, batch 1): a non-finite loss (nan); last "
        "finite loss ",
    ),
    BadInput(
        "cli-lr-beyond-the-dtype",
        "CLI",
        "gave `--lr` a value float32 cannot hold",
        ("run", "toy_classifier", "--lr", "1e308"),
        EXIT_USAGE,
        "--lr 1e+308 is larger than float32's largest number (3.4e+38)",
    ),
    BadInput(
        "cli-seed-too-large",
        "CLI",
        "gave `--seed` a value beyond 64 bits",
        ("run", "toy_classifier", "--seed", str(2**64)),
        EXIT_USAGE,
        "argument --seed: expected a non-negative integer up to 9223372036854775807",
    ),
    BadInput(
        "cli-batch-size-too-large",
        "CLI",
        "gave `--batch-size` 2**63",
        ("run", "toy_full_flow", "--batch-size", str(2**63)),
        EXIT_USAGE,
        "argument --batch-size: expected a positive integer up to 2147483647",
    ),
    BadInput(
        "cli-full-disk",
        "CLI",
        "ran out of disk space while the report was written",
        ("run", "linear_forward", "--framework", "torch", "--out", "{tmp}/out"),
        EXIT_WRITE,
        "out/metrics.json: No space left on device",
        after=_nothing_written,
        during=_full_disk,
    ),
    BadInput(
        "cli-resume-run-json-edited",
        "CLI",
        "edited a checkpointed run's run.json to float64 and resumed it",
        ("run", "toy_classifier", "--resume", "{tmp}/run"),
        EXIT_USAGE,
        "run.json does not match the checkpoint for step 6: dtype is 'float64' in run.json, "
        "'float32' in the checkpoint",
        setup=lambda root: _checkpointed_run(root, dtype="float64"),
    ),
    BadInput(
        "cli-resume-run-json-of-another-run",
        "CLI",
        "copied another run's run.json (other epochs and learning rate) into a run and resumed it",
        ("run", "toy_classifier", "--resume", "{tmp}/run"),
        EXIT_USAGE,
        "run.json does not match the checkpoint for step 6: epochs is 5 in run.json, 3 in the "
        "checkpoint; lr is 0.1 in run.json, 0.5 in the checkpoint",
        setup=lambda root: _checkpointed_run(root, epochs=5, lr=0.1),
    ),
    BadInput(
        "cli-resume-run-json-bad-value",
        "CLI",
        "wrote the epochs of a checkpointed run's run.json in words and resumed it",
        ("run", "toy_classifier", "--resume", "{tmp}/run"),
        EXIT_USAGE,
        "run.json was edited: argument --epochs: expected a non-negative integer, got 'three'",
        setup=lambda root: _checkpointed_run(root, epochs="three"),
    ),
    BadInput(
        "cli-resume-run-json-of-another-example",
        "CLI",
        "resumed a run under another example's name",
        ("run", "mnist_two_hidden", "--resume", "{tmp}/run"),
        EXIT_USAGE,
        "that run is of 'toy_classifier', not 'mnist_two_hidden'",
        setup=_checkpointed_run,
    ),
    BadInput(
        "cli-check-no-name",
        "CLI",
        "named a file but no model to `jaxnn check`",
        ("check", "{tmp}/models.py", "--input-shape", "2,3"),
        EXIT_USAGE,
        "expected FILE.py:NAME (a model class or a factory function)",
        setup=_a_model_file,
    ),
    BadInput(
        "cli-check-unknown-name",
        "CLI",
        "named a model the file does not define",
        ("check", "{tmp}/models.py:Nope", "--input-shape", "2,3"),
        EXIT_USAGE,
        "has no 'Nope'; its model classes: Conv, Cumulative, Needs",
        setup=_a_model_file,
    ),
    BadInput(
        "cli-check-constructor-arguments",
        "CLI",
        "checked a model class whose constructor needs arguments",
        ("check", "{tmp}/models.py:Needs", "--input-shape", "2,3"),
        EXIT_USAGE,
        "give check a factory instead: def make(): return YourModel(...), then FILE.py:make",
        setup=_a_model_file,
    ),
    BadInput(
        "cli-check-unsupported-op",
        "CLI",
        "checked a model whose forward calls a function jaxnn has no twin for",
        ("check", "{tmp}/models.py:Cumulative", "--input-shape", "2,3"),
        EXIT_USAGE,
        "graph node 'cumsum': the function torch.cumsum has no jaxnn twin",
        setup=_a_model_file,
    ),
    BadInput(
        "cli-check-input-the-model-rejects",
        "CLI",
        "gave `jaxnn check` an input shape the model cannot take",
        ("check", "{tmp}/models.py:Conv", "--input-shape", "2,3"),
        EXIT_USAGE,
        "the converted model does not run on example inputs float64[2, 3]",
        setup=_a_model_file,
    ),
)
