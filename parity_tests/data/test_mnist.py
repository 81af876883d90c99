"""The MNIST dataset twins (inventory §1.18, §4.1; S4 916-946, 1057, 1082-1086, 1302-1308, 1489-93).

``jaxnn.data.MNIST`` and ``torch_ref.data.MNIST`` take the same NumPy arrays
(read once by ``load_mnist``) and must give the same items and, through the
data loaders, the same batches in the same order as torchvision's MNIST would.
"""

import gzip
import struct

import jax
import numpy as np
import pytest
import torch

import jaxnn
import torch_ref
from twincore import harness

from .components import MNIST

pytestmark = MNIST

N = 7
MNIST_MEAN, MNIST_STD = (0.1307,), (0.3081,)  # S4 912


def transforms(side, name):
    """The notebooks' transforms on one side: E13's Compose, E14/E15's ToTensor, or none."""
    if name == "none":
        return None
    if name == "to_tensor":
        return side.ToTensor()
    return side.Compose([side.ToTensor(), side.Normalize(MNIST_MEAN, MNIST_STD)])


@pytest.fixture
def arrays(rng):
    images = rng.integers(0, 256, size=(N, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=N, dtype=np.uint8)
    return images, labels


def twins(images, labels, transform):
    return (
        jaxnn.data.MNIST(images, labels, transform=transforms(jaxnn.data, transform)),
        torch_ref.data.MNIST(images, labels, transform=transforms(torch_ref.data, transform)),
    )


@pytest.mark.parametrize("transform", ["none", "to_tensor", "e13"])
def test_mnist_items_match_torch(arrays, transform):
    # S4 1057: ``sample_img, sample_label = test_dataset[0]`` gives a (1, 28, 28) image and an int.
    images, labels = arrays
    jds, tds = twins(images, labels, transform)
    assert len(jds) == len(tds) == N
    for i in (0, N - 1, -1):
        (jx, jy), (tx, ty) = jds[i], tds[i]
        assert type(jy) is int and type(ty) is int and jy == ty == int(labels[i])
        assert isinstance(jx, np.ndarray)
        harness.assert_equal(jx, tx)
        if transform == "none":
            assert jx.shape == (28, 28) and jx.dtype == np.uint8
        else:
            assert jx.shape == tuple(tx.shape) == (1, 28, 28)
            assert jx.dtype == np.float32 and tx.dtype == torch.float32


def test_mnist_attributes_like_torchvision(arrays):
    images, labels = arrays
    jds, tds = twins(images, labels, "to_tensor")
    harness.assert_equal(jds.data, tds.data)
    harness.assert_equal(jds.targets, tds.targets)
    assert jds.targets.dtype == np.int64 and tds.targets.dtype == torch.int64
    assert tds.data.dtype == torch.uint8
    assert jds.classes == tds.classes
    assert jds.classes[0] == "0 - zero" and jds.classes[9] == "9 - nine"


@pytest.mark.parametrize("transform", ["to_tensor", "e13"])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_mnist_loader_batches_match_torch(arrays, transform, shuffle, batch_size):
    images, labels = arrays
    jds, tds = twins(images, labels, transform)
    jl = jaxnn.data.DataLoader(jds, batch_size, shuffle=shuffle, seed=5)
    tl = torch_ref.data.DataLoader(tds, batch_size, shuffle=shuffle, seed=5)
    assert len(jl) == len(tl)
    for _epoch in range(2):
        for (jx, jy), (tx, ty) in zip(jl, tl, strict=True):
            assert isinstance(jx, jax.Array)
            assert jx.shape == tuple(tx.shape) == (len(ty), 1, 28, 28)
            assert ty.dtype == torch.int64  # the default collate of Python ints
            harness.assert_equal(jx, tx)
            harness.assert_equal(jy, ty)


def test_mnist_untransformed_loader_batches_are_uint8(arrays):
    images, labels = arrays
    jds, tds = twins(images, labels, "none")
    (jx, jy), (tx, ty) = (
        next(iter(jaxnn.data.DataLoader(jds, 4))),
        next(iter(torch_ref.data.DataLoader(tds, 4))),
    )
    assert jx.dtype == np.uint8 and tx.dtype == torch.uint8 and jx.shape == (4, 28, 28)
    harness.assert_equal(jx, tx)
    harness.assert_equal(jy, ty)


class CountingTransform:
    """ToTensor that counts its per-image calls (no batch method)."""

    def __init__(self, to_tensor):
        self.to_tensor = to_tensor
        self.calls = 0

    def __call__(self, image):
        self.calls += 1
        return self.to_tensor(image)


def test_mnist_transform_runs_once_in_jax_and_per_access_in_torch(arrays):
    # The documented difference: jaxnn transforms the whole set at construction, so its loader
    # slices whole batches; torchvision (and torch_ref) transforms at every ds[i].
    images, labels = arrays
    jt = CountingTransform(jaxnn.data.ToTensor())
    tt = CountingTransform(torch_ref.data.ToTensor())
    jds = jaxnn.data.MNIST(images, labels, transform=jt)
    tds = torch_ref.data.MNIST(images, labels, transform=tt)
    assert (jt.calls, tt.calls) == (N, 0)
    for _epoch in range(2):
        for (jx, _), (tx, _) in zip(
            jaxnn.data.DataLoader(jds, 2), torch_ref.data.DataLoader(tds, 2), strict=True
        ):
            harness.assert_equal(jx, tx)
    assert (jt.calls, tt.calls) == (N, 2 * N)


def test_mnist_loader_slices_whole_batches(arrays, monkeypatch):
    # With a batch-capable transform nothing runs per image, at construction or in the loader.
    images, labels = arrays

    def per_image(*args):
        raise AssertionError("ToTensor.__call__ ran per image")

    monkeypatch.setattr(jaxnn.data.ToTensor, "__call__", per_image)
    jds = jaxnn.data.MNIST(images, labels, transform=jaxnn.data.ToTensor())
    assert isinstance(jds, jaxnn.data.TensorDataset)
    batch_x, batch_y = jds[np.array([4, 1])]
    assert batch_x.shape == (2, 1, 28, 28)
    harness.assert_equal(batch_y, labels[[4, 1]])
    assert sum(1 for _ in jaxnn.data.DataLoader(jds, 3, shuffle=True)) == 3


@pytest.mark.parametrize("n, batch_size, batches", [(60000, 64, 938), (60000, 128, 469)])
def test_mnist_loader_length_like_the_seeds(n, batch_size, batches):
    # Training set sizes and batch counts of E13/E14 (938 printed, S4 1357) and E15 (469).
    images = np.broadcast_to(np.zeros((1, 28, 28), np.uint8), (n, 28, 28))
    labels = np.zeros(n, np.uint8)
    jds = jaxnn.data.MNIST(images, labels)
    tds = torch_ref.data.MNIST(images, labels)
    assert len(jds) == len(tds) == n
    assert len(jaxnn.data.DataLoader(jds, batch_size)) == batches
    assert len(torch_ref.data.DataLoader(tds, batch_size)) == batches


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((2, 28, 28), np.float32), np.zeros(2, np.int64), "images must be uint8"),
        (np.zeros((28, 28), np.uint8), np.zeros(28, np.int64), r"must be uint8 \(N, 28, 28\)"),
        (
            np.zeros((2, 32, 32), np.uint8),
            np.zeros(2, np.int64),
            "images are 32x32; MNIST.s are 28x28",
        ),
        (
            np.zeros((2, 28, 28), np.uint8),
            np.array([0, 255]),
            "label 255 at index 1 is outside 0..9",
        ),
        (np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64), "0 images"),
        (np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.float32), "labels must be integers"),
        (np.zeros((2, 28, 28), np.uint8), np.zeros(3, np.int64), "2 images but 3 labels"),
    ],
)
def test_mnist_rejects_bad_arrays(images, labels, message):
    for side in (jaxnn.data, torch_ref.data):
        with pytest.raises(ValueError, match=message):
            side.MNIST(images, labels)


