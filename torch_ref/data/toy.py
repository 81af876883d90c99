"""The notebook's toy classification set."""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch.utils.data import Dataset


class ToyData(NamedTuple):
    X_train: torch.Tensor  # (5, 2)
    y_train: torch.Tensor  # (5,) int64
    X_test: torch.Tensor  # (2, 2)
    y_test: torch.Tensor  # (2,) int64


def toy_data(dtype: torch.dtype = torch.float32) -> ToyData:
    """The notebook's tensors, written as it writes them. JAX twin: ``jaxnn.data.toy_data``."""
    X_train = torch.tensor(
        [[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]], dtype=dtype
    )
    y_train = torch.tensor([0, 0, 0, 1, 1])
    X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]], dtype=dtype)
    y_test = torch.tensor([0, 1])
    return ToyData(X_train, y_train, X_test, y_test)


class ToyDataset(Dataset):
    """The notebook's ``ToyDataset(X, y, transform=None)``."""

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
