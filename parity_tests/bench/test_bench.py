"""``jaxnn bench`` at a tiny size: it runs end to end, its rows add up, and bad flags are
one-line errors. The speed targets are read from a full run's output (README), never here."""

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
from twinlab.bench.targets import TARGETS
from twinlab.errors import EXIT_USAGE


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One tiny float64 run of every model at one batch size, through the console command."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    argv = ["--batch-sizes", "4", "--repeats", "2", "--steps", "3", "--matmul-size", "64"]
    argv += ["--seeds", "2"]
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
    assert goals == set(TARGETS) - {"b1024_fraction_of_matmul_peak"}  # no batch 1024 here
    assert "targets:" in stdout and "jaxnn-fused" in stdout


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
    ],
)
def test_bench_bad_flags_are_one_line_errors(capsys, argv, message):
    assert cli.main(["bench", *argv]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("jaxnn: error:") and message in err and "\n" not in err
