"""``make_grid``: a batch of images laid out as one image, ``torchvision.utils.make_grid``'s way."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp

from twincore.data.grid_args import check_grid_arguments


def make_grid(
    images: Any,
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> jax.Array:
    """Tiles ``(N, C, H, W)`` images into one ``(C', H', W')`` image, ``nrow`` to a row.

    ``torchvision.utils.make_grid``'s semantics: a 2-D image is one grey image, a 3-D
    one a single ``(C, H, W)`` image, a list is stacked; one-channel images are
    repeated to three (RGB), others keep their channels. ``normalize`` rescales to
    ``[0, 1]``: values are clipped to ``value_range`` (default: the batch's min and
    max, or each image's own with ``scale_each``), then ``(x - low) / max(high -
    low, 1e-5)``. A single image comes back as it is (no padding). Otherwise the
    grid has ``min(nrow, N)`` columns and ``ceil(N / columns)`` rows of cells
    ``H + padding`` by ``W + padding``; each image sits ``padding`` below and right
    of its cell's corner, a last ``padding`` closes the bottom and right edge, and
    everything not covered by an image (padding, empty cells) is ``pad_value``:
    ``H' = rows * (H + padding) + padding``, ``W' = columns * (W + padding) + padding``.

    The seed shows it with ``plt.imshow(np.transpose(grid, (1, 2, 0)))``.

    PyTorch twin: ``torch_ref.data.make_grid`` (torchvision itself is not a dependency).
    """
    if isinstance(images, (list, tuple)):
        images = jnp.stack([jnp.asarray(image) for image in images])
    images = jnp.asarray(images)
    floating = jnp.issubdtype(images.dtype, jnp.floating)
    check_grid_arguments(images.shape, floating, nrow, padding, normalize, value_range)
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = images[None]
    if images.shape[1] == 1:
        images = jnp.concatenate([images] * 3, axis=1)
    if normalize:
        images = _normalized(images, value_range, scale_each)
    if images.shape[0] == 1:
        return images[0]
    n, channels, height, width = images.shape
    columns = min(nrow, n)
    rows = math.ceil(n / columns)
    fill = jnp.asarray(pad_value, images.dtype)
    # Empty cells after the last image, then each cell's top/left padding.
    blank = jnp.full((rows * columns - n, channels, height, width), fill)
    cells = jnp.concatenate([images, blank]) if rows * columns > n else images
    cells = jnp.pad(cells, ((0, 0), (0, 0), (padding, 0), (padding, 0)), constant_values=fill)
    cells = cells.reshape(rows, columns, channels, height + padding, width + padding)
    grid = cells.transpose(2, 0, 3, 1, 4).reshape(
        channels, rows * (height + padding), columns * (width + padding)
    )
    return jnp.pad(grid, ((0, 0), (0, padding), (0, padding)), constant_values=fill)


def _normalized(images: jax.Array, value_range, scale_each: bool) -> jax.Array:
    axes = (1, 2, 3) if scale_each else (0, 1, 2, 3)
    if value_range is None:
        low = jnp.min(images, axis=axes, keepdims=True)
        high = jnp.max(images, axis=axes, keepdims=True)
    else:
        low, high = (jnp.asarray(v, images.dtype) for v in value_range)
    clipped = jnp.clip(images, low, high)
    return (clipped - low) / jnp.maximum(high - low, 1e-5)
