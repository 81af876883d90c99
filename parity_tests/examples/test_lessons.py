"""Every lesson runs start to finish, keeps the torch | jax cell layout, and every difference
it prints is within the parity suite's tolerance for that kind of value."""

import json
import re

import numpy as np
import pytest

from jaxnn_examples import lessons
from jaxnn_examples.lessons import compare
from jaxnn_examples.sources import LEGEND
from twincore import harness

from .. import preloaded

_DIFF = re.compile(r"\d\.\d\de[+-]\d\d")  # max |Δ| as show() prints it


def _rows(stdout: str) -> list[str]:
    """The comparison rows of a lesson's output, checked to sit under the header's columns."""
    lines = stdout.splitlines()
    names = [i for i, line in enumerate(lines) if line.startswith("  compared ")]
    assert len(names) == 1, "the column header is printed once, before the first comparison"
    legend = " ".join(line.strip() for line in lines[: names[0]])
    assert LEGEND in legend, "the legend comes before the first comparison"
    column = lines[names[0]].index("max |Δ|")
    return [line for line in lines if _DIFF.fullmatch(line[column:])]


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
    # A process of its own (forked with its imports done): a lesson sets JAX's precision.
    run = preloaded.run(
        ["-m", "jaxnn_examples.lessons", name, "--records", str(records_file)],
        cwd=tmp_path,  # a lesson that writes files writes them here
    )
    assert run.returncode == 0, f"{name} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    records = json.loads(records_file.read_text())
    assert records, f"{name}: no show() ran"
    # Every comparison printed one row whose columns sit under the header's, long labels too.
    assert len(_rows(run.stdout)) == len(records), f"{name}: a row is out of its columns"
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


def test_long_labels_wrap_above_their_row_and_keep_the_columns():
    short = compare.row("x + 2", "2x3", "float32", "float32", "1.00e-07")
    label = "a label much longer than the label column, " * 2 + "with_a_long_identifier_at_the_end"
    long = compare.row(label, "4 values", "float64", "float64", "0.00e+00")
    *above, last = long.splitlines()
    assert above, "a long label wraps"
    assert all(len(line) <= 2 + compare.LABEL_WIDTH for line in above)
    assert " ".join(part.strip() for part in [*above, last[: 2 + compare.LABEL_WIDTH]]) == label
    # The shape, dtypes and max |Δ| start where a short label's row has them.
    for text in ("float32", "1.00e-07"):
        other = {"float32": "float64", "1.00e-07": "0.00e+00"}[text]
        assert last.index(other) == short.index(text)
    header = compare.header().splitlines()
    assert LEGEND in " ".join(line.strip() for line in header)
    assert header[-1].index("max |Δ|") == short.index("1.00e-07") == last.index("0.00e+00")
    assert header[-1].index("shape") + len("shape") == short.index("2x3") + len("2x3")
    assert _rows(compare.header() + "\n" + short + "\n" + long) == [short, last]
