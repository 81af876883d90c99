"""torchvision's ``ToTensor``, ``Normalize`` and ``Compose``, in NumPy.

The notebooks use ``Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])`` (E13)
and ``ToTensor()`` alone (E14, E15). These twins
work on NumPy arrays and return NumPy arrays, bit-identical to
``torch_ref.data.transforms`` (which follows torchvision's code); the data
loader hands the batches to JAX.

Each transform also has ``batch(images)``, the same operation on a stack of N
images at once. ``jaxnn.data.MNIST`` uses it to transform a whole data
set in one vectorised pass instead of one Python call per sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np


def _float_dtype(dtype: Any) -> np.dtype:
    dt = np.dtype("float32" if dtype is None else dtype)
    if dt.kind != "f":
        raise ValueError(f"ToTensor: dtype must be a floating dtype; got {dt}")
    return dt


class ToTensor:
    """uint8 image ``(H, W)`` or ``(H, W, C)`` -> float ``(C, H, W)`` in [0, 1]: ``x / 255``.

    Args:
      dtype: result dtype for uint8 input (default float32, torch's default
        dtype).

    Returns (``__call__``):
      A new C-contiguous array ``(C, H, W)``; for uint8 input
      ``x.astype(dtype) / 255`` (an IEEE division, as torch's ``div(255)``; not a
      multiplication by 1/255, which rounds differently), for any other dtype
      the transposed values unchanged, as torchvision does.

    ``batch(images)`` takes ``(N, H, W)`` or ``(N, H, W, C)`` and returns
    ``(N, C, H, W)``, equal to stacking ``__call__`` over the images.

    PyTorch twin: ``torchvision.transforms.ToTensor`` (through
    ``torch_ref.data.ToTensor``), which also takes PIL images and uses
    ``torch.get_default_dtype()``; here NumPy arrays only, and the float dtype
    is an argument.
    """

    def __init__(self, dtype: Any = None):
        self.dtype = _float_dtype(dtype)

    def _convert(self, chw: np.ndarray) -> np.ndarray:
        chw = np.ascontiguousarray(chw)
        if chw.dtype == np.uint8:
            return chw.astype(self.dtype) / self.dtype.type(255)
        return chw.copy()

    def __call__(self, pic: np.ndarray) -> np.ndarray:
        if not isinstance(pic, np.ndarray):
            raise TypeError(f"pic should be a NumPy ndarray. Got {type(pic)}")
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        return self._convert(pic.transpose(2, 0, 1))  # (H, W, C) -> (C, H, W)

    def batch(self, pics: np.ndarray) -> np.ndarray:
        """``(N, H, W)`` or ``(N, H, W, C)`` -> ``(N, C, H, W)``; see the class docstring."""
        if not isinstance(pics, np.ndarray):
            raise TypeError(f"pics should be a NumPy ndarray. Got {type(pics)}")
        if pics.ndim not in (3, 4):
            raise ValueError(
                f"pics should be 3/4 dimensional (N, H, W[, C]). Got {pics.ndim} dimensions."
            )
        if pics.ndim == 3:
            pics = pics[..., None]
        return self._convert(pics.transpose(0, 3, 1, 2))  # (N, H, W, C) -> (N, C, H, W)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """Per-channel standardisation ``out[c] = (x[c] - mean[c]) / std[c]``.

    Args:
      mean: a sequence of per-channel means (one value broadcasts to all channels).
      std: a sequence of per-channel standard deviations.
      inplace: write into the input array instead of a copy.

    Shape:
      Input ``(..., C, H, W)``, floating point; output the same shape and dtype.
      ``mean`` and ``std`` are first rounded to the input's dtype, so float32
      input computes ``(x - float32(mean)) / float32(std)`` in float32, as torch
      does. The same call serves single images and batches, so ``batch`` is
      ``__call__``.

    Raises:
      TypeError: the input is not a floating-point array.
      ValueError: the input has fewer than 3 dimensions, or a ``std`` is 0 in
        the input's dtype.

    PyTorch twin: ``torchvision.transforms.Normalize`` (through
    ``torch_ref.data.Normalize``); the same messages.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor: np.ndarray) -> np.ndarray:
        if not isinstance(tensor, np.ndarray):
            raise TypeError(f"Input tensor should be a NumPy ndarray. Got {type(tensor)}.")
        if tensor.dtype.kind != "f":
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(
                "Expected tensor to be a tensor image of size (..., C, H, W). Got "
                f"tensor.shape = {tensor.shape}."
            )
        mean = np.asarray(self.mean, dtype=tensor.dtype)
        std = np.asarray(self.std, dtype=tensor.dtype)
        if (std == 0).any():
            raise ValueError(
                f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                "division by zero."
            )
        if mean.ndim == 1:
            mean = mean.reshape(-1, 1, 1)
        if std.ndim == 1:
            std = std.reshape(-1, 1, 1)
        out = tensor if self.inplace else tensor.copy()
        np.subtract(out, mean, out=out)
        np.divide(out, std, out=out)
        return out

    batch = __call__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


def apply_batch(transform: Callable[[Any], Any], images: np.ndarray) -> np.ndarray:
    """``transform`` applied to each of ``images``, stacked along a new first axis.

    Uses ``transform.batch(images)`` when the transform has one (one vectorised
    call); otherwise calls ``transform`` once per image and stacks the results
    with ``np.stack``.

    Raises:
      ValueError: ``images`` is empty and the transform has no ``batch``.
    """
    batch = getattr(transform, "batch", None)
    if batch is not None:
        return np.asarray(batch(images))
    if len(images) == 0:
        raise ValueError(
            f"cannot apply {transform!r} image by image to zero images (it has no batch method)"
        )
    return np.stack([np.asarray(transform(image)) for image in images])


class Compose:
    """Chains transforms: ``Compose([t1, t2])(x) == t2(t1(x))``.

    Args:
      transforms: the transforms, applied in order.

    ``batch(images)`` chains the transforms' ``batch`` methods; a transform
    without one is applied image by image (:func:`apply_batch`).

    PyTorch twin: ``torchvision.transforms.Compose`` (through
    ``torch_ref.data.Compose``).
    """

    def __init__(self, transforms: Iterable[Callable[[Any], Any]]):
        self.transforms = list(transforms)

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def batch(self, imgs: np.ndarray) -> np.ndarray:
        """Each transform's batched form, in order; see :func:`apply_batch`."""
        for t in self.transforms:
            imgs = apply_batch(t, imgs)
        return imgs

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"
