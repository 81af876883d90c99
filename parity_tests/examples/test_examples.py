"""Every worked example, run in both frameworks from the same start (issue: training twins).

float64: the loss curve and the final parameters agree within the curve tolerance
over the whole run. float32: the first 20 steps within the curve tolerance, the
final metrics within the metric tolerance. A long example runs shortened here,
by its ``test_overrides`` (fewer epochs, a training subset; listed in
``docs/examples.md``), and is still compared over the whole shortened run.
With ``--parity-records DIR`` each run's measurements are written to ``DIR/examples/``,
from which ``docs/examples.md`` is generated (``make examples-table``).
"""

import dataclasses
import json
from pathlib import Path

import jax
import pytest

from jaxnn_examples import EXAMPLES
from twincore import harness
from twincore.atomic import atomic_write
from twincore.diff import max_abs_diff, max_rel_diff
from twinlab.engine import run_example

from ..checkout import CHECKOUT, needs_checkout

FLOAT32_TIGHT_STEPS = 20


def _record(directory: Path, name, dtype, results):
    t, j = results["torch"], results["jax"]
    record = {
        "example": name,
        "dtype": dtype,
        "steps": len(t.losses),
        "max_rel_loss_diff": max_rel_diff(list(j.losses), list(t.losses)),
        "max_scaled_value_diff": max_rel_diff(j.final_state, t.final_state),
        "max_abs_param_diff": max_abs_diff(t.final_state, j.final_state),
        "torch_loss": [float(v) for v in t.losses],  # for the report's curve plots
        "jax_loss": [float(v) for v in j.losses],
    }
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(directory / f"{name}-{dtype}.json", json.dumps(record, indent=2) + "\n")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_twins_agree(mode, name, parity_records):
    example = EXAMPLES[name]
    settings = dataclasses.replace(example.defaults, dtype=mode.name, **example.test_overrides)
    with jax.enable_x64(mode.name == "float64"):
        results = run_example(example, "both", settings)
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
    if parity_records is not None:
        _record(parity_records / "examples", name, mode.name, results)


@needs_checkout
def test_docs_table_lists_every_example():
    table = (CHECKOUT / "docs" / "examples.md").read_text()
    missing = [name for name in EXAMPLES if f"`{name}`" not in table]
    assert not missing, f"docs/examples.md lacks {missing}; run `make examples-table`"
