"""``jaxnn parity``: runs the parity suite and prints what it measured, per component.

    python -m examples.parity [-k EXPR] [--html FILE] [--from-records DIR]

The suite runs with ``JAXNN_PARITY_RECORD`` set, so every harness comparison
records its measured difference for the running test (``parity_tests/harness.py``)
and every test its outcome (``parity_tests/conftest.py``), into
``build/parity/records/``. This module groups the records by component
(``parity_tests/components.py``) and prints, for each component, the worst
forward, gradient and curve difference between torch and JAX and whether all
its tests passed. ``--html FILE`` also writes the teaching report
(``examples/report.py``).

How a record is classified (the names tests give their comparisons, surveyed with
``grep -rn "name=" parity_tests``):

* **curve**: its tolerance kind is ``curve``, ``metric`` or ``member`` (a trajectory or the end
  of a training run), or its name speaks of steps over time: ``loss curve``,
  ``losses``, ``first 20 steps``, ``x after each step``, ``weights after 5 steps``,
  ``epoch 1``;
* **gradient**: otherwise, its name mentions a gradient: ``grad`` anywhere
  (``input grad``, ``x.grad``, ``parameter gradients``), a derivative ``dL/dw``,
  ``dz/dx``, ``d/da``, or a name that is ``d`` + one letter (``dx``, ``dw``) or
  starts with ``d `` / ``d(`` (``d mean``, ``d(std + var)``);
* **forward**: everything else (outputs, values, indices, state dicts).

Only JAX-vs-torch comparisons count ("twin" records). Checks against a value the
seed printed (``assert_twins_close``'s golden part, or a ``harness.printed``
tolerance) measure the seed's rounding, not the frameworks, and are left out.

A comparison that raised inside a test that passed was expected to (``pytest.raises``
around a documented difference, e.g. torch's std is unbiased and NumPy's is not) and
is left out too; in a failed test it is the discrepancy, and counts.

The Δ reported is relative: for each comparison, max |JAX − torch| over its
elements divided by max |torch| over them, and the worst over the component's
comparisons. Where all of torch's values lie below ``atol / rtol`` of the
comparison's tolerance (values that cancel to ~0, such as the means of
standardised features) the divisor is ``atol / rtol`` instead, as the harness
itself switches to the absolute tolerance there; so a passing comparison always
reads at most 2 x its ``rtol``. Element-wise relative differences are recorded
too, but they explode on such near-zero values. float64 and float32 are separate tables: float64
is the algorithm check (differences at ~1e-16 mean the same math), float32 is
what a user sees by default; one mixed figure would hide which is which.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import examples

ROOT = Path(examples.__file__).resolve().parent.parent
RECORDS = ROOT / "build" / "parity" / "records"
RECORD_ENV = "JAXNN_PARITY_RECORD"  # parity_tests.harness.RECORD_ENV (importing it loads JAX)
EXIT_USAGE = 2

CLASSES = ("forward", "gradient", "curve")
MODES = ("float64", "float32")

_CURVE_NAME = re.compile(r"curve|losses|\bsteps?\b|\bepochs?\b|trajector")
_GRADIENT_NAME = re.compile(r"(?i:grad)|(?:^|[\s(])d\w*/d\w|^d[a-z]?$|^d[ (]")


def classify(record: dict) -> str:
    """``"forward"``, ``"gradient"`` or ``"curve"`` for one measurement record (see above)."""
    name = record.get("name", "")
    if record.get("kind") in ("curve", "metric", "member"):
        return "curve"
    if _GRADIENT_NAME.search(name):
        return "gradient"
    if _CURVE_NAME.search(name):
        return "curve"
    return "forward"


def relative(record: dict) -> float:
    """max |JAX − torch| / max(max |torch|, atol / rtol) of one comparison (see above)."""
    scale = record.get("scale", 0.0)
    rtol, atol = record.get("rtol", 0.0), record.get("atol", 0.0)
    if rtol > 0:
        scale = max(scale, atol / rtol)
    return record["max_abs"] / scale if scale > 0 else record["max_abs"]


@dataclass
class Worst:
    """The largest relative Δ of one class in one mode, and where it was measured."""

    value: float = -1.0
    where: str = ""
    count: int = 0

    def add(self, value: float, where: str) -> None:
        self.count += 1
        if value > self.value or math.isnan(value):
            self.value, self.where = value, where


@dataclass
class ComponentResult:
    """What the records say about one component."""

    component: object  # parity_tests.components.Component
    outcomes: Counter = field(default_factory=Counter)
    worst: dict[tuple[str, str], Worst] = field(default_factory=dict)  # (mode, class)

    @property
    def tests(self) -> int:
        return sum(self.outcomes.values())

    @property
    def failed(self) -> int:
        return self.outcomes["failed"] + self.outcomes["error"]

    @property
    def status(self) -> str:
        if not self.tests:
            return "not run"
        if self.failed:
            return f"FAIL ({self.failed} of {self.tests})"
        skipped = self.outcomes["skipped"] + self.outcomes["xfailed"]
        return f"pass ({skipped} skipped)" if skipped else "pass"

    def delta(self, mode: str, cls: str) -> Worst | None:
        return self.worst.get((mode, cls))


@dataclass
class Results:
    """Every component's result, plus the records that belong to no component."""

    components: list[ComponentResult]
    outcomes: dict[str, str]
    measurements: int
    unassigned: Counter  # test module -> tests run that no component claims
    meta: dict

    @property
    def failed(self) -> int:
        return sum(1 for v in self.outcomes.values() if v in ("failed", "error"))


