"""What a recorded run of the parity suite measured, per component.

A run of the suite with ``--parity-records DIR`` (``jaxnn parity``; see
``twinlab.parity.suite``) leaves in ``DIR`` one :class:`~twincore.recording.Measurement`
per harness comparison (``measurements-*.jsonl``) and one :class:`Outcome` per test
(``outcomes-*.jsonl``), each naming the component its test module (or parameter)
declares with a ``component`` marker. :func:`load` groups them by component;
:func:`format_tables` prints, for each component, the worst forward, gradient and
curve difference between torch and JAX and whether all its tests passed.

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
notebook printed (``assert_twins_close``'s golden part, or a ``harness.printed``
tolerance) measure the notebook's rounding, not the frameworks, and are left out.

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

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twincore.recording import Measurement

CLASSES = ("forward", "gradient", "curve")
MODES = ("float64", "float32")

_CURVE_NAME = re.compile(r"curve|losses|\bsteps?\b|\bepochs?\b|trajector")
_GRADIENT_NAME = re.compile(r"(?i:grad)|(?:^|[\s(])d\w*/d\w|^d[a-z]?$|^d[ (]")


@dataclass(frozen=True)
class Component:
    """One row of the parity table, as a test module's ``component`` marker declares it.

    Attributes:
      name: the row's name (``"nn.Linear"``).
      torch: the torch API it twins.
      jaxnn: its jaxnn (or plain JAX) twin.
      lesson: the lesson that teaches it (one of ``jaxnn_examples.lessons.LESSONS``).
    """

    name: str
    torch: str
    jaxnn: str
    lesson: str

    @property
    def slug(self) -> str:
        """An HTML id made from the name."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass(frozen=True)
class Outcome:
    """One test's outcome in a recorded run, and the component it measures (None for a test
    of the tools themselves: the command line, the reports, the docs)."""

    test: str
    outcome: str  # passed, failed, error, skipped, xfailed, xpassed
    component: Component | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "outcome": self.outcome,
            "component": None if self.component is None else vars(self.component),
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Outcome:
        component = row.get("component")
        return cls(row["test"], row["outcome"], Component(**component) if component else None)


def classify(record: Measurement) -> str:
    """``"forward"``, ``"gradient"`` or ``"curve"`` for one measurement (see above)."""
    name = record.name
    if record.kind in ("curve", "metric", "member"):
        return "curve"
    if _GRADIENT_NAME.search(name):
        return "gradient"
    if _CURVE_NAME.search(name):
        return "curve"
    return "forward"


def relative(record: Measurement) -> float:
    """max |JAX − torch| / max(max |torch|, atol / rtol) of one comparison (see above)."""
    scale = record.scale
    if record.rtol > 0:
        scale = max(scale, record.atol / record.rtol)
    return record.max_abs / scale if scale > 0 else record.max_abs


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

    component: Component
    outcomes: Counter = field(default_factory=Counter)
    modules: list[str] = field(default_factory=list)  # its test files, in the order run
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
    """Every component's result, in the order the lessons teach them."""

    components: list[ComponentResult]
    outcomes: dict[str, str]  # test -> outcome
    measurements: int
    meta: dict
    declared: list[Component] = field(default_factory=list)  # every component collected

    @property
    def failed(self) -> int:
        return sum(1 for v in self.outcomes.values() if v in ("failed", "error"))

    def count(self, *outcomes: str) -> int:
        """How many tests ended in one of ``outcomes`` (``"passed"``, ``"skipped"``, ...)."""
        return sum(1 for v in self.outcomes.values() if v in outcomes)

    @property
    def not_run(self) -> list[Component]:
        """The components the suite declares whose tests this run left out (``-k``), in the
        lessons' order; empty when the records do not say what the suite declares."""
        ran = {r.component.name for r in self.components}
        return [c for c in self.declared if c.name not in ran]

    def of_lesson(self, lesson: str) -> list[ComponentResult]:
        """The components a lesson teaches, in table order."""
        return [r for r in self.components if r.component.lesson == lesson]


class RecordsError(ValueError):
    """A records directory that cannot be read: names the file and what is wrong with it."""


def _read_jsonl(paths: Iterable[Path], parse) -> list:
    rows = []
    for path in sorted(paths):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(parse(json.loads(line)))
            except (ValueError, TypeError, KeyError) as err:
                raise RecordsError(f"{path}:{number}: not a record ({err})") from None
    return rows


def load(records_dir: Path) -> Results:
    """Aggregates a records directory written by a recording run of the suite."""
    from jaxnn_examples.lessons import LESSONS

    records_dir = Path(records_dir)
    outcomes = _read_jsonl(records_dir.glob("outcomes-*.jsonl"), Outcome.from_json)
    measurements = _read_jsonl(records_dir.glob("measurements-*.jsonl"), Measurement.from_json)
    meta_path = records_dir / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}

    by_test = {o.test: o for o in outcomes}
    results: dict[str, ComponentResult] = {}
    for o in outcomes:
        if o.component is not None:
            result = results.setdefault(o.component.name, ComponentResult(o.component))
            result.outcomes[o.outcome] += 1
            module = o.test.split("::", 1)[0]
            if module not in result.modules:
                result.modules.append(module)
    for record in measurements:
        owner = by_test.get(record.test)
        if owner is None or owner.component is None:
            continue
        if record.role != "twin" or record.mode not in MODES:
            continue
        if not record.passed and owner.outcome == "passed":
            continue  # an expected failure: the test documents a difference
        key = (record.mode, classify(record))
        test = record.test.split("::", 1)[-1]
        worst = results[owner.component.name].worst.setdefault(key, Worst())
        worst.add(relative(record), f"{test}: {record.name}")
    lesson_order = {name: i for i, name in enumerate(LESSONS)}

    def order(c: Component) -> tuple[int, str]:
        return lesson_order.get(c.lesson, len(lesson_order)), c.name

    ordered = sorted(results.values(), key=lambda r: order(r.component))
    declared: dict[str, Component] = {}
    for path in sorted(records_dir.glob("components-*.json")):
        try:
            for fields in json.loads(path.read_text()):
                declared.setdefault(fields["name"], Component(**fields))
        except (ValueError, TypeError, KeyError) as err:
            raise RecordsError(f"{path}: not a list of components ({err})") from None
    return Results(
        ordered,
        {o.test: o.outcome for o in outcomes},
        len(measurements),
        meta,
        sorted(declared.values(), key=order),
    )


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
        rows64.append([c.name, _short(c.torch), _short(c.jaxnn), *d64, r.status])
        rows32.append([c.name, *d32, r.status])
    passed = results.count("passed")
    skipped = results.count("skipped", "xfailed")
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
        f"{len(results.outcomes)} tests: {passed} passed, {results.failed} failed, "
        f"{skipped} skipped; {results.measurements} comparisons recorded.",
    ]
    if results.not_run:
        parts.append(f"{len(results.not_run)} components not in this run (-k).")
    return "\n".join(parts)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
