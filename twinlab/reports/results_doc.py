"""Runs every worked example at the notebook's settings in both frameworks and both
precisions, and writes the results table: ``docs/results.md`` (all of them) and the
README's summary. Run from the checkout's root:

    python -m twinlab.reports.results_doc       # or: make results  (about 5 minutes on 2 cores)
    python -m twinlab.reports.results_doc --from-records   # re-render the last run's tables

Every number in the tables comes from this run on the machine that ran it: wall times
(JAX's include compiling), each side's final metric, and the largest relative
differences between the frameworks (largest |Δ| divided by the largest |value|: of the
loss curve, and of each parameter tensor). The README shows the rows named in ``README_ROWS``.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import sys
import time
from pathlib import Path

import jax

from jaxnn_examples import EXAMPLES
from twincore.atomic import atomic_write
from twinlab.engine import run_example
from twinlab.machine import FLOAT32_VARIES, cores, cpu_model
from twinlab.records import summarize

RESULTS = Path("build") / "results"
DOC = Path("docs") / "results.md"
README = Path("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
README_ROWS = (
    "toy_classifier",
    "mnist_two_hidden",
    "mnist_mlp_adam",
    "mlp2hidden",
    "cnn_template",
    "lstm_template",
    "circle_classifier",
    "house_prices",
    "adam_vs_sgd",
)
DTYPES = ("float32", "float64")


def measure(name: str, dtype: str) -> dict:
    """One run of ``name`` at its defaults in both frameworks: what the tables show."""
    import jaxnn.config
    import torch_ref.config

    example = EXAMPLES[name]
    settings = dataclasses.replace(example.defaults, dtype=dtype)
    jaxnn.config.set_numerics(dtype)
    torch_ref.config.set_numerics(dtype)
    with jax.enable_x64(dtype == "float64"):
        metrics = summarize(example, settings, run_example(example, "both", settings))
    return {
        "example": name,
        "dtype": dtype,
        "epochs": settings.epochs,
        "steps": len(metrics["torch"]["loss"]),
        "torch_s": metrics["torch"]["wall_time_s"],
        "jax_s": metrics["jax"]["wall_time_s"],
        "final": {s: metrics[s]["final"] for s in ("torch", "jax")},
        "max_rel_loss_diff": metrics["max_rel_loss_diff"],
        "max_rel_param_diff": metrics["max_rel_param_diff"],
    }


def _metric(record: dict) -> str:
    """The example's headline final metric, e.g. ``test_accuracy 0.7977 / 0.7977``."""
    final = record["final"]
    if not final["torch"]:
        return "—"
    preferred = ("test_accuracy", "accuracy", "train_accuracy", "test_loss", "final_loss")
    key = next((k for k in preferred if k in final["torch"]), next(iter(final["torch"])))
    return f"{key} {final['torch'][key]:.4g} / {final['jax'][key]:.4g}"


def _rows(records: dict[tuple[str, str], dict], names) -> list[str]:
    rows = [
        "| example | command | epochs | steps | wall s torch / JAX (float32) | final metric, "
        "torch / JAX (float32) | max rel. Δ float32 loss / params | max rel. Δ float64 "
        "loss / params |",
        "| --- " * 8 + "|",
    ]
    for name in names:
        r32, r64 = records[(name, "float32")], records[(name, "float64")]
        rows.append(
            f"| `{name}` | `jaxnn run {name}` | {r32['epochs']} | {r32['steps']} | "
            f"{r32['torch_s']:.2f} / {r32['jax_s']:.2f} | {_metric(r32)} | "
            f"{r32['max_rel_loss_diff']:.1e} / {r32['max_rel_param_diff']:.1e} | "
            f"{r64['max_rel_loss_diff']:.1e} / {r64['max_rel_param_diff']:.1e} |"
        )
    return rows


FLOAT32_NOTE = (
    "float64 agrees to ~1e-14 everywhere: the same algorithm. In float32 the frameworks' "
    "kernels round differently (~1e-7 per step), and one run amplifies that: "
    "`mnist_mlp_adam` trains Adam for 1,250 steps until its loss is ~1e-6, where gradients "
    "approach Adam's `eps` and the update `m / (sqrt(v) + eps)` turns rounding differences "
    "into different directions; the two float32 runs drift apart (the notebook's own precision, "
    "so a torch run on another machine would drift from this one too) while float64 on the "
    "same run agrees to 5e-14."
)


