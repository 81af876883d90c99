"""What both ``MNIST`` twins check and name: the class names, and the arrays' shapes, types
and labels."""

from __future__ import annotations

from typing import Any

import numpy as np

CLASSES = [
    "0 - zero",
    "1 - one",
    "2 - two",
    "3 - three",
    "4 - four",
    "5 - five",
    "6 - six",
    "7 - seven",
    "8 - eight",
    "9 - nine",
]


def check_mnist_arrays(images: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """``images`` as uint8 ``(N, 28, 28)`` and ``labels`` as int64 ``(N,)`` in 0..9, N >= 1, or
    a ValueError naming what is wrong: the same checks ``load_mnist`` makes of the files."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"MNIST: images must be uint8 (N, 28, 28); got {images.dtype} {tuple(images.shape)}"
        )
    if images.shape[1:] != (28, 28):
        raise ValueError(
            f"MNIST: images are {images.shape[1]}x{images.shape[2]}; MNIST's are 28x28"
        )
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError(
            f"MNIST: labels must be integers (N,); got {labels.dtype} {tuple(labels.shape)}"
        )
    if len(images) != len(labels):
        raise ValueError(f"MNIST: {len(images)} images but {len(labels)} labels")
    if len(images) == 0:
        raise ValueError("MNIST: 0 images; a data set needs at least one")
    outside = (labels < 0) | (labels > 9)
    if outside.any():
        bad = int(np.argmax(outside))
        raise ValueError(f"MNIST: label {int(labels[bad])} at index {bad} is outside 0..9")
    return images, labels.astype(np.int64)
