"""``jaxnn bench`` at a tiny size: it runs end to end (the real-size section on a few hundred
generated IDX images), its rows and ratios add up, and bad flags are one-line errors. The
speed targets are read from a full run's output (README), never here."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

import pytest

from twincore import harness
from twinlab import cli
from twinlab.bench.models import MODELS, VARIANTS
from twinlab.bench.targets import REAL_SIZE_TARGETS, TARGETS
from twinlab.errors import EXIT_USAGE

# The real-size section on one batch of E14's 64 (both examples' processes cost the same
# start-up, so one stands for both; test_targets.py reads the CNN's target from a section).
REAL_SIZE_IMAGES = 64


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One tiny float64 run of every model at one batch size, through the console command,
    its real-size section one epoch of E14 on generated IDX files."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    argv = ["--batch-sizes", "4", "--repeats", "2", "--steps", "3", "--matmul-size", "64"]
    argv += ["--seeds", "2", "--real-size", "mnist_two_hidden:1"]
    argv += ["--real-size-images", str(REAL_SIZE_IMAGES)]
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "twinlab.cli",
            "bench",
            *argv,
            "--dtype",
            "float64",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
        timeout=600,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return child.stdout, json.loads(out.read_text())


def test_bench_measures_every_model_and_variant(tiny):
    stdout, result = tiny
    rows = {(r["model"], r["variant"]): r for r in result["rows"]}
    assert set(rows) == {(m, v) for m in MODELS for v in VARIANTS}
    for row in rows.values():
        assert row["steps_per_repeat"] == 3 and len(row["repeat_s"]) == 2
        assert row["steps_per_s"] > 0
        assert row["steps_per_s"] == pytest.approx(3 / statistics.median(row["repeat_s"]))
    for model in MODELS:
        torch_row = rows[(model, "torch")]
        assert torch_row["ratio_to_torch"] == pytest.approx(1.0)
        for variant in VARIANTS[1:]:
            if (model, variant) not in rows:
                continue
            row = rows[(model, variant)]
            assert row["compile_s"] > 0 and row["flops_per_step"] > 0
            assert row["ratio_to_torch"] == pytest.approx(
                row["steps_per_s"] / torch_row["steps_per_s"]
            )
    assert result["matmul_peak"]["flops"] >= result["matmul_peak"]["jax_flops"] > 0
    assert [e["model"] for e in result["multiseed"]] == list(MODELS)
    for entry in result["multiseed"]:
        assert entry["seeds"] == 2 and entry["ratio"] == pytest.approx(
            entry["vmapped_model_steps_per_s"] / entry["sequential_model_steps_per_s"]
        )
    assert {e["on_device"] for e in result["loader"]} == {False, True}
    goals = {t["target"] for t in result["targets"]}
    # No batch 1024 here, and the real-size section ran E14 alone.
    assert goals == set(TARGETS) - {"b1024_fraction_of_matmul_peak", "real_size_cnn_vs_torch"}
    versus_torch = [t for t in result["targets"] if t["target"] == "jaxnn_step_vs_torch"]
    assert [t["value"] for t in versus_torch] == [
        rows[(m, "jaxnn-step")]["ratio_to_torch"] for m in MODELS
    ]
    assert "targets:" in stdout and "jaxnn-fused" in stdout


def test_bench_real_size_section_follows_from_its_timings(tiny):
    # E14 ran once per framework in a process of its own on the generated files; the ratio
    # and its target are torch's wall time over JAX's, and a run's own report (data,
    # training, evaluation) fits inside the wall time measured around its process.
    stdout, result = tiny
    section = result["real_size"]
    assert section["data"] == {
        "dir": None,
        "generated": True,
        "train_images": REAL_SIZE_IMAGES,
        "test_images": -(-REAL_SIZE_IMAGES // 6),
    }
    assert [(e["example"], e["epochs"]) for e in section["runs"]] == [("mnist_two_hidden", 1)]
    targets = {t["target"]: t for t in result["targets"]}
    for entry in section["runs"]:
        for framework in ("torch", "jax"):
            (wall,), (reported,) = entry[f"{framework}_s"], entry[f"{framework}_reported_s"]
            assert entry[f"{framework}_median_s"] == wall and 0 < reported < wall
        assert entry["ratio"] == pytest.approx(entry["torch_median_s"] / entry["jax_median_s"])
        target = targets[REAL_SIZE_TARGETS[entry["example"]]]
        assert target["value"] == entry["ratio"] and target["goal"] == TARGETS[target["target"]]
        assert f"jaxnn run {entry['example']}, 1 epoch(s)" in target["what"]
    assert "real size (jaxnn run NAME --data-dir DIR" in stdout


def test_bench_jax_variants_do_the_same_training(tiny):
    # The per-step loop, the fused epoch and the hand-written floor trained the same model on
    # the same batches for the same steps: float64 parameters agree like whole curves do.
    _, result = tiny
    limit = harness.tolerance("float64", "curve")
    for row in result["rows"]:
        if row["variant"] != "torch" and row["steps_per_s"] is not None:
            assert row["param_diff_rel"] <= limit.rtol, row
            assert not row["note"], row


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--models", "resnet"], "expected a comma-separated list from toy, mnist_mlp"),
        (["--batch-sizes", "0,2"], "expected a comma-separated list of positive integers"),
        (["--repeats", "0"], "expected a positive integer"),
        (["--json", "."], "is a directory; name a file"),
        (["--real-size", "toy_classifier"], "'toy_classifier' is not an example that reads MNIST"),
        (["--real-size", "cnn_template:0"], "expected NAME or NAME:EPOCHS"),
        (["--no-real-size", "--data-dir", "."], "drop --no-real-size"),
        (["--data-dir", "."], "MNIST training files not found"),
    ],
)
def test_bench_bad_flags_are_one_line_errors(capsys, argv, message):
    assert cli.main(["bench", *argv]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("jaxnn: error:") and message in err and "\n" not in err
