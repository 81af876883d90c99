"""What both ``MNIST`` twins check and name: the class names and the arrays' shapes and types."""

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
    """``images`` as uint8 ``(N, H, W)`` and ``labels`` as int64 ``(N,)``, or a ValueError."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"MNIST: images must be uint8 (N, H, W); got {images.dtype} {tuple(images.shape)}"
        )
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError(
            f"MNIST: labels must be integers (N,); got {labels.dtype} {tuple(labels.shape)}"
        )
    if len(images) != len(labels):
        raise ValueError(f"MNIST: {len(images)} images but {len(labels)} labels")
    return images, labels.astype(np.int64)