def _cpu_note(records: dict[tuple[str, str], dict]) -> str:
    """:data:`~twinlab.machine.FLOAT32_VARIES`, with this run's ``cnn_template`` float32
    figures beside another CPU's."""
    cnn = records.get(("cnn_template", "float32"))
    here = (
        f", against {cnn['max_rel_loss_diff']:.1e} / {cnn['max_rel_param_diff']:.1e} here"
        if cnn
        else ""
    )
    return (
        f"{FLOAT32_VARIES} On another x86 CPU `cnn_template`'s float32 relative Δ loss / params "
        f"measured 2.1e-05 / 2.6e-03{here}."
    )


def machine_name() -> str:
    """``AMD EPYC 7B13 (x86_64, 2 cores; JAX on cpu)``: what the pages say measured them."""
    device = jax.devices()[0].device_kind
    return f"{cpu_model()} ({platform.machine()}, {cores()} cores; JAX on {device})"


def render(records: dict[tuple[str, str], dict], machine: str) -> tuple[str, str]:
    """``docs/results.md`` and the README block for ``records``."""
    trained = [n for n in EXAMPLES if records[(n, "float32")]["steps"]]
    doc = [
        "# Worked examples at the notebooks' settings: results on one machine",
        "",
        f"Measured on **{machine}** by `make results` (`python -m twinlab.reports.results_doc`),",
        "which runs every training example at the notebook's settings in torch and in JAX, in",
        "float32 and float64. Wall times include JAX's compilation; the MNIST examples train on",
        "the bundled 28x28 digits (`--data-dir` for real MNIST). Relative Δ: the largest |Δ|",
        "divided by the largest |value|, of the loss curve and of each parameter tensor",
        "(the worst tensor). The parity test of the same",
        "runs (shortened where long) is",
        "`parity_tests/examples/test_examples.py::test_example_twins_agree`;",
        "the forward/backward-only examples are in [examples.md](examples.md).",
        "",
        _cpu_note(records),
        "",
        *_rows(records, trained),
        "",
        FLOAT32_NOTE,
        "",
    ]
    block = [
        BEGIN,
        f"Measured by `make results` on {machine} (all {len(trained)} training examples:",
        "[docs/results.md](docs/results.md)). float32 figures vary with the CPU (another x86",
        "CPU measured `cnn_template` at 2.1e-05 / 2.6e-03); float64 figures do not.",
        "",
        *_rows(records, README_ROWS),
        "",
        FLOAT32_NOTE,
        END,
    ]
    return "\n".join(doc), "\n".join(block)


def main(argv: list[str] | None = None) -> int:
    """``--from-records``: re-render the last run's ``build/results`` without running."""
    args = sys.argv[1:] if argv is None else argv
    RESULTS.mkdir(parents=True, exist_ok=True)
    records = {}
    names = list(EXAMPLES) if "--from-records" not in args else []
    for path in RESULTS.glob("*.json") if not names else ():
        record = json.loads(path.read_text())
        records[(record["example"], record["dtype"])] = record
    for dtype in DTYPES if names else ():
        for i, name in enumerate(names, 1):
            start = time.perf_counter()
            records[(name, dtype)] = record = measure(name, dtype)
            atomic_write(RESULTS / f"{name}-{dtype}.json", json.dumps(record, indent=1))
            print(
                f"[{dtype} {i:>2}/{len(names)}] {name:<26} {time.perf_counter() - start:6.1f} s",
                file=sys.stderr,
            )
    doc, block = render(records, machine_name())
    atomic_write(DOC, doc)
    readme = README.read_text()
    if BEGIN not in readme or END not in readme:
        raise SystemExit(f"{README}: the markers {BEGIN} ... {END} are missing")
    head, rest = readme.split(BEGIN, 1)
    atomic_write(README, head + block + rest.split(END, 1)[1])
    print(f"wrote {DOC} and the README's results table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
