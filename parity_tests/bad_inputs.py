"""The bad-input sweep (issue 7, item 4): what a user can get wrong, and the error they get.

One table, :data:`BAD_INPUTS`, across the ``jaxnn`` command and the library API. Each row says
what the user did, how to do it (an argv for :func:`twinlab.cli.main`, or a call into jaxnn),
and the error that must come back: exit code 2 with one ``jaxnn: error:`` line for the
command, an exception of a given type for the API, and in both a fragment of the message.
``parity_tests/docs/test_bad_inputs.py`` runs every row; :func:`render` turns the same table into
``docs/bad-inputs.md``, so the page cannot claim an error the tests do not check.

Regenerate the page with ``python -m parity_tests.bad_inputs``.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

import jaxnn.functional as F
import jaxnn.nn as nn
from jaxnn import checkpoint, interop, optim, parallel, train
from jaxnn.data import (
    MNIST,
    DataLoader,
    IDXError,
    TensorDataset,
    load_mnist,
    read_idx,
)
from twincore.data.idx import IMAGES_MAGIC, LABELS_MAGIC

AREAS = ("CLI", "data", "nn", "functional", "optim", "interop", "checkpoint", "train")
EXIT_USAGE = 2
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "bad-inputs.md"
TEST_ID = "parity_tests/docs/test_bad_inputs.py::test_bad_input"
DOC_TEST_ID = "parity_tests/docs/test_bad_inputs.py::test_doc_matches_table"


@dataclass(frozen=True)
class BadInput:
    """One bad input and the error it must produce.

    Attributes:
      id: short slug; the pytest id of the row.
      area: one of :data:`AREAS`.
      did: what the user did, in one line of plain English.
      trigger: for ``area == "CLI"`` the argv for ``twinlab.cli.main`` (``{tmp}`` stands for a
        fresh temporary directory); otherwise a callable taking that directory and making the
        one jaxnn call that must raise.
      raises: the exception type (API) or :data:`EXIT_USAGE` (CLI).
      message: a fragment the error message must contain, verbatim.
      setup: writes the files the row needs into the temporary directory, before the call
        (so a failure while preparing them cannot pass for the expected error).
      after: checks, once the error is in, that the bad input had no effect it must not have.
    """

    id: str
    area: str
    did: str
    trigger: tuple[str, ...] | Callable[[Path], Any]
    raises: type[BaseException] | int
    message: str
    setup: Callable[[Path], None] | None = None
    after: Callable[[Path], None] | None = None


# --- files the rows read --------------------------------------------------------------------


def _idx(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def _tiny_mnist(root: Path, labels: tuple[int, ...] = (3, 1, 4, 1)) -> None:
    """Valid MNIST IDX files of ``len(labels)`` blank images per split in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for prefix in ("train", "t10k"):
        images = np.zeros((len(labels), 28, 28), np.uint8)
        (root / f"{prefix}-images-idx3-ubyte").write_bytes(_idx(images, IMAGES_MAGIC))
        (root / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx(np.array(labels), LABELS_MAGIC))


def _mnist_wrong_magic(root: Path) -> None:
    _tiny_mnist(root)
    path = root / "train-images-idx3-ubyte"
    path.write_bytes(LABELS_MAGIC.to_bytes(4, "big") + path.read_bytes()[4:])


