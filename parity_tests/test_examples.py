"""Every worked example, run in both frameworks from the same start (issue: training twins).

float64: the loss curve and the final parameters agree within the curve tolerance
over the whole run. float32: the first 20 steps within the curve tolerance, the
final metrics within the metric tolerance. A long example runs shortened here,
by its ``test_overrides`` (fewer epochs, a training subset; listed in
``docs/examples.md``), and is still compared over the whole shortened run.
Each run's measurements are written to
``build/parity/examples/`` for ``docs/examples.md`` (``python -m examples.table``).
"""

import dataclasses
import json
from pathlib import Path

import jax
import pytest

from examples import EXAMPLES, runner
from jaxnn.atomic import atomic_write
from parity_tests import harness

RESULTS = Path(__file__).resolve().parent.parent / "build" / "parity" / "examples"
FLOAT32_TIGHT_STEPS = 20


def _record(name, dtype, results):
    t, j = results["torch"], results["jax"]
    record = {
        "example": name,
        "dtype": dtype,
        "steps": len(t.losses),
        "max_rel_loss_diff": runner.max_rel_diff(list(j.losses), list(t.losses)),
        "max_scaled_value_diff": runner.max_rel_diff(j.final_state, t.final_state),
        "max_abs_param_diff": runner.max_abs_diff(t.final_state, j.final_state),
        "torch_loss": [float(v) for v in t.losses],  # for the report's curve plots
        "jax_loss": [float(v) for v in j.losses],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write(RESULTS / f"{name}-{dtype}.json", json.dumps(record, indent=2) + "\n")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_twins_agree(mode, name):
    example = EXAMPLES[name]
    config = dataclasses.replace(example.defaults, dtype=mode.name, **example.test_overrides)
    with jax.enable_x64(mode.name == "float64"):
        results = runner.run_sides(example, "both", config)
    t, j = results["torch"], results["jax"]
    assert len(t.losses) == len(j.losses)  # empty for the forward/backward-only examples
    if mode.name == "float64":
        mode.assert_close(j.losses, t.losses, kind="curve", name=f"{name} loss curve")
        mode.assert_state_dict_close(j.final_state, t.final_state, kind="curve")
    else:
        n = FLOAT32_TIGHT_STEPS
        mode.assert_close(j.losses[:n], t.losses[:n], kind="curve", name=f"{name} first {n} steps")
        mode.assert_state_dict_close(j.final_state, t.final_state, kind="metric")
    harness.assert_tree_close(j.final, t.final, mode.tol("metric"), name=f"{name} final metrics")
    _record(name, mode.name, results)


def test_docs_table_lists_every_example():
    table = (Path(__file__).resolve().parent.parent / "docs" / "examples.md").read_text()
    missing = [name for name in EXAMPLES if f"`{name}`" not in table]
    assert not missing, f"docs/examples.md lacks {missing}; run `make examples-table`"
