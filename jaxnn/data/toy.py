"""The toy classification set: the NumPy arrays of the neutral core, and ``ToyDataset``."""

from __future__ import annotations

from twincore.data.toy import ToyData as ToyData
from twincore.data.toy import toy_data as toy_data


class ToyDataset:
    """The notebook's ``ToyDataset(X, y, transform=None)`` over NumPy arrays.

    PyTorch twin: ``torch_ref.data.ToyDataset``.
    """

    def __init__(self, X, y, transform=None):
        self.X = X
        self.y = y
        self.transform = transform

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        image = self.X[idx]
        label = self.y[idx]
        if self.transform:
            image = self.transform(image)
        return image, label
