"""Bad inputs to the data pipeline: DataLoader, TensorDataset, IDX files and MNIST.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.data``;
``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them. The MNIST file writers
here also serve the command's ``--data-dir`` rows (``parity_tests/cli/bad_inputs.py``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from jaxnn.data import (
    MNIST,
    DataLoader,
    IDXError,
    TensorDataset,
    load_mnist,
    make_grid,
    random_split,
    read_idx,
)
from twincore.data.idx import IMAGES_MAGIC, LABELS_MAGIC

from ..bad_input import BadInput


def _idx(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def tiny_mnist(root: Path, labels: tuple[int, ...] = (3, 1, 4, 1)) -> None:
    """Valid MNIST IDX files of ``len(labels)`` blank images per split in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for prefix in ("train", "t10k"):
        images = np.zeros((len(labels), 28, 28), np.uint8)
        (root / f"{prefix}-images-idx3-ubyte").write_bytes(_idx(images, IMAGES_MAGIC))
        (root / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx(np.array(labels), LABELS_MAGIC))


def mnist_truncated_gz(root: Path) -> None:
    """:func:`tiny_mnist`, with the training images a half-downloaded ``.gz``."""
    tiny_mnist(root)
    path = root / "train-images-idx3-ubyte"
    packed = gzip.compress(path.read_bytes())
    path.unlink()
    (root / "train-images-idx3-ubyte.gz").write_bytes(packed[: len(packed) // 2])


def _mnist_label_ten(root: Path) -> None:
    tiny_mnist(root, labels=(3, 10, 4, 1))


def mnist_no_images(root: Path) -> None:
    """MNIST IDX files of 0 images per split."""
    tiny_mnist(root, labels=())


def _huge_header(root: Path) -> None:
    # 100 bytes whose header claims 2**31 - 1 images of 28x28.
    header = IMAGES_MAGIC.to_bytes(4, "big") + b"".join(
        d.to_bytes(4, "big") for d in (2**31 - 1, 28, 28)
    )
    (root / "train-images-idx3-ubyte").write_bytes(header + bytes(84))


_X = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)


BAD_INPUTS: tuple[BadInput, ...] = (
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
        "data-loader-negative-workers",
        "data",
        "asked the DataLoader for -1 workers",
        lambda tmp: DataLoader(TensorDataset(_X), batch_size=2, num_workers=-1),
        ValueError,
        "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.",
    ),
    BadInput(
        "data-loader-persistent-without-workers",
        "data",
        "asked for persistent_workers=True with num_workers=0",
        lambda tmp: DataLoader(TensorDataset(_X), batch_size=2, persistent_workers=True),
        ValueError,
        "persistent_workers option needs num_workers > 0",
    ),
    BadInput(
        "data-loader-prefetch-without-workers",
        "data",
        "set prefetch_factor=4 with num_workers=0",
        lambda tmp: DataLoader(TensorDataset(_X), batch_size=2, prefetch_factor=4),
        ValueError,
        "prefetch_factor option could only be specified in multiprocessing.",
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
        setup=tiny_mnist,
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
        setup=mnist_truncated_gz,
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
        "data-idx-huge-header",
        "data",
        "read a 100-byte IDX file whose header claims 2**31 images",
        lambda tmp: read_idx(tmp / "train-images-idx3-ubyte"),
        IDXError,
        "truncated payload: 84 bytes, but dimensions (2147483647, 28, 28) of uint8 need",
        setup=_huge_header,
    ),
    BadInput(
        "data-mnist-no-images",
        "data",
        "loaded MNIST files holding 0 images",
        lambda tmp: load_mnist(tmp),
        IDXError,
        "holds 0 images; an MNIST split needs at least one",
        setup=mnist_no_images,
    ),
    BadInput(
        "data-mnist-float-images",
        "data",
        "gave the MNIST dataset float images instead of uint8",
        lambda tmp: MNIST(np.zeros((2, 28, 28)), np.array([0, 1])),
        ValueError,
        "MNIST: images must be uint8 (N, 28, 28); got float64 (2, 28, 28)",
    ),
    BadInput(
        "data-mnist-32x32-images",
        "data",
        "gave the MNIST dataset 32x32 images",
        lambda tmp: MNIST(np.zeros((2, 32, 32), np.uint8), np.array([0, 1])),
        ValueError,
        "MNIST: images are 32x32; MNIST's are 28x28",
    ),
    BadInput(
        "data-mnist-label-255",
        "data",
        "gave the MNIST dataset a label of 255",
        lambda tmp: MNIST(np.zeros((2, 28, 28), np.uint8), np.array([0, 255])),
        ValueError,
        "MNIST: label 255 at index 1 is outside 0..9",
    ),
    BadInput(
        "data-split-lengths-sum",
        "data",
        "asked random_split for parts that do not add up to the dataset",
        lambda tmp: random_split(TensorDataset(np.zeros((10, 2))), [6, 3], seed=0),
        ValueError,
        "lengths [6, 3] must be >= 0 and sum to the dataset's 10 samples; they sum to 9",
    ),
    BadInput(
        "data-split-fractions-sum",
        "data",
        "asked random_split for fractions that do not add up to 1",
        lambda tmp: random_split(TensorDataset(np.zeros((10, 2))), [0.6, 0.3], seed=0),
        ValueError,
        "fractional lengths must each be in [0, 1] and sum to 1; got [0.6, 0.3]",
    ),
    BadInput(
        "data-grid-5d",
        "data",
        "gave make_grid a 5-D array",
        lambda tmp: make_grid(np.zeros((2, 1, 1, 28, 28))),
        ValueError,
        "make_grid: images must be (N, C, H, W), (C, H, W) or (H, W), or a list of (C, H, W); "
        "got shape (2, 1, 1, 28, 28)",
    ),
    BadInput(
        "data-grid-nrow-zero",
        "data",
        "called make_grid with nrow=0",
        lambda tmp: make_grid(np.zeros((2, 1, 28, 28)), nrow=0),
        ValueError,
        "make_grid: nrow must be an int >= 1; got 0",
    ),
    BadInput(
        "data-grid-normalize-uint8",
        "data",
        "asked make_grid to normalize uint8 images",
        lambda tmp: make_grid(np.zeros((2, 1, 28, 28), np.uint8), normalize=True),
        ValueError,
        "make_grid: normalize=True needs floating-point images",
    ),
)
