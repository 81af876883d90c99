"""torchvision's ``ToTensor``, ``Normalize`` and ``Compose`` without torchvision.

torchvision is not a dependency of this project. These classes repeat
torchvision's code for the cases the notebooks use (E13: ``Compose([ToTensor(),
Normalize((0.1307,), (0.3081,))])``; E14 and E15: ``ToTensor()`` alone): NumPy
images in, torch tensors out.

Each transform also has ``batch(images)``, the same operation on a stack of N
images. JAX twin: ``jaxnn.data.transforms`` (NumPy in, NumPy out, bit-identical).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch


class ToTensor:
    """uint8 image ``(H, W)`` or ``(H, W, C)`` -> float ``(C, H, W)`` in [0, 1]: ``x / 255``.

    Args:
      dtype: result dtype for uint8 input; default ``torch.get_default_dtype()``
        (float32 unless changed), as torchvision.

    torchvision's code for NumPy input: ``torch.from_numpy(pic.transpose((2, 0,
    1))).contiguous()``, then ``.to(dtype).div(255)`` for uint8; other dtypes
    are returned unscaled. PIL images are not accepted here (no Pillow
    dependency); the notebooks' MNIST images arrive as uint8 arrays.

    ``batch(images)`` takes ``(N, H, W)`` or ``(N, H, W, C)`` and returns
    ``(N, C, H, W)``.

    JAX twin: ``jaxnn.data.ToTensor`` (NumPy result, float32 by default).
    """

    def __init__(self, dtype: torch.dtype | str | None = None):
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype, dtype)
        if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
            raise ValueError(f"ToTensor: dtype must be a floating dtype; got {dtype}")
        self.dtype = dtype

    def _convert(self, img: torch.Tensor) -> torch.Tensor:
        img = img.contiguous()
        if img.dtype == torch.uint8:
            return img.to(dtype=self.dtype or torch.get_default_dtype()).div(255)
        return img

    def __call__(self, pic: np.ndarray) -> torch.Tensor:
        if not isinstance(pic, np.ndarray):
            raise TypeError(f"pic should be a NumPy ndarray. Got {type(pic)}")
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        return self._convert(torch.from_numpy(pic.transpose((2, 0, 1))))

    def batch(self, pics: np.ndarray) -> torch.Tensor:
        """``(N, H, W)`` or ``(N, H, W, C)`` -> ``(N, C, H, W)``; see the class docstring."""
        if not isinstance(pics, np.ndarray):
            raise TypeError(f"pics should be a NumPy ndarray. Got {type(pics)}")
        if pics.ndim not in (3, 4):
            raise ValueError(
                f"pics should be 3/4 dimensional (N, H, W[, C]). Got {pics.ndim} dimensions."
            )
        if pics.ndim == 3:
            pics = pics[..., None]
        return self._convert(torch.from_numpy(pics.transpose((0, 3, 1, 2))))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """Per-channel standardisation ``out[c] = (x[c] - mean[c]) / std[c]``.

    Args:
      mean: a sequence of per-channel means.
      std: a sequence of per-channel standard deviations.
      inplace: modify the input tensor instead of a clone.

    Shape:
      Input ``(..., C, H, W)``, floating point; output the same. ``mean`` and
      ``std`` become tensors of the input's dtype, then ``sub_(mean).div_(std)``
      (torchvision's ``F.normalize``). ``batch`` is ``__call__``.

    JAX twin: ``jaxnn.data.Normalize`` (NumPy arrays; the same messages).
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor: torch.Tensor) -> torch.Tensor:
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"Input tensor should be a torch tensor. Got {type(tensor)}.")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(
                "Expected tensor to be a tensor image of size (..., C, H, W). Got "
                f"tensor.shape = {tuple(tensor.shape)}."
            )
        if not self.inplace:
            tensor = tensor.clone()
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype, device=tensor.device)
        std = torch.as_tensor(self.std, dtype=tensor.dtype, device=tensor.device)
        if (std == 0).any():
            raise ValueError(
                f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                "division by zero."
            )
        if mean.ndim == 1:
            mean = mean.view(-1, 1, 1)
        if std.ndim == 1:
            std = std.view(-1, 1, 1)
        return tensor.sub_(mean).div_(std)

    batch = __call__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


def apply_batch(transform: Callable[[Any], Any], images: np.ndarray) -> Any:
    """``transform`` applied to each of ``images``, stacked along a new first axis.

    ``transform.batch(images)`` when the transform has one; otherwise one call
    per image and ``torch.stack``.

    Raises:
      ValueError: ``images`` is empty and the transform has no ``batch``.
    """
    batch = getattr(transform, "batch", None)
    if batch is not None:
        return batch(images)
    if len(images) == 0:
        raise ValueError(
            f"cannot apply {transform!r} image by image to zero images (it has no batch method)"
        )
    return torch.stack([torch.as_tensor(transform(image)) for image in images])


class Compose:
    """Chains transforms: ``Compose([t1, t2])(x) == t2(t1(x))``.

    ``batch(images)`` chains the transforms' ``batch`` methods (:func:`apply_batch`).

    JAX twin: ``jaxnn.data.Compose``.
    """

    def __init__(self, transforms: Iterable[Callable[[Any], Any]]):
        self.transforms = list(transforms)

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def batch(self, imgs: Any) -> Any:
        """Each transform's batched form, in order; see :func:`apply_batch`."""
        for t in self.transforms:
            imgs = apply_batch(t, imgs)
        return imgs

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"
