"""Every lesson runs start to finish, keeps the torch | jax cell layout, and every difference
it prints is within the parity suite's tolerance for that kind of value."""

import json
import subprocess
import sys

import numpy as np
import pytest

from jaxnn_examples import lessons
from twincore import harness


def _dtype(name: str) -> str | None:
    """The precision whose tolerance applies; None for exact (integer, bool) values."""
    dtype = np.dtype(name)  # "float" (a Python number) is float64, like NumPy's
    if dtype.kind in "iub":
        return None
    return "float64" if dtype == np.float64 else "float32"


@pytest.mark.parametrize("name", lessons.LESSONS)
def test_lesson_runs_and_every_shown_difference_is_within_tolerance(name, tmp_path, parity_records):
    source = lessons.path(name).read_text()
    cells = lessons.cells(source)
    comparing = [c for c in cells if c.compares]
    assert cells[0].kind == "markdown", f"{name}: start with a markdown cell naming the lesson"
    assert len(comparing) >= 3, f"{name}: only {len(comparing)} torch | jax cells"
    for cell in cells:
        if "show(" in cell.setup + cell.torch + cell.jax + cell.check:
            assert cell.compares, f"{name}:{cell.first_line}: show() outside a torch | jax cell"

    # With --parity-records the report reads what the lesson showed from there.
    records_dir = tmp_path if parity_records is None else parity_records / "lessons"
    records_dir.mkdir(parents=True, exist_ok=True)
    records_file = records_dir / f"{name}.json"
    run = subprocess.run(
        [sys.executable, "-m", "jaxnn_examples.lessons", name, "--records", str(records_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # a lesson that writes files writes them here
        timeout=300,
    )
    assert run.returncode == 0, f"{name} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    records = json.loads(records_file.read_text())
    assert records, f"{name}: no show() ran"
    starts = {c.first_line: c for c in comparing}
    for r in records:
        owner = max((line for line in starts if line <= r["line"]), default=None)
        assert owner is not None and r["line"] <= starts[owner].last_line, (
            f"{name}:{r['line']}: show({r['label']!r}) is not inside a torch | jax cell"
        )
        assert r["exact_diff"] == 0, f"{name}: {r['label']}: integer values differ: {r}"
        dtype = _dtype(r["torch_dtype"])
        if dtype is None:
            assert r["max_abs_diff"] == 0, f"{name}: {r['label']} differs: {r}"
            continue
        tol = harness.tolerance(dtype, r["kind"])
        bound = tol.atol + tol.rtol * r["max_abs_value"]
        assert r["max_abs_diff"] <= bound, (
            f"{name}: {r['label']}: max |Δ| {r['max_abs_diff']:.3g} > {bound:.3g} "
            f"({dtype}/{r['kind']}: {tol})"
        )
