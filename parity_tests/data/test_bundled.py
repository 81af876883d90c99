"""Bundled real data: scikit-learn's digits (8x8 and 28x28) and diabetes (inventory §4.1 (c)).

The .npz files were built once by ``scripts/build_bundled_data.py``. These tests
check them against their sources: scikit-learn itself (a pinned dev
dependency), torch's bilinear ``F.interpolate`` for the 28x28 resize, and
statistics of the upstream data sets (class counts, sums) that pin the files
against accidental regeneration from another source.
"""

import fnmatch
import tomllib
from importlib import resources

import numpy as np
import pytest
import sklearn.datasets
import torch
import torch.nn.functional as F

import jaxnn
from twincore import harness

from ..checkout import CHECKOUT, needs_checkout
from .components import BUNDLED

pytestmark = BUNDLED

BUNDLED = resources.files("twincore.data").joinpath("bundled")

# Facts of the upstream data (scikit-learn 1.9.1's load_digits and load_diabetes): the digits'
# per-class counts (its docs say about 180 per class) and the sum of their 0..16 pixel values.
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
DIGITS_PIXEL_SUM = 561718
# The diabetes targets are integers 25..346 summing to 67243 (mean 152.13).
DIABETES_TARGET_SUM = 67243


def test_load_digits_8_equals_scikit_learn():
    images, labels = jaxnn.data.load_digits()
    source = sklearn.datasets.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    harness.assert_equal(images, source.images)  # raw 0..16 values, not rescaled
    harness.assert_equal(labels, source.target)


def test_load_diabetes_equals_scikit_learn():
    X, y = jaxnn.data.load_diabetes()
    source_X, source_y = sklearn.datasets.load_diabetes(return_X_y=True)
    assert X.shape == (442, 10) and X.dtype == np.float64
    assert y.shape == (442,) and y.dtype == np.float64
    harness.assert_equal(X, source_X)  # exact: stored as float64
    harness.assert_equal(y, source_y)


def test_bundled_stable_statistics():
    images8, labels8 = jaxnn.data.load_digits(8)
    images28, labels28 = jaxnn.data.load_digits(28)
    assert images8.min() == 0 and images8.max() == 16
    assert int(images8.sum(dtype=np.int64)) == DIGITS_PIXEL_SUM
    assert np.bincount(labels8).tolist() == DIGITS_CLASS_COUNTS
    harness.assert_equal(labels28, labels8)
    assert images28.shape == (1797, 28, 28) and images28.dtype == np.uint8
    assert images28.min() == 0 and images28.max() == 255
    X, y = jaxnn.data.load_diabetes()
    assert y.min() == 25 and y.max() == 346 and float(y.sum()) == DIABETES_TARGET_SUM
    assert np.array_equal(y, np.round(y))
    # scikit-learn's scaling: every feature column centred with unit Euclidean norm.
    harness.assert_close(X.mean(axis=0), np.zeros(10), harness.tolerance("float64"))
    harness.assert_close(np.linalg.norm(X, axis=0), np.ones(10), harness.tolerance("float64"))


def test_digits28_is_torch_bilinear_resize_rounded():
    # The 28x28 set is the 8x8 one scaled by 255/16 and resized like
    # F.interpolate(mode="bilinear", align_corners=False), rounded to integers (half to even,
    # on the exact value). torch's float64 interpolation carries ~1e-14 rounding, which can
    # tip values lying exactly on a .5 tie either way: there the stored value is within half a
    # unit (as a value printed with 0 decimals); everywhere else it equals torch's rounding.
    images8, _ = jaxnn.data.load_digits(8)
    images28, _ = jaxnn.data.load_digits(28)
    x = torch.from_numpy(images8.astype(np.float64) * (255 / 16))[:, None]
    resized = F.interpolate(x, size=(28, 28), mode="bilinear", align_corners=False)[:, 0].numpy()
    harness.assert_close(images28, resized, harness.printed(0), name="digits28 vs torch")
    tol = harness.tolerance("float64")
    distance_to_tie = np.abs(np.abs(resized - np.floor(resized)) - 0.5)
    not_tie = distance_to_tie > tol.atol + tol.rtol * np.abs(resized)
    harness.assert_equal(images28[not_tie], np.rint(resized[not_tie]), name="digits28 rounding")


def test_load_digits_rejects_other_sizes():
    with pytest.raises(ValueError, match="size must be 8 or 28; got 16"):
        jaxnn.data.load_digits(16)


def test_bundled_arrays_are_fresh_copies():
    a, _ = jaxnn.data.load_digits()
    a[0, 0, 0] = 99
    b, _ = jaxnn.data.load_digits()
    assert b[0, 0, 0] != 99


@needs_checkout
def test_bundled_files_are_package_data():
    # pyproject's package-data must ship every bundled file (a wheel without them fails at
    # load time), and the loaders read them through importlib.resources, as when installed.
    pyproject = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["twincore"]
    files = sorted(p.name for p in BUNDLED.iterdir() if p.name.endswith(".npz"))
    assert files == ["diabetes.npz", "digits28.npz", "digits8.npz"]
    for name in files:
        relative = f"data/bundled/{name}"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
        assert resources.files("twincore.data").joinpath("bundled", name).is_file()


def test_train_test_split_deterministic_disjoint_complete():
    train, test = jaxnn.data.train_test_split(1797, 0.2, seed=0)
    assert len(test) == 360 and len(train) == 1437  # ceil(0.2 * 1797), as scikit-learn
    assert train.dtype == test.dtype == np.int64
    harness.assert_equal(np.sort(np.concatenate([train, test])), np.arange(1797))
    again_train, again_test = jaxnn.data.train_test_split(1797, 0.2, seed=0)
    harness.assert_equal(again_train, train)
    harness.assert_equal(again_test, test)
    harness.assert_equal(test, np.random.default_rng(0).permutation(1797)[:360])
    _, other = jaxnn.data.train_test_split(1797, 0.2, seed=1)
    assert not np.array_equal(other, test)


def test_train_test_split_smallest_case():
    train, test = jaxnn.data.train_test_split(2, 0.5, seed=3)
    assert len(train) == len(test) == 1
    assert sorted(train.tolist() + test.tolist()) == [0, 1]


@pytest.mark.parametrize(
    "n, fraction, message",
    [
        (1, 0.5, "n must be an int >= 2"),
        (10.0, 0.5, "n must be an int >= 2"),
        (10, 0.0, r"test_fraction must be in \(0, 1\)"),
        (10, 1.0, r"test_fraction must be in \(0, 1\)"),
        (10, 0.95, "leaves no training samples"),
    ],
)
def test_train_test_split_rejects_bad_arguments(n, fraction, message):
    with pytest.raises(ValueError, match=message):
        jaxnn.data.train_test_split(n, fraction, seed=0)
