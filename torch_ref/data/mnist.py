"""``MNIST``: torchvision's MNIST dataset over arrays in memory.

The notebooks build ``datasets.MNIST(root, train, download, transform)``. torchvision is
not a dependency: the IDX files are read once in NumPy (``jaxnn.data.load_mnist`` in the
runner) and the arrays are handed to this class and to its JAX twin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from twincore.data.mnist import CLASSES, check_mnist_arrays


class MNIST(Dataset):
    """MNIST images and labels: ``ds[i] -> (transform(images[i]), int(labels[i]))``.

    Args:
      images: uint8 ``(N, H, W)``, MNIST's ``(N, 28, 28)``.
      labels: integer ``(N,)``.
      transform: applied to the image at every ``ds[i]``, as torchvision does.
        ``None`` leaves the uint8 ``(H, W)`` array, standing in for
        torchvision's PIL ``'L'`` image (which ``ToTensor`` turns into the same
        tensor).

    Attributes:
      data: uint8 tensor ``(N, H, W)``; targets: int64 tensor ``(N,)``;
      classes: ``["0 - zero", ..., "9 - nine"]``, as torchvision.

    torch's default collate turns the int labels of a batch into an int64
    tensor and stacks the images.

    JAX twin: ``jaxnn.data.MNIST``, which applies the transform once, at
    construction, so its data loader can slice whole batches.
    """

    classes = CLASSES

    def __init__(
        self,
        images: Any,
        labels: Any,
        transform: Callable[[np.ndarray], Any] | None = None,
    ):
        images, labels = check_mnist_arrays(images, labels)
        self.data = torch.from_numpy(np.array(images))
        self.targets = torch.from_numpy(labels)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        img, target = self.data[index].numpy(), int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        return img, target
