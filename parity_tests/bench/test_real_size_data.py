"""The real-size section's generated data: MNIST's four IDX files, which the project's IDX
reader (``jaxnn run --data-dir``) takes, the same bytes every time."""

from __future__ import annotations

import numpy as np

from twincore.data.idx import MNIST_FILES, load_mnist
from twinlab.bench.real_size import write_generated_mnist


def test_generated_idx_files_load_as_mnist_and_are_deterministic(tmp_path):
    first = write_generated_mnist(tmp_path / "a", train=90, test=15)
    second = write_generated_mnist(tmp_path / "b", train=90, test=15)
    names = [name for split in (True, False) for name in MNIST_FILES[split]]
    assert sorted(p.name for p in first.iterdir()) == sorted(names)  # no temporary file left
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    for train, count in ((True, 90), (False, 15)):
        images, labels = load_mnist(first, train=train)
        assert images.shape == (count, 28, 28) and images.dtype == np.uint8
        assert labels.shape == (count,) and set(labels) <= set(range(10))
        assert images.max() > 0  # digits, not blank frames
    train_images, _ = load_mnist(first, train=True)
    test_images, _ = load_mnist(first, train=False)
    assert not np.array_equal(train_images[:15], test_images)  # two draws, not one