def _mnist_truncated_gz(root: Path) -> None:
    _tiny_mnist(root)
    path = root / "train-images-idx3-ubyte"
    packed = gzip.compress(path.read_bytes())
    path.unlink()
    (root / "train-images-idx3-ubyte.gz").write_bytes(packed[: len(packed) // 2])


def _mnist_label_ten(root: Path) -> None:
    _tiny_mnist(root, labels=(3, 10, 4, 1))


def _a_file(root: Path) -> None:
    (root / "metrics.json").write_text("{}")


def _linear() -> nn.Linear:
    return nn.Linear(3, 2, rngs=nnx.Rngs(0))


def _safetensors(root: Path) -> None:
    checkpoint.save_safetensors(interop.state_dict(_linear()), root / "model.safetensors")


def _truncated_safetensors(root: Path) -> None:
    _safetensors(root)
    path = root / "model.safetensors"
    path.write_bytes(path.read_bytes()[:-4])


def _garbage_safetensors(root: Path) -> None:
    (root / "model.safetensors").write_bytes(b"this is not a safetensors file at all")


def _wrong_model_safetensors(root: Path) -> None:
    model = nn.Linear(2, 3, rngs=nnx.Rngs(0))
    checkpoint.save_safetensors(interop.state_dict(model), root / "model.safetensors")


class _Payload:
    """A pickled object whose unpickling calls a function: the shape of a code payload.

    Here the function only creates ``marker``, so a loader that ran it is caught by the
    row's ``after`` check.
    """

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


PAYLOAD_MARKER = "payload-ran"


def _payload_did_not_run(root: Path) -> None:
    assert not (root / PAYLOAD_MARKER).exists(), "loading the .pth ran the pickled call"


def _pickle_payload_pth(root: Path) -> None:
    import torch

    torch.save(
        {"weight": torch.zeros(2, 3), "bias": _Payload(root / PAYLOAD_MARKER)}, root / "model.pth"
    )


def _garbage_pth(root: Path) -> None:
    (root / "model.pth").write_bytes(b"PK\x03\x04 not really a zip")


# --- API calls that need a few lines --------------------------------------------------------


def _state_dict(**changes: Any) -> dict[str, Any]:
    """Linear(3, 2)'s torch state dict with ``changes`` (``None`` drops a key)."""
    state = dict(interop.state_dict(_linear()))
    for key, value in changes.items():
        if value is None:
            state.pop(key)
        else:
            state[key] = value
    return state


def _fit(x: np.ndarray, y: np.ndarray, **kwargs: Any) -> train.FitResult:
    """One epoch of SGD on a Linear(2, 1) regression over ``(x, y)``."""
    loader = DataLoader(TensorDataset(x, y), batch_size=2)
    model = nn.Linear(2, 1, rngs=nnx.Rngs(0))
    return train.fit(model, optim.sgd(lr=0.1), F.mse_loss, loader, **{"epochs": 1, **kwargs})


_X = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
_Y = np.array([[1.0], [0.0]], np.float32)
_X_NAN = np.array([[math.nan, 1.0], [1.0, 0.0]], np.float32)


def _train_state_like() -> train.TrainState:
    return train.TrainState.create(_linear(), optim.sgd(lr=0.1))[1]


# --- the table ------------------------------------------------------------------------------

BAD_INPUTS: tuple[BadInput, ...] = (
    # The command: every user error is one line on stderr and exit code 2.
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
        setup=_mnist_truncated_gz,
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
    # Data.
    BadInput(
        "data-loader-empty",
        "data",
        "built a DataLoader over an empty dataset",
        lambda tmp: DataLoader(TensorDataset(np.zeros((0, 2))), batch_size=2),
        ValueError,
        "DataLoader: the dataset is empty",
    ),
    BadInput(
        "data-batch-size-zero",
        "data",
        "asked the DataLoader for batches of 0 samples",
        lambda tmp: DataLoader(TensorDataset(_X), batch_size=0),
        ValueError,
        "batch_size must be a positive int; got 0",
    ),
    BadInput(
        "data-shuffle-string",
        "data",
        'passed shuffle="False" (a string) to the DataLoader',
        lambda tmp: DataLoader(TensorDataset(_X), shuffle="False"),
        TypeError,
        "shuffle must be a bool; got 'False'",
    ),
    BadInput(
        "data-dataset-lengths",
        "data",
        "paired 2 inputs with 3 labels in a TensorDataset",
        lambda tmp: TensorDataset(_X, np.zeros(3)),
        ValueError,
        "TensorDataset: arrays have different lengths [2, 3]",
    ),
    BadInput(
        "data-idx-wrong-magic",
        "data",
        "read a labels file as MNIST images",
        lambda tmp: read_idx(tmp / "train-labels-idx1-ubyte", magic=IMAGES_MAGIC),
        IDXError,
        "wrong magic number 2049",
        setup=_tiny_mnist,
    ),
    BadInput(
        "data-idx-not-idx",
        "data",
        "read a file that is not IDX at all",
        lambda tmp: read_idx(tmp / "train-images-idx3-ubyte"),
        IDXError,
        "not an IDX file: magic number 0x7B7D",
        setup=lambda tmp: (tmp / "train-images-idx3-ubyte").write_text("{}\n\n"),
    ),
    BadInput(
        "data-idx-truncated-gz",
        "data",
        "read a half-downloaded .gz IDX file",
        lambda tmp: read_idx(tmp / "train-images-idx3-ubyte.gz"),
        IDXError,
        "corrupt or truncated gzip data",
        setup=_mnist_truncated_gz,
    ),
    BadInput(
        "data-mnist-missing",
        "data",
        "called load_mnist on a directory without the files",
        lambda tmp: load_mnist(tmp),
        FileNotFoundError,
        "MNIST training files not found: looked for train-images-idx3-ubyte[.gz]",
    ),
    BadInput(
        "data-mnist-label-ten",
        "data",
        "loaded MNIST label files holding a label above 9",
        lambda tmp: load_mnist(tmp, train=False),
        IDXError,
        "label 10 at index 1 is outside 0..9",
        setup=_mnist_label_ten,
    ),
    BadInput(
        "data-mnist-float-images",
        "data",
        "gave the MNIST dataset float images instead of uint8",
        lambda tmp: MNIST(np.zeros((2, 28, 28)), np.array([0, 1])),
        ValueError,
        "MNIST: images must be uint8 (N, H, W); got float64 (2, 28, 28)",
    ),
    # Layers.
    BadInput(
        "nn-linear-in-features",
        "nn",
        "fed 5 features to a Linear(3, 2)",
        lambda tmp: _linear()(jnp.ones((4, 5))),
        ValueError,
        "Linear(in_features=3, out_features=2): expected input of shape (*, 3), got (4, 5)",
    ),
    BadInput(
        "nn-linear-negative-size",
        "nn",
        "built a Linear with -1 input features",
        lambda tmp: nn.Linear(-1, 2, rngs=nnx.Rngs(0)),
        ValueError,
        "Linear: in_features must be a non-negative int; got -1",
    ),
    BadInput(
        "nn-conv2d-rank",
        "nn",
        "fed a single 28x28 image without its channel dimension to Conv2d",
        lambda tmp: nn.Conv2d(1, 4, 3, rngs=nnx.Rngs(0))(jnp.ones((28, 28))),
        ValueError,
        "Conv2d: expected 3D (unbatched) or 4D (batched) input of shape (C, H, W) or "
        "(N, C, H, W); got input of shape (28, 28)",
    ),
    BadInput(
        "nn-conv2d-channels",
        "nn",
        "fed a grey image to a Conv2d built for 3 channels",
        lambda tmp: nn.Conv2d(3, 4, 3, rngs=nnx.Rngs(0))(jnp.ones((1, 1, 8, 8))),
        ValueError,
        "Conv2d: expected input with 3 channels",
    ),
    BadInput(
        "nn-conv2d-zero-channels",
        "nn",
        "built a Conv2d with 0 input channels",
        lambda tmp: nn.Conv2d(0, 4, 3, rngs=nnx.Rngs(0)),
        ValueError,
        "Conv2d: in_channels must be a positive int; got 0",
    ),
    BadInput(
        "nn-lstm-rank",
        "nn",
        "fed a 4-D batch to an LSTM",
        lambda tmp: nn.LSTM(4, 8, rngs=nnx.Rngs(0))(jnp.ones((2, 3, 5, 4))),
        ValueError,
        "LSTM: expected input of shape (L, N, 4) or unbatched (L, 4); got shape (2, 3, 5, 4)",
    ),
    BadInput(
        "nn-lstm-hidden-zero",
        "nn",
        "built an LSTM with hidden_size 0",
        lambda tmp: nn.LSTM(4, 0, rngs=nnx.Rngs(0)),
        ValueError,
        "LSTM: hidden_size must be a positive int; got 0",
    ),
    BadInput(
        "nn-lstm-dropout",
        "nn",
        "built a 2-layer LSTM with dropout=2.0",
        lambda tmp: nn.LSTM(4, 8, num_layers=2, dropout=2.0, rngs=nnx.Rngs(0)),
        ValueError,
        "LSTM: dropout must be a number in [0, 1]; got 2.0",
    ),
    BadInput(
        "nn-embedding-float-indices",
        "nn",
        "looked up float indices in an Embedding",
        lambda tmp: nn.Embedding(10, 3, rngs=nnx.Rngs(0))(jnp.array([1.0, 2.0])),
        TypeError,
        "embedding(): indices must be an integer array; got dtype float32",
    ),
    BadInput(
        "nn-embedding-out-of-range",
        "nn",
        "looked up index 10 in an Embedding of 10 rows",
        lambda tmp: nn.Embedding(10, 3, rngs=nnx.Rngs(0))(jnp.array([10])),
        IndexError,
        "embedding(): index 10 is out of range for num_embeddings=10",
    ),
    BadInput(
        "nn-dropout-p-above-one",
        "nn",
        "built Dropout(p=1.5)",
        lambda tmp: nn.Dropout(1.5, rngs=nnx.Rngs(0)),
        ValueError,
        "Dropout: dropout probability has to be between 0 and 1, but got 1.5",
    ),
    BadInput(
        "nn-batchnorm-features",
        "nn",
        "fed 3 features to a BatchNorm1d(4)",
        lambda tmp: nn.BatchNorm1d(4, rngs=nnx.Rngs(0))(jnp.ones((2, 3))),
        ValueError,
        "BatchNorm1d: expected input of shape (N, 4) or (N, 4, L); got (2, 3)",
    ),
    # Functional twins.
    BadInput(
        "fn-mean-int",
        "functional",
        "took the mean of an integer tensor",
        lambda tmp: F.mean(jnp.arange(3)),
        TypeError,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: int32",
    ),
    BadInput(
        "fn-cross-entropy-batch",
        "functional",
        "gave cross_entropy 4 rows of logits and 5 labels",
        lambda tmp: F.cross_entropy(jnp.ones((4, 3)), jnp.zeros(5, int)),
        ValueError,
        "got input (4, 3) and target (5,)",
    ),
    BadInput(
        "fn-cross-entropy-scalar",
        "functional",
        "gave cross_entropy a 0-d logit",
        lambda tmp: F.cross_entropy(jnp.array(1.0), jnp.array(0)),
        ValueError,
        "cross_entropy(): input must be (C,), (N, C) or (N, C, d1, ...); got ()",
    ),
    BadInput(
        "fn-cross-entropy-label-range",
        "functional",
        "gave cross_entropy label 3 for 3 classes (outside jit)",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3)), jnp.array([0, 3])),
        IndexError,
        "cross_entropy(): target 3 is out of bounds for 3 classes",
    ),
    BadInput(
        "fn-cross-entropy-float-labels",
        "functional",
        "gave cross_entropy float class labels of shape (N,)",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3)), jnp.array([0.0, 1.0])),
        TypeError,
        "cross_entropy(): target must hold integer class indices; got dtype float32",
    ),
    BadInput(
        "fn-cross-entropy-int-logits",
        "functional",
        "gave cross_entropy integer logits",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3), int), jnp.array([0, 1])),
        TypeError,
        "cross_entropy(): input must be a floating array of scores; got dtype int32",
    ),
    BadInput(
        "fn-mse-shapes",
        "functional",
        "compared predictions (4, 1) with targets (4,) in mse_loss",
        lambda tmp: F.mse_loss(jnp.zeros((4, 1)), jnp.zeros(4)),
        ValueError,
        "mse_loss(): input shape (4, 1) and target shape (4,) differ",
    ),
    BadInput(
        "fn-dropout-p-negative",
        "functional",
        "called dropout with p=-0.1",
        lambda tmp: F.dropout(jnp.ones(3), p=-0.1),
        ValueError,
        "dropout(): dropout probability has to be between 0 and 1, but got -0.1",
    ),
    BadInput(
        "fn-softmax-dim",
        "functional",
        "took softmax over dim 2 of a 2-D tensor",
        lambda tmp: F.softmax(jnp.zeros((2, 3)), dim=2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    BadInput(
        "fn-gather-float-index",
        "functional",
        "gathered with a float index tensor",
        lambda tmp: F.gather(jnp.zeros((2, 3)), 1, jnp.zeros((2, 1))),
        TypeError,
        "gather(): index must be an integer array; got dtype float32",
    ),
    BadInput(
        "fn-topk-k-too-big",
        "functional",
        "asked topk for 5 of 3 values",
        lambda tmp: F.topk(jnp.zeros(3), 5),
        ValueError,
        "topk(): k=5 is out of range for dimension -1 of size 3",
    ),
    # Optimizers.
    BadInput(
        "optim-sgd-negative-lr",
        "optim",
        "built SGD with a negative learning rate",
        lambda tmp: optim.sgd(lr=-0.1),
        ValueError,
        "Invalid learning rate: -0.1",
    ),
    BadInput(
        "optim-adam-nan-lr",
        "optim",
        "built Adam with a NaN learning rate",
        lambda tmp: optim.adam(lr=math.nan),
        ValueError,
        "Invalid learning rate: nan",
    ),
    BadInput(
        "optim-adam-beta2-one",
        "optim",
        "built Adam with betas=(0.9, 1.0)",
        lambda tmp: optim.adam(lr=1e-3, betas=(0.9, 1.0)),
        ValueError,
        "Invalid beta parameter at index 1: 1.0",
    ),
    BadInput(
        "optim-adam-beta1-negative",
        "optim",
        "built Adam with betas=(-0.1, 0.999)",
        lambda tmp: optim.adam(lr=1e-3, betas=(-0.1, 0.999)),
        ValueError,
        "Invalid beta parameter at index 0: -0.1",
    ),
    BadInput(
        "optim-sgd-nesterov",
        "optim",
        "asked SGD for Nesterov momentum without momentum",
        lambda tmp: optim.sgd(lr=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    BadInput(
        "optim-step-lr-zero",
        "optim",
        "built a StepLR schedule with step_size=0",
        lambda tmp: optim.step_lr(0.1, step_size=0),
        ValueError,
        "step_size must be a positive integer, got 0",
    ),
    BadInput(
        "optim-clip-nonfinite",
        "optim",
        "clipped NaN gradients with error_if_nonfinite=True (outside jit)",
        lambda tmp: optim.clip_grad_norm_(
            {"w": jnp.array([math.nan])}, 1.0, error_if_nonfinite=True
        ),
        RuntimeError,
        "The total norm of order 2.0 for gradients from",
    ),
    # Torch state dicts.
    BadInput(
        "interop-missing-key",
        "interop",
        "loaded a state dict without the bias",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(bias=None)),
        interop.StateDictError,
        'Missing key(s) in state_dict: "bias"',
    ),
    BadInput(
        "interop-unexpected-key",
        "interop",
        "loaded a state dict with an extra key",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(scale=np.ones(2))),
        interop.StateDictError,
        'Unexpected key(s) in state_dict: "scale"',
    ),
    BadInput(
        "interop-size-mismatch",
        "interop",
        "loaded a (3, 2) weight into a Linear(3, 2)",
        lambda tmp: interop.load_state_dict(_linear(), _state_dict(weight=np.zeros((3, 2)))),
        interop.StateDictError,
        "size mismatch for weight: copying a param with shape (3, 2) from checkpoint, the "
        "shape in current model is (2, 3).",
    ),
    BadInput(
        "interop-int-into-float",
        "interop",
        "loaded an integer weight into a float parameter",
        lambda tmp: interop.load_state_dict(
            _linear(), _state_dict(weight=np.zeros((2, 3), np.int64))
        ),
        interop.StateDictError,
        "dtype mismatch for weight: got int64, expected a floating dtype",
    ),
    BadInput(
        "interop-not-a-mapping",
        "interop",
        "passed a list of arrays as the state dict",
        lambda tmp: interop.load_state_dict(_linear(), [np.zeros((2, 3)), np.zeros(2)]),
        TypeError,
        "state_dict must be a mapping of names to arrays; got list",
    ),
    # Checkpoint files.
    BadInput(
        "checkpoint-safetensors-missing",
        "checkpoint",
        "loaded a safetensors file that is not there",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        FileNotFoundError,
        "no safetensors file at",
    ),
    BadInput(
        "checkpoint-safetensors-truncated",
        "checkpoint",
        "loaded a safetensors file missing its last bytes",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        checkpoint.CheckpointError,
        "bytes of data that follow the header (the file is truncated)",
        setup=_truncated_safetensors,
    ),
    BadInput(
        "checkpoint-safetensors-garbage",
        "checkpoint",
        "loaded a text file as safetensors",
        lambda tmp: checkpoint.load_safetensors(tmp / "model.safetensors"),
        checkpoint.CheckpointError,
        "the file is truncated or not a safetensors file",
        setup=_garbage_safetensors,
    ),
    BadInput(
        "checkpoint-safetensors-wrong-model",
        "checkpoint",
        "loaded a Linear(2, 3)'s safetensors into a Linear(3, 2)",
        lambda tmp: checkpoint.load_safetensors_into(_linear(), tmp / "model.safetensors"),
        interop.StateDictError,
        "size mismatch for weight: copying a param with shape (3, 2)",
        setup=_wrong_model_safetensors,
    ),
    BadInput(
        "checkpoint-pth-pickle-payload",
        "checkpoint",
        "loaded a .pth whose pickle would call a function",
        lambda tmp: checkpoint.load_torch_state_dict(tmp / "model.pth"),
        checkpoint.CheckpointError,
        "refused to unpickle",
        setup=_pickle_payload_pth,
        after=_payload_did_not_run,
    ),
    BadInput(
        "checkpoint-pth-garbage",
        "checkpoint",
        "loaded a corrupt .pth file",
        lambda tmp: checkpoint.load_torch_state_dict(tmp / "model.pth"),
        checkpoint.CheckpointError,
        "not a readable torch checkpoint",
        setup=_garbage_pth,
    ),
    BadInput(
        "checkpoint-train-state-missing",
        "checkpoint",
        "restored a training state from a directory that does not exist",
        lambda tmp: checkpoint.restore_train_state(tmp / "run", _train_state_like()),
        FileNotFoundError,
        "no checkpoint directory at",
    ),
    # Training.
    BadInput(
        "train-nan-in-data",
        "train",
        "trained on inputs holding a NaN",
        lambda tmp: _fit(_X_NAN, _Y),
        train.NonFiniteLossError,
        "non-finite loss nan at step 0 (epoch 1, batch 0)",
    ),
    BadInput(
        "train-epochs-negative",
        "train",
        "called fit with epochs=-1",
        lambda tmp: _fit(_X, _Y, epochs=-1),
        ValueError,
        "epochs must be a non-negative int; got -1",
    ),
    BadInput(
        "train-on-nonfinite",
        "train",
        "called fit with on_nonfinite='ignore'",
        lambda tmp: _fit(_X, _Y, on_nonfinite="ignore"),
        ValueError,
        "on_nonfinite must be 'raise', 'skip' or 'continue'; got 'ignore'",
    ),
    BadInput(
        "train-checkpoint-without-callback",
        "train",
        "asked fit for checkpoints without an on_checkpoint callback",
        lambda tmp: _fit(_X, _Y, checkpoint_every=2),
        ValueError,
        "checkpoint_every must be >= 0, and > 0 only with an on_checkpoint callback",
    ),
    BadInput(
        "train-seeds-zero",
        "train",
        "asked fit_seeds for zero seeds (no models)",
        lambda tmp: parallel.fit_seeds([], optim.sgd(lr=0.1), F.cross_entropy, [], 1),
        ValueError,
        "seeds must be >= 1; got no models",
    ),
    BadInput(
        "train-devices-too-many",
        "train",
        "asked for a data-parallel mesh of more devices than there are",
        lambda tmp: parallel.data_mesh(len(jax.devices()) + 1),
        ValueError,
        "devices but only",
    ),
    BadInput(
        "train-devices-zero",
        "train",
        "asked for a data-parallel mesh of 0 devices",
        lambda tmp: parallel.data_mesh(0),
        ValueError,
        "the device count must be a positive int; got 0",
    ),
)


# --- the page -------------------------------------------------------------------------------

INTRO = f"""\
# Bad inputs: what you did, what you get

Generated from `parity_tests/bad_inputs.py` by `python -m parity_tests.bad_inputs`; do not
edit by hand. Each row below is one case of `{TEST_ID}`: it makes the call (or runs the
command) and checks the error's type and that its message contains the text shown.
`{DOC_TEST_ID}` checks that this page is the table's current rendering.

The `jaxnn` command reports every user error as one line on stderr, `jaxnn: error: ...`, and
exits with code 2, never with a traceback; `{{tmp}}` in a command stands for a scratch
directory. The library raises the exception shown; where it is one of jaxnn's own, the built-in
type it subclasses follows in parentheses, so `except ValueError` (or `RuntimeError`) still
catches it.
"""


def _code(text: str) -> str:
    if "`" in text or "|" in text:
        raise ValueError(f"a table cell cannot hold a backtick or a pipe: {text!r}")
    return f"`{text}`"


def _outcome(row: BadInput) -> str:
    if row.area == "CLI":
        return f"exit {row.raises}"
    cls = row.raises
    base = next(b for b in cls.__mro__[1:] if b.__module__ == "builtins")
    if cls.__module__ == "builtins":
        return _code(cls.__name__)
    return f"{_code(cls.__name__)} ({_code(base.__name__)})"


def _did(row: BadInput) -> str:
    if row.area != "CLI":
        return row.did
    return f"{row.did}: {_code(' '.join(('jaxnn', *row.trigger)))}"


def render() -> str:
    """``docs/bad-inputs.md``: the intro and one table row per :data:`BAD_INPUTS` entry."""
    lines = [
        INTRO,
        "| area | what the user did | what they get | message | test |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in BAD_INPUTS:
        cells = (
            row.area,
            _did(row).replace("|", "\\|"),
            _outcome(row),
            _code(row.message),
            _code(f"{TEST_ID}[{row.id}]"),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from twincore.atomic import atomic_write

    atomic_write(DOC, render())
    print(f"wrote {DOC.relative_to(ROOT)} ({len(BAD_INPUTS)} bad inputs)")


if __name__ == "__main__":
    main()
