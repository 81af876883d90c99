"""Renders ``docs/examples.md`` from the parity run's measurements.

The parity suite's examples test (``parity_tests/examples/test_examples.py``), run
with ``--parity-records DIR``, runs every worked example in both frameworks and
both precisions and writes one JSON file per run to ``DIR/examples/``. This
module turns them into the table, so every number in it comes from a test run;
``make examples-table`` does both steps from the checkout's root.

    python -m twinlab.reports.examples_doc [RESULTS_DIR] [OUT_FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jaxnn_examples import EXAMPLES
from twincore.atomic import atomic_write
from twinlab.machine import FLOAT32_VARIES, cores, cpu_model

RESULTS = Path("build") / "parity" / "records" / "examples"
OUT = Path("docs") / "examples.md"

TITLE = "# Worked examples: measured parity\n\n"

INTRO = """Every worked example of the notebooks, run in torch and in JAX from the same initial
parameters, data and batch order
(`parity_tests/examples/test_examples.py::test_example_twins_agree`). The
differences are measured by that test run and this table is generated from its
output (`make examples-table`), not typed by hand. float64 compares whole runs;
float32 compares the first 20 steps tightly and the final metrics within the
harness's `metric` tolerance. A long example runs shortened in the test (column
"test run": fewer epochs, the first `train_subset` training samples); "steps" counts
the steps of the run the test made, all of which float64 compares. "Loss Δ" is
the largest |torch − JAX| over the loss curve divided by torch's largest loss; "param/value
Δ" is, over the
final parameters (or, for a forward/backward example, its outputs and gradients),
the largest |torch − JAX| of a tensor divided by that tensor's largest |value|.

"""

COLUMNS = [
    "example",
    "notebook lines",
    "twins",
    "test run",
    "steps",
    "float64 max rel. loss Δ",
    "float64 max scaled param/value Δ",
    "float32 max rel. loss Δ (all steps)",
    "float32 max scaled param/value Δ",
]
TABLE_HEAD = "| " + " | ".join(COLUMNS) + " |\n" + "| --- " * len(COLUMNS) + "|\n"


def _cell(result: dict | None, key: str) -> str:
    if result is None:
        return "not run"
    if key == "max_rel_loss_diff" and not result["steps"]:
        return "—"  # a forward/backward-only example has no loss curve
    return f"{result[key]:.1e}"


def render(results_dir: Path = RESULTS, machine: str | None = None) -> str:
    """The Markdown page for the measurements in ``results_dir``, made on ``machine`` (the
    CPU and its cores; default: this one, which ``make examples-table`` measured on)."""
    if machine is None:
        machine = f"{cpu_model()} ({cores()} cores)"
    rows = []
    for name, example in EXAMPLES.items():
        runs = {}
        for dtype in ("float64", "float32"):
            path = results_dir / f"{name}-{dtype}.json"
            runs[dtype] = json.loads(path.read_text()) if path.exists() else None
        steps = next((r["steps"] for r in runs.values() if r), "—")
        overrides = getattr(example, "test_overrides", None) or {}
        test_run = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "defaults"
        rows.append(
            f"| `{name}`: {example.title} | {example.source} | {example.model} | {test_run} | "
            f"{steps} | "
            f"{_cell(runs['float64'], 'max_rel_loss_diff')} | "
            f"{_cell(runs['float64'], 'max_scaled_value_diff')} | "
            f"{_cell(runs['float32'], 'max_rel_loss_diff')} | "
            f"{_cell(runs['float32'], 'max_scaled_value_diff')} |"
        )
    measured = f"Measured on **{machine}**. {FLOAT32_VARIES}\n\n"
    return TITLE + INTRO + measured + TABLE_HEAD + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    results_dir = Path(args[0]) if args else RESULTS
    out = Path(args[1]) if len(args) > 1 else OUT
    atomic_write(out, render(results_dir))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