def _idx(array):
    header = struct.pack(">HBB", 0, 8, array.ndim) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.tobytes()


def test_mnist_from_idx_files_in_both_frameworks(tmp_path, arrays):
    # The runner's path: read the IDX files once, hand the arrays to both frameworks (E13).
    images, labels = arrays
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(images)))
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx(labels)))
    test_images, test_labels = jaxnn.data.load_mnist(tmp_path, train=False)
    jds, tds = twins(test_images, test_labels, "e13")
    jl = jaxnn.data.DataLoader(jds, batch_size=4, shuffle=False)
    tl = torch_ref.data.DataLoader(tds, batch_size=4, shuffle=False)
    for (jx, jy), (tx, ty) in zip(jl, tl, strict=True):
        harness.assert_equal(jx, tx)
        harness.assert_equal(jy, ty)
    harness.assert_equal(jds.targets, labels)


def test_bundled_digits28_stand_in_for_mnist():
    # §4.1 (c): the 28x28 resize of scikit-learn's digits runs through the MNIST pipeline.
    images, labels = jaxnn.data.load_digits(28)
    images, labels = images[:50], labels[:50]
    jds, tds = twins(images, labels, "e13")
    (jx, jy), (tx, ty) = (
        next(iter(jaxnn.data.DataLoader(jds, 50))),
        next(iter(torch_ref.data.DataLoader(tds, 50))),
    )
    assert jx.shape == (50, 1, 28, 28)
    harness.assert_equal(jx, tx)
    harness.assert_equal(jy, ty)
