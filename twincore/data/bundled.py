"""Real data shipped with the project: scikit-learn's digits and diabetes sets.

The development and CI machines cannot download MNIST, so an offline run needs
real data in the package. ``scripts/build_bundled_data.py`` built these files
once from scikit-learn (which the project does not depend on) into
``twincore/data/bundled/*.npz``:

- ``digits8.npz``: ``sklearn.datasets.load_digits()``, 1797 handwritten digits
  8x8, raw pixel values 0..16 (not 0..255);
- ``digits28.npz``: the same digits resized to MNIST's 28x28 and 0..255
  (bilinear with pixel centres aligned, as torch's ``F.interpolate(...,
  mode="bilinear", align_corners=False)``, scaled by 255/16 and rounded half to
  even, in exact integer arithmetic);
- ``diabetes.npz``: ``sklearn.datasets.load_diabetes()``, 442 patients, 10
  features (scikit-learn's default scaling: each column centred and scaled to
  unit Euclidean norm) and the disease-progression target 25..346.

They are not MNIST: the digits are a documented stand-in for smoke runs of the
MNIST examples.
"""

from __future__ import annotations

import math
from importlib import resources

import numpy as np


def _load(name: str, keys: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    with resources.files("twincore.data").joinpath("bundled", name).open("rb") as f:
        with np.load(f, allow_pickle=False) as npz:
            missing = [k for k in keys if k not in npz.files]
            if missing:
                raise ValueError(f"twincore/data/bundled/{name}: missing arrays {missing}")
            return tuple(npz[k] for k in keys)


def load_digits(size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits, as 8x8 originals or MNIST-shaped 28x28.

    Args:
      size: 8 for the original images (values 0..16), 28 for the resize to
        MNIST's shape and range (values 0..255).

    Returns:
      ``(images, labels)``: uint8 ``(1797, size, size)`` and uint8 ``(1797,)``
      in 0..9, the same types as :func:`twincore.data.idx.load_mnist`, so the 28x28
      set can stand in for MNIST (``MNIST(*load_digits(28), ToTensor())``).

    PyTorch twin: none; ``sklearn.datasets.load_digits()`` holds the 8x8 set
    (its ``images`` as float64). The arrays are handed to both frameworks.
    """
    if size not in (8, 28):
        raise ValueError(f"load_digits: size must be 8 or 28; got {size!r}")
    images, labels = _load(f"digits{size}.npz", ("images", "labels"))
    return images, labels


def load_diabetes() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's diabetes regression set.

    Returns:
      ``(X, y)``: float64 ``(442, 10)`` features (age, sex, bmi, bp, s1..s6;
      centred and scaled to unit norm per column, scikit-learn's default) and
      float64 ``(442,)`` targets (disease progression one year later, 25..346).

    PyTorch twin: none; equal to ``sklearn.datasets.load_diabetes(return_X_y=True)``.
    """
    X, y = _load("diabetes.npz", ("X", "y"))
    return X, y


def train_test_split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of ``range(n)`` into training and test indices.

    ``perm = np.random.default_rng(seed).permutation(n)``; the first
    ``ceil(test_fraction * n)`` entries are the test indices and the rest the
    training indices (scikit-learn's ``train_test_split`` also rounds the test
    size up). The same ``(n, test_fraction, seed)`` always gives the same split.

    Args:
      n: number of samples (at least 2).
      test_fraction: share of samples for the test set, strictly between 0 and 1.
      seed: seed of the NumPy generator.

    Returns:
      ``(train_idx, test_idx)``: disjoint int64 arrays, together a permutation
      of ``range(n)``, both non-empty.

    PyTorch twin: none (``torch.utils.data.random_split`` draws from torch's
    generator); the index arrays are handed to both frameworks.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"train_test_split: n must be an int >= 2; got {n!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            f"train_test_split: test_fraction must be in (0, 1); got {test_fraction!r}"
        )
    n_test = math.ceil(test_fraction * n)
    if n_test >= n:
        raise ValueError(
            f"train_test_split: test_fraction={test_fraction} of n={n} leaves no training samples"
        )
    perm = np.random.default_rng(seed).permutation(n)
    return perm[n_test:], perm[:n_test]
