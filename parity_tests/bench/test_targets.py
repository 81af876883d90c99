"""``jaxnn bench``'s targets section read from given rows and sections (no timing): each of the
issue's targets appears with its goal, the value the rows give it, and met or missed."""

from __future__ import annotations

import pytest

from twinlab.bench.models import BATCH_SIZES, MODELS
from twinlab.bench.rows import Row
from twinlab.bench.targets import TARGETS, targets


def _cell(model: str, batch: int, ratios: dict[str, float]) -> list[Row]:
    """A cell whose torch row runs 100 steps/s and each other variant ``ratio`` times that."""
    rows = [Row(model, batch, "torch", 10, steps_per_s=100.0, ratio_to_torch=1.0)]
    for variant, ratio in ratios.items():
        rows.append(Row(model, batch, variant, 10, steps_per_s=100.0 * ratio, ratio_to_torch=ratio))
    return rows


def _section(ratios: dict[str, float]) -> dict:
    return {
        "data": {"dir": None, "generated": True, "train_images": 60_000, "test_images": 10_000},
        "dtype": "float32",
        "repeats": 1,
        "runs": [
            {
                "example": name,
                "epochs": 1,
                "torch_median_s": 10.0,
                "jax_median_s": 10.0 / (r or 1.0),
                "ratio": r,
            }
            for name, r in ratios.items()
        ],
    }


def test_every_cell_has_a_jaxnn_step_vs_torch_target():
    rows = [
        row
        for m in MODELS
        for b in BATCH_SIZES
        for row in _cell(m, b, {"jaxnn-step": 0.5 if m == "cnn" else 1.25, "jax-floor": 1.0})
    ]
    found = [t for t in targets(rows, [], []) if t["target"] == "jaxnn_step_vs_torch"]
    assert [t["what"] for t in found] == [
        f"{m}, batch {b}: jaxnn-step steps/s over torch eager" for m in MODELS for b in BATCH_SIZES
    ]
    assert all(t["goal"] == 1.0 for t in found)
    assert [t["met"] for t in found] == [m != "cnn" for m in MODELS for b in BATCH_SIZES]
    floor = [t for t in targets(rows, [], []) if t["target"] == "jaxnn_step_vs_floor"]
    assert len(floor) == len(MODELS) * len(BATCH_SIZES) and all(t["goal"] == 0.9 for t in floor)


@pytest.mark.parametrize("ratio, met", [(2.1, True), (1.9, False)])
def test_mnist_mlp_fused_needs_twice_torch_at_batch_64(ratio, met):
    rows = _cell("mnist_mlp", 64, {"jaxnn-step": 1.0, "jaxnn-fused": ratio})
    (found,) = [t for t in targets(rows, [], []) if t["target"] == "mnist_mlp_b64_fused_vs_torch"]
    assert (found["value"], found["goal"], found["met"]) == (ratio, 2.0, met)


def test_real_size_targets_read_the_sections_ratios():
    section = _section({"mnist_two_hidden": 1.4, "cnn_template": 1.1, "mnist_mlp_adam": 3.0})
    found = {t["target"]: t for t in targets([], [], [], section) if "real_size" in t["target"]}
    assert set(found) == {"real_size_e14_vs_torch", "real_size_cnn_vs_torch"}  # no goal for E13
    e14, cnn = found["real_size_e14_vs_torch"], found["real_size_cnn_vs_torch"]
    assert (e14["value"], e14["goal"], e14["met"]) == (1.4, TARGETS[e14["target"]], False)
    assert (cnn["value"], cnn["goal"], cnn["met"]) == (1.1, TARGETS[cnn["target"]], True)
    assert e14["goal"] == 1.5 and cnn["goal"] == 1.0
    assert e14["what"].startswith("jaxnn run mnist_two_hidden, 1 epoch(s) on 60,000 IDX images")
    # Without torch the section has no ratio: the target is there, neither met nor missed.
    (alone,) = [
        t for t in targets([], [], [], _section({"cnn_template": None})) if "real" in t["target"]
    ]
    assert alone["value"] is None and alone["met"] is None
