"""The toy classification set of the source notebooks: five training points, two test points."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class ToyData(NamedTuple):
    X_train: np.ndarray  # (5, 2)
    y_train: np.ndarray  # (5,) int64
    X_test: np.ndarray  # (2, 2)
    y_test: np.ndarray  # (2,) int64


def toy_data(dtype: str | np.dtype = np.float32) -> ToyData:
    """Two well-separated classes in 2-D; labels 0 for the first three points.

    The float literals are rounded to ``dtype`` once, here, and both frameworks
    receive the same bits. ``torch_ref.data.toy_data`` writes the same literals
    as torch tensors, as the notebook does.
    """
    X_train = np.array(
        [[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]], dtype=dtype
    )
    y_train = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    X_test = np.array([[-0.8, 2.8], [2.6, -1.6]], dtype=dtype)
    y_test = np.array([0, 1], dtype=np.int64)
    return ToyData(X_train, y_train, X_test, y_test)
