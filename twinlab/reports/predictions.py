"""``predictions.png``: test images, each titled with its true and predicted label.

The notebooks look at a digit, then predict it (S4 1417-1443: ``imshow(make_grid(images[:1]))``
and ``Predicted Label: 7``); this is that figure for the first few test images of a run.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np

from twincore.atomic import atomic_write
from twinlab.records import ShownPredictions

COLUMNS = 5
CELL_INCHES = (1.5, 1.7)  # one image and its title
TITLE_INCHES = 0.45
DPI = 100
WRONG, RIGHT = "#d62728", "#222222"


def prediction_titles(labels: np.ndarray, predicted: np.ndarray) -> list[tuple[str, bool]]:
    """Each image's title, ``"true 7, pred 7"``, and whether the prediction was right."""
    if len(labels) != len(predicted):
        raise ValueError(f"{len(labels)} labels but {len(predicted)} predictions")
    return [
        (f"true {int(t)}, pred {int(p)}", int(t) == int(p))
        for t, p in zip(labels, predicted, strict=True)
    ]


def figure_pixels(count: int) -> tuple[int, int]:
    """``(width, height)`` in pixels of the figure for ``count`` images."""
    columns = min(COLUMNS, count)
    rows = math.ceil(count / columns)
    width, height = columns * CELL_INCHES[0], rows * CELL_INCHES[1] + TITLE_INCHES
    return round(width * DPI), round(height * DPI)


def _displayable(image: np.ndarray) -> tuple[np.ndarray, str | None]:
    """A ``(C, H, W)`` image as ``imshow`` draws it: grey ``(H, W)`` or RGB ``(H, W, 3)`` in
    [0, 1], stretched from its own min and max (the images are normalised, not 0..1)."""
    image = np.asarray(image, np.float64)
    low, high = float(image.min()), float(image.max())
    image = (image - low) / max(high - low, 1e-12)
    if image.shape[0] == 1:
        return image[0], "gray"
    return np.transpose(image, (1, 2, 0)), None  # the seed's np.transpose(npimg, (1, 2, 0))


def predictions_png(shown: ShownPredictions, title: str) -> bytes:
    """The PNG of :func:`predictions_figure`, :func:`figure_pixels` in size."""
    buffer = io.BytesIO()
    predictions_figure(shown, title).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def predictions_figure(shown: ShownPredictions, title: str):
    """The figure: one cell per image, titled with :func:`prediction_titles` (red when wrong),
    five to a row, under ``title`` and the count of right predictions."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure

    count = len(shown.images)
    if count == 0:
        raise ValueError("predictions_png: no image to show")
    titles = prediction_titles(shown.labels, shown.predicted)
    width, height = figure_pixels(count)
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    columns = min(COLUMNS, count)
    rows = math.ceil(count / columns)
    top = 1 - TITLE_INCHES / (height / DPI)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=top, wspace=0.1, hspace=0.35)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, image, (text, right) in zip(axes, shown.images, titles, strict=False):
        pixels, cmap = _displayable(image)
        ax.imshow(pixels, cmap=cmap, vmin=0.0, vmax=1.0)
        ax.set_title(text, fontsize=9, color=RIGHT if right else WRONG)
    for ax in axes:
        ax.set_axis_off()
    correct = sum(right for _, right in titles)
    fig.suptitle(f"{title}: {correct} of {count} right", fontsize=10)
    return fig


def write_predictions(path: str | os.PathLike, shown: ShownPredictions, title: str) -> Path:
    """Writes :func:`predictions_png` to ``path`` atomically."""
    return atomic_write(path, predictions_png(shown, title))
