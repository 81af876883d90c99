"""``predictions.png``: the first test images of an image classifier's run, each titled with
its true label and the trained model's prediction (S4 1417-1443's "look at the digit, then
predict it"), written by ``jaxnn run --out`` next to ``curves.png``."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex

import torch_ref
from jaxnn_examples import EXAMPLES
from twincore import crashpoints
from twinlab import cli
from twinlab.engine import run_example
from twinlab.engine.final import PREDICTIONS_SHOWN
from twinlab.records import ShownPredictions
from twinlab.reports.predictions import (
    RIGHT,
    WRONG,
    figure_pixels,
    prediction_titles,
    predictions_figure,
)

SMALL = dict(epochs=1, train_subset=256)  # a short run: some predictions are wrong


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_titles_name_the_true_and_the_predicted_label():
    titles = prediction_titles(np.array([7, 2, 1]), np.array([7, 3, 1]))
    assert titles == [("true 7, pred 7", True), ("true 2, pred 3", False), ("true 1, pred 1", True)]
    with pytest.raises(ValueError, match="3 labels but 2 predictions"):
        prediction_titles(np.array([7, 2, 1]), np.array([7, 3]))


@pytest.fixture(scope="module")
def trained():
    """mnist_two_hidden, trained briefly in torch and JAX on the bundled digits."""
    example = EXAMPLES["mnist_two_hidden"]
    settings = dataclasses.replace(example.defaults, **SMALL)
    import jaxnn.config
    import torch_ref.config

    jaxnn.config.set_numerics(settings.dtype)
    torch_ref.config.set_numerics(settings.dtype)
    return example, settings, run_example(example, "both", settings)


def test_the_predictions_shown_are_the_trained_models(trained):
    """The labels drawn are the test set's and the predictions are the trained model's: the
    JAX side's final parameters, loaded into the torch model, predict the same classes."""
    example, settings, results = trained
    data = example.recipe.load_data(settings)
    for side in ("torch", "jax"):
        shown = results[side].shown
        assert shown.images.shape == (PREDICTIONS_SHOWN, 1, 28, 28)
        np.testing.assert_array_equal(shown.images, data.x_test[:PREDICTIONS_SHOWN])
        np.testing.assert_array_equal(shown.labels, data.y_test[:PREDICTIONS_SHOWN])
        model = torch_ref.models.MNIST(256, 128)
        model.load_state_dict(
            {k: torch.from_numpy(v) for k, v in results[side].final_state.items()}
        )
        model.eval()
        with torch.no_grad():
            logits = model(torch.from_numpy(data.x_test[:PREDICTIONS_SHOWN])).numpy()
        np.testing.assert_array_equal(shown.predicted, np.argmax(logits, axis=1))
    assert 0 < np.sum(shown.predicted == shown.labels) < PREDICTIONS_SHOWN  # both colours drawn
    fig = predictions_figure(shown, "title")
    drawn = [(ax.get_title(), to_hex(ax.title.get_color())) for ax in fig.axes]
    expected = [
        (text, RIGHT if right else WRONG)
        for text, right in prediction_titles(shown.labels, shown.predicted)
    ]
    assert drawn == expected


def test_a_figure_for_fewer_images_than_a_row():
    shown = ShownPredictions(np.zeros((3, 3, 8, 8)), np.array([0, 1, 2]), np.array([0, 1, 1]))
    fig = predictions_figure(shown, "rgb")
    assert [ax.get_title() for ax in fig.axes] == [
        "true 0, pred 0",
        "true 1, pred 1",
        "true 2, pred 1",
    ]
    assert tuple(round(v * fig.dpi) for v in fig.get_size_inches()) == figure_pixels(3)


def test_run_writes_predictions_png_of_the_expected_size(tmp_path, capsys):
    """Atomically, after curves.png: its write passes the same three crash points (the crash
    test's toy_classifier has no images, so its list of points has none of them)."""
    out = tmp_path / "run"
    argv = ["run", "mnist_two_hidden", "--framework", "jax", "--epochs", "1"]
    crashpoints.record()
    try:
        assert cli.main([*argv, "--train-subset", "256", "--out", str(out)]) == 0
        points = crashpoints.passed()
    finally:
        crashpoints._passed = None  # stop recording: later tests pass points unobserved
    files = [p.partition(":")[0] for p in points]
    written = ("metrics.json", "curves.png", "predictions.png", "params-jax.safetensors")
    assert files == [name for name in written for _ in range(3)]
    wrote = capsys.readouterr().out.splitlines()[-1]
    assert wrote.startswith("wrote ") and f"{out / 'predictions.png'}" in wrote
    assert sorted(p.name for p in out.iterdir()) == [
        "curves.png",
        "metrics.json",
        "params-jax.safetensors",
        "predictions.png",
    ]
    assert _png_size((out / "predictions.png").read_bytes()) == figure_pixels(PREDICTIONS_SHOWN)


def test_examples_without_images_write_no_predictions(tmp_path):
    assert cli.main(["run", "toy_classifier", "--framework", "jax", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "predictions.png").exists()