def _read_jsonl(paths: Iterable[Path]) -> list[dict]:
    rows = []
    for path in sorted(paths):
        rows.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return rows


def load(records_dir: Path) -> Results:
    """Aggregates a records directory written by a recording pytest run."""
    from parity_tests import components as registry

    records_dir = Path(records_dir)
    outcomes: dict[str, str] = {}
    for row in _read_jsonl(records_dir.glob("outcomes-*.jsonl")):
        outcomes[row["nodeid"]] = row["outcome"]
    measurements = _read_jsonl(records_dir.glob("measurements-*.jsonl"))
    meta_path = records_dir / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}

    owner = registry.by_module()
    results = {c.name: ComponentResult(c) for c in registry.COMPONENTS}
    unassigned: Counter = Counter()
    for nodeid, outcome in outcomes.items():
        module = registry.module_of(nodeid)
        if module in owner:
            results[owner[module].name].outcomes[outcome] += 1
        elif module not in registry.INFRASTRUCTURE:
            unassigned[module or nodeid] += 1
    for record in measurements:
        module = registry.module_of(record["nodeid"])
        if module not in owner or record.get("role") != "twin" or record["mode"] not in MODES:
            continue
        if not record.get("passed", True) and outcomes.get(record["nodeid"]) == "passed":
            continue  # an expected failure: the test documents a difference
        result = results[owner[module].name]
        key = (record["mode"], classify(record))
        test = record["nodeid"].split("::", 1)[-1]
        result.worst.setdefault(key, Worst()).add(relative(record), f"{test}: {record['name']}")
    return Results(list(results.values()), outcomes, len(measurements), unassigned, meta)


def format_delta(worst: Worst | None) -> str:
    """A relative Δ for the table: ``—`` when nothing of that class was compared."""
    if worst is None or not worst.count:
        return "—"
    if worst.value == 0:
        return "0"
    return f"{worst.value:.1e}"


def _table(header: Sequence[str], rows: list[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]).rstrip()


