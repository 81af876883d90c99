"""``make_grid``: the twins agree with each other and with torchvision's algorithm, written
out again here in NumPy (torchvision is not a dependency; the seed calls
``torchvision.utils.make_grid(images[:1])`` without importing it, S4 1417-1443)."""

import math

import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn
import torch_ref

from .components import GRID

pytestmark = GRID


def reference_grid(
    images, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0
):
    """torchvision.utils.make_grid, step by step in NumPy (float64), cell by cell."""
    t = np.array(images, dtype=np.float64)
    if t.ndim == 2:
        t = t[None]
    if t.ndim == 3:
        if t.shape[0] == 1:
            t = np.concatenate([t, t, t], 0)
        t = t[None]
    if t.shape[1] == 1:
        t = np.concatenate([t, t, t], 1)
    if normalize:
        groups = [t[i] for i in range(len(t))] if scale_each else [t]
        for g in groups:  # views: normalised in place, as torchvision's norm_ip
            low, high = value_range if value_range is not None else (g.min(), g.max())
            np.clip(g, low, high, out=g)
            g -= low
            g /= max(high - low, 1e-5)
    if t.shape[0] == 1:
        return t[0]
    n, c, h, w = t.shape
    cols = min(nrow, n)
    rows = int(math.ceil(n / cols))
    grid = np.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), pad_value)
    for k in range(n):
        top = (k // cols) * (h + padding) + padding
        left = (k % cols) * (w + padding) + padding
        grid[:, top : top + h, left : left + w] = t[k]
    return grid


CASES = {
    "mnist-batch-of-10": dict(shape=(10, 1, 28, 28)),
    "nrow-3-uneven": dict(shape=(7, 1, 5, 4), nrow=3),
    "rgb-padding-0": dict(shape=(4, 3, 6, 6), padding=0),
    "pad-value-and-wide-padding": dict(shape=(5, 3, 4, 7), nrow=2, padding=5, pad_value=0.5),
    "more-columns-than-images": dict(shape=(3, 1, 4, 4), nrow=8),
    "two-channels-kept": dict(shape=(3, 2, 4, 4), nrow=2),
    "single-image-no-padding": dict(shape=(1, 1, 28, 28)),
    "one-chw-image": dict(shape=(1, 6, 6)),
    "one-hw-image": dict(shape=(6, 5)),
    "normalize": dict(shape=(6, 1, 5, 5), normalize=True),
    "normalize-each": dict(shape=(6, 3, 5, 5), normalize=True, scale_each=True),
    "normalize-range": dict(shape=(4, 1, 5, 5), normalize=True, value_range=(-1.0, 1.0)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_twins_match_torchvisions_algorithm(case, mode):
    kwargs = dict(case)
    images = mode.array(np.random.default_rng(0).normal(size=kwargs.pop("shape")))
    expected = reference_grid(images, **kwargs)
    jgrid = jaxnn.data.make_grid(jnp.asarray(images), **kwargs)
    tgrid = torch_ref.data.make_grid(torch.from_numpy(images), **kwargs)
    assert jgrid.shape == tuple(tgrid.shape) == expected.shape
    assert jgrid.dtype == mode.jnp and tgrid.dtype == mode.torch
    mode.assert_twins_close(jgrid, tgrid, golden=expected, golden_tol=mode.tol(), name="grid")


def test_the_layout_of_ten_mnist_images():
    """torchvision's documented sizes: 8 columns, ceil(10 / 8) = 2 rows of 28 + 2 pixels, and
    a last 2 at the bottom and right; the cells past the tenth are padding."""
    images = np.arange(1, 11, dtype=np.float32)[:, None, None, None] * np.ones((10, 1, 28, 28))
    grid = np.asarray(jaxnn.data.make_grid(images, pad_value=-1.0))
    assert grid.shape == (3, 2 * 30 + 2, 8 * 30 + 2)
    assert grid[0, 2, 2] == 1 and grid[2, 2 + 27, 2 + 27] == 1  # image 1, first cell
    assert grid[1, 32, 2 + 30] == 10  # image 10: second row, second column
    assert grid[0, 32, 2 + 2 * 30] == -1  # an empty cell
    assert np.all(grid[:, :2, :] == -1) and np.all(grid[:, :, -2:] == -1)


def test_a_list_of_images_and_integer_pixels():
    images = [np.full((1, 3, 3), i, np.uint8) for i in range(3)]
    jgrid = jaxnn.data.make_grid(images, nrow=2, padding=1)
    tgrid = torch_ref.data.make_grid([torch.from_numpy(i) for i in images], nrow=2, padding=1)
    assert jgrid.dtype == jnp.uint8 and tgrid.dtype == torch.uint8
    np.testing.assert_array_equal(np.asarray(jgrid), tgrid.numpy())
    np.testing.assert_array_equal(np.asarray(jgrid), reference_grid(np.stack(images), 2, 1))
