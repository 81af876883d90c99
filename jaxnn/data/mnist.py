"""``MNIST``: torchvision's MNIST dataset over arrays in memory.

The notebooks build ``datasets.MNIST(root, train, download, transform)``. Here the files
are read once by :func:`jaxnn.data.load_mnist` (or any other source of uint8 images) and
the arrays are handed to both frameworks' ``MNIST``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from jaxnn.data.dataset import TensorDataset
from jaxnn.data.transforms import apply_batch
from twincore.data.mnist import CLASSES, check_mnist_arrays


class MNIST(TensorDataset):
    """MNIST images and labels: ``ds[i] -> (transform(images[i]), int(labels[i]))``.

    Args:
      images: uint8 ``(N, H, W)``, MNIST's ``(N, 28, 28)``.
      labels: integer ``(N,)``.
      transform: applied to every image, e.g. ``Compose([ToTensor(),
        Normalize((0.1307,), (0.3081,))])`` (E13) or ``ToTensor()`` (E14, E15),
        giving ``(1, 28, 28)`` float32 images. ``None`` leaves the uint8
        ``(H, W)`` image, the stand-in for torchvision's PIL image.

    Attributes:
      data: the uint8 images as given; targets: the labels as int64;
      classes: ``["0 - zero", ..., "9 - nine"]``, as torchvision.

    The transform runs ONCE, here, over the whole array (its ``batch`` method
    when it has one, else image by image), and the results are stored. The
    :class:`~jaxnn.data.DataLoader` then slices whole batches, as for any
    :class:`~jaxnn.data.TensorDataset` (one gather per batch, no per-sample
    Python call); ``ds[idx]`` with an index array returns a batch.

    PyTorch twin: ``torchvision.datasets.MNIST`` (through ``torch_ref.data.MNIST``),
    which applies the transform at every ``ds[i]``. The results are the same
    for the deterministic transforms the notebooks use; a random transform would
    be drawn once here and at every access in torch.
    """

    classes = CLASSES

    def __init__(
        self,
        images: Any,
        labels: Any,
        transform: Callable[[np.ndarray], Any] | None = None,
    ):
        self.data, self.targets = check_mnist_arrays(images, labels)
        self.transform = transform
        x = self.data if transform is None else apply_batch(transform, self.data)
        super().__init__(x, self.targets)

    def __getitem__(self, index: Any) -> tuple[Any, Any]:
        image, label = super().__getitem__(index)
        return image, (int(label) if np.ndim(label) == 0 else label)
