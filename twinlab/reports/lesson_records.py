"""The lessons' ``show()`` records for the parity report: read from the suite's run or
measured here, and each one judged against the harness tolerance it is held to.

The parity suite's lessons test writes each lesson's records to
``<records>/lessons/<name>.json``. ``jaxnn parity`` reports only what its run ran (a lesson
``-k`` left out is shown without measurements); :func:`lesson_records` can also run a
missing lesson in a subprocess (``run=True``), for a caller that wants every lesson measured.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jaxnn_examples import lessons

LESSON_TIMEOUT_S = 300

Shown = tuple[list[dict] | None, str]  # (the show() records, "") or (None, why there are none)


def run_lesson(name: str) -> Shown:
    """Runs one lesson in a subprocess; returns (its show() records, "") or (None, error)."""
    with tempfile.TemporaryDirectory(prefix=f"jaxnn-lesson-{name}-") as tmp:
        target = Path(tmp) / "records.json"
        command = [sys.executable, "-m", "jaxnn_examples.lessons", name, "--records", str(target)]
        try:
            run = subprocess.run(
                command, capture_output=True, text=True, cwd=tmp, timeout=LESSON_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            return None, f"the lesson did not finish within {LESSON_TIMEOUT_S} s"
        if run.returncode != 0:
            return None, f"the lesson failed (exit code {run.returncode}):\n{run.stderr[-2000:]}"
        if not target.exists():
            return None, "the lesson ran but wrote no show() records"
        return json.loads(target.read_text()), ""


def lesson_records(
    records_dir: Path | None, names: Iterable[str], *, run: bool = False, workers: int = 4
) -> dict[str, Shown]:
    """Each lesson's show() records: from the suite's run when it recorded them, else (if
    ``run``) by running the lesson here, several at a time. A lesson whose file does not
    exist gets ``(None, "missing")``."""
    found: dict[str, Shown] = {}
    to_run = []
    for name in names:
        saved = records_dir / "lessons" / f"{name}.json" if records_dir else None
        if not lessons.path(name).exists():
            found[name] = (None, "missing")
        elif saved is not None and saved.exists():
            found[name] = (json.loads(saved.read_text()), "")
        elif run:
            to_run.append(name)
        else:
            found[name] = (None, "not run: the records hold no run of this lesson")
    if to_run:
        print(f"running {len(to_run)} lesson(s) for their measurements ...", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(to_run)))) as pool:
            for name, result in zip(to_run, pool.map(run_lesson, to_run), strict=True):
                found[name] = result
    return found


def tolerance_note(record: dict) -> tuple[str, bool | None, float]:
    """The harness tolerance a show() record is held to, whether it is within it, and the
    relative Δ by the component table's convention."""
    from twincore import harness

    dtype = str(record.get("torch_dtype", ""))
    diff, scale = record["max_abs_diff"], record.get("max_abs_value", 0.0)
    if re.match(r"^(u?int\d*|bool|int)$", dtype):
        return "exact", diff == 0, diff / scale if scale else diff
    precision = "float64" if dtype in ("float64", "float") else "float32"
    try:
        tol = harness.tolerance(precision, record.get("kind", "op"))
    except KeyError:
        return "?", None, diff / scale if scale else diff
    bound = tol.atol + tol.rtol * scale
    return f"{precision}/{tol.kind}", diff <= bound, diff / max(scale, tol.atol / tol.rtol)


def show_row(record: dict) -> dict:
    """One show() record as the lesson cell's table shows it."""
    tolerance, within, relative = tolerance_note(record)
    shape = "×".join(map(str, record.get("shape", []))) or "scalar"
    if record.get("parts", 1) > 1:
        shape = f"{record['parts']} values"
    return {
        "label": record["label"],
        "shape": shape,
        "torch_dtype": record.get("torch_dtype", ""),
        "jax_dtype": record.get("jax_dtype", ""),
        "max_abs_diff": record["max_abs_diff"],
        "relative": relative,
        "tolerance": tolerance,
        "within": within,  # None: no verdict (a tolerance kind the harness does not know)
    }