def format_tables(results: Results) -> str:
    """The terminal report: the float64 table with every column, then float32's Δ."""
    head64 = [
        "component",
        "torch API",
        "jaxnn API",
        "forward Δ",
        "gradient Δ",
        "curve Δ",
        "status",
    ]
    rows64, rows32 = [], []
    for r in results.components:
        c = r.component
        d64 = [format_delta(r.delta("float64", k)) for k in CLASSES]
        d32 = [format_delta(r.delta("float32", k)) for k in CLASSES]
        rows64.append([c.name, _short(c.torch_api), _short(c.jaxnn_api), *d64, r.status])
        rows32.append([c.name, *d32, r.status])
    passed = sum(1 for v in results.outcomes.values() if v == "passed")
    parts = [
        "Relative Δ = max |JAX − torch| / max |torch| per compared tensor (divided by "
        "atol/rtol instead where torch's values are all below it, as the harness's tolerance "
        "is absolute there); the worst of a component's comparisons; '—': none of that kind.",
        "",
        "float64 (the algorithm check: ~1e-16 means the same math)",
        _table(head64, rows64),
        "",
        "float32 (the frameworks' default precision)",
        _table(["component", "forward Δ", "gradient Δ", "curve Δ", "status"], rows32),
        "",
        f"{len(results.outcomes)} tests: {passed} passed, {results.failed} failed; "
        f"{results.measurements} comparisons recorded.",
    ]
    if results.unassigned:
        modules = ", ".join(sorted(results.unassigned))
        parts.append(f"Tests in no component (add them to parity_tests/components.py): {modules}")
    return "\n".join(parts)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``jaxnn parity`` options."""
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the HTML report to FILE"
    )
    parser.add_argument(
        "-k", dest="keyword", metavar="EXPR", help="only tests matching EXPR (pytest's -k)"
    )
    parser.add_argument(
        "--from-records",
        type=Path,
        metavar="DIR",
        help="render a previous run's records from DIR instead of running pytest",
    )


def _checkout_error() -> str | None:
    tests = ROOT / "parity_tests"
    if (tests / "harness.py").is_file() and (tests / "components.py").is_file():
        return None
    return (
        f"jaxnn parity needs a source checkout: {tests} not found (the parity suite is not "
        "installed with the package; clone the repository and pip install -e it)"
    )


def collect_meta(command: Sequence[str], exit_code: int | None) -> dict:
    """Date, library versions and device of this machine, for the report's header."""
    import datetime
    import importlib.metadata
    import platform

    versions = {}
    for package in ("jax", "jaxlib", "flax", "optax", "torch", "numpy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    device = f"{cpu}, {os.cpu_count()} cores"
    try:
        import jax

        device = f"JAX {jax.default_backend()} ({jax.devices()[0].device_kind}); {device}"
    except Exception:  # noqa: BLE001 - a header line must not stop the report
        pass
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device,
        "command": " ".join(command),
        "exit_code": exit_code,
    }


def run_pytest(records_dir: Path, keyword: str | None = None) -> tuple[int, list[str]]:
    """Runs the suite with recording on, streaming its progress; returns (exit code, argv)."""
    if records_dir.exists():
        shutil.rmtree(records_dir)
    records_dir.mkdir(parents=True)
    command = [sys.executable, "-m", "pytest", str(ROOT / "parity_tests")]
    command += ["-n", "auto", "--maxprocesses", "4", "-q"]
    if keyword:
        command += ["-k", keyword]
    env = dict(os.environ, **{RECORD_ENV: str(records_dir)})
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env=env), command


def main(args: argparse.Namespace) -> int:
    """Runs (or re-reads) the suite, prints the component tables; returns pytest's exit code."""
    error = _checkout_error()
    if error:
        print(f"jaxnn: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if str(ROOT) not in sys.path:  # `jaxnn parity` from another directory: parity_tests/
        sys.path.insert(0, str(ROOT))
    if args.from_records is not None:
        records_dir = args.from_records
        if not records_dir.is_dir() or not any(records_dir.glob("outcomes-*.jsonl")):
            print(
                f"jaxnn: error: --from-records {records_dir}: no outcomes-*.jsonl records there "
                "(written by a `jaxnn parity` run)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        results = load(records_dir)
        exit_code = 1 if results.failed else 0
    else:
        records_dir = RECORDS
        exit_code, command = run_pytest(records_dir, args.keyword)
        from jaxnn.atomic import atomic_write

        meta = collect_meta(command, exit_code)
        atomic_write(records_dir / "meta.json", json.dumps(meta, indent=1) + "\n")
        results = load(records_dir)
    print()
    print(format_tables(results))
    if args.html is not None:
        from examples import report

        path = report.write(args.html, results, records_dir)
        print(f"\nwrote {path}")
    return exit_code


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(
        prog="python -m examples.parity",
        description="Runs the parity suite and prints its measured differences per component.",
    )
    add_arguments(_parser)
    sys.exit(main(_parser.parse_args()))
